"""A topic's embed (/topic/<slug>/embed/): what it shows, its options, who may frame it,
its cost; the snippet on the topic page and the help page with a live preview."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from glaneur.analytics.services import topic_view_counts
from glaneur.cache import fragment_cache
from glaneur.curation.models import Post, Topic
from tests.factories import make_posts, make_topic


def embed_url(topic: Topic, query: str = "") -> str:
    return f"/topic/{topic.slug}/embed/{'?' + query if query else ''}"


def frame_ancestors(response: Any) -> str:
    policy = response["Content-Security-Policy"]
    match = re.search(r"frame-ancestors ([^;]+)", policy)
    assert match is not None, policy
    return match.group(1).strip()


def titles(page: str) -> list[str]:
    found = re.findall(r'<h2 class="embed-title"><a [^>]*>([^<]*)</a>', page)
    return [html.unescape(title) for title in found]


def test_the_embed_shows_the_latest_published_posts_without_the_site_frame(
    client: Client, topic: Topic, curated_posts: dict[str, Post], settings: Any
) -> None:
    response = client.get(embed_url(topic))

    assert response.status_code == 200
    html = response.content.decode()
    # Newest first, pinning ignored; drafts and scheduled posts absent.
    expected = [curated_posts[k].title for k in ("newest", "middle", "oldest", "pinned")]
    assert titles(html) == expected
    assert "Article draft" not in html and "Article scheduled" not in html
    assert 'class="site-header"' not in html  # its own small template
    assert "<script>" not in html  # CSP: our static script only
    assert "syndication/embed-frame.js" in html
    assert '<base target="_blank">' in html
    # The source link pings the click beacon, as the topic page's cards do.
    newest = curated_posts["newest"]
    beacon = f"{settings.GLANEUR_BASE_URL}/click/{newest.pk}/"
    assert f'href="{newest.url}" rel="noopener" ping="{beacon}"' in html


def test_the_embed_filters_by_tag(
    client: Client, topic: Topic, curated_posts: dict[str, Post]
) -> None:
    html = client.get(embed_url(topic, "tag=territoires")).content.decode()

    assert titles(html) == [curated_posts["middle"].title]
    assert "#Territoires" in html


def test_the_embed_has_a_dark_theme_and_a_compact_form(client: Client, topic: Topic) -> None:
    make_posts(topic, 2)

    light = client.get(embed_url(topic)).content.decode()
    dark = client.get(embed_url(topic, "theme=dark&compact=1")).content.decode()
    odd = client.get(embed_url(topic, "theme=pink&compact=maybe&limit=x")).content.decode()

    assert 'class="glaneur-embed theme-light"' in light
    assert 'class="embed-summary"' in light
    assert 'class="glaneur-embed theme-dark compact"' in dark
    assert 'class="embed-summary"' not in dark
    assert 'class="glaneur-embed theme-light"' in odd  # unknown values: the defaults


def test_the_embed_shows_at_most_limit_posts(client: Client, topic: Topic) -> None:
    make_posts(topic, 14)

    assert len(titles(client.get(embed_url(topic)).content.decode())) == 10
    assert len(titles(client.get(embed_url(topic, "limit=3")).content.decode())) == 3
    assert len(titles(client.get(embed_url(topic, "limit=500")).content.decode())) == 14


def test_the_embed_may_be_framed_by_any_site(client: Client, topic: Topic) -> None:
    response = client.get(embed_url(topic))

    assert frame_ancestors(response) == "*"
    assert not response.has_header("X-Frame-Options")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/topic/{slug}/",
        "/topic/{slug}/embed/help/",
        "/topic/{slug}/stats/",
        "/topic/{slug}/feed.rss",
        "/sitemap.xml",
        "/accounts/login/",
    ],
)
def test_every_other_page_refuses_to_be_framed(client: Client, topic: Topic, path: str) -> None:
    response = client.get(path.format(slug=topic.slug))

    assert response.status_code == 200
    assert frame_ancestors(response) == "'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_a_post_page_refuses_to_be_framed(client: Client, topic: Topic) -> None:
    post = make_posts(topic, 1)[0]
    response = client.get(post.get_absolute_url())

    assert frame_ancestors(response) == "'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_a_private_topic_has_no_embed(client: Client, curator: Any) -> None:
    private = make_topic(curator, visibility=Topic.Visibility.PRIVATE)
    make_posts(private, 1)
    client.force_login(curator)  # even its owner: a frame shows what anyone sees

    assert client.get(embed_url(private)).status_code == 404
    assert client.get(f"/topic/{private.slug}/embed/help/").status_code == 404


def test_an_unlisted_topic_may_be_embedded_by_who_has_its_address(
    client: Client, curator: Any
) -> None:
    unlisted = make_topic(curator, visibility=Topic.Visibility.UNLISTED)
    make_posts(unlisted, 2)

    response = client.get(embed_url(unlisted))
    assert response.status_code == 200
    assert len(titles(response.content.decode())) == 2
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_the_embed_costs_the_same_queries_for_20_and_200_posts(
    client: Client, topic: Topic
) -> None:
    def count(query: str) -> int:
        fragment_cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(embed_url(topic, query)).status_code == 200
        return len(queries)

    make_posts(topic, 20)
    small = count(""), count("tag=tag-1&limit=30")
    make_posts(topic, 180)
    assert (count(""), count("tag=tag-1&limit=30")) == small


def test_the_embed_is_cached_until_the_topic_changes(client: Client, topic: Topic) -> None:
    make_posts(topic, 2)
    client.get(embed_url(topic))
    with CaptureQueriesContext(connection) as cached:
        client.get(embed_url(topic))
    assert len(cached) == 2  # the topic and its content stamp

    newer = make_posts(topic, 1)[0]

    assert newer.title in client.get(embed_url(topic)).content.decode()


def test_the_embed_speaks_the_topic_language(client: Client, curator: Any) -> None:
    english = make_topic(curator, language="en")

    html = client.get(embed_url(english)).content.decode()

    assert '<html lang="en">' in html
    assert "No post yet." in html


def test_the_topic_page_offers_the_snippet_in_a_closed_block(client: Client, topic: Topic) -> None:
    html = client.get(topic.get_absolute_url()).content.decode()

    block = re.search(r'<details class="embed-snippet">.*?</details>', html, re.DOTALL)
    assert block is not None
    code = re.search(r"<textarea[^>]*>(.*?)</textarea>", block.group(0), re.DOTALL)
    assert code is not None
    # Shown as text: escaped, with the frame, its address and our resizing script.
    assert code.group(1).startswith("&lt;iframe src=&quot;http://testserver/topic/")
    assert f"/topic/{topic.slug}/embed/" in code.group(1)
    assert "data-glaneur-embed" in code.group(1)
    assert "http://testserver/static/syndication/embed.js" in code.group(1)
    assert "<iframe" not in block.group(0)  # no frame on the hot path: the preview is apart
    assert f'href="/topic/{topic.slug}/embed/help/"' in block.group(0)


def test_a_private_topic_page_offers_no_snippet(client: Client, curator: Any) -> None:
    private = make_topic(curator, visibility=Topic.Visibility.PRIVATE)
    client.force_login(curator)

    assert 'class="embed-snippet"' not in client.get(private.get_absolute_url()).content.decode()


def test_the_help_page_previews_the_chosen_options(client: Client, topic: Topic) -> None:
    make_posts(topic, 1)

    html = client.get(f"/topic/{topic.slug}/embed/help/?theme=dark&compact=1&tag=emploi").content
    page = html.decode()

    preview = f'src="/topic/{topic.slug}/embed/?tag=emploi&amp;theme=dark&amp;compact=1"'
    assert f'<iframe class="embed-preview" {preview}' in page
    assert "data-glaneur-embed" in page
    assert "syndication/embed.js" in page
    assert "?tag=emploi&amp;amp;theme=dark&amp;amp;compact=1" in page  # in the code to copy
    assert 'value="dark" checked' in page


def test_a_reader_loading_the_embed_counts_a_view_of_the_topic(
    client: Client, topic: Topic
) -> None:
    browser = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
    before = topic_view_counts(topic)
    client.get(embed_url(topic), HTTP_USER_AGENT=browser)
    client.get(embed_url(topic, "theme=dark"), HTTP_USER_AGENT=browser)  # cached: counted too
    client.get(embed_url(topic), HTTP_USER_AGENT="Googlebot/2.1 (+http://www.google.com/bot.html)")
    total, today = topic_view_counts(topic)
    assert (total - before[0], today - before[1]) == (2, 2)
