from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .errors import ImportFailed
from .importers import ImportFormat
from .services import check_size


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"))
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("Guess from the content")), *ImportFormat.choices],
        required=False,
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size or 0)
        except ImportFailed as exc:
            raise forms.ValidationError(exc.reason) from exc
        return upload
