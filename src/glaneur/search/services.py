"""The search interface: keep the index in step with posts, rebuild it, query it.

Every caller uses these functions: the signal receivers (signals.py), importers after a
bulk load (``index_posts(ids)``), ``glaneur reindex``, and the pages.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from multiprocessing.pool import AsyncResult
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext

from glaneur.curation import pipeline
from glaneur.curation.models import Post, PostTag, Topic

from . import analysis, stories
from .backends import Backend, Document, get_backend
from .backends.shards import again_if_a_shard_went_away
from .models import StorySignature
from .queries import SearchHit, SearchPage, search

logger = logging.getLogger(__name__)

CHUNK = 500
STEP = "index"  # this app's step of the post pipeline (curation.pipeline.register_step)

__all__ = [
    "PostText",
    "SearchHit",
    "SearchPage",
    "document_for",
    "index_posts",
    "index_soon",
    "merge_shards",
    "rebuild",
    "remove_posts",
    "search",
    "shards_to_merge",
]


def _joined(text: str, language: str) -> str:
    return " ".join(analysis.tokens(text, language))


@dataclass(frozen=True)
class PostText:
    """What the index reads of a post (a plain row: rebuilding a million posts through
    model instances would cost a fifth more)."""

    post_id: int
    topic_id: int
    title: str
    summary: str
    insight: str
    main_text: str
    site_name: str
    url: str
    language: str


ROW_FIELDS = (
    "id", "topic_id", "title", "summary", "insight", "main_text", "site_name", "url",
    Coalesce(NullIf("language", Value("")), "topic__language"),
)  # fmt: skip


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def document_for(post: PostText, tag_names: Sequence[str]) -> Document:
    """The index's view of a post: normalised tokens per field, in the post's language."""
    language = analysis.language_of(post.language)
    keys = [analysis.tag_key(name) for name in tag_names]
    keys.append(analysis.topic_key(post.topic_id))
    return Document(
        post_id=post.post_id,
        topic_id=post.topic_id,
        title=_joined(post.title, language),
        summary=_joined(post.summary, language),
        insight=_joined(post.insight, language),
        body=_joined(post.main_text, language),
        tags=_joined(" ".join(tag_names), language),
        site=_joined(f"{post.site_name} {_host(post.url)}", language),
        keys=" ".join(keys),
    )


def _chunks(ids: Sequence[int], size: int = CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def _texts(posts: QuerySet[Post]) -> list[PostText]:
    return [PostText(*row) for row in posts.values_list(*ROW_FIELDS)]


def _tag_names(
    posts: Sequence[PostText], *, every_id_between: bool = False
) -> dict[int, list[str]]:
    """Each post's tag names. ``every_id_between``: the posts are all those with ids from
    the first to the last (a rebuild's chunk), read by range rather than by a long IN."""
    names: dict[int, list[str]] = {}
    if every_id_between:
        first, last = posts[0].post_id, posts[-1].post_id
        rows = PostTag.objects.filter(post_id__gte=first, post_id__lte=last)
    else:
        rows = PostTag.objects.filter(post_id__in=[p.post_id for p in posts])
    for post_id, name in rows.order_by("tag__name").values_list("post_id", "tag__name"):
        names.setdefault(post_id, []).append(name)
    return names


def _documents_of(batch: tuple[Sequence[PostText], dict[int, list[str]]]) -> list[Document]:
    """Posts and their tag names as documents, ready for the back end to write (in a
    worker process, during a rebuild)."""
    posts, names = batch
    documents = [document_for(post, names.get(post.post_id, [])) for post in posts]
    return get_backend().prepare(documents)


def _documents(posts: Sequence[PostText]) -> list[Document]:
    return _documents_of((posts, _tag_names(posts)))


def index_soon(post_ids: Iterable[int]) -> None:
    """Have these posts indexed: by the worker (``GLANEUR_INDEX_IN_WORKER``, the default),
    so that no web request or command loads the lemma tables or waits for the index, else
    here at once. Call it after the posts' transaction committed."""
    from .tasks import index_posts as index_task

    pipeline.run_step_soon(
        post_ids,
        in_worker=settings.GLANEUR_INDEX_IN_WORKER,
        run=index_posts,
        enqueue=index_task.enqueue,
        chunk=CHUNK,
    )


def index_posts(post_ids: Iterable[int]) -> None:
    """Bring these posts' index rows up to date (a post gone from the database is removed).
    Works in chunks of ``CHUNK`` posts, each in its own transaction."""
    ids = sorted(set(post_ids))
    backend = get_backend()
    for chunk in _chunks(ids):
        try:
            # A merge (``merge_shards``) may drop the shard these rows were routed to.
            again_if_a_shard_went_away("indexing", partial(_index_chunk, backend, chunk))
        except Exception as error:
            pipeline.record_step(
                STEP,
                chunk,
                error=gettext("The search index could not be updated (%(error)s).")
                % {"error": error},
            )
            raise
        pipeline.record_step(STEP, chunk)


def _versions(chunk: list[int]) -> dict[int, object]:
    return dict(Post.objects.filter(pk__in=chunk).values_list("pk", "updated_at"))


def _index_chunk(backend: Backend, chunk: list[int]) -> None:
    # The documents are made before the write transaction (normalising text, and loading
    # the lemma tables the first time, takes seconds: never while holding the write lock);
    # the few posts changed meanwhile are made again inside it, from their saved rows.
    versions = _versions(chunk)
    texts = _texts(Post.objects.filter(pk__in=chunk))
    documents = {doc.post_id: doc for doc in _documents(texts)}
    stories = _stories(texts)
    topic_of = {text.post_id: text.topic_id for text in texts}
    with transaction.atomic():
        now = _versions(chunk)
        stale = [pk for pk, version in now.items() if versions.get(pk) != version]
        if stale:
            texts = _texts(Post.objects.filter(pk__in=stale))
            documents.update((doc.post_id, doc) for doc in _documents(texts))
            stories.update((row.post_id, row) for row in _stories(texts).values())
        gone = set(chunk) - set(now)
        if gone:
            backend.delete(sorted(gone))
        backend.write([doc for pk, doc in documents.items() if pk in now])
        _write_stories([row for pk, row in stories.items() if pk in now])
        # What a search of these topics finds changed now, not when the posts were saved:
        # no search page cached in between (keyed on indexed_at too, search.views) may
        # outlive the index it was read from.
        topic_ids = {topic_of[pk] for pk in now if pk in topic_of}
        Topic.objects.filter(pk__in=topic_ids).update(indexed_at=timezone.now())


def _stories(texts: Sequence[PostText]) -> dict[int, StorySignature]:
    """Each post's story signature (near-duplicates within a topic: ``near_duplicates``)."""
    rows = {}
    for text in texts:
        language = analysis.language_of(text.language)
        simhash = stories.signature(text.title, text.summary, language)
        rows[text.post_id] = StorySignature(
            post_id=text.post_id, topic_id=text.topic_id, simhash=simhash
        )
    return rows


def _write_stories(rows: Sequence[StorySignature]) -> None:
    StorySignature.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["post"], update_fields=["topic", "simhash"]
    )


