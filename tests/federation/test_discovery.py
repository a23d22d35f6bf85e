"""WebFinger, NodeInfo, the actor, its outbox and followers; content negotiation on the
topic and post pages; only public topics federate."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from glaneur.curation.models import Topic
from glaneur.curation.services import create_post
from tests.factories import make_posts, make_topic

AP = "application/activity+json"
LD = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'

pytestmark = pytest.mark.django_db


def test_webfinger_finds_a_public_topic_by_acct(client: Client, topic: Topic) -> None:
    response = client.get("/.well-known/webfinger", {"resource": f"acct:{topic.slug}@testserver"})
    assert response.status_code == 200
    data = response.json()
    assert data["subject"] == f"acct:{topic.slug}@testserver"
    [link] = [link for link in data["links"] if link["rel"] == "self"]
    assert link == {"rel": "self", "type": AP, "href": f"http://testserver/topic/{topic.slug}/"}
    other_host = client.get("/.well-known/webfinger", {"resource": f"acct:{topic.slug}@else.org"})
    assert other_host.status_code == 404


@pytest.mark.parametrize("visibility", [Topic.Visibility.PRIVATE, Topic.Visibility.UNLISTED])
def test_private_and_unlisted_topics_do_not_federate(client: Client, visibility: str) -> None:
    hidden = make_topic(visibility=visibility)
    make_posts(hidden, 1)
    post = hidden.posts.get()
    assert (
        client.get(
            "/.well-known/webfinger", {"resource": f"acct:{hidden.slug}@testserver"}
        ).status_code
        == 404
    )
    for path in ("actor", "outbox", "followers"):
        assert client.get(f"/topic/{hidden.slug}/{path}").status_code == 404
    assert client.get(hidden.get_absolute_url(), HTTP_ACCEPT=AP).status_code == 404
    assert client.get(post.get_absolute_url(), HTTP_ACCEPT=AP).status_code == 404


def test_nodeinfo(client: Client, topic: Topic) -> None:
    make_posts(topic, 3)
    make_topic(visibility=Topic.Visibility.PRIVATE)
    links = client.get("/.well-known/nodeinfo").json()["links"]
    assert links[0]["href"] == "http://testserver/nodeinfo/2.1"
    info = client.get("/nodeinfo/2.1").json()
    assert info["version"] == "2.1"
    assert info["protocols"] == ["activitypub"]
    assert info["usage"] == {"users": {"total": 1}, "localPosts": 3}


@pytest.mark.parametrize("accept", [AP, LD])
def test_the_topic_page_answers_the_group_actor(client: Client, topic: Topic, accept: str) -> None:
    response = client.get(topic.get_absolute_url(), HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(AP)
    actor = response.json()
    base = f"http://testserver/topic/{topic.slug}"
    assert actor["id"] == f"{base}/"
    assert actor["type"] == "Group"
    assert actor["preferredUsername"] == topic.slug
    assert actor["inbox"] == f"{base}/inbox"
    assert actor["outbox"] == f"{base}/outbox"
    assert actor["followers"] == f"{base}/followers"
    assert actor["endpoints"]["sharedInbox"] == "http://testserver/inbox"
    assert actor["publicKey"]["id"] == f"{base}/#main-key"
    assert actor["publicKey"]["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert "PRIVATE" not in response.content.decode()
    # The same key every time (made once, kept in the database).
    again = client.get(f"/topic/{topic.slug}/actor").json()
    assert again["publicKey"] == actor["publicKey"]
    # A browser still gets the page.
    page = client.get(topic.get_absolute_url(), HTTP_ACCEPT="text/html,*/*")
    assert page["Content-Type"].startswith("text/html")


def test_a_post_page_answers_its_note(client: Client, topic: Topic) -> None:
    post = create_post(
        topic,
        by=topic.owner,
        title="Un forum <emploi> à Niort",
        url="https://example.org/forum",
        site_name="La Nouvelle République",
        insight="Une **initiative** locale.",
        tags="emploi, mission locale, l'insertion",
    )
    response = client.get(post.get_absolute_url(), HTTP_ACCEPT=AP)
    assert response.status_code == 200
    note = response.json()
    assert note["type"] == "Note"
    assert note["id"] == f"http://testserver{post.get_absolute_url()}"
    assert note["attributedTo"] == f"http://testserver/topic/{topic.slug}/"
    assert "summary" not in note
    content = note["content"]
    assert content.startswith("<p><strong>Un forum &lt;emploi&gt; à Niort</strong></p>")
    assert "<strong>initiative</strong>" in content
    assert '<a href="https://example.org/forum">La Nouvelle République</a>' in content
    assert {tag["name"] for tag in note["tag"]} == {"#Emploi", "#MissionLocale", "#LInsertion"}
    assert "https://www.w3.org/ns/activitystreams#Public" in note["to"]


def test_outbox_is_paged_newest_first(client: Client, topic: Topic) -> None:
    posts = make_posts(topic, 25)
    collection = client.get(f"/topic/{topic.slug}/outbox", HTTP_ACCEPT=AP).json()
    assert collection["type"] == "OrderedCollection"
    assert collection["totalItems"] == 25
    first = client.get(collection["first"].removeprefix("http://testserver")).json()
    assert first["type"] == "OrderedCollectionPage"
    assert len(first["orderedItems"]) == 20
    assert first["orderedItems"][0]["type"] == "Create"
    assert first["orderedItems"][0]["object"]["id"].endswith(posts[-1].get_absolute_url())
    second = client.get(first["next"].removeprefix("http://testserver")).json()
    assert len(second["orderedItems"]) == 5
    assert "next" not in second


def test_followers_collection_gives_a_count_not_the_list(
    client: Client, topic: Topic, settings: Any
) -> None:
    from glaneur.federation.models import Follower, RemoteActor

    actor = RemoteActor.objects.create(
        uri="https://m.example/users/a",
        key_id="https://m.example/users/a#k",
        public_pem="x",
        inbox="https://m.example/users/a/inbox",
        domain="m.example",
    )
    Follower.objects.create(topic=topic, actor=actor)
    data = client.get(f"/topic/{topic.slug}/followers").json()
    assert data["totalItems"] == 1
    assert "orderedItems" not in data and "items" not in data
