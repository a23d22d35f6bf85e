"""The stats page of a topic: figures, the SVG chart, the most viewed posts."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from glaneur.analytics.charts import bar_chart
from glaneur.analytics.models import PostDailyViews, TopicDailyViews
from glaneur.analytics.queries import most_viewed_posts
from glaneur.analytics.services import today
from glaneur.curation.models import Membership, Post, Topic
from tests.factories import add_member, make_posts, make_topic, make_user

NBSP = "\xa0"


def stats_url(topic: Topic) -> str:
    return f"/topic/{topic.slug}/stats/"


@pytest.fixture
def viewed_topic(topic: Topic) -> Topic:
    """Scoop.it's figures: 54.7K views, +19 today, and three posts with views."""
    topic.historical_views = 54_681
    topic.save(update_fields=["historical_views"])
    TopicDailyViews.objects.create(topic=topic, day=today(), count=19)
    TopicDailyViews.objects.create(topic=topic, day=today() - timedelta(days=3), count=1_200)
    return topic


def test_stats_page_shows_formatted_figures(client: Client, viewed_topic: Topic) -> None:
    response = client.get(stats_url(viewed_topic))

    assert response.status_code == 200
    html = response.content.decode()
    # French groups thousands with a (non-breaking) space.
    assert re.search(rf"55[ {NBSP}]900</dd>", html)  # 54 681 + 1 200 + 19
    assert "+19</dd>" in html
    assert re.search(rf"1[ {NBSP}]219</dd>", html)  # the last 30 days
    assert viewed_topic.title.replace("'", "&#x27;") in html


def test_stats_page_speaks_english_too(client: Client, viewed_topic: Topic) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the site's language switch

    html = client.get(stats_url(viewed_topic)).content.decode()

    assert "55,900</dd>" in html
    assert "Total views" in html


def test_stats_page_draws_thirty_bars_in_svg_without_script_or_style(
    client: Client, viewed_topic: Topic
) -> None:
    html = client.get(stats_url(viewed_topic)).content.decode()

    svg = re.search(r"<svg.*?</svg>", html, re.DOTALL)
    assert svg is not None
    chart = svg.group(0)
    assert chart.count("<rect ") == 30
    assert "<title" in chart
    assert "<desc" in chart
    assert 'role="img"' in chart
    # CSP: neither inline styles nor scripts; SVG presentation attributes instead.
    assert "style" not in chart
    assert "<script" not in chart
    assert 'fill="currentColor"' in chart
    # Coordinates stay numbers SVG can read, whatever the locale (French writes "12,5").
    drawing = chart[chart.index(">") + 1 :]  # inside <svg>, which itself is width="100%"
    for value in re.findall(r' (?:x\d?|y\d?|width|height)="([^"]*)"', drawing):
        assert re.fullmatch(r"-?\d+(\.\d+)?", value), value


def test_stats_page_has_the_figures_in_a_table(client: Client, viewed_topic: Topic) -> None:
    html = client.get(stats_url(viewed_topic)).content.decode()

    table = re.search(r'<details class="stats-table">.*?</details>', html, re.DOTALL)
    assert table is not None
    assert table.group(0).count("<tr>") == 31  # header + 30 days
    assert re.search(rf"<td>1[ {NBSP}]200</td>", table.group(0))
    assert f'datetime="{today().isoformat()}"' in table.group(0)


def test_stats_page_lists_the_most_viewed_posts(client: Client, topic: Topic) -> None:
    quiet, popular, imported = make_posts(topic, 3)
    PostDailyViews.objects.create(post=popular, day=today(), count=300)
    PostDailyViews.objects.create(post=quiet, day=today(), count=2)
    imported.historical_views = 250
    imported.save(update_fields=["historical_views"])

    html = client.get(stats_url(topic)).content.decode()

    positions = [html.index(p.get_absolute_url()) for p in (popular, imported, quiet)]
    assert positions == sorted(positions)
    assert "<td>300</td>" in html
    assert "<td>250</td>" in html


def test_stats_page_does_not_count_a_view(client: Client, topic: Topic) -> None:
    browser = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
    client.get(stats_url(topic), HTTP_USER_AGENT=browser)

    assert not TopicDailyViews.objects.exists()


def test_private_topic_stats_are_hidden_from_outsiders(client: Client, curator: Any) -> None:
    private = make_topic(curator, visibility=Topic.Visibility.PRIVATE)

    assert client.get(stats_url(private)).status_code in {403, 404}
    client.force_login(make_user())
    assert client.get(stats_url(private)).status_code in {403, 404}


def test_private_topic_stats_are_shown_to_members(client: Client, curator: Any) -> None:
    private = make_topic(curator, visibility=Topic.Visibility.PRIVATE)
    member = make_user()
    add_member(private, member, Membership.Role.CONTRIBUTOR)
    client.force_login(member)

    assert client.get(stats_url(private)).status_code == 200


def test_unknown_topic_stats_are_404(client: Client, db: Any) -> None:
    assert client.get("/topic/no-such-topic/stats/").status_code == 404


def test_stats_page_costs_the_same_queries_for_20_and_200_posts(
    client: Client, topic: Topic
) -> None:
    def add_viewed_posts(count: int) -> None:
        posts = make_posts(topic, count)
        PostDailyViews.objects.bulk_create(
            [PostDailyViews(post=p, day=today(), count=i + 1) for i, p in enumerate(posts)]
        )

    add_viewed_posts(20)
    client.get(stats_url(topic))  # warm-up
    with CaptureQueriesContext(connection) as small:
        assert client.get(stats_url(topic)).status_code == 200
    add_viewed_posts(180)
    with CaptureQueriesContext(connection) as large:
        assert client.get(stats_url(topic)).status_code == 200

    assert len(small) == len(large)


def test_most_viewed_posts_is_one_query_over_published_posts(
    topic: Topic, django_assert_num_queries: Any
) -> None:
    posts = make_posts(topic, 12)
    for rank, post in enumerate(posts):
        post.historical_views = rank * 10
        post.save(update_fields=["historical_views"])
        PostDailyViews.objects.create(post=post, day=today(), count=1)
        PostDailyViews.objects.create(post=post, day=today() - timedelta(days=1), count=1)
    draft = posts[-1]
    draft.status = Post.Status.DRAFT
    draft.save(update_fields=["status"])

    with django_assert_num_queries(1):
        top = most_viewed_posts(topic)
        urls = [row.post.get_absolute_url() for row in top]  # no query per link either

    assert len(top) == 10 == len(urls)
    assert [row.post.pk for row in top] == [p.pk for p in reversed(posts[:-1])][:10]
    assert top[0].views == 100 + 2


def test_bar_chart_scales_to_the_busiest_day() -> None:
    start = date(2026, 11, 1)
    series = [(start + timedelta(n), count) for n, count in enumerate([0, 1, 500, 1000])]

    chart = bar_chart(series, width=440, height=120, left=40, bottom=20, top=0)

    zero, tiny, half, full = chart.bars
    assert chart.peak == 1000
    assert full.height == 100
    assert full.y == 0
    assert half.height == 50
    assert half.y == 50
    assert zero.height == 0
    assert zero.y == 100
    assert tiny.height == 1  # a day with views never looks empty
    assert [bar.x for bar in chart.bars] == [41.0, 141.0, 241.0, 341.0]
    assert full.labelled
    assert not half.labelled


def test_bar_chart_of_a_topic_never_viewed_is_flat() -> None:
    chart = bar_chart([(date(2026, 11, 1), 0)] * 30)

    assert chart.peak == 0
    assert {bar.height for bar in chart.bars} == {0}
