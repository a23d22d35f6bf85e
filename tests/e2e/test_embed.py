"""Another site frames a topic: a page on another loopback port shows the embed, which fits
its content; the topic page itself refuses to be framed; a click on a source link in the
frame is counted through the browser's ping."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from glaneur.analytics.models import PostDailyClicks
from glaneur.curation.models import Post
from tests.factories import make_posts, make_topic, make_user
from tests.ingest.fixture_server import FixtureServer

INITIAL_HEIGHT = 90  # what the host page writes; far from the content's real height

HOST_PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Observatoire : nos lectures</title></head><body>
<h1>Le site de l'observatoire</h1>
<iframe id="glaneur" src="{glaneur}/topic/{slug}/embed/{query}" title="Veille"
        width="100%" height="{height}" loading="lazy" data-glaneur-embed></iframe>
<script src="{glaneur}/static/syndication/embed.js" async></script>
<iframe id="refused" src="{glaneur}/topic/{slug}/" title="Page du sujet"
        width="600" height="200"></iframe>
</body></html>"""


@pytest.fixture
def host_site() -> Iterator[FixtureServer]:
    """Another origin: the same loopback address, another port."""
    with FixtureServer() as server:
        yield server


def serve_host_page(host: FixtureServer, live_server: Any, slug: str, query: str = "") -> str:
    html = HOST_PAGE.format(glaneur=live_server.url, slug=slug, query=query, height=INITIAL_HEIGHT)
    host.add_route("/", 200, html.encode(), {"Content-Type": "text/html; charset=utf-8"})
    return host.url("/")


def frame_fits(page: Any, selector: str) -> tuple[float, float]:
    """(the frame's height on the host page, its document's content height), once the
    host's script has sized the frame."""
    # clientHeight: the frame's inside, without the border the browser draws around it.
    inner = f"document.querySelector('{selector}').clientHeight"
    page.wait_for_function(f"{inner} !== {INITIAL_HEIGHT}")
    frame = page.locator(selector).element_handle().content_frame()
    content = frame.evaluate("document.documentElement.getBoundingClientRect().height")
    return page.evaluate(inner), content


@pytest.mark.django_db(transaction=True)
def test_another_site_frames_the_topic_and_the_frame_fits_its_content(
    page: Any, live_server: Any, host_site: FixtureServer
) -> None:
    topic = make_topic(make_user(first_name="Cap Métiers NA"), title="Initiatives locales")
    posts = make_posts(topic, 6)
    # Chromium says why it blocks a frame in the console (CSP frame-ancestors 'none').
    with page.expect_console_message(lambda message: "frame-ancestors" in message.text):
        page.goto(serve_host_page(host_site, live_server, topic.slug))

    embed = page.frame_locator("#glaneur")
    expect(embed.locator(".embed-post")).to_have_count(6)
    expect(embed.locator(".embed-title").first).to_have_text(posts[-1].title)
    outer, content = frame_fits(page, "#glaneur")
    assert content > 300  # six posts with their summaries and insights
    assert abs(outer - content) <= 1
    # Nothing left to scroll inside the frame.
    frame = page.locator("#glaneur").element_handle().content_frame()
    assert frame.evaluate("document.documentElement.scrollHeight <= window.innerHeight")

    # The topic page itself was refused (the console message above): nothing of it shows.
    refused = page.locator("#refused").element_handle().content_frame()
    assert not refused.url.startswith(live_server.url)
    assert topic.title not in refused.evaluate("document.body ? document.body.innerText : ''")


@pytest.mark.django_db(transaction=True)
def test_the_compact_frame_resizes_smaller_and_counts_a_click(
    page: Any, live_server: Any, host_site: FixtureServer, settings: Any
) -> None:
    settings.GLANEUR_BASE_URL = live_server.url  # the beacon's address (analytics tag)
    topic = make_topic(make_user(), title="Initiatives locales")
    posts = make_posts(topic, 3)
    # The source links lead to the host site, so the opened tab has somewhere to go.
    for post in posts:
        Post.objects.filter(pk=post.pk).update(url=host_site.url(f"/article-{post.pk}.html"))
    page.goto(serve_host_page(host_site, live_server, topic.slug, "?compact=1&theme=dark"))

    embed = page.frame_locator("#glaneur")
    expect(embed.locator(".embed-post")).to_have_count(3)
    expect(embed.locator("body.theme-dark.compact")).to_have_count(1)
    outer, content = frame_fits(page, "#glaneur")
    assert abs(outer - content) <= 1

    with page.context.expect_page():
        embed.locator(".embed-title a").first.click()
    deadline = time.monotonic() + 10
    while not PostDailyClicks.objects.filter(post=posts[-1]).exists():
        assert time.monotonic() < deadline, "the browser's ping never reached the beacon"
        time.sleep(0.1)
    assert PostDailyClicks.objects.get(post=posts[-1]).count == 1
