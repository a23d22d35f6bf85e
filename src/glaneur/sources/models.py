"""The sources a topic watches (feeds, pages, keywords), their polling state, the
engine's settings per topic, the candidates found and visitors' suggestions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from glaneur.curation.models import Topic


class Source(models.Model):
    class Kind(models.TextChoices):
        FEED = "feed", _("Feed")
        PAGE = "page", _("Web page")
        KEYWORD = "keyword", _("Keyword")

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FEED)
    url = models.URLField(max_length=2000, blank=True)
    query = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=300, blank=True)
    # A page's own feed, found by autodiscovery (<link rel="alternate">): polled instead.
    feed_url = models.URLField(max_length=2000, blank=True)
    # Polling state: a worker claims a due source by moving next_poll_at forward
    # (claimed_until), so one worker polls a source at a time.
    last_polled_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(default=timezone.now, db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    interval_seconds = models.PositiveIntegerField(default=3600)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    retry_after_until = models.DateTimeField(null=True, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    items_found = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "kind", "url", "query"], name="source_unique_per_topic"
            )
        ]

    def __str__(self) -> str:
        return self.title or self.url or self.query

    @property
    def in_error(self) -> bool:
        return self.error_count > 0


class EngineSettings(models.Model):
    """Per-topic settings of the suggestions engine."""

    topic = models.OneToOneField(Topic, on_delete=models.CASCADE, related_name="engine")
    enabled = models.BooleanField(default=True)
    keywords = models.TextField(blank=True)
    min_score = models.FloatField(default=0.0)
    freshness_days = models.PositiveIntegerField(default=14)
    # Scoop.it shows "Suggest" on every public topic; an owner may turn it off.
    visitor_suggestions = models.BooleanField(default=True)
    # Filters, as Scoop.it's engine has them: one domain or word per line.
    included_domains = models.TextField(blank=True)
    excluded_domains = models.TextField(blank=True)
    all_words = models.TextField(blank=True)
    any_words = models.TextField(blank=True)
    none_words = models.TextField(blank=True)
    max_age_days = models.PositiveIntegerField(default=30)
    sort = models.CharField(
        max_length=10,
        choices=[("relevance", _("Relevance")), ("freshness", _("Freshness"))],
        default="relevance",
    )
    # The curators' feedback (scoop +, discard -): a weight per analysed word.
    word_weights = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"engine of {self.topic_id}"


class Candidate(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        SEEN = "seen", _("Seen")
        SCOOPED = "scooped", _("Scooped")
        DISCARDED = "discarded", _("Discarded")

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="candidates")
    url = models.URLField(max_length=2000)
    url_key = models.CharField(max_length=2000)
    title = models.CharField(max_length=500, blank=True)
    summary = models.TextField(blank=True)
    image_url = models.URLField(max_length=2000, blank=True)
    sources = models.ManyToManyField(Source, related_name="candidates", blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    found_at = models.DateTimeField(default=timezone.now)
    simhash = models.BigIntegerField(default=0)
    # Near-duplicates share the group of the first candidate seen (its id).
    group = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    score = models.FloatField(default=0.0)
    matched_words = models.JSONField(default=list, blank=True)
    # Set when a visitor suggested this link (the inbox says by whom).
    suggestion = models.OneToOneField(
        "Suggestion", null=True, blank=True, on_delete=models.SET_NULL, related_name="candidate"
    )
    # The post made from it when scooped.
    post = models.ForeignKey(
        "curation.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "url_key"], name="candidate_unique_url")
        ]
        indexes = [models.Index(fields=["topic", "status", "-score"])]

    def __str__(self) -> str:
        return self.title or self.url


class Suggestion(models.Model):
    """A link a visitor suggests to a topic's curators."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="suggestions")
    url = models.URLField(max_length=2000)
    comment = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    # An anonymous visitor may leave a name and an address to hear back.
    name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    reason = models.TextField(blank=True)  # why it was refused, shown to the suggester
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    seen_by_author = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.url
