"""Forms of the inbox and of visitors' suggestions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ScoopForm(forms.Form):
    insight = forms.CharField(
        label=_("Your insight"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Markdown."),
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=500, help_text=_("Separated by commas.")
    )


class DiscardForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown to who suggested it)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SuggestForm(forms.Form):
    url = forms.URLField(label=_("Web address"), max_length=2000, assume_scheme="https")
    comment = forms.CharField(
        label=_("Why this page? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=100)
    # A field people do not see: a robot that fills it is thanked and ignored.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def __init__(self, *args: object, signed_in: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if signed_in:
            del self.fields["name"]

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))
