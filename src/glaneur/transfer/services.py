"""Imports into topics and exports of topics; each import is all-or-nothing and idempotent.

Formats: ``importers`` read files into records, ``writer`` checks and saves them,
``exporters`` write topics out; ``jobs`` runs imports in the background.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from glaneur.audience.models import Comment
from glaneur.curation.models import Membership, Post, Topic
from glaneur.curation.services import (
    EDITOR_ROLES,
    check_can_view,
    create_post,
    create_topic,
    role_of,
    unique_topic_slug,
)
from glaneur.ingest.urlnorm import normalize_url

from .errors import ImportFailed
from .exporters import Export, ExportFormat, export_topic
from .importers import ImportFormat, guess_format, parse
from .scoopit import ParsedPost, ParsedTopic, ScoopitParseError, parse_scoopit
from .writer import ImportReport, Progress, import_bundle

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

__all__ = [
    "Export",
    "ExportFormat",
    "ImportFailed",
    "ImportFormat",
    "ImportReport",
    "export_for",
    "export_topic",
    "import_file",
    "import_parsed_topic",
    "import_scoopit",
]


def import_file(
    data: bytes,
    *,
    topic: Topic | None,
    by: User | None,
    fmt: str = "",
    create_slug: str = "",
    progress: Progress | None = None,
    trusted: bool = False,
) -> ImportReport:
    """Import a file into ``topic`` (format guessed from the content when empty).

    With ``topic=None`` a Glaneur JSON file makes its own topic (slug ``create_slug`` or
    the file's). ``trusted``: see ``writer.import_bundle``. Views go through
    ``jobs.start_import``, which checks who may import.
    """
    check_size(len(data))
    fmt = fmt or guess_format(data)
    if topic is None and fmt != ImportFormat.JSON:
        raise ImportFailed(_("only a Glaneur JSON file carries a topic to create"))
    bundle = parse(data, fmt)
    return import_bundle(
        bundle, topic=topic, by=by, create_slug=create_slug, progress=progress, trusted=trusted
    )


def max_import_bytes() -> int:
    return int(getattr(settings, "GLANEUR_IMPORT_MAX_BYTES", 20 * 1024 * 1024))


def check_size(size: int) -> None:
    if size > max_import_bytes():
        raise ImportFailed(
            _("The file is too large (%(size)s; %(max)s at most).")
            % {"size": filesizeformat(size), "max": filesizeformat(max_import_bytes())}
        )


def can_export_everything(user: User | AnonymousUser, topic: Topic) -> bool:
    """Owners and editors export everything; anyone who may see the topic, what is public."""
    check_can_view(user, topic)
    return role_of(user, topic) in EDITOR_ROLES


def export_for(user: User | AnonymousUser, topic: Topic, fmt: str, *, base_url: str) -> Export:
    """The export a person may have: the full topic for its managers, else its public part."""
    return export_topic(topic, fmt, base_url=base_url, full=can_export_everything(user, topic))


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
        report.post_ids.append(post.pk)
    return report
