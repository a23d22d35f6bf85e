"""Managing a topic's sources and its engine settings: add, remove, import and export OPML.

Who may: a topic's curators (owner, editors, contributors) manage its sources and the
engine's filters, since they are the ones who read the inbox; turning visitors'
suggestions on or off changes what the public page offers, a topic setting, so it is the
managers' (owner and editors) decision, as access.py says of topic settings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from glaneur import ratelimit
from glaneur.audience.services import RateLimited
from glaneur.curation import access
from glaneur.curation.models import Topic
from glaneur.curation.services import clean_source_url
from glaneur.ingest.urlnorm import normalize_url

from . import opml, polling
from .models import EngineSettings, Source

if TYPE_CHECKING:
    from .opml import Outline

    AnyUser = access.AnyUser

MAX_KEYWORD = 200
# Free-text settings, one domain or word per line; the rest are typed.
TEXT_SETTINGS = (
    "keywords",
    "included_domains",
    "excluded_domains",
    "all_words",
    "any_words",
    "none_words",
)
ENGINE_FIELDS = frozenset(
    {*TEXT_SETTINGS, "max_age_days", "sort", "visitor_suggestions", "enabled", "min_score"}
)
MAX_AGE_DAYS = 3650


class DuplicateSource(ValidationError):
    """The topic already watches this address or keyword."""

    def __init__(self, existing: Source) -> None:
        self.existing = existing
        super().__init__(
            _("This topic already watches “%(source)s”.") % {"source": existing},
            code="duplicate",
        )


def check_can_change_sources(user: AnyUser, topic: Topic) -> None:
    """Sources and engine filters: the topic's curators."""
    access.check_can_curate(user, topic)


def _looks_like_url(text: str) -> bool:
    lowered = text.lower()
    return lowered.startswith(("http://", "https://")) or (" " not in text and "://" in text)


def _same_address(topic: Topic, url: str) -> Source | None:
    key = normalize_url(url)
    for source in Source.objects.filter(topic=topic).exclude(url=""):
        if normalize_url(source.url) == key or (
            source.feed_url and normalize_url(source.feed_url) == key
        ):
            return source
    return None


def _same_keyword(topic: Topic, query: str) -> Source | None:
    return Source.objects.filter(topic=topic, kind=Source.Kind.KEYWORD, query__iexact=query).first()


def new_source(
    topic: Topic,
    url_or_keyword: str,
    kind: str | None = None,
    title: str = "",
    *,
    check: bool = True,
) -> Source:
    """The unsaved source for this address or keyword, checked (kind guessed when None:
    an address is a feed, the poller finding out if it is a page with or without a feed;
    anything else a keyword watch). Raises InvalidURL or DuplicateSource (``check``: look
    for a duplicate)."""
    text = " ".join(url_or_keyword.split())
    if not text:
        raise ValidationError({"url": _("Enter a web address or a keyword.")})
    if kind is None:
        kind = Source.Kind.FEED if _looks_like_url(text) else Source.Kind.KEYWORD
    if kind not in Source.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of source: %(kind)s.") % {"kind": kind}})
    title = title.strip()[:300]
    if kind == Source.Kind.KEYWORD:
        if len(text) > MAX_KEYWORD:
            raise ValidationError(
                {"url": _("A keyword is at most %(max)d characters long.") % {"max": MAX_KEYWORD}}
            )
        existing = _same_keyword(topic, text) if check else None
        if existing is not None:
            raise DuplicateSource(existing)
        return Source(topic=topic, kind=kind, query=text, title=title)
    url = clean_source_url(url_or_keyword)
    existing = _same_address(topic, url) if check else None
    if existing is not None:
        raise DuplicateSource(existing)
    return Source(topic=topic, kind=kind, url=url, title=title)


def add_source(
    topic: Topic, by: AnyUser, url_or_keyword: str, kind: str | None = None, title: str = ""
) -> Source:
    """Watch a feed, a web page or a keyword for the topic (curators only); polled at the
    next round."""
    check_can_change_sources(by, topic)
    source = new_source(topic, url_or_keyword, kind, title)
    try:
        with transaction.atomic():
            source.save()
    except IntegrityError as exc:  # the same address added at the same moment
        existing = Source.objects.filter(
            topic=topic, kind=source.kind, url=source.url, query=source.query
        ).first()
        if existing is None:
            raise
        raise DuplicateSource(existing) from exc
    return source


def remove_source(source: Source, by: AnyUser) -> None:
    """Stop watching a source; the candidates it found stay in the inbox."""
    check_can_change_sources(by, source.topic)
    source.delete()


