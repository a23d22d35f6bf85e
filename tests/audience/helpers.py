"""Builders for the audience tests (readers, subscribers, issues)."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.utils import timezone

from glaneur.audience.models import Issue, Profile, Subscriber
from glaneur.curation.models import Topic
from tests.factories import make_user


def make_reader(username: str, *, language: str = "fr", verified: bool = True) -> Any:
    """A user whose primary address is confirmed (or not), with a mail language."""
    user = make_user(username, first_name=username.capitalize())
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
    Profile.objects.create(user=user, language=language)
    return user


def make_subscribers(topic: Topic, count: int, *, language: str = "fr") -> list[Subscriber]:
    now = timezone.now()
    return Subscriber.objects.bulk_create(
        [
            Subscriber(
                topic=topic,
                email=f"reader{n:04d}@example.net",
                language=language,
                status=Subscriber.Status.ACTIVE,
                source=Subscriber.Source.IMPORT,
                consent_at=now,
            )
            for n in range(count)
        ]
    )


def make_sent_issues(topic: Topic, count: int) -> list[Issue]:
    now = timezone.now()
    return Issue.objects.bulk_create(
        [
            Issue(topic=topic, subject=f"Issue {n}", status=Issue.Status.SENT, sent_at=now)
            for n in range(count)
        ]
    )
