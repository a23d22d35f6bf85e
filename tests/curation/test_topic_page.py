from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from glaneur.audience.models import Comment
from glaneur.cache import fragment_cache
from glaneur.curation.models import Membership, Post
from glaneur.curation.services import create_post, delete_post, set_tags, update_post
from tests.factories import add_member, make_posts, make_topic, make_user

pytestmark = pytest.mark.django_db
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"


def get(client: Client, url: str, **extra: Any) -> Any:
    return client.get(url, HTTP_USER_AGENT=BROWSER_UA, **extra)


def test_topic_page_shows_every_element_of_a_scoopit_topic(client: Client, topic: Any) -> None:
    post = create_post(
        topic,
        by=topic.owner,
        title="L’APEE de Poitiers, agir pour la pérennité des entreprises",
        url="https://example.org/apee",
        site_name="example.org",
        summary="En matière de création d’entreprises…",
        insight="Une **initiative** à suivre",
        tags="création d'entreprise, quartiers",
    )
    html = get(client, topic.get_absolute_url()).content.decode()
    assert "Initiatives locales et paroles d&#x27;acteurs" in html
    assert "Glané par" in html and "Cap Métiers NA" in html
    assert "1 vue" in html
    assert "+1 aujourd’hui" in html
    assert 'href="https://example.org/apee"' in html  # the title links straight to the source
    assert "<strong>initiative</strong>" in html
    assert "Aucun commentaire pour l’instant." in html or "No comment yet." in html
    assert "Tags populaires" in html
    assert "quartiers" in html and "(1)" in html
    assert post.get_absolute_url() in html
    assert 'type="application/atom+xml"' in html


def test_posts_are_newest_first_with_pinned_first(client: Client, topic: Any) -> None:
    old, middle, new = make_posts(topic, 3, tags_per_post=0)
    Post.objects.filter(pk=old.pk).update(pinned=True)
    html = get(client, topic.get_absolute_url()).content.decode()
    assert html.index(old.title) < html.index(new.title) < html.index(middle.title)


def test_tag_filters_combine(client: Client, topic: Any) -> None:
    a = create_post(topic, by=topic.owner, title="Alpha", tags="emploi, jeunes")
    b = create_post(topic, by=topic.owner, title="Beta", tags="emploi")
    c = create_post(topic, by=topic.owner, title="Gamma", tags="jeunes")
    html = get(client, topic.get_absolute_url() + "?tag=emploi&tag=jeunes").content.decode()
    assert a.title in html
    assert b.title not in html and c.title not in html
    html = get(client, topic.get_absolute_url() + "?tag=emploi").content.decode()
    assert a.title in html and b.title in html and c.title not in html


def test_page_two_without_javascript_and_as_htmx_fragment(
    client: Client, topic: Any, settings: Any
) -> None:
    settings.GLANEUR_POSTS_PER_PAGE = 5
    posts = make_posts(topic, 12, tags_per_post=0)
    first = get(client, topic.get_absolute_url()).content.decode()
    assert 'href="?page=2"' in first
    assert posts[-1].title in first and posts[-6].title not in first
    second = get(client, topic.get_absolute_url() + "?page=2", HTTP_HX_REQUEST="true")
    fragment = second.content.decode()
    assert "<html" not in fragment
    assert posts[-6].title in fragment and posts[-1].title not in fragment
    assert 'hx-get="?page=3"' in fragment


@pytest.mark.parametrize("path", ["", "?tag=tag-1", "?tag=tag-1&tag=tag-2", "?page=2"])
@pytest.mark.parametrize("who", ["anonymous", "reader", "curator"])
def test_topic_page_query_count_does_not_grow_with_posts(
    client: Client, topic: Any, path: str, who: str, settings: Any
) -> None:
    settings.GLANEUR_POSTS_PER_PAGE = 10
    make_posts(topic, 20)
    if who == "reader":
        client.force_login(make_user())
    elif who == "curator":
        client.force_login(topic.owner)
    get(client, topic.get_absolute_url() + path)  # warm caches (sessions, content types)
    fragment_cache.clear()
    with CaptureQueriesContext(connection) as small:
        assert get(client, topic.get_absolute_url() + path).status_code == 200
    make_posts(topic, 180)
    fragment_cache.clear()
    with CaptureQueriesContext(connection) as large:
        assert get(client, topic.get_absolute_url() + path).status_code == 200
    assert len(large) == len(small)


