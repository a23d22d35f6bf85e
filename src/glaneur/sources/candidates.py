"""Items into candidates: each new item once per topic, keyed by its normalised URL
(first version: exact URL dedupe only; near-duplicates and ranking come next)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction

from glaneur.curation.models import Post
from glaneur.curation.posts import url_key

from .items import Item
from .models import Candidate, Source


def take(source: Source, items: Sequence[Item]) -> int:
    """Make candidates of the items a source gave; the number of new candidates.

    Called by the poller outside any transaction (each write is short)."""
    topic = source.topic
    keys = {url_key(item.url): item for item in items if item.url}
    scooped = set(
        Post.objects.filter(topic=topic, normalized_url__in=keys).values_list(
            "normalized_url", flat=True
        )
    )
    known = set(
        Candidate.objects.filter(topic=topic, url_key__in=keys).values_list("url_key", flat=True)
    )
    created = 0
    for key, item in keys.items():
        if key in scooped or key in known:
            continue
        try:
            with transaction.atomic():
                candidate = Candidate.objects.create(
                    topic=topic,
                    url=item.url[:2000],
                    url_key=key[:2000],
                    title=item.title[:500],
                    summary=item.summary,
                    image_url=item.image_url[:2000],
                    published_at=item.published,
                )
                candidate.sources.add(source)
        except IntegrityError:
            continue  # another worker made it first
        created += 1
    return created
