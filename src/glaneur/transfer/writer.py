"""Import a parsed file: check everything (``planning``), then write it in one transaction.

A bad file therefore leaves nothing behind, and a file imported twice changes nothing.
An import adds what is missing and never changes what is already here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from glaneur.analytics.models import PostDailyViews, TopicDailyViews
from glaneur.audience.models import Comment
from glaneur.curation.models import Membership, Post, PostTag, Tag, Topic
from glaneur.curation.services import create_topic, get_or_create_tags

from .errors import ImportFailed
from .fields import concrete_fields, decode_fields
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

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

BATCH = 500

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

    Raises ImportFailed, naming the item and line, before anything is written.
    ``trusted`` (the CLI, run by the site's administrator) finds or creates the accounts
    a Glaneur JSON or Scoop.it file names; otherwise only the topic's own curators are
    recognised, so an uploaded file can neither create accounts nor speak for people.
    """
    prefix = local_prefix()
    topic, new_topic = _target(bundle, topic, create_slug, by)
    notes = list(bundle.notes)
    members = _member_values(bundle) if new_topic is not None else []
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
        progress("saving", len(bundle.posts), len(bundle.posts))
    try:
        with transaction.atomic():
            accounts = _accounts(bundle, topic, plans, members, trusted=trusted)
            if topic is None:
                assert new_topic is not None  # noqa: S101 (_target returns one of the two)
                topic = _create_topic(new_topic, bundle, accounts, by, members)
            report = ImportReport(topic=topic, created_topic=new_topic is not None)
            report.skipped_posts, report.messages = skipped, notes
            if bundle.topic is not None:
                report.created_view_days += _merge_topic_views(
                    topic, bundle.topic.fields, bundle.topic_daily_views, new_topic is not None
                )
            _save_posts(
                topic, plans, accounts, by, origins, existing, report,
                explicit_nulls=bundle.create_accounts,
                display_names={
                    name: f"{u.first_name} {u.last_name}".strip() or name
                    for name, u in bundle.users.items()
                },
            )  # fmt: skip
            report.messages += _unknown_accounts_note(plans, accounts)
    except IntegrityError as exc:
        # Checked a moment ago: someone added the same post (or topic) meanwhile.
        raise ImportFailed(
            _("the topic changed during the import (%(error)s); nothing was saved, try again")
            % {"error": exc}
        ) from exc
    ids = list(report.post_ids)
    if ids:
        transaction.on_commit(lambda: index_posts(ids))
    return report


def _target(
    bundle: ImportBundle, topic: Topic | None, create_slug: str, by: User | None
) -> tuple[Topic | None, dict[str, Any] | None]:
    """The topic to import into, or the checked fields of the one to create."""
    if topic is not None:
        return topic, None
    if bundle.topic is None:
        raise ImportFailed(_("this file carries no topic: import it into an existing topic"))
    slug = create_slug or str(bundle.topic.fields.get("slug") or "")
    if not slug:
        raise ImportFailed(_("the topic in the file has no slug"))
    existing = Topic.objects.filter(slug=slug).first()
    if existing is not None:
        return existing, None  # made by an earlier run: import into it as into any topic
    values = decode_fields(
        Topic, {**bundle.topic.fields, "slug": slug}, concrete_fields(Topic, set()), what="topic"
    )
    if not values.get("title"):
        raise ImportFailed(_("the topic in the file has no title"))
    if not bundle.topic.owner and by is None:
        raise ImportFailed(_("the topic in the file has no owner"))
    return None, values


def _member_values(bundle: ImportBundle) -> list[tuple[str, dict[str, Any]]]:
    member_fields = concrete_fields(Membership, set())
    return [
        (
            member.username,
            decode_fields(
                Membership,
                {**member.fields, "role": member.role},
                member_fields,
                what=f"members[{n}]",
            ),
        )
        for n, member in enumerate(bundle.members, start=1)
    ]


def _accounts(
    bundle: ImportBundle,
    topic: Topic | None,
    plans: list[Planned],
    members: list[tuple[str, dict[str, Any]]],
    *,
    trusted: bool,
) -> dict[str, User]:
    """Accounts by username for the names the file uses: created if trusted and the
    format carries accounts, else only the topic's curators."""
    user_model = get_user_model()
    names = _named(plans)
    if not (bundle.create_accounts and trusted):
        if topic is None or not names:
            return {}
        rows = Membership.objects.filter(topic=topic, user__username__in=names)
        return {m.user.get_username(): m.user for m in rows.select_related("user")}
    names |= {username for username, _values in members}
    if bundle.topic is not None and bundle.topic.owner:
        names.add(bundle.topic.owner)
    accounts = {u.get_username(): u for u in user_model.objects.filter(username__in=names)}
    missing = []
    for name in sorted(names - set(accounts)):
        record = bundle.users.get(name)
        user = user_model(
            username=name,
            first_name=(record.first_name if record else "")[:150],
            last_name=(record.last_name if record else "")[:150],
        )
        user.set_unusable_password()
        missing.append(user)
    for user in user_model.objects.bulk_create(missing):
        accounts[user.get_username()] = user
    return accounts


def _named(plans: list[Planned]) -> set[str]:
    names = {n for p in plans for n in p.record.users.values() if n}
    return names | {n for p in plans for c, _comment in p.comments for n in c.users.values() if n}


