"""Imports into topics; each import is all-or-nothing and idempotent."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from glaneur.audience.models import Comment
from glaneur.curation.models import Membership, Post, Topic
from glaneur.curation.services import create_post, create_topic, unique_topic_slug
from glaneur.ingest.urlnorm import normalize_url

from .scoopit import ParsedPost, ParsedTopic, ScoopitParseError, parse_scoopit


class ImportFailed(Exception):
    """A file that cannot be imported; nothing of it was saved."""

    def __init__(self, reason: str, *, line: int | None = None) -> None:
        self.line = line
        self.reason = reason
        super().__init__(f"line {line}: {reason}" if line else reason)


@dataclass
class ImportReport:
    topic: Topic
    created_topic: bool = False
    created_posts: int = 0
    skipped_posts: int = 0
    created_comments: int = 0
    messages: list[str] = field(default_factory=list)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, ZoneInfo(settings.TIME_ZONE))


def curator_account(name: str) -> User:
    """The account an imported curator's name maps to (created without a usable password)."""
    username = slugify(name)[:150] or "scoopit-curator"
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": name[:150]}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _post_key(post: ParsedPost) -> str:
    if post.url:
        return "scoopit:" + hashlib.sha256(normalize_url(post.url).encode()).hexdigest()[:40]
    basis = f"{post.title}\n{post.curated_at.isoformat()}"
    return "scoopit:" + hashlib.sha256(basis.encode()).hexdigest()[:40]


def import_scoopit(content: str, *, source: str = "") -> ImportReport:
    """Import a Scoop.it topic page (text capture or HTML) into a topic of its own."""
    try:
        parsed = parse_scoopit(content)
    except ScoopitParseError as exc:
        raise ImportFailed(exc.reason, line=exc.line) from exc
    return import_parsed_topic(parsed)


@transaction.atomic
def import_parsed_topic(parsed: ParsedTopic) -> ImportReport:
    owner = curator_account(parsed.curator)
    topic_key = "scoopit:" + (slugify(parsed.title.replace("'", " ").replace("’", " ")) or "topic")
    topic = Topic.objects.filter(import_key=topic_key).first()
    created = topic is None
    if topic is None:
        topic = create_topic(
            owner=owner,
            title=parsed.title,
            slug=unique_topic_slug(parsed.title),
            description=parsed.description,
            language="fr",
            historical_views=parsed.views_total,
            import_key=topic_key,
        )
    report = ImportReport(topic=topic, created_topic=created)
    if parsed.views_total > topic.historical_views:
        # A later capture of the same topic carries a larger total: keep the latest.
        topic.historical_views = parsed.views_total
        topic.save(update_fields=["historical_views"])
    accounts: dict[str, User] = {parsed.curator: owner}
    existing_keys = set(topic.posts.exclude(import_key="").values_list("import_key", flat=True))
    existing_urls = set(
        topic.posts.exclude(normalized_url="").values_list("normalized_url", flat=True)
    )
    for parsed_post in parsed.posts:
        key = _post_key(parsed_post)
        url = normalize_url(parsed_post.url) if parsed_post.url else ""
        if key in existing_keys or (url and url in existing_urls):
            report.skipped_posts += 1
            continue
        if parsed_post.curated_by not in accounts:
            accounts[parsed_post.curated_by] = curator_account(parsed_post.curated_by)
            Membership.objects.get_or_create(
                user=accounts[parsed_post.curated_by],
                topic=topic,
                defaults={"role": Membership.Role.CONTRIBUTOR},
            )
        post = create_post(
            topic,
            by=accounts[parsed_post.curated_by],
            check=False,
            title=parsed_post.title,
            url=parsed_post.url or "",
            summary=parsed_post.summary,
            insight=parsed_post.insight,
            tags=parsed_post.tags,
            image_url=parsed_post.image_url or "",
            site_name=parsed_post.site_name,
            via=parsed_post.via or "",
            curated_at=_aware(parsed_post.curated_at),
            rescooped_from=parsed_post.rescooped_from or "",
            import_key=key,
        )
        comments = [
            Comment(
                post=post,
                author_name=c.author[:200],
                text=c.text,
                is_curator_insight=c.is_curator_insight,
                created_at=_aware(c.posted_at) or post.curated_at,
                import_key=f"{key}:{n}",
            )
            for n, c in enumerate(parsed_post.comments)
        ]
        Comment.objects.bulk_create(comments)
        if comments:
            Post.objects.filter(pk=post.pk).update(comment_count=len(comments))
        existing_keys.add(key)
        if url:
            existing_urls.add(url)
        report.created_posts += 1
        report.created_comments += len(comments)
    return report
