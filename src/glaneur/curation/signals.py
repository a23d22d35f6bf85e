"""Removals move the topic's content stamp (see queries.topic_stamp)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from .models import Post, PostTag, Topic


@receiver(post_delete, sender=Post)
@receiver(post_delete, sender=PostTag)
def topic_content_removed(sender: type, instance: Post | PostTag, **kwargs: Any) -> None:
    Topic.objects.filter(pk=instance.topic_id).update(content_changed_at=timezone.now())
