"""The curators' page of a topic's remote followers: list, remove one, block a domain."""

from __future__ import annotations

import pytest
from django.test import Client

from glaneur.curation.models import Membership, Topic
from glaneur.federation import services
from glaneur.federation.models import BlockedDomain, Follower, RemoteActor
from tests.factories import PASSWORD, add_member, make_user

pytestmark = pytest.mark.django_db


def follower(topic: Topic, name: str, domain: str) -> Follower:
    actor = RemoteActor.objects.create(
        uri=f"https://{domain}/users/{name}",
        key_id=f"https://{domain}/users/{name}#main-key",
        public_pem="x",
        inbox=f"https://{domain}/users/{name}/inbox",
        username=name,
        domain=domain,
    )
    return Follower.objects.create(topic=topic, actor=actor)


def test_managers_list_remove_and_block(client: Client, topic: Topic) -> None:
    alice = follower(topic, "alice", "mastodon.example")
    follower(topic, "bob", "spam.example")
    follower(topic, "eve", "eu.spam.example")
    client.login(username=topic.owner.get_username(), password=PASSWORD)
    url = f"/topic/{topic.slug}/followers/remote/"
    page = client.get(url).content.decode()
    assert "@alice@mastodon.example" in page and "@bob@spam.example" in page
    assert f"@{topic.slug}@testserver" in page
    client.post(url, {"remove": alice.pk})
    assert not Follower.objects.filter(pk=alice.pk).exists()
    client.post(url, {"block": "spam.example"})
    assert not Follower.objects.exists()
    assert BlockedDomain.objects.filter(topic=topic, domain="spam.example").exists()
    assert "spam.example" in client.get(url).content.decode()
    assert services.follower_inboxes(topic) == []
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Abonnés sur le fédivers" in french
    assert "Débloquer" in french


def test_readers_and_contributors_may_not_see_it(client: Client, topic: Topic) -> None:
    url = f"/topic/{topic.slug}/followers/remote/"
    contributor = make_user()
    add_member(topic, contributor, Membership.Role.CONTRIBUTOR)
    client.login(username=contributor.get_username(), password=PASSWORD)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_a_blocked_domain_cannot_follow(topic: Topic) -> None:
    services.block_domain(topic, "@someone@spam.example")
    assert services.is_blocked(topic, "spam.example")
    assert services.is_blocked(topic, "eu.spam.example")
    assert not services.is_blocked(topic, "notspam.example")


def test_the_topic_settings_page_leads_to_the_remote_followers(
    client: Client, topic: Topic
) -> None:
    client.login(username=topic.owner.get_username(), password=PASSWORD)
    page = client.get(f"/topic/{topic.slug}/edit/").content.decode()
    assert f'href="/topic/{topic.slug}/followers/remote/"' in page
    assert f'href="/topic/{topic.slug}/sources/"' in page
    Topic.objects.filter(pk=topic.pk).update(visibility=Topic.Visibility.PRIVATE)
    page = client.get(f"/topic/{topic.slug}/edit/").content.decode()
    assert "/followers/remote/" not in page  # a private topic is not federated
