"""Related posts on a post page: same topic first, then other topics the reader may see."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from glaneur.curation import services
from glaneur.curation.models import Post, Topic
from glaneur.reading.related import related_posts
from tests.factories import make_topic

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _places_at_once(settings: Any) -> None:
    settings.GLANEUR_LOCATE_IN_WORKER = False


def test_related_posts_share_places_tags_or_words(topic: Topic, curator: Any) -> None:
    def post(title: str, into: Topic = topic, **extra: Any) -> Post:
        return services.create_post(into, by=curator, title=title, **extra)

    forum = post("Forum de l'alternance à Niort", tags="apprentissage")
    salon = post("Salon des métiers à Niort")
    agen = post("Un forum de l'alternance à Agen")
    tagged = post("Les chiffres de l'apprentissage", tags="apprentissage")
    post("Une recette de cuisine")
    other = post("Atelier CV à Niort", into=make_topic(owner=curator, slug="autre"))
    post(
        "Niort en secret",
        into=make_topic(owner=curator, slug="secret", visibility=Topic.Visibility.PRIVATE),
    )
    draft = post("Brouillon sur Niort", status=Post.Status.DRAFT)

    shown = related_posts(forum, None)
    assert {p.pk for p in shown[:3]} == {salon.pk, agen.pk, tagged.pk}  # same topic first
    assert shown[3:] == [other]  # then another public topic; never a private one or a draft
    assert draft.pk not in {p.pk for p in shown}

    html = Client().get(forum.get_absolute_url()).content.decode()
    assert salon.get_absolute_url() in html and other.get_absolute_url() in html
    assert "Niort en secret" not in html and "recette" not in html
