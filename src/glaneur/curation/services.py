"""Operations that change topics and posts; every caller (views, API, CLI, tasks) uses these."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

# Who may see and change what is decided in access.py; re-exported for the callers.
from .access import CURATOR_ROLES as CURATOR_ROLES
from .access import EDITOR_ROLES as EDITOR_ROLES
from .access import OPEN_VISIBILITIES, can_pin, can_view_topic, check_can_view_post
from .access import authenticated as authenticated
from .access import can_curate as can_curate
from .access import can_edit_post as can_edit_post
from .access import check_can_curate as check_can_curate
from .access import check_can_edit_post as check_can_edit_post
from .access import check_can_manage as check_can_manage
from .access import check_can_view as check_can_view
from .access import role_of as role_of
from .markup import render_markdown
from .models import Membership, Post, PostTag, Tag, Topic

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from .access import AnyUser as AnyUser

can_view = can_view_topic


def unique_topic_slug(title: str) -> str:
    # "paroles d'acteurs" -> "paroles-d-acteurs", as Scoop.it spells its paths.
    base = slugify(title.replace("'", " ").replace("’", " "))[:90] or "topic"
    slug, n = base, 2
    while Topic.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_topic(
    *,
    owner: User,
    title: str,
    slug: str | None = None,
    description: str = "",
    language: str = "fr",
    visibility: str = Topic.Visibility.PUBLIC,
    historical_views: int = 0,
    import_key: str = "",
) -> Topic:
    """Create a topic and make its creator its owner."""
    topic = Topic.objects.create(
        owner=owner,
        title=title.strip(),
        slug=slug or unique_topic_slug(title),
        description=description.strip(),
        language=language,
        visibility=visibility,
        historical_views=historical_views,
        import_key=import_key,
    )
    Membership.objects.create(user=owner, topic=topic, role=Membership.Role.OWNER)
    return topic


def update_topic(topic: Topic, *, by: AnyUser, **fields: Any) -> Topic:
    check_can_manage(by, topic)
    was_visible_to_all = topic.visibility in OPEN_VISIBILITIES
    for name in ("title", "description", "language", "visibility"):
        if name in fields:
            setattr(topic, name, fields[name])
    topic.full_clean()
    # Cached pages and feeds are keyed on the content stamp: what they show changed.
    topic.content_changed_at = timezone.now()
    topic.save()
    if was_visible_to_all != (topic.visibility in OPEN_VISIBILITIES):
        # Other topics' cards name this one as the origin of their rescoops, or stop to.
        Topic.objects.filter(posts__origin__topic=topic).update(
            content_changed_at=topic.content_changed_at
        )
    return topic


def parse_tag_names(raw: str | Iterable[str]) -> list[str]:
    """Split "a, b; c" (or a list) into distinct, trimmed names, first spelling wins."""
    items = raw.replace(";", ",").split(",") if isinstance(raw, str) else list(raw)
    seen: dict[str, str] = {}
    for item in items:
        name = " ".join(item.split()).strip(" .#")[:100]
        slug = Tag.slug_for(name)
        if name and slug and slug not in seen:
            seen[slug] = name
    return list(seen.values())


def get_or_create_tags(names: Sequence[str]) -> list[Tag]:
    by_slug = {Tag.slug_for(name): name for name in names}
    existing = {tag.slug: tag for tag in Tag.objects.filter(slug__in=by_slug)}
    missing = [Tag(name=name, slug=slug) for slug, name in by_slug.items() if slug not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {tag.slug: tag for tag in Tag.objects.filter(slug__in=by_slug)}
    return [existing[slug] for slug in by_slug]


def set_tags(post: Post, names: str | Iterable[str]) -> None:
    tags = get_or_create_tags(parse_tag_names(names))
    PostTag.objects.filter(post=post).exclude(tag__in=tags).delete()
    have = set(PostTag.objects.filter(post=post).values_list("tag_id", flat=True))
    PostTag.objects.bulk_create(
        [PostTag(post=post, tag=tag, topic_id=post.topic_id) for tag in tags if tag.pk not in have]
    )
    # Cached cards are keyed on updated_at: a change of tags must move it.
    Post.objects.filter(pk=post.pk).update(updated_at=timezone.now())


# Action paths share the post's URL prefix: a post's slug must never be one of them.
RESERVED_SLUGS = {"edit", "delete", "pin", "rescoop", "comment", "comments", "refetch", "card"}


def post_slug(title: str) -> str:
    slug = slugify(title)[:80].strip("-") or "post"
    return f"{slug}-post" if slug in RESERVED_SLUGS else slug


@transaction.atomic
def create_post(
    topic: Topic,
    *,
    by: User | None,
    title: str,
    url: str = "",
    summary: str = "",
    insight: str = "",
    tags: str | Iterable[str] = (),
    image_url: str = "",
    site_name: str = "",
    author: str = "",
    via: str = "",
    source_published_at: datetime | None = None,
    curated_at: datetime | None = None,
    pinned: bool = False,
    status: str = Post.Status.PUBLISHED,
    publish_at: datetime | None = None,
    import_key: str = "",
    rescooped_from: str = "",
    historical_views: int = 0,
    check: bool = True,
) -> Post:
    """Save a post typed by a curator (or imported); ``check=False`` only for trusted imports."""
    if check:
        if by is None:
            raise PermissionDenied(_("You must be logged in."))
        check_can_curate(by, topic)
        # A contributor's "pinned" is ignored, whichever form or API sent it (access.py).
        pinned = pinned and can_pin(by, topic)
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": _("A post needs a title.")})
    from glaneur.ingest.urlnorm import normalize_url

    normalized = normalize_url(url) if url else ""
    if normalized:
        existing = Post.objects.filter(topic=topic, normalized_url=normalized).first()
        if existing is not None:
            raise DuplicatePost(existing)
    post = Post.objects.create(
        topic=topic,
        url=url,
        normalized_url=normalized,
        title=title[:500],
        slug=post_slug(title),
        summary=summary.strip(),
        insight=insight.strip(),
        insight_html=render_markdown(insight) if insight.strip() else "",
        image_url=image_url,
        site_name=site_name[:200],
        author=author[:200],
        via=via[:200],
        source_published_at=source_published_at,
        curated_at=curated_at or timezone.now(),
        curated_by=by,
        pinned=pinned,
        status=status,
        publish_at=publish_at,
        import_key=import_key,
        rescooped_from=rescooped_from[:200],
        historical_views=historical_views,
        edited_fields=_set_by_person(
            title=title if title != url else "",
            summary=summary.strip(),
            image_url=image_url,
            site_name=site_name,
            author=author,
            source_published_at=source_published_at,
        ),
    )
    if tags:
        set_tags(post, tags)
    return post


def _set_by_person(**values: object) -> list[str]:
    """The extraction-filled fields given a value when the post was made."""
    return [name for name in PERSON_WINS_FIELDS if values.get(name)]


class DuplicatePost(ValidationError):
    """The URL is already curated in this topic; carries the existing post."""

    def __init__(self, existing: Post) -> None:
        self.existing = existing
        super().__init__(_("This page is already in the topic."), code="duplicate")


# Fields the fetch fills while empty; once a person set one, extraction never writes it.
PERSON_WINS_FIELDS = (
    "title", "summary", "image_url", "site_name", "author", "source_published_at",
)  # fmt: skip

EDITABLE_FIELDS = (
    "title", "url", "summary", "insight", "image_url", "site_name", "author",
    "source_published_at", "pinned",
)  # fmt: skip


@transaction.atomic
def update_post(
    post: Post, *, by: AnyUser, tags: str | Iterable[str] | None = None, **fields: Any
) -> Post:
    check_can_edit_post(by, post)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "pinned" in fields and not can_pin(by, post.topic):
        del fields["pinned"]  # a contributor's "pinned" is ignored (access.py)
    from glaneur.ingest.urlnorm import normalize_url

    # Locked and read again: only the fields given here are written, over the post as it is
    # now (a fetch or another person may have written others since the caller loaded it).
    current = Post.objects.select_for_update().filter(pk=post.pk).first()
    if current is None:
        raise ValidationError(_("This post no longer exists."))
    old_url = current.url
    # Every field given is the person's choice, an empty one included ("no image").
    post.edited_fields = sorted(
        set(current.edited_fields or ()) | (set(fields) & set(PERSON_WINS_FIELDS))
    )
    for name, value in fields.items():
        setattr(post, name, value)
    saved = {*fields, "edited_fields", "updated_at"}
    if "title" in fields:
        post.title = " ".join(str(fields["title"]).split())
        if not post.title:
            raise ValidationError({"title": _("A post needs a title.")})
        post.slug = post_slug(post.title)
        saved.add("slug")
    if "insight" in fields:
        post.insight = str(fields["insight"]).strip()
        post.insight_html = render_markdown(post.insight) if post.insight else ""
        saved.add("insight_html")
    if "url" in fields:
        post.normalized_url = normalize_url(post.url) if post.url else ""
        saved.add("normalized_url")
        clash = (
            Post.objects.filter(topic_id=post.topic_id, normalized_url=post.normalized_url)
            .exclude(pk=post.pk)
            .first()
        )
        if post.normalized_url and clash is not None:
            raise DuplicatePost(clash)
    if post.url and post.url != old_url:
        # Another page: read it (what the person set stays; the rest comes from the new page).
        post.state, post.state_error, post.fetch_attempts = Post.State.QUEUED, "", 0
        saved |= {"state", "state_error", "fetch_attempts"}
        from glaneur.ingest.services import enqueue_fetch

        transaction.on_commit(lambda: enqueue_fetch(post.pk))
    post.save(update_fields=sorted(saved))
    if tags is not None:
        set_tags(post, tags)
    return post


class InvalidURL(ValidationError):
    pass


def clean_source_url(url: str) -> str:
    """A URL a curator may scoop: absolute http(s), no credentials; address checks come at fetch."""
    from urllib.parse import urlsplit

    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise InvalidURL({"url": _("Enter a web address starting with http:// or https://.")})
    if parts.username or parts.password:
        raise InvalidURL({"url": _("Web addresses with a user name or password are refused.")})
    from glaneur.ingest.urlnorm import normalize_url

    # Normalising can lengthen an address (a "/" path): both forms must fit their columns.
    if len(url) > 2000 or len(normalize_url(url)) > 2000:
        raise InvalidURL({"url": _("This web address is too long.")})
    return url


@transaction.atomic
def scoop_url(
    topic: Topic,
    url: str,
    *,
    by: User,
    insight: str = "",
    tags: str | Iterable[str] = (),
    title: str = "",
    status: str = Post.Status.PUBLISHED,
    publish_at: datetime | None = None,
    capture_token: str = "",
) -> Post:
    """Save the post at once (nothing typed is lost), then fetch and extract in the background.

    ``capture_token`` attaches the copy of the page that the bookmarklet sent, extracted
    instead of fetching (paywalls, JavaScript pages, bot checks).
    """
    check_can_curate(by, topic)
    url = clean_source_url(url)
    post = create_post(
        topic,
        by=by,
        title=title or url,
        url=url,
        insight=insight,
        tags=tags,
        status=Post.Status.SCHEDULED if publish_at else status,
        publish_at=publish_at,
    )
    post.state = Post.State.QUEUED
    post.save(update_fields=["state"])
    from glaneur.ingest.services import attach_capture, enqueue_fetch

    if capture_token:
        attach_capture(post, capture_token)
    transaction.on_commit(lambda: enqueue_fetch(post.pk))
    return post


def refetch(post: Post, *, by: AnyUser | None) -> Post:
    """Fetch the source again; what the curator wrote stays as it is."""
    if by is not None:
        check_can_edit_post(by, post)
    if not post.url:
        raise ValidationError(_("This post has no web address to fetch."))
    post.state = Post.State.QUEUED
    post.state_error = ""
    post.fetch_attempts = 0
    post.save(update_fields=["state", "state_error", "fetch_attempts", "updated_at"])
    from glaneur.ingest.services import enqueue_fetch

    transaction.on_commit(lambda: enqueue_fetch(post.pk))
    return post


def publish(post: Post, *, by: AnyUser | None, at: datetime | None = None) -> Post:
    """Publish now, or schedule for ``at``; ``by=None`` is the scheduler."""
    if by is not None:
        check_can_edit_post(by, post)
    if at is not None and at > timezone.now():
        post.status, post.publish_at = Post.Status.SCHEDULED, at
    else:
        post.status, post.publish_at = Post.Status.PUBLISHED, None
        # The stream is ordered by curation date: a draft published today is today's news.
        post.curated_at = timezone.now()
    post.save(update_fields=["status", "publish_at", "curated_at", "updated_at"])
    return post


def unpublish(post: Post, *, by: AnyUser) -> Post:
    check_can_edit_post(by, post)
    post.status, post.publish_at = Post.Status.DRAFT, None
    post.save(update_fields=["status", "publish_at", "updated_at"])
    return post


def publish_due_posts(now: datetime | None = None) -> int:
    """Publish every scheduled post whose time has come; returns how many."""
    now = now or timezone.now()
    due = Post.objects.filter(status=Post.Status.SCHEDULED, publish_at__lte=now)
    count = 0
    for post in due.only("pk", "publish_at"):
        Post.objects.filter(pk=post.pk, status=Post.Status.SCHEDULED).update(
            status=Post.Status.PUBLISHED,
            curated_at=post.publish_at,
            publish_at=None,
            updated_at=now,
        )
        count += 1
    return count


def delete_post(post: Post, *, by: AnyUser) -> None:
    check_can_edit_post(by, post)
    post.delete()


def set_pinned(post: Post, pinned: bool, *, by: AnyUser) -> Post:
    if not can_pin(by, post.topic):
        raise PermissionDenied(_("Only the topic's owner and editors may pin posts."))
    post.pinned = pinned
    post.save(update_fields=["pinned", "updated_at"])
    return post


@transaction.atomic
def rescoop(post: Post, into: Topic, *, by: User, insight: str = "") -> Post:
    """Copy a post into one of the user's own topics, keeping a link to the original."""
    check_can_view_post(by, post)  # not someone's draft, nor a post of a private topic
    check_can_curate(by, into)
    if into.pk == post.topic_id:
        raise ValidationError(_("This post is already in that topic."))
    copy = create_post(
        into,
        by=by,
        title=post.title,
        url=post.url,
        summary=post.summary,
        insight=insight,
        tags=list(post.tags.values_list("name", flat=True)),
        image_url=post.image_url,
        site_name=post.site_name,
        author=post.author,
        source_published_at=post.source_published_at,
    )
    copy.origin = post
    copy.main_text = post.main_text
    copy.save(update_fields=["origin", "main_text"])
    return copy


