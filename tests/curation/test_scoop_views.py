from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from glaneur.curation.models import Post
from glaneur.ingest.models import PageCapture
from tests.factories import make_topic, make_user

pytestmark = pytest.mark.django_db


def test_scoop_form_saves_a_draft_and_opens_the_review_page(client: Client, topic: Any) -> None:
    client.force_login(topic.owner)
    page = client.get(f"/scoop/?topic={topic.slug}&url=https://example.org/a&title=Un+titre")
    assert 'value="https://example.org/a"' in page.content.decode()
    response = client.post(
        "/scoop/",
        {
            "topic": topic.pk,
            "url": "https://example.org/a",
            "insight": "Mon regard",
            "tags": "emploi",
            "action": "review",
        },
    )
    post = Post.objects.get()
    assert response["Location"] == f"/topic/{topic.slug}/p/{post.pk}/edit/"
    assert post.status == Post.Status.DRAFT and post.state == Post.State.QUEUED
    assert post.insight == "Mon regard"
    review = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in review  # polls until the page is read
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="post-editor"')


def test_review_page_picks_an_image_and_publishes(client: Client, topic: Any) -> None:
    post = Post.objects.create(
        topic=topic,
        title="Lu",
        url="https://example.org/b",
        normalized_url="https://example.org/b",
        curated_by=topic.owner,
        status=Post.Status.DRAFT,
        state=Post.State.READY,
        image_url="https://example.org/1.jpg",
        image_candidates=["https://example.org/1.jpg", "https://example.org/2.jpg"],
    )
    client.force_login(topic.owner)
    html = client.get(f"/topic/{topic.slug}/p/{post.pk}/edit/").content.decode()
    assert 'value="https://example.org/2.jpg"' in html
    client.post(
        f"/topic/{topic.slug}/p/{post.pk}/edit/",
        {
            "title": "Lu",
            "url": post.url,
            "image_choice": "https://example.org/2.jpg",
            "action": "publish",
        },
    )
    post.refresh_from_db()
    assert post.image_url == "https://example.org/2.jpg"
    assert post.status == Post.Status.PUBLISHED
    # An address that is not one of the candidates is ignored.
    client.post(
        f"/topic/{topic.slug}/p/{post.pk}/edit/",
        {
            "title": "Lu",
            "url": post.url,
            "image_url": post.image_url,
            "image_choice": "https://evil.example/x.jpg",
        },
    )
    post.refresh_from_db()
    assert post.image_url == "https://example.org/2.jpg"


def test_drafts_stay_off_the_topic_page_and_feeds(client: Client, topic: Any) -> None:
    Post.objects.create(topic=topic, title="Brouillon secret", status=Post.Status.DRAFT)
    assert "Brouillon secret" not in client.get(topic.get_absolute_url()).content.decode()
    assert "Brouillon secret" not in client.get(f"/topic/{topic.slug}/feed.atom").content.decode()
    client.force_login(topic.owner)
    assert "Brouillon secret" in client.get(f"/topic/{topic.slug}/drafts/").content.decode()


def test_schedule_from_the_review_page(client: Client, topic: Any) -> None:
    post = Post.objects.create(
        topic=topic, title="Plus tard", curated_by=topic.owner, status=Post.Status.DRAFT
    )
    client.force_login(topic.owner)
    client.post(
        f"/topic/{topic.slug}/p/{post.pk}/edit/",
        {"title": "Plus tard", "publish_at": "2099-01-01T09:00", "action": "publish"},
    )
    post.refresh_from_db()
    assert post.status == Post.Status.SCHEDULED and post.publish_at.year == 2099


def test_bookmarklet_capture_stores_the_page_and_redirects_to_the_form(client: Client) -> None:
    response = client.post(
        "/scoop/capture/",
        {
            "url": "https://example.org/paywall",
            "title": "Titre",
            "selection": "Extrait",
            "html": "<html><body>page</body></html>",
        },
    )
    assert response.status_code == 303
    capture = PageCapture.objects.get()
    assert capture.html == "<html><body>page</body></html>" and capture.post is None
    assert f"capture={capture.token}" in response["Location"]
    assert client.post("/scoop/capture/", {"url": "javascript:alert(1)"}).status_code == 400


def test_scoop_into_someone_elses_topic_is_refused(client: Client) -> None:
    other = make_topic()
    client.force_login(make_user())
    response = client.post(
        "/scoop/", {"topic": other.pk, "url": "https://example.org/a", "action": "review"}
    )
    assert response.status_code == 200  # the topic is not among the choices
    assert not Post.objects.exists()


def test_profile_offers_the_bookmarklet_to_its_owner_only(client: Client, topic: Any) -> None:
    client.force_login(topic.owner)
    assert "javascript:" in client.get(f"/u/{topic.owner.username}/").content.decode()
    client.force_login(make_user())
    assert "javascript:" not in client.get(f"/u/{topic.owner.username}/").content.decode()
