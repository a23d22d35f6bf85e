"""Forms of the sources page: add a source, import OPML, the engine's settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import opml
from .models import EngineSettings
from .services import MAX_AGE_DAYS

AUTO = ""


class AddSourceForm(forms.Form):
    address = forms.CharField(
        label=_("Feed, web page or keyword"),
        max_length=2000,
        help_text=_(
            "A web address (a feed, or a page: its feed is found if it has one) or words "
            "to watch in everything the site polls."
        ),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[
            (AUTO, _("Guess")),
            ("feed", _("Feed")),
            ("page", _("Web page")),
            ("keyword", _("Keyword")),
        ],
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("OPML file"),
        help_text=_("Exported by a feed reader; categories are flattened."),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > opml.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large (at most %(mb)d MB).") % {"mb": opml.MAX_BYTES // 2**20}
            )
        return bytes(upload.read())


def _lines(label: Any, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=10_000,
        help_text=help_text or _("One a line."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EngineForm(forms.Form):
    keywords = _lines(_("Keywords of the topic"), _("One a line; they weigh in the ranking."))
    included_domains = _lines(
        _("Only these sites"), _("Domain names, one a line (empty: every site).")
    )
    excluded_domains = _lines(_("Never these sites"), _("Domain names, one a line."))
    all_words = _lines(_("Items must contain all these words"))
    any_words = _lines(_("Items must contain at least one of these words"))
    none_words = _lines(_("Items must contain none of these words"))
    max_age_days = forms.IntegerField(
        label=_("Maximum age of items (days)"), min_value=1, max_value=MAX_AGE_DAYS
    )
    sort = forms.ChoiceField(
        label=_("Sort suggestions by"),
        choices=[("relevance", _("Relevance")), ("freshness", _("Freshness"))],
    )
    visitor_suggestions = forms.BooleanField(
        label=_("Visitors may suggest pages"),
        required=False,
        help_text=_("On public topics. Only the owner and editors change this."),
    )

    def __init__(self, *args: Any, engine: EngineSettings, may_manage: bool, **kwargs: Any):
        initial = {name: getattr(engine, name) for name in self.base_fields}
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        if not may_manage:
            # A disabled field keeps its initial value whatever is posted.
            self.fields["visitor_suggestions"].disabled = True
