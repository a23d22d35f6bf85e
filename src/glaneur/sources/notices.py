"""A suggested page read by the worker (its title, summary and image for the inbox), and
the mail that tells a suggester with an account what the curators decided."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.urls import reverse

from glaneur.audience import mail
from glaneur.audience.models import Profile

from . import ranking
from .models import Candidate, Suggestion

logger = logging.getLogger(__name__)


def read_suggested(candidate_id: int) -> None:
    """Fill a suggested candidate from its page (network outside any transaction), then
    score it for its topic. A page that cannot be read keeps its address as its title."""
    from glaneur.ingest.reading import Outcome, read_page

    candidate = Candidate.objects.filter(pk=candidate_id).select_related("topic").first()
    if candidate is None:
        return
    reading = read_page(candidate.url)
    if reading.outcome == Outcome.READ and reading.article is not None:
        article = reading.article
        fields = {
            "title": (article.title or candidate.title)[:500],
            "summary": article.summary[:2000],
            "image_url": (article.image_urls[0] if article.image_urls else "")[:2000],
            "published_at": article.published_at,
        }
        Candidate.objects.filter(pk=candidate.pk).update(**fields)
    ranking.rescore(candidate.topic)


def tell_suggesters(suggestion_ids: Sequence[int]) -> None:
    """Mail each suggester with an account what became of their suggestion."""
    rows = Suggestion.objects.filter(pk__in=list(suggestion_ids)).select_related("topic", "author")
    languages = dict(
        Profile.objects.filter(user__suggestion__in=list(suggestion_ids)).values_list(
            "user_id", "language"
        )
    )
    with mail.connection() as connection:
        for suggestion in rows:
            author = suggestion.author
            if author is None or not author.email or suggestion.status == "pending":
                continue
            language = mail.supported_language(languages.get(author.pk))
            rendered = mail.render(
                "sources/email/decided",
                {
                    "suggestion": suggestion,
                    "topic": suggestion.topic,
                    "mine_url": mail.absolute_url(reverse("sources:mine")),
                    "topic_url": mail.absolute_url(suggestion.topic.get_absolute_url()),
                },
                language=language,
            )
            message = mail.build_message(rendered, author.email, language=language)
            result = mail.send(connection, message)
            logger.info("suggestion %s: mail %s", suggestion.pk, result.outcome)
