"""Readers: profiles, follows, comments, follower digests and topic newsletters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from glaneur.curation.models import Post, Topic


class Language(models.TextChoices):
    FR = "fr", _("French")
    EN = "en", _("English")


class Profile(models.Model):
    """What a reader tells about themselves; the display name stays ``User.first_name``,
    which every page already shows."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    bio = models.TextField(_("short bio"), max_length=500, blank=True)
    language = models.CharField(
        _("language of e-mails"), max_length=8, choices=Language.choices, default=Language.FR
    )

    def __str__(self) -> str:
        return f"profile of {self.user_id}"


class DigestFrequency(models.TextChoices):
    OFF = "off", _("No e-mail")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class Follow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)
    digest = models.CharField(
        _("e-mail digest"),
        max_length=8,
        choices=DigestFrequency.choices,
        default=DigestFrequency.DAILY,
    )
    # High-water mark: posts curated up to this instant were in a digest (or predate the
    # follow). Moved forward in the transaction that records the digest.
    digested_until = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="follow_unique")]
        indexes = [models.Index(fields=["digest", "digested_until"], name="follow_digest_due")]

    def __str__(self) -> str:
        return f"{self.user} → {self.topic}"


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    # Name shown when the author has no account here (imported comments).
    author_name = models.CharField(max_length=200, blank=True)
    text = models.TextField(_("comment"), max_length=5000)
    is_curator_insight = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    hidden = models.BooleanField(default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    import_key = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["post", "created_at"], name="comment_post_created")]

    def __str__(self) -> str:
        return f"{self.display_name}: {self.text[:40]}"

    @property
    def display_name(self) -> str:
        if self.author is not None:
            return self.author.get_full_name() or self.author.get_username()
        return self.author_name or str(_("deleted account"))


class SendStatus(models.TextChoices):
    """Life of one outgoing message: claimed (SENDING) before SMTP, SENT after it accepted."""

    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    BOUNCED = "bounced", _("Bounced")


class Digest(models.Model):
    """One digest message to one follower: its claim, its content and its outcome."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    email = models.EmailField()
    # [[topic id, [post ids], posts left out], …]: enough to render it again on resume.
    sections = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=8, choices=SendStatus.choices, default=SendStatus.SENDING)
    claimed_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "claimed_at"], name="digest_status_claimed")]

    def __str__(self) -> str:
        return f"digest {self.pk} to {self.email} ({self.status})"


class Subscriber(models.Model):
    """Someone who receives a topic's newsletter, with or without an account."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        ACTIVE = "active", _("Subscribed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BOUNCED = "bounced", _("Address bounced")

    class Source(models.TextChoices):
        FORM = "form", _("Topic page")
        EMBED = "embed", _("Embedded form")
        IMPORT = "import", _("Import")

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="subscribers")
    email = models.EmailField(_("e-mail address"))  # stored lower-cased
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.FR
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    created_at = models.DateTimeField(_("subscribed"), default=timezone.now)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "email"], name="subscriber_unique_email")
        ]
        indexes = [models.Index(fields=["topic", "status"], name="subscriber_topic_status")]

    def __str__(self) -> str:
        return f"{self.email} ({self.status})"


class Issue(models.Model):
    """One newsletter issue: an introduction and a selection of posts, sent once."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="newsletter_issues")
    subject = models.CharField(_("subject"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True, help_text=_("Markdown"))
    introduction_html = models.TextField(blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)
    # A transient SMTP failure pauses the send until then.
    retry_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["topic", "status", "-sent_at"], name="issue_archive"),
            models.Index(fields=["status", "send_at"], name="issue_due"),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("audience:issue", kwargs={"slug": self.topic.slug, "issue_id": self.pk})


class IssueItem(models.Model):
    """A post as it stood when the issue was composed; the archive shows this copy even
    if the post is edited or deleted later."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="items")
    post = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=500)
    url = models.URLField(max_length=2000, blank=True)
    site_name = models.CharField(max_length=200, blank=True)
    insight_html = models.TextField(blank=True)
    insight_text = models.TextField(blank=True)
    post_path = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One issue to one subscriber. Claimed (SENDING) in its own transaction before the
    SMTP conversation and marked SENT right after it, so a resumed send skips it."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    email = models.EmailField()
    status = models.CharField(max_length=8, choices=SendStatus.choices, default=SendStatus.PENDING)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="delivery_unique")
        ]
        indexes = [models.Index(fields=["issue", "status"], name="delivery_issue_status")]

    def __str__(self) -> str:
        return f"{self.issue_id} → {self.email} ({self.status})"