def _unknown_accounts_note(plans: list[Planned], accounts: dict[str, User]) -> list[str]:
    unknown = sorted(_named(plans) - set(accounts))
    if not unknown:
        return []
    return [
        _(
            "Not curators of this topic: %(names)s. Their posts are credited to the person "
            "importing; their comments keep their names."
        )
        % {"names": ", ".join(unknown[:20]) + ("…" if len(unknown) > 20 else "")}
    ]


def _create_topic(
    values: dict[str, Any],
    bundle: ImportBundle,
    accounts: dict[str, User],
    by: User | None,
    members: list[tuple[str, dict[str, Any]]],
) -> Topic:
    owner = accounts.get(bundle.topic.owner or "") if bundle.topic else None
    owner = owner or by
    if owner is None:  # checked in _target; kept for the type checker
        raise ImportFailed(_("the topic in the file has no owner"))
    topic = create_topic(owner=owner, title=values["title"], slug=values["slug"])
    for name, value in values.items():
        setattr(topic, name, value)
    topic.save()
    for username, member_values in members:
        if username in accounts:
            Membership.objects.update_or_create(
                user=accounts[username], topic=topic, defaults=member_values
            )
    return topic


def _merge_topic_views(
    topic: Topic, fields: dict[str, Any], days: dict[date, int], creating: bool
) -> int:
    """Counted days the topic lacks; the larger historical total (a later export has more)."""
    if not creating:
        total = decode_fields(Topic, fields, concrete_fields(Topic, set())).get("historical_views")
        if isinstance(total, int) and total > topic.historical_views:
            topic.historical_views = total
            topic.save(update_fields=["historical_views"])
    have = set(TopicDailyViews.objects.filter(topic=topic).values_list("day", flat=True))
    rows = [
        TopicDailyViews(topic=topic, day=day, count=count)
        for day, count in sorted(days.items())
        if day not in have
    ]
    TopicDailyViews.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _save_posts(
    topic: Topic,
    plans: list[Planned],
    accounts: dict[str, User],
    by: User | None,
    origins: dict[tuple[str, str], int],
    existing: Existing,
    report: ImportReport,
    *,
    explicit_nulls: bool,
    display_names: dict[str, str],
) -> None:
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
    _restore_updated_at(plans)
    _link_own_refs(topic, plans, existing)

    tags = get_or_create_tags([name for p in plans for name in p.tags])
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
                    comment.author_name = display_names.get(username, username)[:200]
                setattr(comment, name, account)
            comments.append(comment)
    Comment.objects.bulk_create(comments, batch_size=BATCH)
    _link_comment_refs(plans)

    views = [
        PostDailyViews(post=p.post, day=day, count=count)
        for p in plans
        for day, count in sorted(p.record.daily_views.items())
    ]
    PostDailyViews.objects.bulk_create(views, batch_size=BATCH)

    report.created_posts = len(posts)
    report.created_comments = len(comments)
    report.created_view_days += len(views)
    report.post_ids = [p.pk for p in posts]


def _restore_updated_at(plans: list[Planned]) -> None:
    dated = [p for p in plans if p.record.fields.get("updated_at")]
    if not dated:
        return
    post_fields = {f.name: f for f in concrete_fields(Post, POST_EXCLUDE)}
    for plan in dated:
        plan.post.updated_at = post_fields["updated_at"].clean(
            plan.record.fields["updated_at"], None
        )
    Post.objects.bulk_update([p.post for p in dated], ["updated_at"], batch_size=BATCH)


def _link_own_refs(topic: Topic, plans: list[Planned], existing: Existing) -> None:
    """References between posts of the imported topic itself, once they all have ids."""
    keys = {k: pk for k, pk in existing.keys.items() if pk is not None}
    keys.update({p.record.key: p.post.pk for p in plans if p.record.key})
    changed: dict[str, list[Post]] = {}
    for plan in plans:
        for name, ref in plan.record.refs.items():
            if ref is None or getattr(plan.post, f"{name}_id") is not None:
                continue
            target = keys.get(ref[1])
            if target is not None and target != plan.post.pk:
                setattr(plan.post, f"{name}_id", target)
                changed.setdefault(name, []).append(plan.post)
    for name, posts in changed.items():
        Post.objects.bulk_update(posts, [name], batch_size=BATCH)


def _link_comment_refs(plans: list[Planned]) -> None:
    changed: dict[str, list[Comment]] = {}
    for plan in plans:
        by_key = {record.key: comment for record, comment in plan.comments if record.key}
        for record, comment in plan.comments:
            for name, key in record.comments.items():
                target = by_key.get(key or "")
                if target is not None and target is not comment:
                    setattr(comment, name, target)
                    changed.setdefault(name, []).append(comment)
    for name, comments in changed.items():
        Comment.objects.bulk_update(comments, [name], batch_size=BATCH)


def index_posts(post_ids: Iterable[int]) -> None:
    """Hand imported posts to the search index (bulk inserts send no signals)."""
    from glaneur.search.services import index_posts as index

    try:
        index(list(post_ids))
    except Exception:
        # The import is saved whatever happens to the index; `glaneur reindex` repairs it.
        logger.exception("could not index %d imported posts", len(list(post_ids)))
