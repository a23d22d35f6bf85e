"""The enrich step: analyse posts, store their actors and quotes, keep curators' corrections.

Every caller uses these functions: the subscriber to curation's events (``enrich_soon``),
the worker's task, ``glaneur analyse``, the pages and the API (corrections).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext

from glaneur.curation import pipeline
from glaneur.curation.models import Post, PostStep

from .models import Actor, ActorAlias, Analysis, Correction, Mention, Quote

if TYPE_CHECKING:
    from .analysis.analyser import Result

logger = logging.getLogger(__name__)

STEP = "enrich"  # this app's step of the post pipeline (curation.pipeline.register_step)
CHUNK = 50
FIELDS = ("title", "summary", "main_text", "insight")


def analyser_version() -> int:
    from .analysis.analyser import VERSION  # light: the module imports spaCy only to run

    return VERSION


@dataclass
class AnalyseReport:
    analysed: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)


def _chunks(ids: Sequence[int], size: int = CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def enrich_soon(post_ids: Iterable[int], *, force: bool = False) -> None:
    """Have these posts analysed: by the worker (``GLANEUR_ENRICH_IN_WORKER``, the default:
    no web process loads spaCy), else here at once. Call it after the posts' commit."""
    from .tasks import analyse_posts as analyse_task

    pipeline.run_step_soon(
        post_ids,
        in_worker=settings.GLANEUR_ENRICH_IN_WORKER,
        run=lambda ids: analyse_posts(ids, force=force),
        enqueue=lambda ids: analyse_task.enqueue(ids, force),
        chunk=CHUNK,
    )


def is_current(post: Post, *, digest: str, version: int) -> bool:
    """Whether the post's stored analysis read these texts (``digest``) with this analyser
    version: then analysing it again would find the same (``post.analysis`` loaded)."""
    done = getattr(post, "analysis", None)
    return done is not None and done.version == version and done.text_hash == digest


def changed_texts(post_ids: Iterable[int]) -> list[int]:
    """Those of these posts whose texts or analyser version differ from what was analysed
    (one query): a post changed by a tag, a comment or a status needs no task."""
    version = analyser_version()
    posts = Post.objects.filter(pk__in=list(post_ids)).only(
        *FIELDS, "analysis__version", "analysis__text_hash"
    )
    return [
        post.pk
        for post in posts.select_related("analysis")
        if not is_current(post, digest=text_hash(post), version=version)
    ]


def retry(post_ids: list[int]) -> None:
    """The step run again alone (``pipeline.retry_step``): analysed even if unchanged."""
    enrich_soon(post_ids, force=True)


def texts_of(post: Post) -> list[tuple[str, str]]:
    return [(name, getattr(post, name) or "") for name in FIELDS]


def text_hash(post: Post) -> str:
    digest = hashlib.sha256()
    for name, text in texts_of(post):
        digest.update(f"{name}\x00{text}\x00".encode())
    return digest.hexdigest()


def _is_french(post: Post) -> bool:
    language = (post.language or post.topic.language or "fr").lower()
    return language.startswith("fr")


def analyse_posts(
    post_ids: Iterable[int],
    *,
    force: bool = False,
    progress: Callable[[int], object] | None = None,
) -> AnalyseReport:
    """Analyse these posts (those whose text and analyser version are unchanged are skipped
    unless ``force``), store what was found, apply the curators' corrections, and record
    the step's outcome on each post."""
    report = AnalyseReport()
    version = analyser_version()
    for chunk in _chunks(sorted(set(post_ids))):
        posts = Post.objects.filter(pk__in=chunk).select_related("topic", "analysis")
        for post in posts:
            digest = text_hash(post)
            if not force and is_current(post, digest=digest, version=version):
                report.unchanged.append(post.pk)
            else:
                try:
                    analyse_post(post, digest=digest)
                except Exception as error:
                    logger.exception("analysis of post %s failed", post.pk)
                    report.failed[post.pk] = str(error)
                    pipeline.record_step(
                        STEP,
                        [post.pk],
                        error=gettext("The actors and quotes could not be found (%(error)s).")
                        % {"error": error},
                    )
                    continue
                report.analysed.append(post.pk)
            if progress is not None:
                progress(post.pk)
        pipeline.record_step(STEP, [pk for pk in chunk if pk not in report.failed])
    return report


def analyse_post(post: Post, *, digest: str | None = None) -> None:
    """Analyse one post now and store the result (its previous result replaced)."""
    from .analysis.analyser import Result, analyse

    result = analyse(texts_of(post)) if _is_french(post) else Result()
    store(post, result, digest=digest or text_hash(post))


def actor_for(key: str, name: str, kind: str) -> Actor:
    """The actor a key names (its own, a variant, or merged into it), made if new."""
    alias = ActorAlias.objects.select_related("actor").filter(key=key).first()
    if alias is not None:
        return alias.actor
    actor = Actor.objects.create(name=name, kind=kind, slug=_free_slug(name))
    ActorAlias.objects.create(actor=actor, key=key, name=name)
    return actor


