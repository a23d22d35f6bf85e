"""List endpoints cost the same number of queries for 20 rows as for 200."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from glaneur.audience.models import Comment, Follow
from glaneur.curation.models import Post
from tests.api.conftest import World
from tests.factories import make_posts, make_topic

pytestmark = pytest.mark.django_db


def queries_for(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(captured)


def logged_in(world: World) -> Client:
    # A session, not a token: a token's "last used" write would differ between the two calls.
    client = Client()
    client.force_login(world.users["owner"])
    return client


def assert_constant(client: Client, path: str, grow: Callable[[int], object]) -> None:
    grow(20)
    small = queries_for(client, path)
    grow(180)
    assert queries_for(client, path) == small
    assert small <= 10


def test_post_list(world: World) -> None:
    def grow(n: int) -> None:
        posts = make_posts(world.topic, n, tags_per_post=3)
        origin = world.post
        Post.objects.filter(pk__in=[p.pk for p in posts[::2]]).update(origin=origin)

    assert_constant(logged_in(world), f"/api/topics/{world.topic.slug}/posts?perPage=100", grow)


def test_filtered_post_list(world: World) -> None:
    assert_constant(
        logged_in(world),
        f"/api/topics/{world.topic.slug}/posts?perPage=100&tag=tag-1&tag=tag-2&status=published",
        lambda n: make_posts(world.topic, n, tags_per_post=3),
    )


def test_topic_list(world: World) -> None:
    def grow(n: int) -> None:
        for _ in range(n):
            make_posts(make_topic(), 1, tags_per_post=0)

    assert_constant(logged_in(world), "/api/topics?perPage=100", grow)


def test_comment_list(world: World) -> None:
    def grow(n: int) -> None:
        Comment.objects.bulk_create(
            Comment(post=world.post, author=world.users["reader"], text=f"c{i}") for i in range(n)
        )

    assert_constant(
        logged_in(world),
        f"/api/topics/{world.topic.slug}/posts/{world.post.pk}/comments?perPage=100",
        grow,
    )


def test_my_follows(world: World) -> None:
    def grow(n: int) -> None:
        Follow.objects.bulk_create(
            Follow(user=world.users["owner"], topic=make_topic()) for _ in range(n)
        )

    assert_constant(logged_in(world), "/api/me/follows", grow)


def test_popular_tags(world: World) -> None:
    assert_constant(
        logged_in(world),
        f"/api/topics/{world.topic.slug}/tags?limit=100",
        lambda n: make_posts(world.topic, n, tags_per_post=3, tag_pool=60),
    )
