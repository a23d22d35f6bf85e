"""Clicks on a post's source link: the browser's ping to a beacon of ours, counted once per
client address, post and day, without a cookie or a redirect; shown on the stats page."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from glaneur.analytics.models import PostDailyClicks, PostDailyViews, TopicDailyViews
from glaneur.analytics.queries import most_clicked_posts
from glaneur.analytics.services import today
from glaneur.curation.models import Membership, Post, Topic
from tests.factories import add_member, make_posts, make_topic, make_user

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def ping(client: Client, post_id: int, address: str = "203.0.113.7", **extra: Any) -> Any:
    """What a browser sends for <a ping>: a POST of "PING", no CSRF token."""
    headers = {"HTTP_USER_AGENT": FIREFOX, "REMOTE_ADDR": address, **extra}
    return client.post(f"/click/{post_id}/", "PING", content_type="text/ping", **headers)


def clicks(post: Post) -> int:
    return sum(PostDailyClicks.objects.filter(post=post).values_list("count", flat=True))


@pytest.fixture
def post(topic: Topic) -> Post:
    return make_posts(topic, 1)[0]


def test_a_click_is_counted_for_the_post_and_the_day(post: Post) -> None:
    client = Client(enforce_csrf_checks=True)

    response = ping(client, post.pk)

    assert response.status_code == 204
    assert not response.has_header("Location")
    row = PostDailyClicks.objects.get(post=post)
    assert (row.day, row.count) == (today(), 1)


def test_a_click_sets_no_cookie(post: Post) -> None:
    response = ping(Client(enforce_csrf_checks=True), post.pk)

    assert response.status_code == 204
    assert response.cookies == {}
    assert not response.has_header("Set-Cookie")


def test_the_same_address_clicking_again_counts_once(post: Post) -> None:
    client = Client()
    for _ in range(3):
        assert ping(client, post.pk).status_code == 204

    assert clicks(post) == 1


def test_other_addresses_and_other_posts_count_on_their_own(topic: Topic) -> None:
    first, second = make_posts(topic, 2)
    client = Client()

    ping(client, first.pk, "203.0.113.7")
    ping(client, first.pk, "198.51.100.2")
    ping(client, second.pk, "203.0.113.7")

    assert (clicks(first), clicks(second)) == (2, 1)


def test_an_ipv6_subscriber_counts_once_for_its_network(post: Post) -> None:
    client = Client()
    ping(client, post.pk, "2001:db8:1:2::10")
    ping(client, post.pk, "2001:db8:1:2::99")  # the same /64

    assert clicks(post) == 1


def test_one_address_flooding_many_posts_is_capped(topic: Topic, settings: Any) -> None:
    settings.GLANEUR_CLICK_RATE = 3
    posts = make_posts(topic, 5)
    client = Client()
    for post in posts:
        ping(client, post.pk)

    assert PostDailyClicks.objects.count() == 3


def test_a_bot_click_is_not_counted(post: Post) -> None:
    response = ping(Client(), post.pk, HTTP_USER_AGENT="Googlebot/2.1")

    assert response.status_code == 204
    assert clicks(post) == 0


@pytest.mark.parametrize("kind", ["unknown", "draft", "private"])
def test_a_bad_post_id_is_404_and_counts_nothing(topic: Topic, curator: Any, kind: str) -> None:
    if kind == "unknown":
        post_id = 999_999
    elif kind == "draft":
        draft = make_posts(topic, 1)[0]
        Post.objects.filter(pk=draft.pk).update(status=Post.Status.DRAFT)
        post_id = draft.pk
    else:
        private = make_topic(curator, visibility=Topic.Visibility.PRIVATE)
        post_id = make_posts(private, 1)[0].pk

    assert ping(Client(), post_id).status_code == 404
    assert not PostDailyClicks.objects.exists()


def test_a_member_click_in_a_private_topic_is_counted(curator: Any) -> None:
    private = make_topic(curator, visibility=Topic.Visibility.PRIVATE)
    post = make_posts(private, 1)[0]
    member = make_user()
    add_member(private, member, Membership.Role.CONTRIBUTOR)
    client = Client()
    client.force_login(member)

    assert ping(client, post.pk).status_code == 204
    assert clicks(post) == 1


def test_a_get_does_not_count(post: Post) -> None:
    assert Client().get(f"/click/{post.pk}/").status_code == 405
    assert clicks(post) == 0


def test_post_cards_ping_the_beacon_from_their_source_link(
    client: Client, post: Post, settings: Any
) -> None:
    settings.GLANEUR_BASE_URL = "https://veille.example.org"
    topic_html = client.get(post.topic.get_absolute_url()).content.decode()
    post_html = client.get(post.get_absolute_url()).content.decode()

    # Absolute: HTML allows only http(s) URLs in ping.
    beacon = f'ping="https://veille.example.org/click/{post.pk}/"'
    for html in (topic_html, post_html):
        link = re.search(rf'<a href="{re.escape(post.url)}"[^>]*>', html)
        assert link is not None
        assert beacon in link.group(0)


def test_stats_page_shows_clicks_beside_views(client: Client, topic: Topic) -> None:
    read, clicked = make_posts(topic, 2)
    PostDailyViews.objects.create(post=read, day=today(), count=40)
    PostDailyViews.objects.create(post=clicked, day=today(), count=5)
    PostDailyClicks.objects.create(post=clicked, day=today(), count=17)
    PostDailyClicks.objects.create(post=clicked, day=today() - timedelta(days=2), count=3)
    PostDailyClicks.objects.create(post=read, day=today(), count=1)
    TopicDailyViews.objects.create(topic=topic, day=today(), count=45)

    html = client.get(f"/topic/{topic.slug}/stats/").content.decode()

    assert '<dd class="stats-clicks">21</dd>' in html
    assert '<dd class="stats-clicks-today">+18</dd>' in html
    table = re.search(r'<details class="stats-table">.*?</details>', html, re.DOTALL)
    assert table is not None
    assert '<td>45</td><td class="clicks">18</td>' in table.group(0)
    # The leaderboards: most read first by views, most clicked first by clicks.
    viewed = re.search(r'<section class="stats-top-posts".*?</section>', html, re.DOTALL)
    clicked_section = re.search(r'<section class="stats-top-clicked".*?</section>', html, re.DOTALL)
    assert viewed is not None and clicked_section is not None
    v, c = viewed.group(0), clicked_section.group(0)
    assert v.index(read.get_absolute_url()) < v.index(clicked.get_absolute_url())
    assert c.index(clicked.get_absolute_url()) < c.index(read.get_absolute_url())
    assert "<td>20</td><td>5</td>" in c  # clicks, then views


def test_most_clicked_posts_is_one_query_over_published_posts(
    topic: Topic, django_assert_num_queries: Any
) -> None:
    posts = make_posts(topic, 12)
    for rank, post in enumerate(posts):
        PostDailyClicks.objects.create(post=post, day=today(), count=rank + 1)
        PostDailyViews.objects.create(post=post, day=today(), count=100)
        PostDailyViews.objects.create(post=post, day=today() - timedelta(days=1), count=1)
    Post.objects.filter(pk=posts[-1].pk).update(status=Post.Status.DRAFT)

    with django_assert_num_queries(1):
        top = most_clicked_posts(topic)
        urls = [row.post.get_absolute_url() for row in top]

    assert len(top) == 10 == len(urls)
    assert [row.post.pk for row in top] == [p.pk for p in reversed(posts[:-1])][:10]
    # Views and clicks summed apart: joined together they would multiply each other.
    assert (top[0].clicks, top[0].views) == (11, 101)
