"""A topic's team: invitations by username or e-mail, roles, leaving; each change checked
against curation's access rules and written to the topic's audit list."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from glaneur.curation import audit
from glaneur.curation.models import Membership, Topic
from glaneur.curation.topics import add_member, check_can_give_role

from .models import Invitation

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from glaneur.curation.access import AnyUser

SALT = "glaneur.teams.invitation"


def invitation_token(invitation: Invitation) -> str:
    """The link's token: the invitation signed with the site's key (nothing stored)."""
    return signing.dumps(invitation.pk, salt=SALT)


def _invitation_of(token: str) -> Invitation:
    try:
        pk = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        pk = None
    invitation = Invitation.objects.filter(pk=pk).select_related("topic").first()
    if not isinstance(pk, int) or invitation is None:
        raise ValidationError(_("This invitation link is not valid."))
    return invitation


@transaction.atomic
def invite(topic: Topic, *, by: AnyUser, who: str, role: str) -> Membership | Invitation:
    """Someone with an account (username, or the e-mail of an account) joins at once;
    another e-mail address gets an invitation link by mail."""
    check_can_give_role(topic, role, by=by)
    who = who.strip()
    users = get_user_model().objects
    user = users.filter(username__iexact=who).first()
    if user is None and "@" in who:
        user = users.filter(email__iexact=who).first()
    if user is not None:
        if Membership.objects.filter(topic=topic, user=user).exists():
            raise ValidationError(_("%(name)s is already a member: change their role instead.")
                                  % {"name": user.get_username()})  # fmt: skip
        return add_member(topic, user, role, by=by)
    if "@" not in who:
        raise ValidationError(_("No account has this username; invite an e-mail address."))
    try:
        validate_email(who)
    except ValidationError as exc:
        raise ValidationError(_("“%(who)s” is not an e-mail address.") % {"who": who}) from exc
    email = who.lower()
    if any(i.pending for i in Invitation.objects.filter(topic=topic, email=email)):
        raise ValidationError(_("This address is already invited."))
    invitation = Invitation.objects.create(
        topic=topic,
        email=email,
        role=role,
        invited_by=by if by.is_authenticated else None,
        expires_at=timezone.now() + timedelta(days=settings.GLANEUR_INVITATION_DAYS),
    )
    audit.record(topic, by, "invited", invitee=email, role=role)
    from .tasks import send_invitation

    transaction.on_commit(lambda: send_invitation.enqueue(invitation.pk))
    return invitation


def invitation_for(token: str) -> Invitation:
    """The invitation a link names (ValidationError if the link was altered)."""
    return _invitation_of(token)


@transaction.atomic
def accept(token: str, user: User) -> Membership:
    """The signed-in user takes the invitation's role (once; not after it expired or was
    revoked). A member already keeps their role: an invitation never demotes."""
    invitation = _invitation_of(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.revoked_at is not None:
        raise ValidationError(_("This invitation was withdrawn."))
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation was already accepted."))
    if invitation.expires_at <= timezone.now():
        raise ValidationError(_("This invitation has expired: ask for a new one."))
    membership, _created = Membership.objects.get_or_create(
        topic=invitation.topic, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(invitation.topic, user, "invitation_accepted", role=membership.role)
    return membership


@transaction.atomic
def revoke(invitation: Invitation, *, by: AnyUser) -> None:
    check_can_give_role(invitation.topic, invitation.role, by=by)
    updated = Invitation.objects.filter(pk=invitation.pk, accepted_at=None, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    if updated:
        audit.record(invitation.topic, by, "invitation_revoked", invitee=invitation.email)


def pending_invitations(topic: Topic) -> list[Invitation]:
    rows = Invitation.objects.filter(topic=topic, accepted_at=None, revoked_at=None)
    return list(rows.filter(expires_at__gt=timezone.now()).select_related("invited_by"))
