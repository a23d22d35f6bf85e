"""What a line of a text capture is: chrome, a post's start, a title repeated with the
topic's name, a line only a post holds, a curator's own insight heading."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from .common import (
    CURATED,
    RESCOOPED,
    SCOOPED,
    VIA,
    VIEWS,
    comment_header,
    insight_start,
    parse_date,
)

NOISE = {"scoop.it!", "your new post is loading...", "your new post is loading…"}
HEADER_NOISE = NOISE | {"follow", "unfollow", "following", "suivre", "scoop.it"}
NO_COMMENT = {"no comment yet.", "aucun commentaire."}
POPULAR_TAGS = {"popular tags", "tags populaires"}


def quote(line: str) -> str:
    return repr(line if len(line) <= 80 else line[:79] + "…")


def post_start(line: str) -> tuple[str, str | None] | None:
    m = RESCOOPED.fullmatch(line)
    if m:
        return m["who"], m["source"]
    m = SCOOPED.fullmatch(line)
    return (m["who"], None) if m else None


def repeat_rest(line: str) -> str | None:
    """'<post> | <topic> | Scoop.it' (or '<post> | <topic> |', as some pages print it)
    without its last cell."""
    if line.endswith(" | Scoop.it"):
        return line[: -len(" | Scoop.it")]
    if line.endswith(" |"):
        return line[:-2].rstrip()
    return None


def repeat_topic(line: str) -> str | None:
    """The topic a '<post> | <topic> | Scoop.it' line names."""
    rest = repeat_rest(line)
    if rest is None or " | " not in rest:
        return None
    title, topic = (part.strip() for part in rest.rsplit(" | ", 1))
    return topic if title and topic else None


def title_repeat(line: str, topic: str) -> str | None:
    """'<post title> | <topic> | Scoop.it' -> the post title."""
    rest = repeat_rest(line)
    if rest is None:
        return None
    if topic and rest.endswith(" | " + topic):
        title = rest[: -len(" | " + topic)]
    elif " | " in rest:
        title = rest.rsplit(" | ", 1)[0]
    else:
        return None
    return title.strip() or None


def post_matter(line: str) -> bool:
    """Whether a line can only belong to a post (so a capture starting with it starts mid-topic)."""
    return (
        line.lower() in NO_COMMENT
        or line.lower() == "scoop.it!"
        or comment_header(line) is not None
        or insight_start(line) is not None
        or repeat_topic(line) is not None
        or VIA.fullmatch(line) is not None
        or parse_date(line) is not None
    )


def could_be_title(line: str) -> bool:
    return not (
        post_start(line)
        or VIEWS.fullmatch(line)
        or CURATED.fullmatch(line)
        or line.lower() in HEADER_NOISE | POPULAR_TAGS | NO_COMMENT
    )


def name_words(text: str) -> set[str]:
    return {word.lower() for word in re.findall(r"[^\W\d_]{3,}", text)}


def own_headings(lines: list[str], bounds: Iterable[tuple[int, int]]) -> set[str]:
    """Short lines naming a post's curator that open the insight in several posts ("Le mot
    de Sylvie"): a curator's own heading, which a single post cannot tell from its text."""
    seen: Counter[str] = Counter()
    for start, end in bounds:
        names = name_words((post_start(lines[start]) or ("", None))[0])
        seen.update(
            {
                line
                for line in lines[start + 1 : end]
                if line
                and len(line) <= 60
                and len(line.split()) <= 6
                and line[-1] not in '.!?…»"”'
                and names & name_words(line)
                and not (
                    post_start(line)
                    or comment_header(line)
                    or VIA.fullmatch(line)
                    or CURATED.fullmatch(line)
                    or insight_start(line, own_heading=False) is not None
                    or repeat_rest(line) is not None
                )
            }
        )
    return {line for line, n in seen.items() if n >= 2}
