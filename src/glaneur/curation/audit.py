"""The topic's audit list: who changed what about who does what, and when.

``record`` is the one way to write it; the services that change members, invitations,
roles, the approval setting and approvals call it inside their own transaction, so an
entry exists exactly when the change does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, Topic

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from .access import AnyUser

# Each action and how the list says it (the detail's keys fill it in).
ACTIONS: dict[str, StrOrPromise] = {
    "member_added": _("%(actor)s gave %(member)s the role %(role)s"),
    "role_changed": _("%(actor)s changed the role of %(member)s to %(role)s"),
    "member_removed": _("%(actor)s removed %(member)s"),
    "member_left": _("%(actor)s left the topic"),
    "invited": _("%(actor)s invited %(invitee)s as %(role)s"),
    "invitation_revoked": _("%(actor)s revoked the invitation of %(invitee)s"),
    "invitation_accepted": _("%(actor)s accepted the invitation as %(role)s"),
    "approval_required": _("%(actor)s asked that contributors' posts wait for approval"),
    "approval_not_required": _("%(actor)s let contributors publish without approval"),
    "post_submitted": _("%(actor)s proposed “%(post)s” for approval"),
    "post_approved": _("%(actor)s approved and published “%(post)s”"),
    "post_sent_back": _("%(actor)s sent “%(post)s” back: %(note)s"),
}


def record(topic: Topic, actor: AnyUser | None, action: str, **detail: str) -> AuditEntry:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action: {action!r}")
    user = actor if actor is not None and actor.is_authenticated else None
    return AuditEntry.objects.create(
        topic=topic,
        actor=user,
        action=action,
        detail=detail,
    )


def describe(entry: AuditEntry) -> str:
    """The entry in words, in the reader's language."""
    words: dict[str, Any] = {
        "actor": entry.actor.get_username() if entry.actor else _("someone"),
        "member": "",
        "role": "",
        "invitee": "",
        "post": "",
        "note": "",
        **entry.detail,
    }
    if words["role"]:
        from .models import Membership

        words["role"] = dict(Membership.Role.choices).get(words["role"], words["role"])
    return str(ACTIONS.get(entry.action, entry.action)) % {k: str(v) for k, v in words.items()}
