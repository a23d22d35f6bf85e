"""The checking half of an import: every record validated and matched, nothing written.

Posts already in the topic (same import key, or same normalised URL) are left out here,
which is what makes a second import of the same file change nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from glaneur.audience.models import Comment
from glaneur.curation.models import Post, Topic
from glaneur.curation.posts import (
    clean_title,
    clipped,
    mark_set_by_person,
    shape_post,
    typed_fields,
    url_key,
)
from glaneur.curation.tags import parse_tag_names

from .errors import ImportFailed
from .extras import post_extras
from .fields import decode_fields
from .importers.records import CommentRecord, ImportBundle, PostRecord
from .keys import local_post_id, post_key

# Derived values, recomputed here; never taken from a file.
POST_EXCLUDE = {"normalized_url", "insight_html", "comment_count", "import_key"}
COMMENT_EXCLUDE = {"import_key"}


@dataclass
class Planned:
    record: PostRecord
    post: Post
    tags: list[str]
    comments: list[tuple[CommentRecord, Comment]]


class Existing:
    """Keys and URLs of the posts a topic already has (and of those planned so far)."""

    def __init__(self, topic: Topic | None, prefix: str) -> None:
        self.keys: dict[str, int | None] = {}
        self.urls: set[str] = set()
        if topic is None:
            return
        rows = Post.objects.filter(topic=topic).values_list("pk", "import_key", "normalized_url")
        for pk, import_key, normalized in rows.iterator():
            self.keys[post_key(import_key, pk, prefix)] = pk
            if normalized:
                self.urls.add(normalized)

    def has(self, key: str, normalized_url: str) -> bool:
        return bool(key and key in self.keys) or bool(normalized_url in self.urls)

    def add(self, key: str, normalized_url: str) -> None:
        if key:
            self.keys[key] = None
        if normalized_url:
            self.urls.add(normalized_url)


def check_usernames(bundle: ImportBundle, user_model: Any) -> None:
    username_field = user_model._meta.get_field(user_model.USERNAME_FIELD)
    names = set(bundle.users)
    for record in bundle.posts:
        names.update(n for n in record.users.values() if n)
        for comment in record.comments:
            names.update(n for n in comment.users.values() if n)
    names.update(m.username for m in bundle.members)
    if bundle.topic is not None and bundle.topic.owner:
        names.add(bundle.topic.owner)
    for name in sorted(names):
        decode_fields(user_model, {username_field.name: name}, [username_field], what="users")


def plan_post(
    record: PostRecord,
    post_fields: list[Any],
    comment_fields: list[Any],
    existing: Existing,
) -> Planned | None:
    item, line = record.item, record.line
    for extra in post_extras():
        if record.fields.get(extra.name) is not None:
            try:
                extra.check(record.fields[extra.name])
            except ValueError as error:
                raise ImportFailed(f"{extra.name}: {error}", item=item, line=line) from error
    values = decode_fields(Post, clipped(record.fields), post_fields, item=item, line=line)
    # Title and URL first, without a Post: they say whether the post is already there.
    title = clean_title(str(values.get("title") or ""))
    if not title:
        raise ImportFailed(_("the post has no title"), item=item, line=line)
    normalized = url_key(str(values.get("url") or ""))
    key = record.key or ("" if normalized else _text_post_key(title, values))
    if existing.has(key, normalized):
        return None
    existing.add(key, normalized)
    post = Post(**values)
    shape_post(post, keep_slug=True)
    if "edited_fields" not in values:
        # A file that does not say which fields a person set: all it gives, as in a form.
        mark_set_by_person(post, typed_fields(post))
    post.import_key = key
    comments = []
    for n, comment in enumerate(record.comments, start=1):
        comment_values = decode_fields(
            Comment, comment.fields, comment_fields, what=f"comments[{n}]", item=item, line=line
        )
        comments.append((comment, Comment(import_key=comment.key, **comment_values)))
    post.comment_count = sum(1 for _record, c in comments if not c.hidden)
    return Planned(record, post, parse_tag_names(record.tags), comments)


def _text_post_key(title: str, values: dict[str, Any]) -> str:
    """A post without a link nor a key of its own is recognised by its text."""
    text = "\n".join([title, str(values.get("summary") or ""), str(values.get("insight") or "")])
    return "text:" + hashlib.sha256(text.encode()).hexdigest()[:40]


def resolve_refs(
    plans: list[Planned], own_slugs: set[str], prefix: str
) -> tuple[dict[tuple[str, str], int], int]:
    """Post ids for (topic slug, key) references to other topics; how many are missing."""
    wanted: dict[str, set[str]] = {}
    for plan in plans:
        for ref in plan.record.refs.values():
            if ref is not None and ref[0] not in own_slugs:
                wanted.setdefault(ref[0], set()).add(ref[1])
    found: dict[tuple[str, str], int] = {}
    for topic in Topic.objects.filter(slug__in=wanted):
        keys = wanted[topic.slug]
        local_ids = [i for i in (local_post_id(k, prefix) for k in keys) if i is not None]
        rows = Post.objects.filter(topic=topic).filter(
            Q(import_key__in=keys) | Q(pk__in=local_ids, import_key="")
        )
        for pk, import_key in rows.values_list("pk", "import_key"):
            found[(topic.slug, post_key(import_key, pk, prefix))] = pk
    missing = sum(
        1
        for plan in plans
        for ref in plan.record.refs.values()
        if ref is not None and ref[0] not in own_slugs and ref not in found
    )
    return found, missing
