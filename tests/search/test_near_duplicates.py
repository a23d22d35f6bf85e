"""A topic's near-duplicate posts — the same story under another title or address — are
flagged to its curators on the edit page, by the one "same story" rule (search.stories)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from glaneur.curation.models import Membership, Post, Topic
from glaneur.curation.services import create_post
from glaneur.search.models import StorySignature
from glaneur.search.queries import near_duplicates
from glaneur.search.services import index_posts, rebuild
from tests.factories import add_member, make_posts, make_user

pytestmark = pytest.mark.django_db

STORY = (
    "La mission locale du Niortais ouvre un espace pour les jeunes sans emploi ni formation "
    "dans le quartier du Clou-Bouchet. Les conseillers y tiendront des permanences trois "
    "jours par semaine, avec des ateliers de préparation aux entretiens d'embauche."
)
RETOLD = (
    "La mission locale du Niortais ouvre un espace pour les jeunes sans emploi ni formation "
    "au Clou-Bouchet. Les conseillers y tiendront des permanences trois jours par semaine, "
    "avec des ateliers pour préparer les entretiens d'embauche."
)
OTHER = (
    "À Agen, la plateforme logistique recrute 350 personnes sans CV. France Travail organise "
    "des sessions de recrutement par simulation, ouvertes à tous les demandeurs d'emploi."
)


def post(topic: Topic, title: str, summary: str, **extra: Any) -> Post:
    by = extra.pop("by", topic.owner)
    made = create_post(topic, by=by, title=title, summary=summary, **extra)
    index_posts([made.pk])
    return made


def edit_page(client: Client, item: Post) -> str:
    return str(client.get(f"{item.actions_path}edit/").content.decode())


def test_the_same_story_retold_is_flagged_and_another_is_not(topic: Topic) -> None:
    first = post(topic, "Niort : un espace jeunes au Clou-Bouchet", STORY)
    second = post(topic, "Mission locale : des permanences pour les jeunes à Niort", RETOLD)
    other = post(topic, "Agen : 350 emplois sans CV", OTHER)
    assert [d.post for d in near_duplicates(second, topic.owner)] == [first]
    assert near_duplicates(other, topic.owner) == []
    client = Client()
    client.force_login(topic.owner)
    page = edit_page(client, second)
    assert "Niort : un espace jeunes au Clou-Bouchet" in page
    assert "Mission locale : des permanences" not in edit_page(client, other)


def test_a_contributor_is_not_shown_someone_elses_draft(topic: Topic) -> None:
    post(topic, "Niort : un espace jeunes", STORY, status=Post.Status.DRAFT)
    contributor = make_user("contributrice")
    add_member(topic, contributor, Membership.Role.CONTRIBUTOR)
    mine = post(topic, "Des permanences à Niort", RETOLD, by=contributor)
    assert near_duplicates(mine, contributor) == []
    assert len(near_duplicates(mine, topic.owner)) == 1


def test_two_queries_whatever_the_topic_size(topic: Topic) -> None:
    first = post(topic, "Niort : un espace jeunes", STORY)
    second = post(topic, "Des permanences à Niort", RETOLD)
    with CaptureQueriesContext(connection) as few:
        near_duplicates(second, topic.owner)
    index_posts(p.pk for p in make_posts(topic, 60))
    with CaptureQueriesContext(connection) as many:
        found = near_duplicates(second, topic.owner)
    assert [d.post for d in found] == [first]
    assert len(many) == len(few) <= 3


def test_a_rebuild_writes_every_post_story(topic: Topic) -> None:
    made = [post(topic, "Niort : un espace jeunes", STORY), post(topic, "Agen", OTHER)]
    StorySignature.objects.all().delete()
    rebuild(workers=1)
    assert set(StorySignature.objects.values_list("post_id", flat=True)) == {p.pk for p in made}
