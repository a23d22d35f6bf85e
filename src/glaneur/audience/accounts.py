"""A reader's own account: profile, and deletion that keeps what curators published.

Deleting an account removes the person: profile, addresses, follows, digests, comments,
memberships and the user row. Published posts stay, shown as by "a deleted account"
(``Post.curated_by`` is SET_NULL) or, if the person asks, credited to each topic's owner.

Topics the person owns (``Topic.owner`` is PROTECT) pass to another owner of the topic,
else to its longest-standing editor, who becomes owner. A topic with neither cannot be
orphaned: the person must delete it explicitly on the deletion page (or give it an
editor first); until then the account stays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from glaneur.curation.models import Membership, Post, Topic
from glaneur.curation.services import authenticated

from . import mail
from .models import Comment, Language, Profile

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def profile_of(user: User) -> Profile:
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


def language_of(user: User | None, *, default: str | None = None) -> str:
    """The language a user's e-mail is written in."""
    if user is not None and user.pk:
        stored = Profile.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
        if stored:
            return stored
    return mail.supported_language(default)


@transaction.atomic
def update_profile(
    user: User | AnonymousUser, *, display_name: str, bio: str, language: str
) -> Profile:
    """Display name (shown on every page, kept in ``first_name``), bio and mail language."""
    person = authenticated(user)
    display_name = " ".join(display_name.split())
    if len(display_name) > 150:
        raise ValidationError({"display_name": _("150 characters at most.")})
    bio = bio.strip()
    if len(bio) > 500:
        raise ValidationError({"bio": _("500 characters at most.")})
    if language not in Language.values:
        raise ValidationError({"language": _("Unknown language.")})
    person.first_name = display_name
    person.save(update_fields=["first_name"])
    profile = profile_of(person)
    profile.bio = bio
    profile.language = language
    profile.save(update_fields=["bio", "language"])
    return profile


@dataclass
class Transfer:
    topic: Topic
    to: User


@dataclass
class DeletionPlan:
    transfers: list[Transfer] = field(default_factory=list)
    # Owned topics with no other owner or editor: deleted with the account, or it waits.
    orphans: list[Topic] = field(default_factory=list)
    post_count: int = 0


def deletion_plan(user: User) -> DeletionPlan:
    """What deleting this account would do to the topics it owns and its posts."""
    plan = DeletionPlan(post_count=Post.objects.filter(curated_by=user).count())
    owned = list(Topic.objects.filter(owner=user).order_by("title"))
    rank = {Membership.Role.OWNER: 0, Membership.Role.EDITOR: 1}
    rows = (
        Membership.objects.filter(
            topic__in=owned, role__in=[Membership.Role.OWNER, Membership.Role.EDITOR]
        )
        .exclude(user=user)
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("created_at", "pk")
    )
    best: dict[int, tuple[int, User]] = {}
    for membership in rows:
        candidate = (rank[Membership.Role(membership.role)], membership.user)
        current = best.get(membership.topic_id)
        if current is None or candidate[0] < current[0]:
            best[membership.topic_id] = candidate
    successors = {topic_id: found[1] for topic_id, found in best.items()}
    for topic in owned:
        if topic.pk in successors:
            plan.transfers.append(Transfer(topic, successors[topic.pk]))
        else:
            plan.orphans.append(topic)
    return plan


class AccountNotDeleted(ValidationError):
    pass


@transaction.atomic
def delete_account(
    user: User | AnonymousUser,
    *,
    password: str,
    credit_posts_to_owner: bool = False,
    delete_orphan_topics: bool = False,
) -> DeletionPlan:
    """Delete the account after checking its password; see the module docstring."""
    person = authenticated(user)
    if not person.check_password(password):
        raise AccountNotDeleted({"password": _("The password is not correct.")})
    plan = deletion_plan(person)
    if plan.orphans and not delete_orphan_topics:
        raise AccountNotDeleted(
            _("Delete your topics that have no other owner or editor first: %(titles)s.")
            % {"titles": ", ".join(t.title for t in plan.orphans)}
        )
    for transfer in plan.transfers:
        Topic.objects.filter(pk=transfer.topic.pk).update(owner=transfer.to)
        Membership.objects.filter(topic=transfer.topic, user=transfer.to).update(
            role=Membership.Role.OWNER
        )
    for topic in plan.orphans:
        topic.delete()
    if credit_posts_to_owner:
        owner = Topic.objects.filter(pk=OuterRef("topic_id")).values("owner_id")[:1]
        Post.objects.filter(curated_by=person).update(curated_by=Subquery(owner))
    # Comments are personal; a curator's insight stored as a comment is part of the post.
    commented = list(
        Comment.objects.filter(author=person, is_curator_insight=False)
        .values_list("post_id", flat=True)
        .distinct()
    )
    Comment.objects.filter(author=person, is_curator_insight=False).delete()
    Comment.objects.filter(author=person).update(author_name="")
    visible = (
        Comment.objects.filter(post_id=OuterRef("pk"), hidden=False)
        .order_by()
        .values("post_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Post.objects.filter(pk__in=commented).update(comment_count=Coalesce(Subquery(visible), 0))
    get_user_model().objects.filter(pk=person.pk).delete()
    return plan
