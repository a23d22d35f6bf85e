"""Fixtures of the feed tests: a topic with published, pinned, draft and scheduled posts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from glaneur.curation.models import Post
from glaneur.curation.services import create_post


@pytest.fixture
def curated_posts(topic: Any, curator: Any) -> dict[str, Post]:
    """Four posts a reader may see and two they may not, keyed by role in the tests."""
    now = timezone.now()

    def post(key: str, hours_ago: int, **extra: Any) -> Post:
        return create_post(
            topic,
            by=curator,
            title=extra.pop("title", f"Article {key}"),
            url=f"https://news.example.org/{key}",
            site_name="news.example.org",
            curated_at=now - timedelta(hours=hours_ago),
            **extra,
        )

    return {
        # Pinned and oldest: pages show it first, feeds in date order.
        "pinned": post("pinned", 10, pinned=True, tags="Emploi", summary="Pinned summary."),
        "oldest": post("oldest", 8, tags="Formation"),
        "middle": post(
            "middle",
            5,
            title="Mission locale & CCI : <un> partenariat",
            summary="Un résumé <script>alert(1)</script> & d'autres choses.",
            insight="Ce que **disent** les acteurs.",
            tags="Emploi, Territoires",
        ),
        "newest": post("newest", 1, tags="emploi; Insertion", insight="Un *avis*."),
        "draft": post("draft", 0, status=Post.Status.DRAFT, tags="Emploi"),
        "scheduled": post("scheduled", 0, status=Post.Status.SCHEDULED, tags="Emploi"),
    }
