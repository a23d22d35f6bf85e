"""What makes a post well-formed, written once for every way a post is written.

The post form, the API, rescoop, every importer (in bulk too) and the page read in the
background all go through ``shape_post``: the title cleaned and its slug (never the name of
an action path), the normalised URL duplicates are found by, the insight's Markdown
rendered as sanitised HTML, text cut to its column. ``mark_set_by_person`` keeps
``Post.edited_fields``: the fields a person set, which extraction never writes again
(``apply_extracted``). No function here queries the database.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from glaneur.ingest.urlnorm import normalize_url

from .markup import render_markdown
from .models import Post

# What a person edits, in the order the post form shows it; the form, the API and
# update_post all read this list.
EDITABLE_FIELDS = (
    "url", "title", "site_name", "image_url", "author", "source_published_at",
    "summary", "insight", "pinned",
)  # fmt: skip

# Fields the fetch fills while empty; once a person set one, extraction never writes it.
PERSON_WINS_FIELDS = (
    "title", "summary", "image_url", "site_name", "author", "source_published_at",
)  # fmt: skip

# Action paths share the post's URL prefix: a post's slug must never be one of them.
RESERVED_SLUGS = frozenset(
    {"edit", "delete", "pin", "rescoop", "comment", "comments", "refetch", "card", "retry"}
)

# Text too long for its column is cut, not refused (a page's title, an importer's author).
CLIPPED_FIELDS = ("title", "site_name", "author", "via", "rescooped_from")
LIMITS: dict[str, int] = {
    name: int(getattr(Post._meta.get_field(name), "max_length", 0)) for name in CLIPPED_FIELDS
}

# Every field shape_post cleans or derives from.
SHAPED_FIELDS = ("title", "url", "summary", "insight", *CLIPPED_FIELDS[1:])


def clean_title(title: str) -> str:
    """Whitespace collapsed, cut to the column."""
    return " ".join(title.split())[: LIMITS["title"]]


def clipped(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with the text of the clipped fields cut to their columns, before a
    validation that would refuse it (an importer's file)."""
    cut = dict(values)
    for name in CLIPPED_FIELDS:
        if isinstance(cut.get(name), str):
            cut[name] = _cut(name, cut[name])
    return cut


def _cut(name: str, text: str) -> str:
    return clean_title(text) if name == "title" else text[: LIMITS[name]]


def url_key(url: str) -> str:
    """The normalised URL a topic's duplicates are found by ("" without a URL)."""
    return normalize_url(url) if url else ""


def post_slug(title: str) -> str:
    slug = slugify(title)[:80].strip("-") or "post"
    return f"{slug}-post" if slug in RESERVED_SLUGS else slug


def shape_post(
    post: Post, given: Collection[str] = SHAPED_FIELDS, *, keep_slug: bool = False
) -> set[str]:
    """Clean the ``given`` fields of ``post`` in place and recompute what derives from them.

    Returns the names written (given and derived), for ``save(update_fields=...)``.
    ``keep_slug``: an imported post keeps its own slug (its old links) unless reserved.
    Raises ValidationError when the title is empty.
    """
    written = set(given)
    if "title" in given:
        post.title = clean_title(str(post.title))
        if not post.title:
            raise ValidationError({"title": _("A post needs a title.")})
        if not (keep_slug and post.slug and post.slug not in RESERVED_SLUGS):
            post.slug = post_slug(post.title)
        written.add("slug")
    if "url" in given:
        post.normalized_url = url_key(post.url)
        written.add("normalized_url")
    if "summary" in given:
        post.summary = str(post.summary).strip()
    if "insight" in given:
        post.insight = str(post.insight).strip()
        post.insight_html = render_markdown(post.insight) if post.insight else ""
        written.add("insight_html")
    for name in CLIPPED_FIELDS[1:]:
        if name in given:
            setattr(post, name, _cut(name, str(getattr(post, name))))
    return written


def has_placeholder_title(post: Post) -> bool:
    """A post scooped from a bare URL is titled with the URL until its page is read."""
    return not post.title or post.title == clean_title(post.url)


def mark_set_by_person(post: Post, names: Iterable[str]) -> None:
    """Add to ``post.edited_fields`` the extraction-filled fields among ``names``."""
    person_set = set(names) & set(PERSON_WINS_FIELDS)
    post.edited_fields = sorted(set(post.edited_fields or ()) | person_set)


def typed_fields(post: Post) -> list[str]:
    """The extraction-filled fields a new post was given a value for (not the placeholder)."""
    return [
        name
        for name in PERSON_WINS_FIELDS
        if getattr(post, name) and not (name == "title" and has_placeholder_title(post))
    ]


def apply_extracted(post: Post, found: Mapping[str, object]) -> list[str]:
    """Fill ``post`` with what extraction ``found`` (keys among PERSON_WINS_FIELDS), shaped
    as any write; only fields that are empty (the title: or the URL placeholder) and that no
    person set. Returns the names of the fields changed, the slug included."""
    edited = set(post.edited_fields or ())
    before = {name: getattr(post, name) for name in (*PERSON_WINS_FIELDS, "slug")}
    filled = []
    for name, value in found.items():
        if name not in PERSON_WINS_FIELDS or name in edited or not value:
            continue
        if name == "title" and not clean_title(str(value)):
            continue
        empty = has_placeholder_title(post) if name == "title" else not getattr(post, name)
        if empty:
            setattr(post, name, value)
            filled.append(name)
    shape_post(post, filled)
    return [name for name, value in before.items() if getattr(post, name) != value]
