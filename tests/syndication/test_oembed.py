"""oEmbed (https://oembed.com/) for the pages of public topics and their posts, and its
discovery links."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from glaneur.curation.models import Post, Topic
from tests.factories import make_posts, make_topic


def oembed(client: Client, url: str, **extra: str) -> Any:
    return client.get(f"/oembed?{urlencode({'url': url, 'format': 'json', **extra})}")


def page(path: str) -> str:
    return f"http://testserver{path}"


def test_a_topic_url_gives_a_rich_frame(client: Client, topic: Topic) -> None:
    response = oembed(client, page(topic.get_absolute_url()))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = response.json()
    assert document["version"] == "1.0"
    assert document["type"] == "rich"
    assert document["title"] == topic.title
    assert document["provider_name"] == "Glaneur"
    assert document["provider_url"] == "http://testserver/"
    assert document["author_name"] == "Cap Métiers NA"
    assert (document["width"], document["height"]) == (600, 480)
    frame = re.search(r'<iframe src="([^"]+)"[^>]* width="600" height="480"', document["html"])
    assert frame is not None
    assert frame.group(1) == page(f"/topic/{topic.slug}/embed/")
    assert '<script src="http://testserver/static/syndication/embed.js" async>' in document["html"]


def test_a_post_url_gives_a_frame_of_that_post(client: Client, topic: Topic) -> None:
    post = make_posts(topic, 2)[0]

    document = oembed(client, page(post.get_absolute_url())).json()

    assert document["title"] == post.title
    assert f'src="http://testserver/topic/{topic.slug}/embed/?post={post.pk}"' in document["html"]
    framed = client.get(f"/topic/{topic.slug}/embed/?post={post.pk}").content.decode()
    assert post.title in framed
    assert framed.count('class="embed-post"') == 1


def test_maxwidth_and_maxheight_bound_the_frame(client: Client, topic: Topic) -> None:
    document = oembed(
        client, page(topic.get_absolute_url()), maxwidth="320", maxheight="200"
    ).json()

    assert (document["width"], document["height"]) == (320, 200)
    assert 'width="320" height="200"' in document["html"]


@pytest.mark.parametrize("visibility", ["unlisted", "private"])
def test_unlisted_and_private_topics_are_404(client: Client, curator: Any, visibility: str) -> None:
    hidden = make_topic(curator, visibility=visibility)
    post = make_posts(hidden, 1)[0]
    client.force_login(curator)  # oEmbed answers for anyone: what the public sees

    assert oembed(client, page(hidden.get_absolute_url())).status_code == 404
    assert oembed(client, page(post.get_absolute_url())).status_code == 404


def test_a_draft_is_404(client: Client, topic: Topic, curated_posts: dict[str, Post]) -> None:
    for key in ("draft", "scheduled"):
        assert oembed(client, page(curated_posts[key].get_absolute_url())).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "http://elsewhere.example/topic/{slug}/",  # another site
        "http://testserver/topic/{slug}/stats/",  # not a topic or post page
        "http://testserver/topic/no-such-topic/",
        "http://testserver/topic/{slug}/p/999999/gone/",
        "javascript:alert(1)",
        "",
    ],
)
def test_other_urls_are_404(client: Client, topic: Topic, url: str) -> None:
    assert oembed(client, url.format(slug=topic.slug)).status_code == 404


def test_a_format_other_than_json_is_501(client: Client, topic: Topic) -> None:
    response = client.get(
        f"/oembed?{urlencode({'url': page(topic.get_absolute_url()), 'format': 'xml'})}"
    )

    assert response.status_code == 501


def discovery(html: str) -> list[str]:
    return re.findall(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', html)


def test_public_topic_and_post_pages_advertise_oembed(client: Client, topic: Topic) -> None:
    post = make_posts(topic, 1)[0]

    for shown in (topic, post):
        links = discovery(client.get(shown.get_absolute_url()).content.decode())
        assert len(links) == 1
        href = links[0].replace("&amp;", "&")
        query = urlencode({"url": page(shown.get_absolute_url()), "format": "json"})
        assert href == f"http://testserver/oembed?{query}"
        assert client.get(href).json()["title"] == shown.title


def test_unlisted_pages_and_drafts_do_not_advertise_oembed(
    client: Client, curator: Any, topic: Topic, curated_posts: dict[str, Post]
) -> None:
    unlisted = make_topic(curator, visibility=Topic.Visibility.UNLISTED)
    client.force_login(curator)

    assert discovery(client.get(unlisted.get_absolute_url()).content.decode()) == []
    draft_page = client.get(curated_posts["draft"].get_absolute_url())
    assert draft_page.status_code == 200
    assert discovery(draft_page.content.decode()) == []
