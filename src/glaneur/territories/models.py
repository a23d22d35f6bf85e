"""The places of each post: found in its text by the ``places`` step, or set by a curator."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from glaneur.curation.models import Post


class PostPlace(models.Model):
    """A commune, department or region a post names. A curator's correction is kept: an
    added place (``source`` person) and a dropped one (``removed``) survive new analyses."""

    class Kind(models.TextChoices):
        COMMUNE = "commune", _("commune")
        DEPARTMENT = "department", _("department")
        REGION = "region", _("region")

    class Source(models.TextChoices):
        TEXT = "text", _("found in the text")
        PERSON = "person", _("set by a curator")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="places")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    code = models.CharField(max_length=5)  # INSEE code of the commune, department or region
    name = models.CharField(max_length=200)
    department = models.CharField(max_length=3, blank=True)  # a commune's or department's
    region = models.CharField(max_length=3, blank=True)
    # Where to draw it: a commune's centroid, a department's mean point (none for a region).
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    # How much the post is about the place: 1 per mention in the story, 0.5 in the name of
    # an organisation ("Mission locale de Poitiers").
    weight = models.FloatField(default=0)
    mentions = models.PositiveIntegerField(default=0)
    in_story = models.BooleanField(default=False)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.TEXT)
    removed = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "kind", "code"], name="postplace_unique")
        ]
        indexes = [
            models.Index(fields=["kind", "code"], name="postplace_kind_code"),
            models.Index(fields=["department"], name="postplace_department"),
            models.Index(fields=["region"], name="postplace_region"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id}:{self.kind}:{self.code}"


class LocatedPost(models.Model):
    """What text the places of a post were found in, by which version of the finder: the
    step skips a post whose text did not change."""

    post = models.OneToOneField(
        Post, on_delete=models.CASCADE, primary_key=True, related_name="location"
    )
    text_hash = models.CharField(max_length=64)
    version = models.PositiveIntegerField()
    located_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.post_id} v{self.version}"


class PlaceLookup(models.Model):
    """A place a curator typed on the edit page, waiting for the worker (which loads the
    gazetteer) to find it; kept with the reason when it names no single place."""

    class State(models.TextChoices):
        PENDING = "pending", _("looking it up")
        FAILED = "failed", _("not found")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="place_lookups")
    text = models.CharField(max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.post_id}:{self.text}"
