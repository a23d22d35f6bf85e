"""Actors (people, organisations), their mentions in posts, the quotes they said, the
analysis done on each post and the corrections curators made to it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from glaneur.curation.models import Post, Topic


class Actor(models.Model):
    """A person or an organisation, one across posts and topics (merged on ``key``: accents,
    case and hyphens do not count)."""

    class Kind(models.TextChoices):
        PERSON = "PER", _("Person")
        ORGANISATION = "ORG", _("Organisation")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    kind = models.CharField(_("kind"), max_length=3, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enrich:actor", kwargs={"slug": self.slug})


class ActorAlias(models.Model):
    """A key that names the actor: its own, its variants, and the keys merged into it by a
    curator (an alias stays merged for the next analyses)."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    key = models.CharField(max_length=200, unique=True)
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"{self.key} -> {self.actor_id}"


class Analysis(models.Model):
    """Which version of the analyser read which text of a post, and when."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="analysis")
    version = models.PositiveIntegerField()
    text_hash = models.CharField(max_length=64)
    analysed_at = models.DateTimeField(default=timezone.now)
    # The post's nouns, proper nouns and adjectives (lower case; analysis/lexicon.py):
    # tag suggestions keep only these among the post's frequent words.
    keywords = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [models.Index(fields=["version"], name="enrich_analysis_version")]

    def __str__(self) -> str:
        return f"{self.post_id} v{self.version}"


class Mention(models.Model):
    """An actor named in a post, with the role and organisation the post gives them (the
    same person keeps both of two roles, each dated by its post)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="mentions")
    role = models.CharField(_("role"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    count = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "actor"], name="enrich_mention_unique")
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} in {self.post_id}"


class Quote(models.Model):
    """A reported-speech passage of a post, with its offsets in the field it is in."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="quotes")
    speaker = models.ForeignKey(
        Actor, on_delete=models.SET_NULL, null=True, blank=True, related_name="quotes"
    )
    field = models.CharField(max_length=20)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField(_("quote"))
    how = models.CharField(max_length=10, blank=True)  # how the speaker was found
    corrected = models.BooleanField(default=False)

    class Meta:
        ordering = ["post", "field", "start"]
        indexes = [models.Index(fields=["speaker", "post"], name="enrich_quote_speaker")]

    def __str__(self) -> str:
        return self.text[:60]


class Correction(models.Model):
    """What a curator changed in an analysis: kept and applied again when the post is
    analysed again, and (merges) to the next analyses of the topic."""

    class Kind(models.TextChoices):
        SPEAKER = "speaker", _("Speaker fixed")
        DROP_QUOTE = "drop_quote", _("Quote dropped")
        DROP_ACTOR = "drop_actor", _("Actor dropped")
        MERGE = "merge", _("Actors merged")
        SPLIT = "split", _("Actor split")

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="enrich_corrections")
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="enrich_corrections"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # What the correction is about: the quote's text, or an actor's key…
    subject = models.TextField()
    # …and what it becomes: the key of the right actor (speaker, merge, split), or "".
    target = models.CharField(max_length=200, blank=True)
    target_name = models.CharField(max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.subject[:40]}"
