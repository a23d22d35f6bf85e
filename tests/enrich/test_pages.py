"""The quotes block of a post page, the actor page across topics and the actors of a topic,
each showing only what the reader may see."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from glaneur.curation.models import Membership, Post, Topic
from glaneur.enrich.models import Actor
from tests.enrich.conftest import ARTICLE, post_with
from tests.factories import add_member, make_topic, make_user

pytestmark = pytest.mark.django_db

SECOND = (
    "Anne Roux, directrice de la mission locale, fait le bilan de l'année. « Nous avons "
    "accompagné deux cents jeunes de plus que l'an dernier », se félicite-t-elle."
)
PRIVATE = (
    "« Le budget de la mission locale baissera de dix pour cent l'an prochain », confie Anne "
    "Roux, directrice de la mission locale, lors d'une réunion interne."
)


@pytest.fixture
def capture(django_capture_on_commit_callbacks: Any) -> Any:
    def run(topic: Topic, summary: str = ARTICLE, **extra: Any) -> Post:
        with django_capture_on_commit_callbacks(execute=True):
            return post_with(topic, summary, **extra)

    return run


def test_the_post_page_shows_its_quotes_with_their_speakers(
    client: Client, analysed_post: Post
) -> None:
    page = client.get(analysed_post.get_absolute_url()).content.decode()
    actor = Actor.objects.get(name="Anne Roux")
    assert "Nous voulons accueillir les jeunes" in page
    assert f'href="{actor.get_absolute_url()}"' in page
    assert "directrice de la mission locale" in page


def test_the_actor_page_lists_quotes_from_posts_of_two_topics(
    client: Client, topic: Topic, capture: Any
) -> None:
    capture(topic, title="Niort")
    other = make_topic(make_user("autre"), title="Veille Poitou", slug="veille-poitou")
    capture(other, SECOND, title="Bilan")
    actor = Actor.objects.get(name="Anne Roux")
    assert actor.get_absolute_url() == f"/acteurs/{actor.slug}/"
    page = client.get(actor.get_absolute_url()).content.decode()
    assert "Nous voulons accueillir les jeunes" in page
    assert "Nous avons accompagné deux cents jeunes" in page
    assert "Veille Poitou" in page and "directrice de la mission locale" in page


def test_a_private_topic_quotes_show_only_to_its_members(
    client: Client, topic: Topic, capture: Any
) -> None:
    capture(topic, title="Niort")
    secret = make_topic(make_user("owner2"), title="Interne", slug="interne", visibility="private")
    capture(secret, PRIVATE, title="Réunion")
    actor = Actor.objects.get(name="Anne Roux")
    page = client.get(actor.get_absolute_url()).content.decode()
    assert "Nous voulons accueillir" in page
    assert "Le budget de la mission locale" not in page and "Interne" not in page
    member = make_user("membre")
    add_member(secret, member, Membership.Role.CONTRIBUTOR)
    client.force_login(member)
    assert "Le budget de la mission locale" in client.get(actor.get_absolute_url()).content.decode()


def test_an_actor_named_only_in_a_private_topic_does_not_exist_for_others(
    client: Client, capture: Any
) -> None:
    secret = make_topic(make_user("owner3"), title="Interne", slug="interne", visibility="private")
    capture(secret, PRIVATE, title="Réunion")
    actor = Actor.objects.get(name="Anne Roux")
    assert client.get(actor.get_absolute_url()).status_code == 404
    assert client.get(reverse("enrich:topic-actors", args=["interne"])).status_code == 404
    client.force_login(secret.owner)
    assert client.get(actor.get_absolute_url()).status_code == 200


def test_a_draft_quotes_show_only_to_who_may_edit_it(
    client: Client, topic: Topic, capture: Any
) -> None:
    capture(topic, PRIVATE, title="Brouillon", status=Post.Status.DRAFT)
    actor = Actor.objects.get(name="Anne Roux")
    assert client.get(actor.get_absolute_url()).status_code == 404


def test_the_actors_of_a_topic_with_their_counts(
    client: Client, topic: Topic, capture: Any, django_assert_max_num_queries: Any
) -> None:
    capture(topic, title="Niort")
    capture(topic, SECOND, title="Bilan")
    url = reverse("enrich:topic-actors", args=[topic.slug])
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    row = page.split("Anne Roux</a>")[1].split("</tr>")[0]
    assert [cell.split("</td>")[0] for cell in row.split("<td>")[1:]] == ["2", "3"]


def test_a_curator_corrects_a_speaker_on_the_post_page_and_it_stays(
    client: Client, analysed_post: Post
) -> None:
    from glaneur.enrich.models import Quote
    from glaneur.enrich.services import analyse_posts

    quote = Quote.objects.filter(post=analysed_post).first()
    assert quote is not None
    url = reverse("enrich:fix-speaker", args=[quote.pk])
    assert client.post(url, {"name": "Paul Girard"}).status_code == 403
    client.force_login(analysed_post.topic.owner)
    page = client.get(analysed_post.get_absolute_url()).content.decode()
    assert f'action="{url}"' in page
    answer = client.post(url, {"name": "Paul Girard"})
    assert answer.status_code == 302
    analyse_posts([analysed_post.pk], force=True)
    page = client.get(analysed_post.get_absolute_url()).content.decode()
    assert "Paul Girard</a>" in page
    quote = Quote.objects.get(post=analysed_post, text=quote.text)
    assert quote.speaker is not None and quote.speaker.name == "Paul Girard"


def test_readers_see_no_correction_forms(client: Client, analysed_post: Post) -> None:
    page = client.get(analysed_post.get_absolute_url()).content.decode()
    assert "citations/" not in page and "Nous voulons accueillir" in page


def test_a_curator_merges_two_actors_of_a_topic(client: Client, topic: Topic, capture: Any) -> None:
    capture(topic, title="Niort")
    capture(topic, "« Nous recrutons vingt conseillers cette année », annonce Anne Rouxe.")
    typo = Actor.objects.get(name="Anne Rouxe")
    right = Actor.objects.get(name="Anne Roux")
    client.force_login(topic.owner)
    url = reverse("enrich:merge-actors", args=[topic.slug])
    assert client.post(url, {"source": typo.slug, "into": right.slug}).status_code == 302
    assert not Actor.objects.filter(pk=typo.pk).exists()
    capture(topic, "« Le bilan est très positif pour les jeunes », estime Anne Rouxe.")
    assert not Actor.objects.filter(name="Anne Rouxe").exists()
    assert right.quotes.count() == 4
