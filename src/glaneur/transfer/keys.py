"""Stable keys that stand for database ids in exports.

A post or comment keeps the key it was imported with; one created here is exported as
``glaneur:<instance>:p<id>``, where <instance> is derived from the secret key. Importing
that file gives the new row this key as its import key, so exporting again gives the same
key (the round trip), and re-importing a topic's export into the topic it came from
recognises its own posts.
"""

from __future__ import annotations

from django.utils.crypto import salted_hmac


def instance_tag() -> str:
    return salted_hmac("glaneur.transfer.keys", "instance").hexdigest()[:10]


def local_prefix() -> str:
    return f"glaneur:{instance_tag()}:"


def post_key(import_key: str, pk: int, prefix: str) -> str:
    return import_key or f"{prefix}p{pk}"


def comment_key(import_key: str, pk: int, prefix: str) -> str:
    return import_key or f"{prefix}c{pk}"


def local_post_id(key: str, prefix: str) -> int | None:
    """The id of a post of this instance that an exported key names, if it names one."""
    rest = key.removeprefix(prefix + "p") if key.startswith(prefix + "p") else ""
    return int(rest) if rest.isdigit() else None
