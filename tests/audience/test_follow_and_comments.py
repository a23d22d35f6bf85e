from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from glaneur.audience.models import Comment, Follow
from glaneur.curation.models import Membership
from glaneur.curation.services import create_post
from tests.factories import add_member, make_posts, make_topic, make_user

pytestmark = pytest.mark.django_db


def test_follow_and_unfollow_with_htmx(client: Client, topic: Any) -> None:
    reader = make_user()
    client.force_login(reader)
    response = client.post(
        f"/topic/{topic.slug}/follow/", {"action": "follow"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "1 abonné" in response.content.decode()
    assert Follow.objects.filter(user=reader, topic=topic).exists()
    client.post(f"/topic/{topic.slug}/follow/", {"action": "follow"})  # twice is harmless
    assert Follow.objects.filter(user=reader, topic=topic).count() == 1
    client.post(f"/topic/{topic.slug}/follow/", {"action": "unfollow"})
    assert not Follow.objects.filter(user=reader, topic=topic).exists()


def test_anonymous_follow_goes_to_log_in(client: Client, topic: Any) -> None:
    response = client.post(f"/topic/{topic.slug}/follow/", {"action": "follow"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    response = client.post(f"/topic/{topic.slug}/follow/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith("/accounts/login/")
    assert not Follow.objects.exists()


def test_following_page_lists_posts_of_followed_topics(client: Client, topic: Any) -> None:
    other = make_topic()
    followed = create_post(topic, by=topic.owner, title="Followed post")
    create_post(other, by=other.owner, title="Unfollowed post")
    reader = make_user()
    Follow.objects.create(user=reader, topic=topic)
    client.force_login(reader)
    html = client.get("/following/").content.decode()
    assert followed.title in html and "Unfollowed post" not in html


def test_comment_is_escaped_counted_and_shown(client: Client, topic: Any) -> None:
    post = create_post(topic, by=topic.owner, title="Commented")
    reader = make_user()
    client.force_login(reader)
    response = client.post(
        f"/topic/{topic.slug}/p/{post.pk}/comment/", {"text": "<b>Bravo</b> & merci"}
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.comment_count == 1
    html = client.get(post.get_absolute_url()).content.decode()
    assert "&lt;b&gt;Bravo&lt;/b&gt; &amp; merci" in html
    topic_html = client.get(topic.get_absolute_url()).content.decode()
    assert "1 commentaire" in topic_html


def test_comment_with_htmx_returns_the_comment_list(client: Client, topic: Any) -> None:
    post = create_post(topic, by=topic.owner, title="Commented")
    client.force_login(make_user())
    response = client.post(
        f"/topic/{topic.slug}/p/{post.pk}/comment/", {"text": "Très utile"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert (
        'id="comments"' in response.content.decode() and "Très utile" in response.content.decode()
    )


def test_anonymous_cannot_comment(client: Client, topic: Any) -> None:
    post = create_post(topic, by=topic.owner, title="Commented")
    response = client.post(f"/topic/{topic.slug}/p/{post.pk}/comment/", {"text": "spam"})
    assert response.status_code == 302
    assert not Comment.objects.exists()


def test_comments_are_rate_limited(client: Client, topic: Any, settings: Any) -> None:
    settings.GLANEUR_COMMENT_RATE = 3
    post = create_post(topic, by=topic.owner, title="Commented")
    client.force_login(make_user())
    for n in range(5):
        client.post(f"/topic/{topic.slug}/p/{post.pk}/comment/", {"text": f"c{n}"})
    assert Comment.objects.count() == 3


def test_editor_hides_a_comment_and_readers_no_longer_see_it(client: Client, topic: Any) -> None:
    post = create_post(topic, by=topic.owner, title="Commented")
    reader = make_user()
    comment = Comment.objects.create(post=post, author=reader, text="Hors sujet")
    post.comment_count = 1
    post.save()
    client.force_login(reader)
    assert client.post(f"/comment/{comment.pk}/hide/").status_code == 403
    editor = make_user()
    add_member(topic, editor, Membership.Role.EDITOR)
    client.force_login(editor)
    client.post(f"/comment/{comment.pk}/hide/", {"hidden": "1"})
    comment.refresh_from_db()
    post.refresh_from_db()
    assert comment.hidden and post.comment_count == 0
    client.force_login(reader)
    assert "Hors sujet" not in client.get(post.get_absolute_url()).content.decode()


def test_following_page_query_count_is_constant(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    reader = make_user()
    topics = [make_topic() for _ in range(3)]
    for t in topics:
        Follow.objects.create(user=reader, topic=t)
        make_posts(t, 5)
    client.force_login(reader)
    client.get("/following/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get("/following/")
    for t in topics:
        make_posts(t, 30)
    with CaptureQueriesContext(connection) as large:
        client.get("/following/")
    assert len(small) == len(large)