def add_member(topic: Topic, user: User, role: str, *, by: AnyUser) -> Membership:
    """Give a user a role in the topic; only the owner may make or unmake owners."""
    check_can_manage(by, topic)
    current = Membership.objects.filter(user=user, topic=topic).first()
    touches_owner = role == Membership.Role.OWNER or (
        current is not None and current.role == Membership.Role.OWNER
    )
    if touches_owner and role_of(by, topic) != Membership.Role.OWNER:
        raise PermissionDenied(_("Only the topic's owner may change who owns it."))
    other_owners = Membership.objects.filter(topic=topic, role=Membership.Role.OWNER).exclude(
        user=user
    )
    demoting_owner = current is not None and current.role == Membership.Role.OWNER
    if demoting_owner and role != Membership.Role.OWNER and not other_owners.exists():
        raise ValidationError(_("A topic keeps at least one owner."))
    membership, _created = Membership.objects.update_or_create(
        user=user, topic=topic, defaults={"role": role}
    )
    return membership


def remove_member(topic: Topic, user: User, *, by: AnyUser) -> None:
    """Take a user's role away; the last owner cannot be removed."""
    current = Membership.objects.filter(user=user, topic=topic).first()
    if current is None:
        return
    if current.role == Membership.Role.OWNER:
        add_member(topic, user, Membership.Role.EDITOR, by=by)  # same owner rules
    else:
        check_can_manage(by, topic)
    Membership.objects.filter(user=user, topic=topic).delete()
