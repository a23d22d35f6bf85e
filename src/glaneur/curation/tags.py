"""Tags: names parsed from what people type, found or created, set on posts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils import timezone

from .models import Post, PostTag, Tag


def parse_tag_names(raw: str | Iterable[str]) -> list[str]:
    """Split "a, b; c" (or a list) into distinct, trimmed names, first spelling wins."""
    items = raw.replace(";", ",").split(",") if isinstance(raw, str) else list(raw)
    seen: dict[str, str] = {}
    for item in items:
        name = " ".join(item.split()).strip(" .#")[:100]
        slug = Tag.slug_for(name)
        if name and slug and slug not in seen:
            seen[slug] = name
    return list(seen.values())


def get_or_create_tags(names: Sequence[str]) -> list[Tag]:
    by_slug = {Tag.slug_for(name): name for name in names}
    existing = {tag.slug: tag for tag in Tag.objects.filter(slug__in=by_slug)}
    missing = [Tag(name=name, slug=slug) for slug, name in by_slug.items() if slug not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {tag.slug: tag for tag in Tag.objects.filter(slug__in=by_slug)}
    return [existing[slug] for slug in by_slug]


def set_tags(post: Post, names: str | Iterable[str]) -> None:
    tags = get_or_create_tags(parse_tag_names(names))
    PostTag.objects.filter(post=post).exclude(tag__in=tags).delete()
    have = set(PostTag.objects.filter(post=post).values_list("tag_id", flat=True))
    PostTag.objects.bulk_create(
        [PostTag(post=post, tag=tag, topic_id=post.topic_id) for tag in tags if tag.pk not in have]
    )
    # Cached cards are keyed on updated_at: a change of tags must move it.
    Post.objects.filter(pk=post.pk).update(updated_at=timezone.now())
