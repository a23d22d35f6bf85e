from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Organisation, OrganisationMember


class BrandingForm(forms.ModelForm[Organisation]):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "description",
            "logo_url",
            "primary_colour",
            "accent_colour",
            "footer_text",
        ]
        widgets = {
            "primary_colour": forms.TextInput(attrs={"pattern": "#[0-9a-fA-F]{6}"}),
            "accent_colour": forms.TextInput(attrs={"pattern": "#[0-9a-fA-F]{6}"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "footer_text": forms.Textarea(attrs={"rows": 2}),
        }


class MemberForm(forms.Form):
    username = forms.CharField(
        label=pgettext_lazy("organisation", "Username or e-mail address"), max_length=254
    )
    role = forms.ChoiceField(
        label=pgettext_lazy("organisation", "Role"), choices=OrganisationMember.Role.choices
    )


class DomainForm(forms.Form):
    host = forms.CharField(
        label=pgettext_lazy("organisation", "Domain"),
        max_length=253,
        help_text=_("e.g. veille.example.org"),
    )


class NewOrganisationForm(forms.ModelForm[Organisation]):
    class Meta:
        model = Organisation
        fields = ["name", "slug", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"slug": _("The end of its address, /o/…/: letters, digits, hyphens.")}

    def clean_slug(self) -> str:
        slug = str(self.cleaned_data["slug"])
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This address is reserved."))
        return slug


RESERVED_SLUGS = frozenset({"new"})
