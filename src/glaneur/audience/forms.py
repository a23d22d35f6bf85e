"""Forms of the audience pages; the rules stay in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from glaneur.curation.models import Post

from .models import DigestFrequency, Language


class SignupExtraForm(forms.Form):
    """Added to allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS); allauth itself copies
    ``first_name`` onto the new user."""

    first_name = forms.CharField(
        label=_("Display name"),
        max_length=150,
        required=False,
        help_text=_("Shown beside your posts and comments; your user name otherwise."),
    )

    def signup(self, request: HttpRequest, user: Any) -> None:
        """allauth calls this after saving the user; nothing more to store."""


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=150, required=False)
    bio = forms.CharField(
        label=_("Short bio"), max_length=500, required=False, widget=forms.Textarea({"rows": 4})
    )
    language = forms.ChoiceField(label=_("Language of e-mails"), choices=Language.choices)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput({"autocomplete": "current-password"})
    )
    credit_posts_to_owner = forms.BooleanField(
        label=_("Credit my published posts to each topic's owner"),
        required=False,
        help_text=_("Otherwise they stay, shown as curated by a deleted account."),
    )
    delete_orphan_topics = forms.BooleanField(
        label=_("Delete the topics listed above, with all their posts"), required=False
    )


class DigestForm(forms.Form):
    """One frequency per followed topic (fields named ``digest-<topic id>``)."""

    def __init__(self, *args: Any, follows: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.follows = follows
        for follow in follows:
            self.fields[f"digest-{follow.topic_id}"] = forms.ChoiceField(
                label=follow.topic.title,
                choices=DigestFrequency.choices,
                initial=follow.digest,
            )

    def rows(self) -> list[tuple[Any, forms.BoundField]]:
        return [(f, self[f"digest-{f.topic_id}"]) for f in self.follows]


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput({"autocomplete": "email", "placeholder": _("name@example.org")}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: email, consent (yes/no), and optionally name, language (fr/en), "
            "consent_at. Rows without consent are refused; nothing is imported if a row "
            "is wrong."
        ),
    )

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        raw = upload.read()
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return str(raw.decode(encoding))
            except UnicodeDecodeError:
                continue
        raise forms.ValidationError(_("The file is not readable text (UTF-8 expected)."))


class PostChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.title)


class ComposeForm(forms.Form):
    ACTIONS = ("draft", "send", "schedule")

    subject = forms.CharField(label=_("Subject"), max_length=200)
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea({"rows": 6}),
        help_text=_("Markdown"),
    )
    posts = PostChoiceField(
        label=_("Posts"),
        queryset=Post.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    send_at = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        widget=forms.DateTimeInput({"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args: Any, posts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["posts"]
        if isinstance(field, PostChoiceField):
            field.queryset = posts
