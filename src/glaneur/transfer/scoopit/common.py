"""What the text and HTML readers share: dates as Scoop.it prints them (English or French),
view counters, tag lists, insights and comment headers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# English as Scoop.it prints it ("March 26, 2019 11:26 AM"), French for pages captured with
# the French interface ("26 mars 2019 11:26"), with the usual abbreviations.
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            "january jan janvier janv",
            "february feb février fevrier févr fevr",
            "march mar mars",
            "april apr avril avr",
            "may mai",
            "june jun juin",
            "july jul juillet juil",
            "august aug août aout",
            "september sep sept septembre",
            "october oct octobre",
            "november nov novembre",
            "december dec décembre decembre déc",
        ],
        start=1,
    )
    for name in names.split()
}
_TIME = r"(?P<hour>[0-9]{1,2})\s*[:h]\s*(?P<minute>[0-9]{2})?\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?"
_EN_DATE = re.compile(
    r"(?P<month>[A-Za-z]+)\.?\s+(?P<day>[0-9]{1,2}),?\s+(?P<year>[0-9]{4})"
    rf"(?:,?\s+(?:at\s+)?{_TIME})?"
)
_FR_DATE = re.compile(
    r"(?P<day>[0-9]{1,2})(?:er)?\s+(?P<month>[^\W\d_]+)\.?\s+(?P<year>[0-9]{4})"
    rf"(?:,?\s+(?:à\s+)?{_TIME})?"
)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9:.]+(?:Z|[+-][0-9:]+)?)?")


def _date_from_match(m: re.Match[str]) -> datetime | None:
    month = _MONTHS.get(unicodedata.normalize("NFC", m["month"]).lower())
    if month is None:
        return None
    hour = int(m["hour"]) if m["hour"] else 0
    minute = int(m["minute"]) if m["minute"] else 0
    if m["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m["ampm"][0] in "Pp" else 0)
    try:
        return datetime(int(m["year"]), month, int(m["day"]), hour, minute)
    except ValueError:
        return None


def _naive_paris(value: datetime) -> datetime:
    # Scoop.it shows Paris time for this topic; an explicit offset is converted to it.
    if value.tzinfo is None:
        return value
    try:
        return value.astimezone(ZoneInfo("Europe/Paris")).replace(tzinfo=None)
    except (ZoneInfoNotFoundError, OverflowError):
        return value.replace(tzinfo=None)


def parse_date(text: str) -> datetime | None:
    """A whole string as a date: 'March 26, 2019 11:26 AM', '26 mars 2019 11:26', ISO 8601."""
    text = " ".join(text.split())
    for pattern in (_EN_DATE, _FR_DATE):
        m = pattern.fullmatch(text)
        if m:
            return _date_from_match(m)
    if _ISO_DATE.fullmatch(text):
        try:
            return _naive_paris(datetime.fromisoformat(text.replace("Z", "+00:00")))
        except (ValueError, OverflowError):
            return None
    return None


def search_date(text: str) -> tuple[datetime, str] | None:
    """The first date inside a longer string, with the text it was read from."""
    for pattern in (_EN_DATE, _FR_DATE):
        for m in pattern.finditer(text):
            found = _date_from_match(m)
            if found is not None:
                return found, m.group(0)
    return None


_NUMBER = r"[0-9][0-9.,]*(?:[ \u00a0\u202f][0-9]{3})*\s?[KkMm]?"
VIEWS = re.compile(
    rf"(?P<total>{_NUMBER})\s+(?:views?|vues?)"
    rf"(?:\s*\|\s*\+\s?(?P<today>{_NUMBER})\s+(?:today|aujourd['’]hui))?",
)


def count(text: str) -> int | None:
    """'54.7K' -> 54700, '1,234' -> 1234, '1.2M' -> 1200000, '54,7K' -> 54700."""
    text = re.sub(r"[\s\u00a0\u202f]", "", text)
    multiplier = 1
    if text[-1:] in ("k", "K"):
        multiplier, text = 1_000, text[:-1]
    elif text[-1:] in ("m", "M"):
        multiplier, text = 1_000_000, text[:-1]
    if multiplier > 1 and re.fullmatch(r"[0-9]+,[0-9]{1,2}", text):
        text = text.replace(",", ".")  # French decimal comma: "54,7K"
    elif multiplier == 1 and re.fullmatch(r"[0-9]{1,3}(?:\.[0-9]{3})+", text):
        text = text.replace(".", "")  # French thousands: "1.234 vues"
    else:
        text = text.replace(",", "")
    try:
        return int(Decimal(text) * multiplier)
    except InvalidOperation:
        return None


def split_tags(text: str) -> list[str]:
    tags = []
    for raw in re.split(r"[,;]", text):
        tag = re.sub(r"\s*\([0-9]+\)$", "", raw.strip().lstrip("#").strip())  # "emploi (12)"
        if tag:
            tags.append(tag)
    return tags


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def join_paragraphs(lines: Iterable[str]) -> str:
    """Blank lines separate paragraphs; lines inside one are kept, trimmed."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return "\n\n".join(paragraphs)


