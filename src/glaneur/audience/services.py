"""Follows, their digest settings, and comments."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from glaneur.curation.access import (
    authenticated,
    check_can_manage,
    check_can_view,
    check_can_view_post,
)
from glaneur.curation.models import Post, Topic

from .models import Comment, DigestFrequency, Follow

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


class RateLimited(ValidationError):
    pass


def follow(user: User | AnonymousUser, topic: Topic) -> Follow:
    reader = authenticated(user)
    check_can_view(reader, topic)
    try:
        with transaction.atomic():
            return Follow.objects.create(user=reader, topic=topic)
    except IntegrityError:
        return Follow.objects.get(user=reader, topic=topic)


def unfollow(user: User | AnonymousUser, topic: Topic) -> None:
    """Stop following; always allowed, even a topic the user may no longer see."""
    Follow.objects.filter(user=authenticated(user), topic=topic).delete()


def unfollow_hidden(user: User | AnonymousUser) -> int:
    """Stop following every topic the user may no longer see; returns how many."""
    from .queries import hidden_follows

    deleted, _rows = Follow.objects.filter(pk__in=hidden_follows(user).values("pk")).delete()
    return deleted


def is_following(user: User | AnonymousUser, topic: Topic) -> bool:
    if not user.is_authenticated:
        return False
    return Follow.objects.filter(user=authenticated(user), topic=topic).exists()


@transaction.atomic
def add_comment(post: Post, *, by: User | AnonymousUser, text: str) -> Comment:
    """Save a reader's comment; limited to GLANEUR_COMMENT_RATE per user and hour."""
    author = authenticated(by)
    check_can_view_post(author, post)
    if post.status != Post.Status.PUBLISHED:
        raise ValidationError(_("Comments open once the post is published."))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("The comment is empty.")})
    if len(text) > 5000:
        raise ValidationError({"text": _("The comment is too long (5,000 characters at most).")})
    # The author's row is locked while counting (PostgreSQL; SQLite's transactions take the
    # write lock at BEGIN), so two comments sent at once from two web processes cannot both
    # pass a limit that only one more fits under.
    get_user_model().objects.select_for_update().filter(pk=author.pk).values_list("pk").first()
    recent = Comment.objects.filter(
        author=author, created_at__gte=timezone.now() - timedelta(hours=1)
    ).count()
    if recent >= settings.GLANEUR_COMMENT_RATE:
        raise RateLimited(_("Too many comments in the last hour; please wait a little."))
    comment = Comment.objects.create(post=post, author=author, text=text)
    Post.objects.filter(pk=post.pk).update(
        comment_count=F("comment_count") + 1, updated_at=timezone.now()
    )
    return comment


@transaction.atomic
def set_comment_hidden(comment: Comment, hidden: bool, *, by: User | AnonymousUser) -> Comment:
    """Curators (owner, editors) hide a comment; it stays stored and can be shown again."""
    check_can_manage(by, comment.post.topic)
    if comment.hidden != hidden:
        comment.hidden = hidden
        comment.hidden_by = authenticated(by) if hidden else None
        comment.save(update_fields=["hidden", "hidden_by"])
        delta = -1 if hidden else 1
        Post.objects.filter(pk=comment.post_id).update(
            comment_count=F("comment_count") + delta, updated_at=timezone.now()
        )
    return comment


def set_digest_frequency(user: User | AnonymousUser, topic: Topic, frequency: str) -> Follow:
    """Choose how often a followed topic's new posts come by e-mail."""
    follow_row = Follow.objects.get(user=authenticated(user), topic=topic)
    if frequency not in DigestFrequency.values:
        raise ValidationError(_("Unknown digest frequency."))
    if follow_row.digest == DigestFrequency.OFF and frequency != DigestFrequency.OFF:
        # Turning digests back on starts from now, not from when they were turned off.
        follow_row.digested_until = timezone.now()
    follow_row.digest = frequency
    follow_row.save(update_fields=["digest", "digested_until"])
    return follow_row


def stop_digests(user_id: int) -> int:
    """Turn off every digest of a reader (the one-click unsubscribe of a digest)."""
    return Follow.objects.filter(user_id=user_id).update(digest=DigestFrequency.OFF)
