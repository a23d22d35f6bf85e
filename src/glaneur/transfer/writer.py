"""Import a parsed file: check everything (``planning``), then write it in short batches.

Nothing is written until the whole file is checked, so a bad file names its line and leaves
nothing behind. The writing is cut into batches of short transactions (``import_batch()``
posts each), so that while a large file is imported other writers (view counts, curators,
the worker) wait a batch at most, never the whole import: on SQLite one write transaction
holds the whole database. If a batch fails, what the import already wrote is deleted again
(``undo.Written``), so nothing partial remains. A process killed between two batches leaves
the batches written: the same import run again adds the rest, since an import adds what is
missing and never changes what is already here (a file imported twice changes nothing).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from glaneur.analytics.models import PostDailyViews, TopicDailyViews
from glaneur.audience.models import Comment
from glaneur.curation.models import Post, PostTag, Tag, Topic
from glaneur.curation.services import get_or_create_tags

from . import targets
from .after_write import BATCH, index_posts, link_comment_refs, link_own_refs, restore_updated_at
from .errors import ImportFailed
from .extras import post_extras
from .fields import concrete_fields, decode_fields
from .importers.common import fit
from .importers.records import ImportBundle
from .keys import local_prefix
from .planning import (
    COMMENT_EXCLUDE,
    POST_EXCLUDE,
    Existing,
    Planned,
    check_usernames,
    plan_post,
    resolve_refs,
)
from .undo import Written

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

# A batch (one transaction) also stops at this many rows of comments, tags and views.
BATCH_ROWS = 5000

Progress = Callable[[str, int, int], None]


@dataclass
class ImportReport:
    topic: Topic
    created_topic: bool = False
    created_posts: int = 0
    skipped_posts: int = 0
    created_comments: int = 0
    created_view_days: int = 0
    messages: list[str] = field(default_factory=list)
    post_ids: list[int] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic.slug,
            "created_topic": self.created_topic,
            "created_posts": self.created_posts,
            "skipped_posts": self.skipped_posts,
            "created_comments": self.created_comments,
            "created_view_days": self.created_view_days,
            "messages": self.messages,
        }

    def summary(self) -> str:
        return _("%(created)d posts imported, %(skipped)d already there, %(comments)d comments") % {
            "created": self.created_posts,
            "skipped": self.skipped_posts,
            "comments": self.created_comments,
        }


def _throttled(progress: Progress | None, total: int) -> Callable[[int], None]:
    step = max(1, total // 100)

    def report(done: int) -> None:
        if progress is not None and (done % step == 0 or done == total):
            progress("checking", done, total)

    return report


def import_bundle(
    bundle: ImportBundle,
    *,
    topic: Topic | None,
    by: User | None,
    create_slug: str = "",
    progress: Progress | None = None,
    trusted: bool = False,
) -> ImportReport:
    """Import a parsed file into ``topic``, or into a topic made from the file (JSON).

    Raises ImportFailed, naming the item and line, before anything is written; then
    writes in batches (see the module's docstring), taking back what it wrote if one
    fails. No search indexing happens inside its transactions: the posts are handed to
    the index after the last commit.

    ``trusted`` (the CLI, run by the site's administrator) finds or creates the accounts
    a Glaneur JSON or Scoop.it file names; otherwise only the topic's own curators are
    recognised, so an uploaded file can neither create accounts nor speak for people.
    """
    prefix = local_prefix()
    topic, new_topic = targets.target(bundle, topic, create_slug, by)
    notes = list(bundle.notes)
    members = targets.member_values(bundle) if new_topic is not None else []
    if new_topic is None and bundle.members:
        notes.append(_("The members listed in the file were not added to an existing topic."))
    check_usernames(bundle, get_user_model())

    existing = Existing(topic, prefix)
    post_fields = concrete_fields(Post, POST_EXCLUDE)
    comment_fields = concrete_fields(Comment, COMMENT_EXCLUDE)
    plans: list[Planned] = []
    skipped = 0
    tick = _throttled(progress, len(bundle.posts))
    for done, record in enumerate(bundle.posts, start=1):
        plan = plan_post(record, post_fields, comment_fields, existing)
        if plan is None:
            skipped += 1
        else:
            plans.append(plan)
        tick(done)
    own_slugs = {s for s in (create_slug, topic.slug if topic else "") if s}
    if bundle.topic is not None and bundle.topic.fields.get("slug"):
        own_slugs.add(str(bundle.topic.fields["slug"]))
    origins, unresolved = resolve_refs(plans, own_slugs, prefix)
    if unresolved:
        notes.append(
            ngettext(
                "%(count)d rescooped post keeps no link to its original, which is not on "
                "this site (import the original's topic first).",
                "%(count)d rescooped posts keep no link to their originals, which are not on "
                "this site (import the originals' topics first).",
                unresolved,
            )
            % {"count": unresolved}
        )

    if progress is not None:
        progress("saving", 0, len(plans))
    written = Written()
    try:
        with transaction.atomic():
            accounts, created_accounts = targets.accounts(
                bundle, topic, plans, members, trusted=trusted
            )
            if topic is None:
                assert new_topic is not None  # noqa: S101 (target() returns one of the two)
                topic = targets.create_topic(new_topic, bundle, accounts, by, members)
            report = ImportReport(topic=topic, created_topic=new_topic is not None)
            report.skipped_posts, report.messages = skipped, notes
            views = _ViewsMerged()
            if bundle.topic is not None:
                views = _merge_topic_views(
                    topic, bundle.topic.fields, bundle.topic_daily_views, new_topic is not None
                )
        # Committed: from here on a failure takes these back.
        written.user_ids = created_accounts
        written.topic_id = topic.pk if new_topic is not None else None
        written.topic_view_ids = views.ids
        if views.previous_total is not None:
            written.historical_views = (topic.pk, views.previous_total)
        report.created_view_days += len(views.ids)
        display_names = {
            name: f"{u.first_name} {u.last_name}".strip() or name
            for name, u in bundle.users.items()
        }
        done = 0
        for batch in _batches(plans):
            if done:
                _make_way()
            with transaction.atomic():
                saved = _save_posts(
                    topic, batch, accounts, by, origins, report,
                    explicit_nulls=bundle.create_accounts, display_names=display_names,
                )  # fmt: skip
            written.post_ids += saved.post_ids
            written.tag_ids += saved.tag_ids
            done += len(batch)
            if progress is not None:
                progress("saving", done, len(plans))
        link_own_refs(topic, plans, existing)
        report.messages += targets.unknown_accounts_note(plans, accounts)
    except BaseException as exc:
        if not written.undo() and isinstance(exc, Exception):
            raise ImportFailed(
                _(
                    "the import stopped (%(error)s) and what it had saved could not all be "
                    "removed: run the same import again to complete it"
                )
                % {"error": exc}
            ) from exc
        if isinstance(exc, IntegrityError):
            # Checked a moment ago: someone added the same post (or topic) meanwhile.
            raise ImportFailed(
                _("the topic changed during the import (%(error)s); nothing was saved, try again")
                % {"error": exc}
            ) from exc
        raise
    report.post_ids = written.post_ids
    ids = list(report.post_ids)
    if ids:
        transaction.on_commit(lambda: index_posts(ids))
    return report


@dataclass
class _ViewsMerged:
    ids: list[int] = field(default_factory=list)  # the counted days added
    previous_total: int | None = None  # the historical total before it was raised


def _merge_topic_views(
    topic: Topic, fields: dict[str, Any], days: dict[date, int], creating: bool
) -> _ViewsMerged:
    """Counted days the topic lacks; the larger historical total (a later export has more)."""
    merged = _ViewsMerged()
    if not creating:
        total = decode_fields(Topic, fields, concrete_fields(Topic, set())).get("historical_views")
        if isinstance(total, int) and total > topic.historical_views:
            merged.previous_total = topic.historical_views
            topic.historical_views = total
            topic.save(update_fields=["historical_views"])
    have = set(TopicDailyViews.objects.filter(topic=topic).values_list("day", flat=True))
    rows = [
        TopicDailyViews(topic=topic, day=day, count=count)
        for day, count in sorted(days.items())
        if day not in have
    ]
    merged.ids = [row.pk for row in TopicDailyViews.objects.bulk_create(rows, batch_size=BATCH)]
    return merged


def _batches(plans: list[Planned]) -> Iterator[list[Planned]]:
    """The plans cut into batches of ``import_batch()`` posts, or fewer when they carry
    many comments, tags or views (each batch is one transaction)."""
    limit = import_batch()
    batch: list[Planned] = []
    rows = 0
    for plan in plans:
        batch.append(plan)
        rows += 1 + len(plan.comments) + len(plan.tags) + len(plan.record.daily_views)
        if len(batch) >= limit or rows >= BATCH_ROWS:
            yield batch
            batch, rows = [], 0
    if batch:
        yield batch


def import_batch() -> int:
    """Posts written per transaction (``GLANEUR_IMPORT_BATCH``, 500 by default)."""
    return max(1, int(getattr(settings, "GLANEUR_IMPORT_BATCH", 500)))


def _make_way() -> None:
    """Between two batches on SQLite, leave the write lock free for a moment.

    A writer waiting for the lock (a view count, a curator's save, the worker) tries again
    every 100 ms at most (SQLite's busy handler); a pause as long lets it in before the
    next batch takes the lock. PostgreSQL locks rows, not the database: no pause.
    """
    pause = float(getattr(settings, "GLANEUR_IMPORT_PAUSE", 0.1))
    if connection.vendor == "sqlite" and pause > 0 and not connection.in_atomic_block:
        time.sleep(pause)


@dataclass
class _Saved:
    post_ids: list[int]
    tag_ids: list[int]  # tags created


def _save_posts(
    topic: Topic,
    plans: list[Planned],
    accounts: dict[str, User],
    by: User | None,
    origins: dict[tuple[str, str], int],
    report: ImportReport,
    *,
    explicit_nulls: bool,
    display_names: dict[str, str],
) -> _Saved:
    """Write one batch of posts with their tags, comments and views (one transaction)."""
    default_curator = by or topic.owner
    for plan in plans:
        post = plan.post
        post.topic = topic
        post.curated_by = default_curator
        for name, username in plan.record.users.items():
            account = accounts.get(username) if username else None
            # Glaneur JSON says "no curator" with null; other formats fall back on the
            # person importing when they name nobody, or nobody who is a curator here.
            explicit_none = explicit_nulls and username is None
            if account is None and name == "curated_by" and not explicit_none:
                account = default_curator
            setattr(post, name, account)
        for name, ref in plan.record.refs.items():
            setattr(post, f"{name}_id", origins.get(ref) if ref else None)
    posts = Post.objects.bulk_create([p.post for p in plans], batch_size=BATCH)
    restore_updated_at(plans)

    names = [name for p in plans for name in p.tags]
    had = set(
        Tag.objects.filter(slug__in={Tag.slug_for(n) for n in names}).values_list("slug", flat=True)
    )
    tags = get_or_create_tags(names)
    by_slug = {tag.slug: tag for tag in tags}
    PostTag.objects.bulk_create(
        [
            PostTag(post=p.post, tag=by_slug[Tag.slug_for(name)], topic=topic)
            for p in plans
            for name in p.tags
        ],
        batch_size=BATCH,
    )

    comments = []
    for plan in plans:
        for _record, comment in plan.comments:
            comment.post = plan.post
        for record, comment in plan.comments:
            for name, username in record.users.items():
                account = accounts.get(username or "")
                if name == "author" and username and account is None and not comment.author_name:
                    # An account unknown here: the comment keeps its author's name.
                    comment.author_name = fit(
                        Comment, "author_name", display_names.get(username, username)
                    )
                setattr(comment, name, account)
            comments.append(comment)
    Comment.objects.bulk_create(comments, batch_size=BATCH)
    link_comment_refs(plans)

    views = [
        PostDailyViews(post=p.post, day=day, count=count)
        for p in plans
        for day, count in sorted(p.record.daily_views.items())
    ]
    PostDailyViews.objects.bulk_create(views, batch_size=BATCH)
    for extra in post_extras():
        given = {
            p.post.pk: p.record.fields[extra.name]
            for p in plans
            if p.record.fields.get(extra.name) is not None
        }
        if given:
            extra.restore(given)

    report.created_posts += len(posts)
    report.created_comments += len(comments)
    report.created_view_days += len(views)
    return _Saved([p.pk for p in posts], [t.pk for t in tags if t.slug not in had])
