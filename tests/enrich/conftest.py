"""Fixtures of the enrich tests: posts with quotes, written through curation's services."""

from __future__ import annotations

from typing import Any

import pytest

from glaneur.curation.models import Post, Topic
from glaneur.curation.services import create_post

ARTICLE = (
    "La mission locale de Niort ouvre un nouvel espace. « Nous voulons accueillir les jeunes "
    "plus tôt dans leur parcours », explique Anne Roux, directrice de la mission locale. "
    "« Les premiers résultats sont encourageants et nous allons continuer. »"
)

PRIVATE_TEXT = (
    "« Le budget de la mission locale baissera de dix pour cent l'an prochain », confie Anne "
    "Roux, directrice de la mission locale, lors d'une réunion interne."
)


def post_with(topic: Topic, summary: str = ARTICLE, **extra: Any) -> Post:
    return create_post(
        topic, by=topic.owner, title=extra.pop("title", "Niort"), summary=summary, **extra
    )  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _analyse_at_once(settings: Any) -> None:
    """The enrich step runs in the test process, after each commit, as the worker would."""
    settings.GLANEUR_ENRICH_POSTS = True
    settings.GLANEUR_ENRICH_IN_WORKER = False


@pytest.fixture
def analysed_post(topic: Topic, django_capture_on_commit_callbacks: Any) -> Post:
    with django_capture_on_commit_callbacks(execute=True):
        post = post_with(topic)
    return post
