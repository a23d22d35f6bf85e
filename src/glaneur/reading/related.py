"""Up to five posts related to a post: same topic first, then other topics the reader may
see, scored by what they share — places (a commune 3, a department 1), actors (3 each), tags
(2 each) — then by how many title words they share (the search analysis: "emplois" is
"emploi"). Composed here, above the apps that know places, actors and tags."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from django.db.models import Q

from glaneur.curation import access
from glaneur.curation.models import Post, PostTag
from glaneur.enrich.models import Mention
from glaneur.territories.models import PostPlace

if TYPE_CHECKING:
    from glaneur.curation.access import AnyUser

LIMIT = 5
POOL = 60  # candidates sharing something, whose titles are then compared
RECENT = 30  # and the latest posts of the topic


def _title_words(title: str) -> set[str]:
    from glaneur.search.analysis import is_stop_word, tokens, words

    kept = " ".join(w for w in words(title) if not is_stop_word(w) and len(w) > 2)
    return set(tokens(kept))


def related_posts(post: Post, viewer: AnyUser | None, *, limit: int = LIMIT) -> list[Post]:
    scores: Counter[int] = Counter()  # in half points
    places = list(
        PostPlace.objects.filter(post=post, removed=False)
        .exclude(kind=PostPlace.Kind.REGION)
        .values_list("kind", "code")
    )
    if places:
        same = Q()
        for kind, code in places:
            same |= Q(kind=kind, code=code)
        for post_id, kind in (
            PostPlace.objects.filter(same, removed=False)
            .exclude(post=post)
            .values_list("post_id", "kind")[:500]
        ):
            scores[post_id] += 6 if kind == PostPlace.Kind.COMMUNE else 2
    actors = Mention.objects.filter(post=post).values("actor_id")
    for post_id in (
        Mention.objects.filter(actor_id__in=actors)
        .exclude(post=post)
        .values_list("post_id", flat=True)[:500]
    ):
        scores[post_id] += 3
    tags = PostTag.objects.filter(post=post).values("tag_id")
    for post_id in (
        PostTag.objects.filter(tag_id__in=tags)
        .exclude(post=post)
        .values_list("post_id", flat=True)[:500]
    ):
        scores[post_id] += 4
    pool = [pk for pk, _score in scores.most_common(POOL)]
    # And the topic's latest posts, which may share only words with this one.
    pool += list(
        Post.objects.filter(topic_id=post.topic_id, status=Post.Status.PUBLISHED)
        .exclude(pk=post.pk)
        .order_by("-curated_at")
        .values_list("pk", flat=True)[:RECENT]
    )
    candidates = list(
        Post.objects.filter(pk__in=pool, status=Post.Status.PUBLISHED)
        .filter(access.visible_posts(viewer))
        .select_related("topic")
        .only("pk", "title", "slug", "topic__slug", "topic__title", "curated_at")
    )
    mine = _title_words(post.title)
    for candidate in candidates:
        scores[candidate.pk] += len(mine & _title_words(candidate.title))
    candidates = [c for c in candidates if scores[c.pk] > 0]
    candidates.sort(
        key=lambda c: (c.topic_id != post.topic_id, -scores[c.pk], -c.curated_at.timestamp())
    )
    return candidates[:limit]
