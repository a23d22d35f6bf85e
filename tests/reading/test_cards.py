"""Cards of signed-in readers come from a cache shared by readers of the same kind: each
still gets their own controls, CSRF token, rescoop menu and rescoop origins."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from glaneur.cache import fragment_cache
from glaneur.curation.models import Membership, Post, Topic
from glaneur.curation.services import create_post, rescoop, update_post
from tests.factories import add_member, make_topic, make_user

pytestmark = pytest.mark.django_db


def page(client: Client, topic: Topic) -> str:
    response = client.get(topic.get_absolute_url())
    assert response.status_code == 200
    return str(response.content.decode())


def signed_in(user: object, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)  # type: ignore[arg-type]
    return client


def cached_cards() -> int:
    return sum(1 for key in fragment_cache._cache if ":card:" in str(key))  # type: ignore[attr-defined]


def test_a_second_reader_of_the_same_kind_gets_the_cached_cards(topic: Topic) -> None:
    create_post(topic, by=topic.owner, title="Un forum pour l’alternance")
    create_post(topic, by=topic.owner, title="Un tiers-lieu à Melle")
    first = page(signed_in(make_user("lecteur1")), topic)
    assert cached_cards() == 2
    second = page(signed_in(make_user("lecteur2")), topic)
    assert cached_cards() == 2  # nothing rendered again
    assert "Un forum pour l’alternance" in second and "Un tiers-lieu à Melle" in second
    assert first.count('class="post') == second.count('class="post')


def test_each_kind_of_reader_keeps_its_own_controls(topic: Topic) -> None:
    post = create_post(topic, by=topic.owner, title="Un forum pour l’alternance")
    edit = f'href="{post.actions_path}edit/"'
    curator_page = page(signed_in(topic.owner), topic)
    assert edit in curator_page and f'action="{post.actions_path}pin/"' in curator_page
    reader_page = page(signed_in(make_user("lecteur")), topic)
    assert edit not in reader_page and "/pin/" not in reader_page
    assert edit in page(signed_in(topic.owner), topic)  # and back, from the cache


def test_the_cached_pin_form_carries_the_readers_own_csrf_token(topic: Topic) -> None:
    post = create_post(topic, by=topic.owner, title="À épingler")
    editor = make_user("editrice")
    add_member(topic, editor, Membership.Role.EDITOR)
    page(signed_in(topic.owner), topic)  # the owner's render fills the cache
    client = signed_in(editor, csrf=True)
    html = page(client, topic)
    form = re.search(rf'action="{post.actions_path}pin/".*?</form>', html, re.S)
    assert form is not None
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group())
    back = re.search(r'name="next" value="([^"]+)"', form.group())
    assert token is not None and back is not None
    assert back.group(1) == topic.get_absolute_url()
    answer = client.post(
        f"{post.actions_path}pin/",
        {"csrfmiddlewaretoken": token.group(1), "pinned": "1", "next": back.group(1)},
    )
    assert answer.status_code == 302
    assert Post.objects.get(pk=post.pk).pinned


def test_each_reader_sees_their_own_topics_in_the_rescoop_menu(topic: Topic) -> None:
    create_post(topic, by=topic.owner, title="Un forum pour l’alternance")
    alice, bob = make_user("alice"), make_user("bob")
    make_topic(alice, title="Veille d'Alice")
    make_topic(bob, title="Veille de Bob")
    alice_page = page(signed_in(alice), topic)
    bob_page = page(signed_in(bob), topic)
    assert "Veille d&#x27;Alice" in alice_page and "Veille de Bob" not in alice_page
    assert "Veille de Bob" in bob_page and "Alice" not in bob_page


def test_a_rescoop_names_a_private_origin_only_to_who_may_see_it() -> None:
    owner = make_user("owner")
    secret = make_topic(owner, title="Veille interne", visibility=Topic.Visibility.PRIVATE)
    public = make_topic(owner, title="Initiatives")
    original = create_post(secret, by=owner, title="Une note", url="https://e.org/note")
    rescoop(original, public, by=owner)
    assert "Veille interne" in page(signed_in(owner), public)
    assert "Veille interne" not in page(signed_in(make_user("lecteur")), public)


def test_an_edit_shows_at_once_to_signed_in_readers(topic: Topic) -> None:
    post = create_post(topic, by=topic.owner, title="Première version")
    reader = signed_in(make_user("lecteur"))
    assert "Première version" in page(reader, topic)
    update_post(post, by=topic.owner, title="Seconde version")
    html = page(reader, topic)
    assert "Seconde version" in html and "Première version" not in html


def test_a_second_reader_of_the_same_kind_gets_the_whole_stream_from_the_cache(
    topic: Topic,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    create_post(topic, by=topic.owner, title="Un tiers-lieu à Melle", tags="emploi")
    page(signed_in(make_user("lecteur1")), topic)
    second = signed_in(make_user("lecteur2"))
    with CaptureQueriesContext(connection) as queries:
        html = page(second, topic)
    assert "Un tiers-lieu à Melle" in html and "#emploi" in html
    assert not any('FROM "curation_posttag"' in q["sql"] for q in queries.captured_queries)