def poll_now(topic: Topic, by: AnyUser, source_ids: Sequence[int] | None = None) -> list[int]:
    """Have the worker poll the topic's feeds and pages (or these of them) at once, whatever
    their interval but never before a site's Retry-After; the ids asked for. Limited to
    GLANEUR_POLL_NOW_RATE requests an hour per topic, so that a button does not hammer
    the sites."""
    check_can_change_sources(by, topic)
    sources = Source.objects.filter(topic=topic, kind__in=polling.POLLED_KINDS)
    if source_ids is not None:
        sources = sources.filter(pk__in=list(source_ids))
    ids = list(sources.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return []
    limit = settings.GLANEUR_POLL_NOW_RATE
    if not ratelimit.consume("poll-now", str(topic.pk), limit=limit, per=3600):
        raise RateLimited(_("Sources were polled many times this hour; please try later."))
    polling.poll_soon(ids)
    return ids


def engine_settings(topic: Topic) -> EngineSettings:
    """The topic's engine settings (defaults, unsaved, when never changed)."""
    engine = EngineSettings.objects.filter(topic=topic).first()
    return engine if engine is not None else EngineSettings(topic=topic)


def _lines(value: str) -> str:
    """One entry a line, blank lines and surrounding spaces dropped."""
    return "\n".join(line.strip() for line in str(value).splitlines() if line.strip())


def _domain_lines(name: str, value: str) -> str:
    domains = []
    for line in _lines(value).splitlines():
        domain = line.lower().removeprefix("https://").removeprefix("http://")
        domain = domain.split("/", 1)[0].removeprefix("www.")
        if not domain or " " in domain or "." not in domain:
            raise ValidationError({name: _("“%(line)s” is not a domain name.") % {"line": line}})
        domains.append(domain)
    return "\n".join(dict.fromkeys(domains))


def update_engine_settings(topic: Topic, by: AnyUser, **fields: Any) -> EngineSettings:
    """Change the engine's settings (curators; visitors' suggestions on/off: owner and
    editors). Raises ValidationError for an unknown field or a wrong value."""
    check_can_change_sources(by, topic)
    unknown = set(fields) - ENGINE_FIELDS
    if unknown:
        raise ValidationError(
            _("Unknown engine settings: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    engine = engine_settings(topic)
    if "visitor_suggestions" in fields and bool(fields["visitor_suggestions"]) != (
        engine.visitor_suggestions
    ):
        access.check_can_manage(by, topic)
    for name, value in fields.items():
        if name in ("included_domains", "excluded_domains"):
            value = _domain_lines(name, value or "")
        elif name in TEXT_SETTINGS:
            value = _lines(value or "")
        elif name == "max_age_days":
            value = int(value)
            if not 1 <= value <= MAX_AGE_DAYS:
                raise ValidationError(
                    {name: _("Between 1 and %(max)d days.") % {"max": MAX_AGE_DAYS}}
                )
        elif name == "sort":
            if value not in ("relevance", "freshness"):
                raise ValidationError({name: _("Sort by relevance or freshness.")})
        elif name in ("visitor_suggestions", "enabled"):
            value = bool(value)
        elif name == "min_score":
            value = float(value)
        setattr(engine, name, value)
    engine.save()
    # The open candidates are ranked again with the new keywords and filters (worker).
    from .ranking_tasks import rescore_soon

    transaction.on_commit(lambda: rescore_soon(topic.pk))
    return engine


# OPML.


@dataclass
class ImportReport:
    """What an OPML import did: the sources added, and those the topic already had."""

    added: list[Source] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


class ImportFailed(ValidationError):
    """An OPML file that cannot be imported, and where (nothing was imported)."""

    def __init__(self, line: int | None, reason: str) -> None:
        self.line, self.reason = line, reason
        if line is None:
            message = reason
        else:
            message = _("Line %(line)d: %(reason)s") % {"line": line, "reason": reason}
        super().__init__(message, code="opml")


def _key(source: Source) -> str:
    if source.kind == Source.Kind.KEYWORD:
        return "keyword:" + source.query.casefold()
    return normalize_url(source.url)


def _known_keys(topic: Topic) -> set[str]:
    keys: set[str] = set()
    for source in Source.objects.filter(topic=topic):
        keys.add(_key(source))
        if source.feed_url:
            keys.add(normalize_url(source.feed_url))
    return keys


def _source_for(topic: Topic, outline: Outline) -> Source:
    try:
        return new_source(topic, outline.address, outline.kind, outline.title, check=False)
    except ValidationError as exc:
        raise ImportFailed(outline.line, " ".join(exc.messages)) from exc


def import_opml(topic: Topic, by: AnyUser, data: bytes) -> ImportReport:
    """Add the feeds, pages and keywords of an OPML file (categories flattened); those the
    topic already watches are skipped. All or nothing: a bad file raises ImportFailed
    naming the line and imports nothing."""
    check_can_change_sources(by, topic)
    try:
        outlines = opml.parse(data)
    except opml.OpmlError as exc:
        raise ImportFailed(exc.line, exc.reason) from exc
    report = ImportReport()
    known = _known_keys(topic)
    new: list[Source] = []
    for outline in outlines:  # every outline checked before anything is written
        source = _source_for(topic, outline)
        key = _key(source)
        if key in known:
            report.skipped.append(outline.address)
            continue
        known.add(key)
        new.append(source)
    with transaction.atomic():
        for source in new:
            source.save()
    report.added = new
    return report


def export_opml(topic: Topic, sources: Sequence[Source] | None = None) -> bytes:
    """The topic's sources as an OPML 2.0 document."""
    rows = list(Source.objects.filter(topic=topic).order_by("pk")) if sources is None else sources
    return opml.render(
        _("Sources of “%(topic)s” (Glaneur)") % {"topic": topic.title},
        [
            opml.Outline(
                kind=source.kind,
                address=source.query if source.kind == Source.Kind.KEYWORD else source.url,
                title=source.title,
            )
            for source in rows
        ],
    )
