"""Who may see what, and who may change what: the one statement of the rules.

Each rule is written once, as a predicate on loaded objects (``can_view_post``) and, for
lists, as a query filter (``visible_posts``); pages, the API, feeds, search, the reading
list, digests, newsletters and exports all ask here.

Seeing

- A **topic**, public or unlisted: anyone who has its address. Private: its members
  (owner, editors, contributors). Superusers see every topic.
- A **listed** topic is one offered to people who did not ask for it by its address
  (home page, search across topics, profiles, the API's topic list): public topics, and
  those the person is a member of. Unlisted topics are visible but not listed.
- A **post**: its topic is visible, and the post is published. A draft or a scheduled
  post is seen only by those who may edit it (the topic's owner and editors, and the
  contributor who curated it): other contributors, readers and everyone else do not learn
  it exists (404), whether they open it, rescoop it, comment on it or ask the API.
- Feeds, and newsletters sent to addresses, are read by nobody in particular: they carry
  what an anonymous reader sees. A private topic's newsletter goes only to the addresses
  of people who may see the topic.

Changing

- Curate (type a post, scoop, rescoop into the topic): owner, editors, contributors.
- Edit, delete, publish, unpublish, fetch again a post: owner and editors; a contributor
  only the posts they curated.
- Pin, topic settings, members, comment moderation, newsletters, imports, full exports:
  owner and editors (only an owner makes or unmakes owners).
- A contributor's ``pinned`` is ignored wherever a post is created or edited (forms, API):
  pinning is the managers' decision, whatever the path.
- Follow: any signed-in person who may see the topic; comment: who may see the post, once
  it is published. Unfollowing always works, even a topic one may no longer see.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from .models import Membership, Post, Topic

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    AnyUser = User | AnonymousUser

CURATOR_ROLES = {Membership.Role.OWNER, Membership.Role.EDITOR, Membership.Role.CONTRIBUTOR}
EDITOR_ROLES = {Membership.Role.OWNER, Membership.Role.EDITOR}
# Visibilities anyone may open by address, and those offered in lists.
OPEN_VISIBILITIES = (Topic.Visibility.PUBLIC, Topic.Visibility.UNLISTED)
LISTED_VISIBILITIES = (Topic.Visibility.PUBLIC,)
NOTHING = Q(pk__in=[])


def authenticated(user: AnyUser) -> User:
    """The user, known to be logged in; raises PermissionDenied otherwise."""
    if not user.is_authenticated:
        raise PermissionDenied(_("You must be logged in."))
    return cast("User", user)  # type: ignore[redundant-cast]


def is_superuser(user: AnyUser | None) -> bool:
    return bool(user is not None and user.is_authenticated and getattr(user, "is_superuser", False))


def role_of(user: AnyUser | None, topic: Topic) -> str | None:
    """The user's role in the topic (a superuser is an owner everywhere), or None."""
    if user is None or not user.is_authenticated:
        return None
    if is_superuser(user):
        return Membership.Role.OWNER
    # One SQL statement: every signed-in page asks, and the ORM took ten times SQLite's run
    # to build this query (bench/README.md, "Where a signed-in topic page's time goes").
    # A user has at most one membership per topic (a unique constraint).
    quote = connection.ops.quote_name  # names from the model, never from input
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('role')} FROM {quote(Membership._meta.db_table)} "  # noqa: S608
            f"WHERE {quote('user_id')} = %s AND {quote('topic_id')} = %s",
            [user.pk, topic.pk],
        )
        row = cursor.fetchone()
    return None if row is None else str(row[0])


# Seeing: predicates.


def can_view_topic(user: AnyUser | None, topic: Topic) -> bool:
    return topic.visibility in OPEN_VISIBILITIES or role_of(user, topic) is not None


def _role_edits(role: str | None, user: AnyUser | None, post: Post) -> bool:
    """Whether this role in the post's topic may change the post (see can_edit_post)."""
    if role in EDITOR_ROLES:
        return True
    return (
        role == Membership.Role.CONTRIBUTOR
        and user is not None
        and post.curated_by_id is not None
        and post.curated_by_id == user.pk
        # Where an editor approves what goes out, what went out is the editors' to change.
        and not (post.status == Post.Status.PUBLISHED and post.topic.contributors_need_approval)
    )


def can_view_post(
    user: AnyUser | None, post: Post, *, roles: dict[int, str | None] | None = None
) -> bool:
    """The post's topic is visible to the user, and the post published or editable by them.

    ``roles`` keeps the user's roles by topic id across calls (a page of cards)."""
    topic = post.topic
    if post.status == Post.Status.PUBLISHED and topic.visibility in OPEN_VISIBILITIES:
        return True  # no query: the common case of every public page
    if roles is None:
        role = role_of(user, topic)
    else:
        if topic.pk not in roles:
            roles[topic.pk] = role_of(user, topic)
        role = roles[topic.pk]
    if topic.visibility not in OPEN_VISIBILITIES and role is None:
        return False
    return post.status == Post.Status.PUBLISHED or _role_edits(role, user, post)


def check_can_view(user: AnyUser, topic: Topic) -> None:
    if not can_view_topic(user, topic):
        raise PermissionDenied(_("This topic is private."))


def check_can_view_post(user: AnyUser, post: Post) -> None:
    if not can_view_post(user, post):
        raise PermissionDenied(_("You may not see this post."))


# Seeing: query filters (the same rules, for lists).


