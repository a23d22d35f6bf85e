"""A signed-in reader's topic page is rendered once per kind of reader and shared
(reading/shell.py): each reader still gets their own name, follow button, CSRF token, view
counter, messages and language."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client, RequestFactory

from glaneur.audience.queries import follow_state
from glaneur.audience.services import follow
from glaneur.cache import fragment_cache
from glaneur.curation.models import Membership, Topic
from glaneur.curation.queries import (
    curated_topic_choices,
    curated_topics,
    curators,
    topic_stamp,
)
from glaneur.curation.services import create_post, delete_post, update_post
from tests.factories import add_member, make_topic, make_user

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"


def signed_in(user: object, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf, HTTP_USER_AGENT=BROWSER)
    client.force_login(user)  # type: ignore[arg-type]
    return client


def page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return str(response.content.decode())


def shared_pages() -> int:
    return sum(1 for key in fragment_cache._cache if ":page:" in str(key))  # type: ignore[attr-defined]


def test_a_second_reader_gets_the_shared_page_with_their_own_name_and_follow_button(
    topic: Topic,
) -> None:
    create_post(topic, by=topic.owner, title="Un forum pour l’alternance")
    alice = make_user("alice", first_name="Alice <Martin>")
    bob = make_user("bob", first_name="Bob")
    follow(bob, topic)
    alice_page = page(signed_in(alice), topic.get_absolute_url())
    assert shared_pages() == 1
    bob_page = page(signed_in(bob), topic.get_absolute_url())
    assert shared_pages() == 1  # Bob's page came from Alice's render
    assert "Alice &lt;Martin&gt;</a>" in alice_page and 'href="/u/alice/"' in alice_page
    assert "Bob</a>" in bob_page and 'href="/u/bob/"' in bob_page and "Alice" not in bob_page
    assert 'aria-pressed="false"' in alice_page and 'aria-pressed="true"' in bob_page
    assert "1 abonné" in bob_page or "1 follower" in bob_page
    assert "Un forum pour l’alternance" in bob_page
    assert "glaneur-slot" not in bob_page and "-placeholder" not in bob_page


def test_the_view_counter_moves_on_the_shared_page(topic: Topic) -> None:
    client = signed_in(make_user("lecteur"))

    def views() -> str:
        found = re.search(r'<p class="views">\s*(\d+)', page(client, topic.get_absolute_url()))
        assert found is not None
        return found.group(1)

    assert [views(), views(), views()] == ["1", "2", "3"]


def test_the_follow_form_of_the_shared_page_carries_the_readers_own_token(topic: Topic) -> None:
    page(signed_in(make_user("premier")), topic.get_absolute_url())  # fills the shared page
    reader = make_user("lectrice")
    client = signed_in(reader, csrf=True)
    html = page(client, topic.get_absolute_url())
    form = re.search(r'<form class="follow".*?</form>', html, re.S)
    assert form is not None
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group())
    assert token is not None
    answer = client.post(
        f"/topic/{topic.slug}/follow/",
        {"csrfmiddlewaretoken": token.group(1), "action": "follow"},
    )
    assert answer.status_code == 302
    assert topic.follows.filter(user=reader).exists()
    html = page(client, topic.get_absolute_url())
    assert 'aria-pressed="true"' in html


def test_a_readers_messages_are_shown_once_and_never_shared(topic: Topic) -> None:
    page(signed_in(make_user("premier")), topic.get_absolute_url())  # fills the shared page
    client = signed_in(make_user("lectrice"))
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies[storage.cookie_name] = storage._encode(  # type: ignore[attr-defined]
        [Message(constants.SUCCESS, "Bienvenue à bord, lectrice.")]
    )
    assert "Bienvenue à bord, lectrice." in page(client, topic.get_absolute_url())
    assert "Bienvenue à bord" not in page(client, topic.get_absolute_url())  # once
    assert "Bienvenue à bord" not in page(signed_in(make_user("autre")), topic.get_absolute_url())


def test_each_language_has_its_own_shared_page(topic: Topic) -> None:
    french = page(signed_in(make_user("lecteur")), topic.get_absolute_url())
    english_reader = signed_in(make_user("reader"))
    english_reader.cookies["django_language"] = "en"
    english = page(english_reader, topic.get_absolute_url())
    assert 'lang="fr"' in french and "Se déconnecter" in french
    assert 'lang="en"' in english and "Log out" in english
    assert shared_pages() == 2


def test_the_language_switch_comes_back_to_the_readers_own_page(topic: Topic) -> None:
    path = f"{topic.get_absolute_url()}?utm_source=lettre&x=%22%3E"
    page(signed_in(make_user("premier")), topic.get_absolute_url())
    html = page(signed_in(make_user("lectrice")), path)
    assert f'name="next" value="{path.replace("&", "&amp;")}"' in html


def test_anonymous_readers_share_the_page_and_log_in_back_to_their_own(topic: Topic) -> None:
    client = Client(HTTP_USER_AGENT=BROWSER)
    page(client, topic.get_absolute_url())
    assert shared_pages() == 1
    html = page(client, f"{topic.get_absolute_url()}?tag=emploi&tag=alternance")
    assert shared_pages() == 2
    back = f"{topic.get_absolute_url()}%3Ftag%3Demploi%26tag%3Dalternance"
    assert f'href="/accounts/login/?next={back}"' in html
    assert "glaneur-slot" not in html and "-placeholder" not in html


def test_a_new_owner_and_a_new_name_show_on_the_shared_page_at_once(topic: Topic) -> None:
    reader = signed_in(make_user("lecteur", first_name="Léa"))
    page(reader, topic.get_absolute_url())
    add_member(topic, make_user("coanimatrice", first_name="Inès"), Membership.Role.OWNER)
    user = get_user_model().objects.get(username="lecteur")
    user.first_name = "Léa-Marie"
    user.save()
    html = page(reader, topic.get_absolute_url())
    assert shared_pages() == 1
    curated_by = re.search(r'<p class="curated-by">.*?</p>', html, re.S)
    assert curated_by is not None and "Inès" in curated_by.group()
    assert "Léa-Marie</a>" in html


def test_follow_state_counts_every_follower_and_knows_the_readers_own(topic: Topic) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    assert follow_state(alice, topic) == (False, 0)
    follow(bob, topic)
    assert follow_state(alice, topic) == (False, 1)
    assert follow_state(bob, topic) == (True, 1)
    follow(alice, topic)
    assert follow_state(alice, topic) == (True, 2)
    assert follow_state(AnonymousUser(), topic) == (False, 2)


def test_curators_are_the_owners_oldest_first_by_full_name_or_username(topic: Topic) -> None:
    add_member(topic, make_user("ines", first_name="Inès", last_name="Dupré"), "owner")
    add_member(topic, make_user("editrice", first_name="Élise"), Membership.Role.EDITOR)
    add_member(topic, make_user("sans-nom"), Membership.Role.OWNER)
    owner = topic.owner
    first = f"{owner.first_name} {owner.last_name}".strip() or owner.username  # type: ignore[union-attr]
    assert curators(topic) == [first, "Inès Dupré", "sans-nom"]


def test_the_topic_stamp_moves_with_each_change_and_fits_a_cache_key(topic: Topic) -> None:
    empty = topic_stamp(topic)
    post = create_post(topic, by=topic.owner, title="Première version")
    created = topic_stamp(topic)
    update_post(post, by=topic.owner, title="Seconde version")
    edited = topic_stamp(topic)
    delete_post(post, by=topic.owner)
    topic.refresh_from_db()
    assert len({empty, created, edited, topic_stamp(topic)}) == 4
    assert all(c.isdigit() or c in ".-" for c in created + edited)


def test_the_rescoop_menu_lists_the_topics_the_reader_curates_by_title() -> None:
    alice = make_user("alice")
    others = [make_topic(make_user(), title=title) for title in ("Zèbres", "Abeilles", "Hiboux")]
    add_member(others[0], alice, Membership.Role.CONTRIBUTOR)
    add_member(others[1], alice, Membership.Role.EDITOR)
    mine = make_topic(alice, title="Moineaux")
    make_topic(make_user(), title="Chouettes")  # not hers
    choices = curated_topic_choices(alice, exclude=others[2])
    assert [t.title for t in choices] == ["Abeilles", "Moineaux", "Zèbres"]
    assert [t.pk for t in choices] == [t.pk for t in curated_topics(alice, exclude=others[2])]
    assert [t.title for t in curated_topic_choices(alice, exclude=mine)] == ["Abeilles", "Zèbres"]
    assert curated_topic_choices(AnonymousUser()) == []
