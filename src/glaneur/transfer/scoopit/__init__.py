"""Read Scoop.it topic pages (a text capture or the saved HTML) into plain data.

Pure parsing: no Django, no database. The importer turns a ParsedTopic into models,
localising the naive datetimes to Europe/Paris.
"""

from .html import parse_scoopit_html
from .model import ParsedComment, ParsedPost, ParsedTopic, ScoopitParseError
from .text import parse_scoopit_text

__all__ = [
    "ParsedComment",
    "ParsedPost",
    "ParsedTopic",
    "ScoopitParseError",
    "parse_scoopit",
    "parse_scoopit_html",
    "parse_scoopit_text",
]


def parse_scoopit(content: str) -> ParsedTopic:
    """Parse a page: HTML if it starts with '<' or contains '<html', else a text capture."""
    head = content.lstrip("\ufeff \t\r\n")
    if head.startswith("<") or "<html" in content.lower():
        return parse_scoopit_html(content)
    return parse_scoopit_text(content)
