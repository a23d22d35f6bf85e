"""The topic and the accounts an import writes to: found, checked, or created.

An uploaded file finds the topic's own curators only; a trusted import (the CLI) finds or
creates the accounts a Glaneur JSON or Scoop.it file names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from glaneur.curation.models import Membership, Topic
from glaneur.curation.services import create_topic as create_empty_topic

from .errors import ImportFailed
from .fields import concrete_fields, decode_fields
from .importers.common import fit
from .importers.records import ImportBundle
from .planning import Planned

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def target(
    bundle: ImportBundle, topic: Topic | None, create_slug: str, by: User | None
) -> tuple[Topic | None, dict[str, Any] | None]:
    """The topic to import into, or the checked fields of the one to create."""
    if topic is not None:
        return topic, None
    if bundle.topic is None:
        raise ImportFailed(_("this file carries no topic: import it into an existing topic"))
    slug = create_slug or str(bundle.topic.fields.get("slug") or "")
    if not slug:
        raise ImportFailed(_("the topic in the file has no slug"))
    existing = Topic.objects.filter(slug=slug).first()
    if existing is not None:
        return existing, None  # made by an earlier run: import into it as into any topic
    values = decode_fields(
        Topic, {**bundle.topic.fields, "slug": slug}, concrete_fields(Topic, set()), what="topic"
    )
    if not values.get("title"):
        raise ImportFailed(_("the topic in the file has no title"))
    if not bundle.topic.owner and by is None:
        raise ImportFailed(_("the topic in the file has no owner"))
    return None, values


def member_values(bundle: ImportBundle) -> list[tuple[str, dict[str, Any]]]:
    member_fields = concrete_fields(Membership, set())
    return [
        (
            member.username,
            decode_fields(
                Membership,
                {**member.fields, "role": member.role},
                member_fields,
                what=f"members[{n}]",
            ),
        )
        for n, member in enumerate(bundle.members, start=1)
    ]


def accounts(
    bundle: ImportBundle,
    topic: Topic | None,
    plans: list[Planned],
    members: list[tuple[str, dict[str, Any]]],
    *,
    trusted: bool,
) -> tuple[dict[str, User], list[int]]:
    """Accounts by username for the names the file uses: created if trusted and the
    format carries accounts, else only the topic's curators; and the ids of those created."""
    user_model = get_user_model()
    names = named(plans)
    if not (bundle.create_accounts and trusted):
        if topic is None or not names:
            return {}, []
        rows = Membership.objects.filter(topic=topic, user__username__in=names)
        return {m.user.get_username(): m.user for m in rows.select_related("user")}, []
    names |= {username for username, _values in members}
    if bundle.topic is not None and bundle.topic.owner:
        names.add(bundle.topic.owner)
    accounts = {u.get_username(): u for u in user_model.objects.filter(username__in=names)}
    missing = []
    for name in sorted(names - set(accounts)):
        record = bundle.users.get(name)
        user = user_model(
            username=name,
            first_name=fit(user_model, "first_name", record.first_name if record else ""),
            last_name=fit(user_model, "last_name", record.last_name if record else ""),
        )
        user.set_unusable_password()
        missing.append(user)
    created = user_model.objects.bulk_create(missing)
    for user in created:
        accounts[user.get_username()] = user
    return accounts, [user.pk for user in created]


def named(plans: list[Planned]) -> set[str]:
    names = {n for p in plans for n in p.record.users.values() if n}
    return names | {n for p in plans for c, _comment in p.comments for n in c.users.values() if n}


def unknown_accounts_note(plans: list[Planned], accounts: dict[str, User]) -> list[str]:
    unknown = sorted(named(plans) - set(accounts))
    if not unknown:
        return []
    return [
        _(
            "Not curators of this topic: %(names)s. Their posts are credited to the person "
            "importing; their comments keep their names."
        )
        % {"names": ", ".join(unknown[:20]) + ("…" if len(unknown) > 20 else "")}
    ]


def create_topic(
    values: dict[str, Any],
    bundle: ImportBundle,
    accounts: dict[str, User],
    by: User | None,
    members: list[tuple[str, dict[str, Any]]],
) -> Topic:
    owner = accounts.get(bundle.topic.owner or "") if bundle.topic else None
    owner = owner or by
    if owner is None:  # checked in _target; kept for the type checker
        raise ImportFailed(_("the topic in the file has no owner"))
    topic = create_empty_topic(owner=owner, title=values["title"], slug=values["slug"])
    for name, value in values.items():
        setattr(topic, name, value)
    topic.save()
    for username, member_values in members:
        if username in accounts:
            Membership.objects.update_or_create(
                user=accounts[username], topic=topic, defaults=member_values
            )
    return topic
