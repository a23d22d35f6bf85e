"""A curator adds a place by typing it on the edit page; the worker looks it up (the web
process never loads the gazetteer); homonyms are made precise, not guessed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from glaneur.curation.models import Post, Topic
from glaneur.curation.services import create_post
from glaneur.territories.lookup import NotFound, Place, lookup
from glaneur.territories.models import PlaceLookup, PostPlace
from tests.factories import make_user

COMMUNE, DEPARTMENT, REGION = "commune", "department", "region"


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Melle", Place(COMMUNE, "79174")),
        ("  melle ", Place(COMMUNE, "79174")),
        ("79174", Place(COMMUNE, "79174")),  # the INSEE code
        ("47000", Place(COMMUNE, "47001")),  # a postcode of one commune: Agen
        ("St Savin (86)", Place(COMMUNE, "86246")),
        ("Saint-Savin (Vienne)", Place(COMMUNE, "86246")),
        ("Saint-Savin, 65", Place(COMMUNE, "65396")),
        ("Gironde", Place(DEPARTMENT, "33")),
        ("79", Place(DEPARTMENT, "79")),
        ("2A", Place(DEPARTMENT, "2A")),
        ("Nouvelle-Aquitaine", Place(REGION, "75")),
    ],
)
def test_what_a_curator_types_names_one_place(text: str, place: Place) -> None:
    assert lookup(text) == place


def test_homonyms_are_settled_by_the_story_or_left_to_the_curator() -> None:
    with pytest.raises(NotFound) as why:
        lookup("Saint-Savin")
    message = str(why.value)
    assert "(86)" in message and "(65)" in message and "(33)" in message
    assert lookup("Saint-Savin", near={"86": 2.0, "79": 1.0}) == Place(COMMUNE, "86246")
    with pytest.raises(NotFound):
        lookup("79500")  # Melle's postcode is also five other communes'
    with pytest.raises(NotFound):
        lookup("Saint-Savin (47)")
    with pytest.raises(NotFound):
        lookup("Xyzzyville")
    with pytest.raises(NotFound):
        lookup("   ")


def edit_page(client: Client, post: Post) -> str:
    url = reverse("curation:post-edit", args=[post.topic.slug, post.pk])
    return str(client.get(url).content.decode())


@pytest.mark.django_db
def test_a_curator_adds_a_place_from_the_edit_page(
    topic: Topic, django_capture_on_commit_callbacks: Any
) -> None:
    post = create_post(
        topic, by=topic.owner, title="Un forum de l'alternance", url="https://e.org/f"
    )
    client = Client()
    client.force_login(topic.owner)
    add = reverse("territories:add-place", args=[topic.slug, post.pk])
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(add, {"place": "Melle"})
    assert answer.status_code == 302
    place = PostPlace.objects.get(post=post)
    assert (place.kind, place.code, place.source) == (COMMUNE, "79174", "person")
    assert "Melle" in edit_page(client, post)
    assert not PlaceLookup.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(add, {"place": "Saint-Savin"})
    failed = PlaceLookup.objects.get()
    assert failed.state == PlaceLookup.State.FAILED
    page = edit_page(client, post)
    assert "Saint-Savin (86)" in page  # the reason lists the homonyms
    client.post(reverse("territories:dismiss-lookup", args=[topic.slug, post.pk, failed.pk]))
    assert not PlaceLookup.objects.exists()


@pytest.mark.django_db
def test_the_web_process_leaves_the_lookup_to_the_worker(
    topic: Topic, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.GLANEUR_LOCATE_IN_WORKER = True
    post = create_post(topic, by=topic.owner, title="Un forum", url="https://e.org/g")
    client = Client()
    client.force_login(topic.owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("territories:add-place", args=[topic.slug, post.pk]), {"place": "Agen"})
    pending = PlaceLookup.objects.get()
    [task] = DBTaskResult.objects.filter(queue_name="nlp", task_path__endswith="look_up_place")
    assert task.args_kwargs["args"] == [pending.pk]
    page = edit_page(client, post)
    assert "every 2s" in page and "Agen" in page  # shown pending, polled
    part = client.get(reverse("territories:post-places-part", args=[topic.slug, post.pk]))
    assert part.status_code == 200 and "Agen" in part.content.decode()


@pytest.mark.django_db
def test_only_who_may_edit_the_post_adds_a_place(topic: Topic) -> None:
    post = create_post(topic, by=topic.owner, title="Un forum", url="https://e.org/h")
    reader = Client()
    reader.force_login(make_user("lecteur"))
    answer = reader.post(
        reverse("territories:add-place", args=[topic.slug, post.pk]), {"place": "Agen"}
    )
    assert answer.status_code == 403
    part = reader.get(reverse("territories:post-places-part", args=[topic.slug, post.pk]))
    assert part.status_code == 403
    assert not PlaceLookup.objects.exists() and not PostPlace.objects.exists()
