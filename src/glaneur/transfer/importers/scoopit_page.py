"""A Scoop.it topic page (text capture or saved HTML) as an import bundle for the writer.

The page becomes a topic of its own (found again by its ``import_key`` on a later import);
its curators become accounts, found or created by a username made from their names.

Dates. Public pages show no date under "Scooped by". A post without one is given a date
that keeps the page's order, newest first: the previous post's date less one second, the
first post of the page the time of the import. A page mixing dated and undated posts keeps
its order too. Posts are recognised on a later import by their source URL, else by their
title and date as the page gave them, else (no date) by their title, curator and summary,
never by a date given here.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from glaneur.audience.models import Comment
from glaneur.curation.models import Topic
from glaneur.ingest.urlnorm import normalize_url

from ..errors import ImportFailed
from ..scoopit import ParsedPost, ParsedTopic
from .common import fit, one_line, site_zone, web_url
from .records import CommentRecord, ImportBundle, MemberRecord, PostRecord, TopicRecord, UserRecord

FALLBACK_USERNAME = "scoopit-curator"


def curator_username(name: str) -> str:
    """The username an imported curator's name maps to (the same on every import)."""
    return slugify(name)[:150] or FALLBACK_USERNAME


def topic_key(parsed: ParsedTopic) -> str:
    return "scoopit:" + (slugify(parsed.title.replace("'", " ").replace("’", " ")) or "topic")


def post_key(post: ParsedPost) -> str:
    if post.url:
        basis = normalize_url(post.url)
    elif post.curated_at is not None:
        basis = f"{post.title}\n{post.curated_at.isoformat()}"
    else:
        basis = f"undated\n{post.title}\n{post.curated_by}\n{post.summary}"
    return "scoopit:" + hashlib.sha256(basis.encode()).hexdigest()[:40]


def _aware(moment: datetime) -> datetime:
    # Scoop.it prints the time of the topic's zone (Paris for the seed): the site's zone.
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, site_zone())


def curation_dates(posts: list[ParsedPost], now: datetime) -> list[datetime]:
    """Each post's date: the page's, else one second before the post above it (see above)."""
    dates: list[datetime] = []
    previous = now + timedelta(seconds=1)
    for post in posts:
        previous = _aware(post.curated_at) if post.curated_at else previous - timedelta(seconds=1)
        dates.append(previous)
    return dates


def where(line: int, last: int | None = None) -> str:
    """'line 12: ' or 'lines 12–15: ', in the active language."""
    if last is None or last == line:
        return ImportFailed("", line=line).where()
    return _("lines %(first)d–%(last)d: ") % {"first": line, "last": last}


def bundle_from_page(
    parsed: ParsedTopic, *, new_topic: str | None, now: datetime | None = None
) -> ImportBundle:
    """The bundle the writer imports; ``new_topic``: the slug of the topic to create, or
    None to import into the page's topic found by the caller."""
    bundle = ImportBundle(format="scoopit-page", posts=[], create_accounts=True)
    bundle.notes += [where(s.line, s.last) + s.reason for s in parsed.skipped]
    owner = curator_username(parsed.curator)
    bundle.users[owner] = UserRecord(owner, first_name=one_line(parsed.curator))
    dates = curation_dates(parsed.posts, now or timezone.now())
    for item, (post, curated_at) in enumerate(zip(parsed.posts, dates, strict=True), start=1):
        bundle.posts.append(_record(post, item, curated_at, bundle))
    if new_topic is not None:
        bundle.topic = TopicRecord(
            fields={
                "slug": new_topic,
                "title": fit(Topic, "title", parsed.title),
                "description": parsed.description,
                "language": "fr",
                "historical_views": parsed.views_total,
                "import_key": topic_key(parsed),
            },
            owner=owner,
        )
        bundle.members = [
            MemberRecord(username, role="contributor")
            for username in bundle.users
            if username != owner
        ]
    return bundle


def _record(post: ParsedPost, item: int, curated_at: datetime, bundle: ImportBundle) -> PostRecord:
    key = post_key(post)
    url = web_url(post.url or "") or ""
    if post.url and not url:
        bundle.notes.append(
            where(post.line)
            + _("%(url)r is not a web address; the post is kept without its link")
            % {"url": post.url[:200]}
        )
    fields: dict[str, object] = {
        "title": one_line(post.title),
        "url": url,
        "summary": post.summary,
        "insight": post.insight,
        "image_url": web_url(post.image_url or "") or "",
        "site_name": one_line(post.site_name),
        "via": one_line(post.via),
        "curated_at": curated_at,
        "rescooped_from": one_line(post.rescooped_from),
    }
    record = PostRecord(item=item, line=post.line, key=key, fields=fields, tags=post.tags)
    if post.curated_by:
        username = curator_username(post.curated_by)
        bundle.users.setdefault(
            username, UserRecord(username, first_name=one_line(post.curated_by))
        )
        record.users["curated_by"] = username
    for n, comment in enumerate(post.comments):
        record.comments.append(
            CommentRecord(
                key=f"{key}:{n}",
                fields={
                    "author_name": fit(Comment, "author_name", comment.author),
                    "text": comment.text,
                    "is_curator_insight": comment.is_curator_insight,
                    "created_at": _aware(comment.posted_at) if comment.posted_at else curated_at,
                },
            )
        )
    return record