def test_anonymous_stream_is_served_from_cache_until_the_topic_changes(
    client: Client, topic: Any
) -> None:
    post = create_post(topic, by=topic.owner, title="Première version", tags="emploi")
    get(client, topic.get_absolute_url())
    with CaptureQueriesContext(connection) as cached:
        html = get(client, topic.get_absolute_url()).content.decode()
    assert "Première version" in html
    assert not any('FROM "curation_posttag"' in q["sql"] for q in cached.captured_queries)
    update_post(post, by=topic.owner, title="Seconde version")
    assert "Seconde version" in get(client, topic.get_absolute_url()).content.decode()
    set_tags(post, "formation")
    html = get(client, topic.get_absolute_url()).content.decode()
    assert "#formation" in html and "#emploi" not in html
    Comment.objects.create(post=post, author=topic.owner, text="x")
    delete_post(post, by=topic.owner)
    assert "Seconde version" not in get(client, topic.get_absolute_url()).content.decode()


def test_private_topic_is_hidden_from_outsiders(client: Client) -> None:
    owner = make_user()
    topic = make_topic(owner, visibility="private")
    assert get(client, topic.get_absolute_url()).status_code == 404
    client.force_login(owner)
    assert get(client, topic.get_absolute_url()).status_code == 200


def test_post_page_has_title_canonical_opengraph_and_json_ld(client: Client, topic: Any) -> None:
    post = create_post(topic, by=topic.owner, title="Agen, la clé", url="https://example.org/agen")
    response = get(client, post.get_absolute_url())
    html = response.content.decode()
    assert (
        f"<title>Agen, la clé | {topic.title.replace(chr(39), '&#x27;')} | Glaneur</title>" in html
    )
    assert f'<link rel="canonical" href="http://testserver{post.get_absolute_url()}">' in html
    assert '<meta property="og:title" content="Agen, la clé">' in html
    assert '"@type": "Article"' in html and '"headline": "Agen, la clé"' in html


def test_post_page_with_wrong_slug_redirects(client: Client, topic: Any) -> None:
    post = create_post(topic, by=topic.owner, title="Agen, la clé")
    response = get(client, f"/topic/{topic.slug}/p/{post.pk}/wrong/")
    assert response.status_code == 301
    assert response["Location"] == post.get_absolute_url()


