"""Fixtures of the search tests: posts written through the curation service, then indexed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from glaneur.curation.models import Post, Topic
from glaneur.curation.services import create_post
from glaneur.search.services import index_posts


@pytest.fixture
def write_post(curator: Any) -> Callable[..., Post]:
    """Create a published post in a topic and index it (tests run inside one transaction,
    where the on-commit indexing of the signals never fires)."""

    def write(topic: Topic, title: str, **fields: Any) -> Post:
        # Fields that extraction fills, not the curator's form.
        extracted = {key: fields.pop(key) for key in ("language", "main_text") if key in fields}
        post = create_post(topic, by=curator, title=title, check=False, **fields)
        if extracted:
            for key, value in extracted.items():
                setattr(post, key, value)
            post.save(update_fields=list(extracted))
        index_posts([post.pk])
        return post

    return write
