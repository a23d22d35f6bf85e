"""Glaneur JSON: a topic with everything in it, without database ids.

Layout (version 1)::

    {"format": "glaneur", "version": 1,
     "topic": {<Topic fields>, "owner": username},
     "members": [{"user": username, "role": …, "created_at": …}],
     "users": [{"username": …, "first_name": …, "last_name": …}],
     "views": {"2024-05-01": 12, …},                      # the topic's counted days
     "posts": [{"key": …, <Post fields>, "curated_by": username,
                "origin": {"topic": slug, "key": key} | null,
                "tags": [names], "views": {day: count},
                "comments": [{"key": …, <Comment fields>, "author": username, …}],
                <what other apps attach to a post: "places": […], …>}]}

Posts come oldest first, comments in their order; every date is UTC ISO 8601.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser

if TYPE_CHECKING:
    from glaneur.curation.access import AnyUser

from glaneur.analytics.models import TopicDailyViews
from glaneur.audience.models import Comment
from glaneur.curation.access import can_view_post
from glaneur.curation.models import Membership, Post, Topic

from ..extras import post_extras
from ..fields import (
    concrete_fields,
    encode_instance,
    self_foreign_keys,
    user_foreign_keys,
)
from ..keys import comment_key, local_prefix, post_key
from .queries import export_posts, iterate, tag_names, with_comments_and_views

FORMAT_NAME = "glaneur"
FORMAT_VERSION = 1

# Never exported: ids, the parent row, and values recomputed on import (insight_html is
# re-rendered from the Markdown, so that no imported HTML reaches a page).
TOPIC_EXCLUDE = {"owner", "indexed_at"}  # indexed_at: when the index last caught up here
POST_EXCLUDE = {"topic", "normalized_url", "insight_html", "comment_count", "import_key"}
COMMENT_EXCLUDE = {"post", "import_key"}
MEMBER_EXCLUDE = {"user", "topic"}
# Working data that readers do not see on the site.
POST_PRIVATE = {
    "state", "state_error", "fetch_attempts", "fetched_at", "image_candidates", "main_text",
    "publish_at",
}  # fmt: skip
COMMENT_PRIVATE = {"hidden", "hidden_by"}


class _Users:
    """The accounts an export mentions, listed once."""

    def __init__(self) -> None:
        self.seen: dict[str, dict[str, str]] = {}

    def name(self, user: AbstractBaseUser | None) -> str | None:
        if user is None:
            return None
        username = user.get_username()
        if username not in self.seen:
            self.seen[username] = {
                "username": username,
                "first_name": str(getattr(user, "first_name", "")),
                "last_name": str(getattr(user, "last_name", "")),
            }
        return username


def build_export(
    topic: Topic, *, full: bool = True, viewer: AnyUser | None = None
) -> dict[str, Any]:
    """The export as a dict (what ``export_json`` serialises). ``viewer``: who downloads
    it (None: the operator, with ``full``; or anyone, without)."""
    prefix = local_prefix()
    users = _Users()
    topic_data = encode_instance(topic, concrete_fields(Topic, TOPIC_EXCLUDE))
    topic_data["owner"] = users.name(topic.owner)

    member_fields = concrete_fields(Membership, MEMBER_EXCLUDE)
    members = [
        {"user": users.name(m.user), **encode_instance(m, member_fields)}
        for m in Membership.objects.filter(topic=topic)
        .select_related("user")
        .order_by("created_at", "user__username")
    ]
    views = {
        day.isoformat(): count
        for day, count in TopicDailyViews.objects.filter(topic=topic)
        .order_by("day")
        .values_list("day", "count")
    }

    post_exclude = POST_EXCLUDE | (set() if full else POST_PRIVATE)
    comment_exclude = COMMENT_EXCLUDE | (set() if full else COMMENT_PRIVATE)
    post_fields = concrete_fields(Post, post_exclude)
    post_users = user_foreign_keys(Post, post_exclude)
    post_refs = self_foreign_keys(Post, post_exclude)
    comment_fields = concrete_fields(Comment, comment_exclude)
    comment_users = user_foreign_keys(Comment, comment_exclude)
    comment_refs = self_foreign_keys(Comment, comment_exclude)

    posts = []
    post_ids: list[int] = []
    queryset = with_comments_and_views(export_posts(topic, full=full), full=full)
    queryset = queryset.select_related(*post_refs, *(f"{r}__topic" for r in post_refs))
    for post in iterate(queryset, topic):
        data: dict[str, Any] = {"key": post_key(post.import_key, post.pk, prefix)}
        data.update(encode_instance(post, post_fields))
        for name in post_users:
            data[name] = users.name(getattr(post, name))
        for name in post_refs:
            ref = getattr(post, name)
            # Nobody learns of a post they may not see (a private topic's, a draft) through
            # a rescoop of it (access.py).
            if ref is not None and ((full and viewer is None) or can_view_post(viewer, ref)):
                key = post_key(ref.import_key, ref.pk, prefix)
                data[name] = {"topic": ref.topic.slug, "key": key}
            else:
                data[name] = None
        data["tags"] = tag_names(post)
        data["views"] = {v.day.isoformat(): v.count for v in post.export_views}  # type: ignore[attr-defined]
        comments: list[Comment] = post.export_comments  # type: ignore[attr-defined]
        keys = {c.pk: comment_key(c.import_key, c.pk, prefix) for c in comments}
        data["comments"] = []
        for comment in comments:
            entry: dict[str, Any] = {"key": keys[comment.pk]}
            entry.update(encode_instance(comment, comment_fields))
            for name in comment_users:
                entry[name] = users.name(getattr(comment, name))
            for name in comment_refs:
                ref_id = getattr(comment, f"{name}_id")
                entry[name] = keys.get(ref_id) if ref_id is not None else None
            data["comments"].append(entry)
        posts.append(data)
        post_ids.append(post.pk)
    for extra in post_extras():
        values = extra.export(post_ids)
        for pk, data in zip(post_ids, posts, strict=True):
            if pk in values:
                data[extra.name] = values[pk]

    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "topic": topic_data,
        "members": members,
        "users": [users.seen[name] for name in sorted(users.seen)],
        "views": views,
        "posts": posts,
    }


def export_json(topic: Topic, *, full: bool = True, viewer: AnyUser | None = None) -> bytes:
    data = build_export(topic, full=full, viewer=viewer)
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
