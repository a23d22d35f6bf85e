"""The mails of a team: an invitation, a post waiting for the editors, an editor's decision
for the contributor. Sent by the worker (tasks.py), after the change committed."""

from __future__ import annotations

import logging
from typing import Any

from django.urls import reverse

from glaneur.audience import mail
from glaneur.audience.models import Profile
from glaneur.curation.access import EDITOR_ROLES
from glaneur.curation.models import Membership, Post

from .models import Invitation
from .services import invitation_token

logger = logging.getLogger(__name__)


def on_review_requested(sender: Any, post_id: int, **kwargs: Any) -> None:
    from .tasks import tell_reviewers

    tell_reviewers.enqueue(post_id)


def on_review_decided(sender: Any, post_id: int, **kwargs: Any) -> None:
    from .tasks import tell_contributor

    tell_contributor.enqueue(post_id)


def _language(user_id: int | None) -> str:
    if user_id is None:
        return mail.supported_language(None)
    code = Profile.objects.filter(user_id=user_id).values_list("language", flat=True).first()
    return mail.supported_language(code)


def _send(
    template: str, context: dict[str, Any], to: str, language: str, connection: Any = None
) -> None:
    """One mail, on ``connection`` if given (several mails share one), else its own."""
    rendered = mail.render(template, context, language=language)
    message = mail.build_message(rendered, to, language=language)
    if connection is None:
        with mail.connection() as own:
            result = mail.send(own, message)
    else:
        result = mail.send(connection, message)
    logger.info("teams mail %s to one address: %s", template, result.outcome)


def send_invitation(invitation_id: int) -> None:
    invitation = (
        Invitation.objects.filter(pk=invitation_id).select_related("topic", "invited_by").first()
    )
    if invitation is None or not invitation.pending:
        return
    url = reverse("teams:accept", args=[invitation_token(invitation)])
    context = {
        "invitation": invitation,
        "topic": invitation.topic,
        "role": invitation.get_role_display(),
        "by": invitation.invited_by.get_username() if invitation.invited_by else "",
        "accept_url": mail.absolute_url(url),
        "expires_at": invitation.expires_at,
    }
    _send("teams/email/invitation", context, invitation.email, invitation.topic.language)


def tell_reviewers(post_id: int) -> None:
    """Mail the topic's owners and editors that a contributor's post waits."""
    post = (
        Post.objects.filter(pk=post_id, status=Post.Status.PENDING)
        .select_related("topic", "curated_by")
        .first()
    )
    if post is None:
        return
    reviewers = Membership.objects.filter(topic=post.topic, role__in=EDITOR_ROLES).select_related(
        "user"
    )
    review_url = mail.absolute_url(reverse("teams:review", args=[post.topic.slug]))
    languages = dict(
        Profile.objects.filter(user__memberships__in=reviewers).values_list("user_id", "language")
    )
    context = {"post": post, "topic": post.topic, "review_url": review_url}
    with mail.connection() as connection:
        for membership in reviewers:
            if membership.user.email:
                language = mail.supported_language(languages.get(membership.user_id))
                _send("teams/email/review", context, membership.user.email, language, connection)


def tell_contributor(post_id: int) -> None:
    """Mail the contributor what an editor decided (published, or back with a note)."""
    post = Post.objects.filter(pk=post_id).select_related("topic", "curated_by").first()
    if post is None or post.curated_by is None or not post.curated_by.email:
        return
    context = {
        "post": post,
        "topic": post.topic,
        "approved": post.status == Post.Status.PUBLISHED,
        "post_url": mail.absolute_url(
            post.get_absolute_url()
            if post.status == Post.Status.PUBLISHED
            else reverse("curation:post-edit", args=[post.topic.slug, post.pk])
        ),
    }
    _send("teams/email/decided", context, post.curated_by.email, _language(post.curated_by_id))
