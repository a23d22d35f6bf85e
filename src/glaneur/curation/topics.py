"""Topics and who curates them: creation, settings, members and their roles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import audit, events
from .access import OPEN_VISIBILITIES, check_can_manage, role_of
from .models import Membership, Topic

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from .access import AnyUser


def unique_topic_slug(title: str) -> str:
    # "paroles d'acteurs" -> "paroles-d-acteurs", as Scoop.it spells its paths.
    base = slugify(title.replace("'", " ").replace("’", " "))[:90] or "topic"
    slug, n = base, 2
    while Topic.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_topic(
    *,
    owner: User,
    title: str,
    slug: str | None = None,
    description: str = "",
    language: str = "fr",
    visibility: str = Topic.Visibility.PUBLIC,
    tag_vocabulary: str = "",
    historical_views: int = 0,
    import_key: str = "",
) -> Topic:
    """Create a topic and make its creator its owner."""
    topic = Topic.objects.create(
        owner=owner,
        title=title.strip(),
        slug=slug or unique_topic_slug(title),
        description=description.strip(),
        language=language,
        visibility=visibility,
        tag_vocabulary=tag_vocabulary.strip(),
        historical_views=historical_views,
        import_key=import_key,
    )
    Membership.objects.create(user=owner, topic=topic, role=Membership.Role.OWNER)
    return topic


@transaction.atomic
def update_topic(topic: Topic, *, by: AnyUser, **fields: Any) -> Topic:
    check_can_manage(by, topic)
    was_visible_to_all = topic.visibility in OPEN_VISIBILITIES
    visibility_before = topic.visibility
    approval_before = topic.contributors_need_approval
    for name in ("title", "description", "language", "visibility", "tag_vocabulary"):
        if name in fields:
            setattr(topic, name, fields[name])
    if "contributors_need_approval" in fields:
        # Whether contributors publish freely is the owner's decision, like ownership.
        if role_of(by, topic) != Membership.Role.OWNER:
            raise PermissionDenied(_("Only the topic's owner may change who approves posts."))
        topic.contributors_need_approval = bool(fields["contributors_need_approval"])
    topic.full_clean()
    # Cached pages and feeds are keyed on the content stamp: what they show changed.
    topic.content_changed_at = timezone.now()
    topic.save()
    if was_visible_to_all != (topic.visibility in OPEN_VISIBILITIES):
        # Other topics' cards name this one as the origin of their rescoops, or stop to.
        Topic.objects.filter(posts__origin__topic=topic).update(
            content_changed_at=topic.content_changed_at
        )
    events.visibility_changed(topic.pk, visibility_before, topic.visibility)
    if approval_before != topic.contributors_need_approval:
        action = (
            "approval_required" if topic.contributors_need_approval else "approval_not_required"
        )
        audit.record(topic, by, action)
    return topic


def _lock_team(topic: Topic) -> None:
    """One change to a topic's team at a time (the topic's row locked until the commit), so
    that two owners leaving or demoting each other at once cannot leave it without one."""
    list(Topic.objects.select_for_update().filter(pk=topic.pk).values_list("pk", flat=True))


def check_can_give_role(topic: Topic, role: str, *, by: AnyUser) -> None:
    """Who may give (or invite to, or take back) ``role`` in the topic: its owner and
    editors, and an owner's role only its owner."""
    check_can_manage(by, topic)
    if role not in Membership.Role.values:
        raise ValidationError(_("Choose a role: owner, editor or contributor."))
    if role == Membership.Role.OWNER and role_of(by, topic) != Membership.Role.OWNER:
        raise PermissionDenied(_("Only the topic's owner may change who owns it."))


def _check_owners(
    topic: Topic, user: User, current: Membership | None, role: str | None, *, by: AnyUser | None
) -> None:
    """The team's owner rules, for every change of ``user``'s role to ``role`` (None: no
    role any more): only an owner makes or unmakes an owner (``by`` None: the member gives
    up their own role), and a topic keeps one."""
    was_owner = current is not None and current.role == Membership.Role.OWNER
    if by is not None:
        # Unmaking an owner is the owner's, as making one; any other change, the managers'.
        given = Membership.Role.OWNER if was_owner else role or (current.role if current else "")
        check_can_give_role(topic, given, by=by)
    if was_owner and role != Membership.Role.OWNER:
        others = Membership.objects.filter(topic=topic, role=Membership.Role.OWNER)
        if not others.exclude(user=user).exists():
            raise ValidationError(_("A topic keeps at least one owner: give the role first."))


# Each change of the team and its audit entry are one transaction: both or neither.
@transaction.atomic
def add_member(topic: Topic, user: User, role: str, *, by: AnyUser) -> Membership:
    """Give a user a role in the topic; only the owner may make or unmake owners."""
    check_can_manage(by, topic)
    _lock_team(topic)
    current = Membership.objects.filter(user=user, topic=topic).first()
    _check_owners(topic, user, current, role, by=by)
    membership, _created = Membership.objects.update_or_create(
        user=user, topic=topic, defaults={"role": role}
    )
    if current is None or current.role != role:
        action = "member_added" if current is None else "role_changed"
        audit.record(topic, by, action, member=user.get_username(), role=role)
    return membership


@transaction.atomic
def remove_member(topic: Topic, user: User, *, by: AnyUser) -> None:
    """Take a user's role away; the last owner cannot be removed."""
    check_can_manage(by, topic)
    _lock_team(topic)
    current = Membership.objects.filter(user=user, topic=topic).first()
    if current is None:
        return
    _check_owners(topic, user, current, None, by=by)
    Membership.objects.filter(user=user, topic=topic).delete()
    audit.record(topic, by, "member_removed", member=user.get_username(), role=current.role)


@transaction.atomic
def leave_topic(topic: Topic, user: User) -> None:
    """A member gives up their role (the last owner cannot: a topic keeps one)."""
    _lock_team(topic)
    current = Membership.objects.filter(user=user, topic=topic).first()
    if current is None:
        return
    _check_owners(topic, user, current, None, by=None)
    Membership.objects.filter(user=user, topic=topic).delete()
    audit.record(topic, user, "member_left", role=current.role)