def _member_topic_ids(user: AnyUser | None, roles: Collection[str] | None = None) -> QuerySet[Any]:
    """The ids of the topics the user holds one of ``roles`` in (any role: None), as a
    subquery."""
    if user is None or not user.is_authenticated:
        return Membership.objects.none().values("topic_id")
    rows = Membership.objects.filter(user_id=user.pk)
    if roles is not None:
        rows = rows.filter(role__in=sorted(roles))
    return rows.values("topic_id")


def _topics_q(user: AnyUser | None, visibilities: tuple[str, ...], prefix: str) -> Q:
    if is_superuser(user):
        return Q()
    shown = Q(**{f"{prefix}visibility__in": visibilities})
    if user is None or not user.is_authenticated:
        return shown
    return shown | Q(**{f"{prefix}pk__in": _member_topic_ids(user)})


def visible_topics(user: AnyUser | None, *, prefix: str = "") -> Q:
    """Filter of the topics ``user`` may see (``prefix``: the path to a topic, e.g.
    ``"topic__"`` on follows)."""
    return _topics_q(user, OPEN_VISIBILITIES, prefix)


def listed_topics(user: AnyUser | None, *, prefix: str = "") -> Q:
    """Filter of the topics offered to ``user`` in lists: public ones and their own."""
    return _topics_q(user, LISTED_VISIBILITIES, prefix)


def _unpublished_q(user: AnyUser | None, prefix: str) -> Q:
    """The unpublished posts ``user`` (not a superuser) may see: those they may edit."""
    if user is None or not user.is_authenticated:
        return NOTHING
    return Q(**{f"{prefix}topic_id__in": _member_topic_ids(user, EDITOR_ROLES)}) | Q(
        **{
            f"{prefix}curated_by_id": user.pk,
            f"{prefix}topic_id__in": _member_topic_ids(user, {Membership.Role.CONTRIBUTOR}),
        }
    )


def visible_posts(user: AnyUser | None, *, prefix: str = "") -> Q:
    """Filter of the posts ``user`` may see, in any topic (``prefix``: the path to a post)."""
    if is_superuser(user):
        return Q()  # (an empty Q in an OR would be dropped, not match everything)
    published = Q(**{f"{prefix}status": Post.Status.PUBLISHED})
    return visible_topics(user, prefix=f"{prefix}topic__") & (
        published | _unpublished_q(user, prefix)
    )


def visible_posts_in(topic: Topic, user: AnyUser | None) -> Q:
    """Filter of the posts of ``topic`` that ``user`` may see: the rule of
    ``visible_posts`` with the topic's part decided once (one query, no join)."""
    role = role_of(user, topic)
    if topic.visibility not in OPEN_VISIBILITIES and role is None:
        return NOTHING
    if role in EDITOR_ROLES:
        return Q()
    published = Q(status=Post.Status.PUBLISHED)
    if role == Membership.Role.CONTRIBUTOR and user is not None:
        return published | Q(curated_by_id=user.pk)
    return published


def topic_visible_to_row_user(*, user_field: str = "user", topic_field: str = "topic") -> Q:
    """Filter of rows naming a user and a topic (follows) where that user may see that
    topic: ``visible_topics`` when the user differs from row to row."""
    membership = Membership.objects.filter(
        user_id=OuterRef(f"{user_field}_id"), topic_id=OuterRef(f"{topic_field}_id")
    )
    return (
        Q(**{f"{topic_field}__visibility__in": OPEN_VISIBILITIES})
        | Q(**{f"{user_field}__is_superuser": True})
        | Q(Exists(membership))
    )


def viewers_of(topic: Topic) -> Q:
    """Filter of the users who may see ``topic`` (empty: everyone, the topic is open)."""
    if topic.visibility in OPEN_VISIBILITIES:
        return Q()
    return Q(pk__in=Membership.objects.filter(topic=topic).values("user_id")) | Q(is_superuser=True)


# Changing.


def can_curate(user: AnyUser | None, topic: Topic) -> bool:
    return role_of(user, topic) in CURATOR_ROLES


def can_manage(user: AnyUser | None, topic: Topic) -> bool:
    return role_of(user, topic) in EDITOR_ROLES


def needs_approval(user: AnyUser | None, topic: Topic) -> bool:
    """What this user publishes waits for an editor: a contributor, when the topic's owner
    asked for it. Every way of publishing (page, scoop, API, import) goes through it."""
    return topic.contributors_need_approval and role_of(user, topic) == Membership.Role.CONTRIBUTOR


def can_review(user: AnyUser | None, topic: Topic) -> bool:
    """Approve or send back contributors' posts: the owner and editors."""
    return can_manage(user, topic)


def check_can_review(user: AnyUser, topic: Topic) -> None:
    if not can_review(user, topic):
        raise PermissionDenied(_("Only the topic's owner and editors may approve posts."))


def can_pin(user: AnyUser | None, topic: Topic) -> bool:
    """Pinning orders the topic's page for everyone: the managers' decision."""
    return can_manage(user, topic)


def can_edit_post(user: AnyUser | None, post: Post) -> bool:
    return _role_edits(role_of(user, post.topic), user, post)


def check_can_curate(user: AnyUser, topic: Topic) -> None:
    if not can_curate(user, topic):
        raise PermissionDenied(_("You are not a curator of this topic."))


def check_can_manage(user: AnyUser, topic: Topic) -> None:
    if not can_manage(user, topic):
        raise PermissionDenied(_("Only the topic's owner and editors may do this."))


def check_can_edit_post(user: AnyUser, post: Post) -> None:
    if not can_edit_post(user, post):
        raise PermissionDenied(_("You may not change this post."))
