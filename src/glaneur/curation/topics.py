"""Topics and who curates them: creation, settings, members and their roles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import events
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


def update_topic(topic: Topic, *, by: AnyUser, **fields: Any) -> Topic:
    check_can_manage(by, topic)
    was_visible_to_all = topic.visibility in OPEN_VISIBILITIES
    visibility_before = topic.visibility
    for name in ("title", "description", "language", "visibility", "tag_vocabulary"):
        if name in fields:
            setattr(topic, name, fields[name])
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
    return topic


def add_member(topic: Topic, user: User, role: str, *, by: AnyUser) -> Membership:
    """Give a user a role in the topic; only the owner may make or unmake owners."""
    check_can_manage(by, topic)
    current = Membership.objects.filter(user=user, topic=topic).first()
    touches_owner = role == Membership.Role.OWNER or (
        current is not None and current.role == Membership.Role.OWNER
    )
    if touches_owner and role_of(by, topic) != Membership.Role.OWNER:
        raise PermissionDenied(_("Only the topic's owner may change who owns it."))
    other_owners = Membership.objects.filter(topic=topic, role=Membership.Role.OWNER).exclude(
        user=user
    )
    demoting_owner = current is not None and current.role == Membership.Role.OWNER
    if demoting_owner and role != Membership.Role.OWNER and not other_owners.exists():
        raise ValidationError(_("A topic keeps at least one owner."))
    membership, _created = Membership.objects.update_or_create(
        user=user, topic=topic, defaults={"role": role}
    )
    return membership


def remove_member(topic: Topic, user: User, *, by: AnyUser) -> None:
    """Take a user's role away; the last owner cannot be removed."""
    current = Membership.objects.filter(user=user, topic=topic).first()
    if current is None:
        return
    if current.role == Membership.Role.OWNER:
        add_member(topic, user, Membership.Role.EDITOR, by=by)  # same owner rules
    else:
        check_can_manage(by, topic)
    Membership.objects.filter(user=user, topic=topic).delete()