INSIGHT = re.compile(r"(?P<who>.{1,150}?)['’‘]s insight\s*:\s*(?P<rest>.*)")
# A curator's own heading for the insight instead of Scoop.it's "<name>'s insight:":
# "Marty Note", "Marty Note (what this is)", "Notre avis", "Note de la rédaction : …".
_LABEL_WORD = r"(?:insight|note|notes|avis|point de vue|commentaire|regard|analyse)"
INSIGHT_LABEL = re.compile(
    rf"(?:[^\W\d_][\w.'’-]*\s+){{0,3}}{_LABEL_WORD}(?:\s*\([^()]*\))?"
    rf"|[^:]{{0,40}}\b{_LABEL_WORD}\b[^:]{{0,40}}?\s*[:：]\s*(?P<rest>.*)",
    re.IGNORECASE,
)
# Tag links as a page lists them under a post: "#emploi #formation continue".
HASHTAGS = re.compile(r"#[^\s#,][^#,]*(?:[\s,]+#[^\s#,][^#,]*)*")
_TAGS_LINE = re.compile(r"(?:Tags?|Mots[- ]clés)\s*:\s*(?P<tags>.*?)\.?", re.IGNORECASE)
_COMMENT = re.compile(
    r"(?P<who>.{1,150}?)['’‘]s (?P<kind>comment|curator insight)\s*,\s*(?P<when>.+)"
)
SCOOPED = re.compile(r"Scooped by\s+(?P<who>\S.*?)\s*!?")
RESCOOPED = re.compile(r"Rescooped by\s+(?P<who>\S.*?)\s+from\s+(?P<source>\S.*?)\s*!?")
CURATED = re.compile(r"Curated by\s+(?P<who>\S.*?)\s*!?")
VIA = re.compile(r"Via\s+(?P<who>[^.,;:!?]{1,80})")
_SEE_ON = re.compile(r"See on\s+(?P<site>\S+\.\S+)")


_DATE_LIKE_TIME = re.compile(r"[0-9]{1,2}\s*[:h]\s*[0-9]{2}|\b[AaPp]\.?\s?[Mm]\b")
_DATE_LIKE_YEAR = re.compile(r"\b(?:19|20)[0-9]{2}\b")


def looks_like_date(text: str) -> bool:
    """A short line that means to be a date ('Marchember 26, 2019 11:26 AM'), even unreadable."""
    if len(text) > 40 or not _DATE_LIKE_YEAR.search(text):
        return False
    words = {w.lower().rstrip(".") for w in re.findall(r"[^\W\d_]+\.?", text)}
    return bool(_DATE_LIKE_TIME.search(text)) or bool(words & set(_MONTHS))


def insight_start(line: str, *, own_heading: bool = True) -> str | None:
    """The text an insight starts with on this line, if the line opens one; else None.

    Scoop.it's own label ("Ana's insight:") is dropped; a curator's own heading ("Marty
    Note (…)") is their text and is kept.
    """
    m = INSIGHT.fullmatch(line)
    if m:
        return m["rest"]
    if own_heading and len(line) <= 200 and INSIGHT_LABEL.fullmatch(line):
        return line
    return None


def hashtags(line: str) -> list[str] | None:
    """The tags of a line made only of '#tag' links, else None."""
    if not HASHTAGS.fullmatch(line):
        return None
    return [t.strip(" ,") for t in line.split("#") if t.strip(" ,")]


def comment_header(line: str) -> tuple[str, bool, datetime | None] | None:
    m = _COMMENT.fullmatch(line)
    if not m:
        return None
    posted_at = parse_date(m["when"])
    # A sentence like "Marie's comment, in short, ..." is text, not a comment entry.
    if posted_at is None and not (len(m["when"]) <= 40 and re.search(r"[0-9]", m["when"])):
        return None
    return m["who"].strip(), m["kind"] == "curator insight", posted_at


def insight_and_tags(lines: Iterable[str]) -> tuple[str, list[str]]:
    kept, tags = [], []
    for line in lines:
        m = _TAGS_LINE.fullmatch(line.strip())
        if m:
            tags.extend(split_tags(m["tags"]))
        else:
            kept.append(line)
    return join_paragraphs(kept), tags


def site_from(lines: list[str]) -> tuple[list[str], str]:
    """Remove 'See on <site>' lines (older Scoop.it layout), returning the site named."""
    site, kept = "", []
    for line in lines:
        m = _SEE_ON.fullmatch(line.strip())
        if m and not m["site"].lower().startswith("scoop.it"):
            site = site or m["site"]
        else:
            kept.append(line)
    return kept, site
