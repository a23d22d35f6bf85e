"""What follows an import's rows being written (``writer``): their own update dates,
references between posts and between comments (once every row has its id), and telling
the pipeline about the new posts."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from glaneur.audience.models import Comment
from glaneur.curation.models import Post, Topic

from .fields import concrete_fields
from .planning import POST_EXCLUDE, Existing, Planned

BATCH = 500  # rows per INSERT or UPDATE statement


def restore_updated_at(plans: list[Planned]) -> None:
    dated = [p for p in plans if p.record.fields.get("updated_at")]
    if not dated:
        return
    post_fields = {f.name: f for f in concrete_fields(Post, POST_EXCLUDE)}
    for plan in dated:
        plan.post.updated_at = post_fields["updated_at"].clean(
            plan.record.fields["updated_at"], None
        )
    Post.objects.bulk_update([p.post for p in dated], ["updated_at"], batch_size=BATCH)


def link_own_refs(topic: Topic, plans: list[Planned], existing: Existing) -> None:
    """References between posts of the imported topic itself, once they all have ids
    (a post may refer to one of a later batch); in short transactions too."""
    keys = {k: pk for k, pk in existing.keys.items() if pk is not None}
    keys.update({p.record.key: p.post.pk for p in plans if p.record.key})
    changed: dict[str, list[Post]] = {}
    for plan in plans:
        for name, ref in plan.record.refs.items():
            if ref is None or getattr(plan.post, f"{name}_id") is not None:
                continue
            target = keys.get(ref[1])
            if target is not None and target != plan.post.pk:
                setattr(plan.post, f"{name}_id", target)
                changed.setdefault(name, []).append(plan.post)
    for name, posts in changed.items():
        for start in range(0, len(posts), BATCH):
            # bulk_update would make all its statements one transaction.
            with transaction.atomic():
                Post.objects.bulk_update(posts[start : start + BATCH], [name])


def link_comment_refs(plans: list[Planned]) -> None:
    changed: dict[str, list[Comment]] = {}
    for plan in plans:
        by_key = {record.key: comment for record, comment in plan.comments if record.key}
        for record, comment in plan.comments:
            for name, key in record.comments.items():
                target = by_key.get(key or "")
                if target is not None and target is not comment:
                    setattr(comment, name, target)
                    changed.setdefault(name, []).append(comment)
    for name, comments in changed.items():
        Comment.objects.bulk_update(comments, [name], batch_size=BATCH)


def index_posts(post_ids: Iterable[int]) -> None:
    """Tell the pipeline about the imported posts (bulk inserts send no model signals):
    they changed (search indexes them in the worker), and those published were published
    by an import."""
    from glaneur.curation import events

    ids = list(post_ids)
    events.changed(ids)
    published: list[int] = []
    for start in range(0, len(ids), BATCH):  # a bounded IN (SQLite's variable limit)
        chunk = ids[start : start + BATCH]
        rows = Post.objects.filter(pk__in=chunk, status=Post.Status.PUBLISHED)
        published += rows.values_list("pk", flat=True)
    events.published(published, how="import")
