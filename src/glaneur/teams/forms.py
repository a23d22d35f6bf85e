from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from glaneur.curation.models import Membership


class InviteForm(forms.Form):
    who = forms.CharField(
        label=_("Username or e-mail address"),
        max_length=254,
        help_text=_("An account joins at once; another address gets an invitation by mail."),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.CONTRIBUTOR
    )


class SendBackForm(forms.Form):
    note = forms.CharField(
        label=_("What should change"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