def test_insight_html_is_sanitised(client: Client, topic: Any) -> None:
    post = create_post(
        topic,
        by=topic.owner,
        title="XSS",
        insight="<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>",
    )
    assert "<script" not in post.insight_html
    assert 'href="javascript' not in post.insight_html
    assert "<img" not in post.insight_html
    html = get(client, post.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_curator_pages_create_edit_pin_and_delete(client: Client, topic: Any) -> None:
    client.force_login(topic.owner)
    response = client.post(
        f"/topic/{topic.slug}/post/new/",
        {
            "title": "Nouvelle initiative",
            "url": "",
            "summary": "Texte",
            "insight": "*bien*",
            "tags": "emploi, formation",
        },
    )
    post = Post.objects.get(title="Nouvelle initiative")
    assert response.status_code == 302 and response["Location"] == post.get_absolute_url()
    assert sorted(post.tags.values_list("name", flat=True)) == ["emploi", "formation"]
    client.post(
        f"/topic/{topic.slug}/p/{post.pk}/edit/", {"title": "Titre modifié", "tags": "emploi"}
    )
    post.refresh_from_db()
    assert post.title == "Titre modifié"
    assert list(post.tags.values_list("name", flat=True)) == ["emploi"]
    client.post(f"/topic/{topic.slug}/p/{post.pk}/pin/", {"pinned": "1"})
    post.refresh_from_db()
    assert post.pinned
    client.post(f"/topic/{topic.slug}/p/{post.pk}/delete/")
    assert not Post.objects.filter(pk=post.pk).exists()


def test_duplicate_url_is_refused_with_a_link_to_the_existing_post(
    client: Client, topic: Any
) -> None:
    existing = create_post(
        topic, by=topic.owner, title="One", url="https://Example.org/a?utm_source=x"
    )
    client.force_login(topic.owner)
    response = client.post(
        f"/topic/{topic.slug}/post/new/", {"title": "Two", "url": "https://example.org/a"}
    )
    assert response.status_code == 200
    assert existing.get_absolute_url() in response.content.decode()
    assert Post.objects.filter(topic=topic).count() == 1


def test_readers_and_strangers_cannot_write(client: Client, topic: Any) -> None:
    post = create_post(topic, by=topic.owner, title="Protected")
    stranger = make_user()
    client.force_login(stranger)
    assert client.post(f"/topic/{topic.slug}/post/new/", {"title": "x"}).status_code == 403
    assert client.post(f"/topic/{topic.slug}/p/{post.pk}/edit/", {"title": "x"}).status_code == 403
    assert client.post(f"/topic/{topic.slug}/p/{post.pk}/delete/").status_code == 403
    assert client.post(f"/topic/{topic.slug}/p/{post.pk}/pin/", {"pinned": "1"}).status_code == 403
    assert Post.objects.get(pk=post.pk).title == "Protected"


def test_contributor_edits_own_posts_only(client: Client, topic: Any) -> None:
    contributor = make_user()
    add_member(topic, contributor, Membership.Role.CONTRIBUTOR)
    own = create_post(topic, by=contributor, title="Mine")
    other = create_post(topic, by=topic.owner, title="Theirs")
    client.force_login(contributor)
    assert (
        client.post(f"/topic/{topic.slug}/p/{own.pk}/edit/", {"title": "Mine 2"}).status_code == 302
    )
    assert client.post(f"/topic/{topic.slug}/p/{other.pk}/edit/", {"title": "x"}).status_code == 403


def test_rescoop_into_own_topic(client: Client, topic: Any) -> None:
    post = create_post(
        topic, by=topic.owner, title="Source post", url="https://example.org/s", tags="emploi"
    )
    reader = make_user(first_name="Marie")
    mine = make_topic(reader, title="Ma veille")
    client.force_login(reader)
    response = client.post(f"/topic/{topic.slug}/p/{post.pk}/rescoop/", {"topic": mine.pk})
    copy = Post.objects.get(topic=mine)
    assert response["Location"] == copy.get_absolute_url()
    assert copy.origin == post and copy.curated_by == reader
    html = get(client, mine.get_absolute_url()).content.decode()
    assert "Marie" in html and topic.title.replace("'", "&#x27;") in html
    # Not into someone else's topic.
    other = make_topic(make_user())
    client.post(f"/topic/{topic.slug}/p/{post.pk}/rescoop/", {"topic": other.pk})
    assert not Post.objects.filter(topic=other).exists()


def test_home_lists_public_topics_only(client: Client) -> None:
    public = make_topic(title="Visible topic")
    make_topic(title="Secret topic", visibility="private")
    make_topic(title="Link-only topic", visibility="unlisted")
    html = get(client, "/").content.decode()
    assert public.title in html and "Secret topic" not in html and "Link-only topic" not in html


def test_profile_page(client: Client, topic: Any) -> None:
    create_post(topic, by=topic.owner, title="Profile post")
    html = get(client, f"/u/{topic.owner.username}/").content.decode()
    assert "Cap Métiers NA" in html and topic.title.replace("'", "&#x27;") in html
    assert "Profile post" in html


def test_create_topic_makes_creator_owner(client: Client) -> None:
    user = make_user()
    client.force_login(user)
    response = client.post(
        "/topic/new/",
        {"title": "Veille emploi", "description": "", "language": "fr", "visibility": "public"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=user)
    assert membership.role == "owner" and membership.topic.slug == "veille-emploi"


def test_only_the_owner_manages_ownership(topic: Any) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from glaneur.curation.services import add_member as grant
    from glaneur.curation.services import remove_member

    editor, other = make_user(), make_user()
    add_member(topic, editor, Membership.Role.EDITOR)
    grant(topic, other, Membership.Role.CONTRIBUTOR, by=editor)
    with pytest.raises(PermissionDenied):
        grant(topic, other, Membership.Role.OWNER, by=editor)
    with pytest.raises(PermissionDenied):
        grant(topic, topic.owner, Membership.Role.CONTRIBUTOR, by=editor)
    with pytest.raises(ValidationError):
        remove_member(topic, topic.owner, by=topic.owner)  # the last owner stays
    remove_member(topic, other, by=editor)
    assert not Membership.objects.filter(topic=topic, user=other).exists()
