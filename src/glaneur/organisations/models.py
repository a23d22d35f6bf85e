"""Organisations (an observatory: topics, members, branding) and their custom domains."""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from glaneur.curation.models import Topic

from .colours import validate_colour

HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


def validate_https_url(value: str) -> None:
    """Logos are hot-linked like post images (the CSP allows https: images): https only."""
    URLValidator(schemes=["https"], message=_("Give an https:// address."))(value)


def normalise_host(value: str) -> str:
    """The host in lower-case ASCII (IDNA), without a trailing dot; ValidationError if it
    is not a domain name of two labels or more (no address, no port)."""
    host = value.strip().rstrip(".").lower()
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValidationError(_("%(host)s is not a domain name.") % {"host": value}) from None
    labels = host.split(".")
    if (
        len(host) > 253
        or len(labels) < 2
        or not all(HOST_LABEL.fullmatch(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValidationError(_("%(host)s is not a domain name.") % {"host": value})
    return host


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Organisation(models.Model):
    slug = models.SlugField(gettext_lazy("slug"), max_length=100, unique=True)
    name = models.CharField(gettext_lazy("name"), max_length=200)
    description = models.TextField(gettext_lazy("description"), blank=True)
    logo_url = models.URLField(
        gettext_lazy("logo address"),
        max_length=2000,
        blank=True,
        validators=[validate_https_url],
        help_text=gettext_lazy("An https:// address of an image."),
    )
    primary_colour = models.CharField(
        gettext_lazy("primary colour"),
        max_length=7,
        default="#1d4e89",
        validators=[validate_colour],
        help_text=gettext_lazy("#rrggbb, dark enough for white text."),
    )
    accent_colour = models.CharField(
        gettext_lazy("accent colour"),
        max_length=7,
        default="#8a3b12",
        validators=[validate_colour],
        help_text=gettext_lazy("#rrggbb, dark enough for white text."),
    )
    footer_text = models.TextField(gettext_lazy("footer text"), max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = gettext_lazy("organisation")
        verbose_name_plural = gettext_lazy("organisations")

    def __str__(self) -> str:
        return self.name


class OrganisationMember(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", pgettext_lazy("organisation", "administrator")
        MEMBER = "member", pgettext_lazy("organisation", "member")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_roles"
    )
    role = models.CharField(gettext_lazy("role"), max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="org_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) in {self.organisation}"


class OrganisationTopic(models.Model):
    """A topic belongs to one organisation at most (curation knows nothing of this)."""

    topic = models.OneToOneField(Topic, on_delete=models.CASCADE, related_name="organisation_link")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="topic_links"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    added_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.topic} in {self.organisation}"


class Domain(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("waiting for verification")
        VERIFIED = "verified", pgettext_lazy("domain", "verified")
        DISABLED = "disabled", pgettext_lazy("domain", "disabled")

    host = models.CharField(gettext_lazy("domain"), max_length=253, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="domains")
    token = models.CharField(max_length=64, default=new_token)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    # Consecutive failed checks since the last success.
    failures = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["host"]
        indexes = [models.Index(fields=["status", "last_checked_at"])]

    def __str__(self) -> str:
        return self.host

    @property
    def record_name(self) -> str:
        """The DNS name whose TXT record must hold the token."""
        return f"_glaneur-challenge.{self.host}"