def _free_slug(name: str) -> str:
    base = slugify(name)[:200] or "acteur"
    slug, n = base, 1
    while Actor.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def topic_merges(topic_id: int) -> dict[str, tuple[str, str]]:
    """The topic's merges: the key of each name merged → (key, name) of the actor it
    joined, chains followed. A post of the topic analysed again names the merged actor,
    even where the merge did not hold in other topics (``corrections.merge_actors``)."""
    joined: dict[str, tuple[str, str]] = {}
    for subject, target, name in (
        Correction.objects.filter(topic_id=topic_id, kind=Correction.Kind.MERGE)
        .order_by("pk")
        .values_list("subject", "target", "target_name")
    ):
        for key in subject.split(" | "):
            if key and key != target:
                joined[key] = (target, name)
    resolved = {}
    for key, (target, name) in joined.items():
        seen = {key}
        while target in joined and target not in seen:  # A into B, then B into C
            seen.add(target)
            target, name = joined[target]
        resolved[key] = (target, name)
    return resolved


@transaction.atomic
def store(post: Post, result: Result, *, digest: str) -> None:
    """Replace the post's mentions and quotes with ``result``, corrections applied."""
    corrections = list(Correction.objects.filter(post=post))
    dropped_actors = {c.subject for c in corrections if c.kind == Correction.Kind.DROP_ACTOR}
    split = {c.subject: c for c in corrections if c.kind == Correction.Kind.SPLIT}
    merged = topic_merges(post.topic_id)
    Mention.objects.filter(post=post).delete()
    Quote.objects.filter(post=post).delete()
    actors: dict[str, Actor] = {}
    mentions: dict[int, Mention] = {}
    for person in result.actors:
        if person.key in dropped_actors:
            continue
        if person.key in split:
            actor = actor_for(split[person.key].target, split[person.key].target_name, person.kind)
        elif person.key in merged:
            actor = actor_for(*merged[person.key], person.kind)
        else:
            actor = actor_for(person.key, person.name, person.kind)
        actors[person.key] = actor
        mention = mentions.get(actor.pk)
        if mention is None:
            mentions[actor.pk] = Mention(
                post=post,
                actor=actor,
                role=person.role[:200],
                organisation=person.organisation[:200],
                count=person.mentions,
            )
        else:
            mention.count += person.mentions
            mention.role = mention.role or person.role[:200]
    Mention.objects.bulk_create(mentions.values())
    speakers = {c.subject: c for c in corrections if c.kind == Correction.Kind.SPEAKER}
    dropped = {c.subject for c in corrections if c.kind == Correction.Kind.DROP_QUOTE}
    quotes = []
    for found in result.quotes:
        if found.text in dropped:
            continue
        speaker = actors.get(found.speaker) if found.speaker else None
        fixed = speakers.get(found.text)
        if fixed is not None:
            speaker = _speaker_of(post, fixed)
        quotes.append(
            Quote(
                post=post,
                speaker=speaker,
                field=found.field,
                start=found.start,
                end=found.end,
                text=found.text,
                how=found.how,
                corrected=fixed is not None,
            )
        )
    Quote.objects.bulk_create(quotes)
    Analysis.objects.update_or_create(
        post=post,
        defaults={"version": result.version, "text_hash": digest, "keywords": result.keywords},
    )


def _speaker_of(post: Post, correction: Correction) -> Actor | None:
    if not correction.target:
        return None
    actor = actor_for(correction.target, correction.target_name, Actor.Kind.PERSON)
    Mention.objects.get_or_create(post=post, actor=actor)
    return actor


def stale_posts(limit: int | None = None) -> list[int]:
    """Posts never analysed, or by an older version of the analyser, newest first (a post
    whose analysis failed waits for a person to try again)."""
    version = analyser_version()
    failed = PostStep.objects.filter(name=STEP, state=PostStep.State.FAILED).values("post_id")
    rows = (
        Post.objects.filter(Q(analysis__isnull=True) | Q(analysis__version__lt=version))
        .exclude(pk__in=failed)
        .order_by("-pk")
        .values_list("pk", flat=True)
    )
    return list(rows[:limit] if limit is not None else rows)


def enqueue_stale(limit: int = 500) -> int:
    """The periodic job (runtime.jobs): a new analyser version analyses the posts again in
    the background, a batch at a time, when no analysis waits in the nlp queue."""
    from django_tasks_db.models import DBTaskResult

    from glaneur import queues

    waiting = DBTaskResult.objects.filter(
        queue_name=queues.NLP, task_path=f"{__package__}.tasks.analyse_posts", status="READY"
    ).exists()
    if waiting:
        return 0
    ids = stale_posts(limit)
    enrich_soon(ids)
    return len(ids)
