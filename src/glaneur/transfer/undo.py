"""What an import has written so far, by id, so that a failed import can take it back.

An import writes in batches of short transactions (``writer``); when a later batch fails,
the batches already committed are deleted again from these ids, and the rows the import
changed are put back, so that a failed import leaves nothing partial behind.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef

from glaneur.analytics.models import TopicDailyViews
from glaneur.curation.models import Post, PostTag, Tag, Topic

logger = logging.getLogger(__name__)

# Rows deleted per transaction when an import is taken back.
UNDO_CHUNK = 500


def chunks(ids: Sequence[int], size: int = UNDO_CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@dataclass
class Written:
    topic_id: int | None = None  # the topic the import created
    user_ids: list[int] = field(default_factory=list)  # accounts it created
    tag_ids: list[int] = field(default_factory=list)  # tags it created
    post_ids: list[int] = field(default_factory=list)
    topic_view_ids: list[int] = field(default_factory=list)
    # (topic id, value before): the historical total it raised on an existing topic.
    historical_views: tuple[int, int] | None = None

    def undo(self) -> bool:
        """Delete what was written (posts take their comments, tags links and views along);
        True if everything went, False if something could not be deleted (logged)."""
        try:
            self._undo()
        except Exception:
            logger.exception(
                "could not take back a failed import (%d posts written)", len(self.post_ids)
            )
            return False
        return True

    def _undo(self) -> None:
        for chunk in chunks(self.post_ids):
            with transaction.atomic():
                Post.objects.filter(pk__in=chunk).delete()
        with transaction.atomic():
            TopicDailyViews.objects.filter(pk__in=self.topic_view_ids).delete()
            if self.historical_views is not None:
                topic_id, value = self.historical_views
                Topic.objects.filter(pk=topic_id).update(historical_views=value)
            if self.topic_id is not None:
                Topic.objects.filter(pk=self.topic_id).delete()
            # A tag or an account that someone else started using meanwhile stays.
            Tag.objects.filter(pk__in=self.tag_ids).exclude(
                Exists(PostTag.objects.filter(tag=OuterRef("pk")))
            ).delete()
            get_user_model().objects.filter(pk__in=self.user_ids).exclude(
                Exists(Post.objects.filter(curated_by=OuterRef("pk")))
            ).exclude(Exists(Topic.objects.filter(owner=OuterRef("pk")))).delete()
        self.post_ids, self.tag_ids, self.user_ids, self.topic_view_ids = [], [], [], []
        self.topic_id = self.historical_views = None