def _newest_id() -> int:
    return Post.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def shards_to_merge() -> bool:
    """Whether ``merge_shards`` has work (two reads: the scheduler asks every hour)."""
    return get_backend().mergeable(_newest_id())


def merge_shards() -> int:
    """Gather the small shards of older posts into archive shards, as ``rebuild`` lays
    them out (PostgreSQL; SQLite's shards have one size): the worker runs it hourly, so
    searches for rare words stay as fast between rebuilds. Returns how many were made."""
    return get_backend().merge(_newest_id())


def remove_posts(post_ids: Iterable[int]) -> None:
    """Drop these posts from the index."""
    ids = sorted(set(post_ids))
    backend = get_backend()
    for chunk in _chunks(ids):
        backend.delete(chunk)


def _chunks_of_posts(size: int) -> Iterator[tuple[list[PostText], dict[int, list[str]]]]:
    """Every post in id order, ``size`` at a time, with their tag names."""
    last = 0
    while True:
        posts = _texts(Post.objects.filter(pk__gt=last).order_by("pk")[:size])
        if not posts:
            return
        last = posts[-1].post_id
        yield posts, _tag_names(posts, every_id_between=True)


def _workers() -> int:
    wanted = int(settings.GLANEUR_INDEX_WORKERS) or (os.cpu_count() or 1)
    return wanted if "fork" in multiprocessing.get_all_start_methods() else 1


def rebuild(*, chunk: int = 2000, workers: int | None = None) -> int:
    """Empty the index and index every post again; returns how many posts were indexed.

    Each chunk commits on its own, so a long rebuild never holds the database's write lock
    (SQLite) or the index table's lock (PostgreSQL) for more than a moment: posts saved
    meanwhile are indexed as usual, and searches see the index filling up.

    Normalising the text is most of the work: with ``workers`` > 1 (default: one per
    core, ``GLANEUR_INDEX_WORKERS``) forked processes do it, sharing the lemma tables
    loaded before the fork, while this process alone reads and writes the database."""
    backend = get_backend()
    analysis.warm_up()
    workers = workers or _workers()
    count = 0

    def write(documents: list[Document]) -> None:
        nonlocal count
        with transaction.atomic():
            backend.write(documents)
        count += len(documents)
        logger.debug("indexed %d posts", count)

    with transaction.atomic():
        backend.begin_rebuild(_newest_id())
    if workers <= 1:
        for batch in _chunks_of_posts(chunk):
            write(_documents_of(batch))
            _write_stories(list(_stories(batch[0]).values()))
    else:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pending: deque[AsyncResult[list[Document]]] = deque()
            for batch in _chunks_of_posts(chunk):
                pending.append(pool.apply_async(_documents_of, (batch,)))
                _write_stories(list(_stories(batch[0]).values()))
                # Every worker busy with a chunk while the oldest result is written.
                if len(pending) > workers:
                    write(pending.popleft().get())
            while pending:
                write(pending.popleft().get())
    with transaction.atomic():
        backend.end_rebuild()
    return count
