"""Topics as ActivityPub actors: their keys, the remote actors that follow them, the
deliveries waiting for a remote inbox."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from glaneur.curation.models import Topic


class ActorKey(models.Model):
    """A topic's RSA key pair, made when first needed; the private half never leaves the
    database (no export, no admin, no API)."""

    topic = models.OneToOneField(Topic, on_delete=models.CASCADE, related_name="actor_key")
    private_pem = models.TextField()
    public_pem = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"key of {self.topic_id}"


class RemoteActor(models.Model):
    """A remote actor we heard from: its key (cached) and its inboxes."""

    uri = models.URLField(max_length=2000, unique=True)
    key_id = models.URLField(max_length=2000, db_index=True)
    public_pem = models.TextField()
    inbox = models.URLField(max_length=2000)
    shared_inbox = models.URLField(max_length=2000, blank=True)
    username = models.CharField(max_length=200, blank=True)
    domain = models.CharField(max_length=255, db_index=True)
    fetched_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"@{self.username}@{self.domain}" if self.username else self.uri

    @property
    def delivery_inbox(self) -> str:
        return self.shared_inbox or self.inbox


class Follower(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="remote_followers")
    actor = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="follows")
    follow_id = models.URLField(_("follow activity"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "actor"], name="federation_one_follow")
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} follows {self.topic_id}"


class BlockedDomain(models.Model):
    """A domain a topic's managers blocked: its followers are removed, its follows refused."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="blocked_domains")
    domain = models.CharField(_("domain"), max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "domain"], name="federation_one_block")
        ]

    def __str__(self) -> str:
        return self.domain


class Delivery(models.Model):
    """One activity for one inbox (a shared inbox stands for all its followers), until it is
    accepted, or the inbox has failed for a week."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="deliveries")
    inbox = models.URLField(max_length=2000)
    activity = models.JSONField()
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    first_failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["next_attempt_at"], name="federation_due")]

    def __str__(self) -> str:
        return f"{self.activity.get('type')} to {self.inbox}"


class FederatedPost(models.Model):
    """A post sent out as a Create: later edits go as Update (when the Note changed), its
    removal or unpublishing as Delete. Not a foreign key: it outlives the post."""

    post_id = models.PositiveBigIntegerField(unique=True)
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="federated_posts")
    note_id = models.URLField(max_length=2000)
    fingerprint = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.note_id
