"""Imports into topics and exports of topics; each import is all-or-nothing and idempotent.

Formats: ``importers`` read files into records, ``writer`` checks and saves them,
``exporters`` write topics out; ``jobs`` runs imports in the background.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import User
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from glaneur.curation.models import Topic
from glaneur.curation.services import EDITOR_ROLES, check_can_view, role_of, unique_topic_slug

from .errors import ImportFailed, unreadable_file
from .exporters import Export, ExportFormat, export_topic
from .importers import ImportFormat, guess_format, parse, scoopit_page
from .importers.common import decode_text
from .scoopit import ParsedTopic, ScoopitParseError, parse_scoopit
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


def read_import_file(path: Path) -> bytes:
    """A file to import, read whole unless too large; ImportFailed says why, naming it."""
    try:
        check_size(path.stat().st_size)
        return path.read_bytes()
    except OSError as exc:
        raise ImportFailed(unreadable_file(path, exc)) from exc
    except ImportFailed as exc:
        raise ImportFailed(f"{path}: {exc}") from exc


def can_export_everything(user: User | AnonymousUser, topic: Topic) -> bool:
    """Owners and editors export everything; anyone who may see the topic, what is public."""
    check_can_view(user, topic)
    return role_of(user, topic) in EDITOR_ROLES


def export_for(user: User | AnonymousUser, topic: Topic, fmt: str, *, base_url: str) -> Export:
    """The export a person may have: the full topic for its managers, else its public part."""
    return export_topic(
        topic, fmt, base_url=base_url, full=can_export_everything(user, topic), viewer=user
    )


def import_scoopit(content: str | bytes, *, source: str = "") -> ImportReport:
    """Import a Scoop.it topic page (text capture or HTML) into a topic of its own.

    Bytes are decoded as the other importers do (UTF-8, else Windows-1252). Posts the
    reader could not read are listed in the report's messages, with their lines.
    """
    notes: list[str] = []
    if isinstance(content, bytes):
        content, encoding = decode_text(content)
        if encoding != "utf-8":
            notes.append(_("The file is not UTF-8; it was read as Windows-1252."))
    try:
        parsed = parse_scoopit(content)
    except ScoopitParseError as exc:
        raise ImportFailed(exc.reason, line=exc.line) from exc
    report = import_parsed_topic(parsed)
    report.messages[:0] = notes
    return report


def import_parsed_topic(parsed: ParsedTopic) -> ImportReport:
    """Write a parsed page through the writer every import uses (one dedupe, one way of
    making accounts, one merge of views); the topic is found again by its import key."""
    topic = Topic.objects.filter(import_key=scoopit_page.topic_key(parsed)).first()
    bundle = scoopit_page.bundle_from_page(
        parsed, new_topic=None if topic else unique_topic_slug(parsed.title)
    )
    return import_bundle(bundle, topic=topic, by=None, trusted=True)
