"""Read Glaneur JSON (see ``exporters.glaneur_json`` for the layout)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from glaneur.audience.models import Comment
from glaneur.curation.models import Post

from ..errors import ImportFailed
from ..exporters.glaneur_json import FORMAT_NAME, FORMAT_VERSION
from ..fields import self_foreign_keys, user_foreign_keys
from .common import load_json, parse_day_counts
from .records import (
    CommentRecord,
    ImportBundle,
    MemberRecord,
    PostRecord,
    TopicRecord,
    UserRecord,
)

_POST_SPECIAL = {"key", "tags", "views", "comments"}
_COMMENT_SPECIAL = {"key"}


def _expect(value: Any, kind: type, what: str, *, item: int | None = None) -> Any:
    if not isinstance(value, kind):
        names: dict[type, str] = {dict: _("an object"), list: _("a list"), str: _("a text")}
        raise ImportFailed(
            _("%(what)s must be %(kind)s") % {"what": what, "kind": names.get(kind, kind.__name__)},
            item=item,
        )
    return value


def _optional_text(value: Any, what: str, *, item: int | None = None) -> str | None:
    """A username or key, or None for null / empty."""
    if value is None or value == "":
        return None
    return str(_expect(value, str, what, item=item))


def parse_glaneur_json(data: bytes) -> ImportBundle:
    document = load_json(data)
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise ImportFailed(_('not a Glaneur export (no "format": "glaneur")'), line=1)
    version = document.get("version")
    if not isinstance(version, int) or not 1 <= version <= FORMAT_VERSION:
        raise ImportFailed(
            _("format version %(version)r is not one this Glaneur reads (1 to %(max)d)")
            % {"version": version, "max": FORMAT_VERSION},
            line=1,
        )
    topic_data = dict(_expect(document.get("topic", {}), dict, "topic"))
    owner = _optional_text(topic_data.pop("owner", None), "topic.owner")
    bundle = ImportBundle(
        format="json",
        posts=[],
        topic=TopicRecord(fields=topic_data, owner=owner),
        create_accounts=True,
        topic_daily_views=parse_day_counts(document.get("views"), what="views"),
    )
    for n, user in enumerate(_expect(document.get("users", []), list, "users"), start=1):
        _expect(user, dict, f"users[{n}]")
        username = _optional_text(user.get("username"), f"users[{n}].username")
        if username:
            bundle.users[username] = UserRecord(
                username=username,
                first_name=str(user.get("first_name") or ""),
                last_name=str(user.get("last_name") or ""),
            )
    for n, member in enumerate(_expect(document.get("members", []), list, "members"), start=1):
        member = dict(_expect(member, dict, f"members[{n}]"))
        username = _optional_text(member.pop("user", None), f"members[{n}].user")
        if not username:
            raise ImportFailed(_("members[%(n)d] names no user") % {"n": n})
        bundle.members.append(
            MemberRecord(username=username, role=str(member.pop("role", "")), fields=member)
        )

    post_users = user_foreign_keys(Post, set())
    post_refs = self_foreign_keys(Post, set())
    comment_users = user_foreign_keys(Comment, set())
    comment_refs = self_foreign_keys(Comment, set())
    posts = _expect(document.get("posts", []), list, "posts")
    for item, raw in enumerate(posts, start=1):
        raw = _expect(raw, dict, _("the post"), item=item)
        key = raw.get("key") or ""
        if not isinstance(key, str):
            raise ImportFailed(_("key must be a text"), item=item)
        if not isinstance(raw.get("title"), str) or not raw["title"].strip():
            raise ImportFailed(_("the post has no title"), item=item)
        tags = _expect(raw.get("tags") or [], list, "tags", item=item)
        if not all(isinstance(tag, str) for tag in tags):
            raise ImportFailed(_("tags must be a list of names"), item=item)
        record = PostRecord(
            item=item,
            line=None,
            key=key,
            fields={k: v for k, v in raw.items() if k not in _POST_SPECIAL},
            tags=tags,
            daily_views=parse_day_counts(raw.get("views"), what="views", item=item),
        )
        for name in post_users:
            record.fields.pop(name, None)
            record.users[name] = _optional_text(raw.get(name), name, item=item)
        for name in post_refs:
            record.fields.pop(name, None)
            record.refs[name] = _post_ref(raw.get(name), name, item)
        comments = _expect(raw.get("comments") or [], list, "comments", item=item)
        for n, comment in enumerate(comments, start=1):
            what = f"comments[{n}]"
            comment = _expect(comment, dict, what, item=item)
            ckey = comment.get("key") or ""
            if not isinstance(ckey, str):
                raise ImportFailed(_("%(what)s.key must be a text") % {"what": what}, item=item)
            entry = CommentRecord(
                key=ckey,
                fields={k: v for k, v in comment.items() if k not in _COMMENT_SPECIAL},
            )
            for name in comment_users:
                entry.fields.pop(name, None)
                entry.users[name] = _optional_text(comment.get(name), f"{what}.{name}", item=item)
            for name in comment_refs:
                entry.fields.pop(name, None)
                ref = _optional_text(comment.get(name), f"{what}.{name}", item=item)
                entry.comments[name] = ref
            record.comments.append(entry)
        bundle.posts.append(record)
    return bundle


def _post_ref(value: Any, what: str, item: int) -> tuple[str, str] | None:
    if value is None:
        return None
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("topic"), str)
        or not isinstance(value.get("key"), str)
    ):
        raise ImportFailed(
            _('%(what)s must be {"topic": slug, "key": key} or null') % {"what": what}, item=item
        )
    return value["topic"], value["key"]
