from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Post, Topic
from .posts import EDITABLE_FIELDS


class TopicForm(forms.ModelForm[Topic]):
    class Meta:
        model = Topic
        fields = ["title", "description", "language", "visibility", "tag_vocabulary"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "tag_vocabulary": forms.Textarea(attrs={"rows": 6}),
        }


class PostForm(forms.ModelForm[Post]):
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty to publish now."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separated by commas."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = Post
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6}),
            "insight": forms.Textarea(attrs={"rows": 5}),
            "source_published_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }
        labels = {"insight": _("Your insight")}

    def __init__(self, *args: Any, can_pin: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_pin:
            # Pinning is for the topic's owner and editors (access.py); the service ignores
            # anyone else's "pinned" too.
            del self.fields["pinned"]
        if self.instance.pk:
            self.fields["tags"].initial = ", ".join(t.name for t in self.instance.tags.all())
            # Each field carries the value the person saw: what they did not change is not
            # written back, so a fetch or another curator saving meanwhile is not undone.
            for name, field in self.fields.items():
                field.show_hidden_initial = True
                if field.help_text:
                    # Set on the widget, Django leaves it off the hidden copy of the initial
                    # value, where the Nu checker forbids aria-* attributes.
                    field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}_helptext"

    def edited(self) -> list[str]:
        """Names of the fields the person changed (against what the form showed them)."""
        changed = list(self.changed_data)
        # A client that sends no shown values (not this form's page) changes what it sends.
        changed += [
            name
            for name in self.fields
            if name not in changed
            and name in self.data
            and self.add_initial_prefix(name) not in self.data
        ]
        if self.picked_tags() and "tags" not in changed:
            changed.append("tags")
        if "image_choice" in self.data and "image_url" not in changed:
            shown = self.data.get(self.add_initial_prefix("image_url"), self.initial["image_url"])
            if self.cleaned_data.get("image_url", "") != shown:
                changed.append("image_url")
        return changed

    def picked_tags(self) -> list[str]:
        """The suggested tags the curator ticked (``add_tags``, search's suggestions)."""
        getlist = getattr(self.data, "getlist", None)
        return [t.strip() for t in (getlist("add_tags") if getlist else []) if t.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if picked := self.picked_tags():
            data["tags"] = ", ".join(filter(None, [data.get("tags", ""), *picked]))
        # The image picker's radios name one of the candidates the fetch found.
        choice = self.data.get("image_choice", "")
        if choice == "none":
            data["image_url"] = ""
        elif choice and choice in (self.instance.image_candidates or []):
            data["image_url"] = choice
        return data


class RescoopForm(forms.Form):
    topic = forms.ModelChoiceField(queryset=Topic.objects.none(), label=_("Into topic"))
    insight = forms.CharField(
        label=_("Your insight"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, topics: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics  # type: ignore[attr-defined]


class ScoopForm(forms.Form):
    topic = forms.ModelChoiceField(queryset=Topic.objects.none(), label=_("Topic"))
    url = forms.URLField(label=_("Web address"), max_length=2000, assume_scheme="https")
    title = forms.CharField(label=_("Title"), required=False, max_length=500)
    insight = forms.CharField(
        label=_("Your insight"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown."),
    )
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by commas."))
    capture = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, topics: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics  # type: ignore[attr-defined]
