"""The curation inbox: ranked stories, scoop through the one scoop operation, discard,
mark seen; who may do what."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from glaneur.curation.models import Membership, Post, Topic
from glaneur.curation.posts import url_key
from glaneur.sources import inbox
from glaneur.sources.models import Candidate, EngineSettings, Source
from tests.factories import add_member, make_topic, make_user

pytestmark = pytest.mark.django_db


def make_candidates(topic: Topic, count: int, *, source: Source | None = None) -> list[Candidate]:
    source = source or Source.objects.create(topic=topic, url="https://feeds.example/a.xml")
    made = []
    for i in range(count):
        url = f"https://news.example/story-{source.pk}-{i}"
        candidate = Candidate.objects.create(
            topic=topic,
            url=url,
            url_key=url_key(url),
            title=f"Formation et emploi {i}",
            summary=f"Une initiative locale numéro {i} pour l'emploi.",
            score=float(i),
            matched_words=["emploi", "formation"],
        )
        candidate.sources.add(source)
        made.append(candidate)
    return made


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_curator_sees_stories_ranked_one_per_group_with_why_they_rank(topic: Topic) -> None:
    low, middle, high = make_candidates(topic, 3)
    # ``low`` is the same story as ``high`` (found later): shown through ``high`` only.
    Candidate.objects.filter(pk=high.pk).update(group=high.pk)
    Candidate.objects.filter(pk=low.pk).update(group=high.pk)
    page = login(topic.owner).get(reverse("sources:inbox", args=[topic.slug]))
    assert page.status_code == 200
    body = page.content.decode()
    assert body.index(high.title) < body.index(middle.title)
    assert low.title not in body
    assert "1 élément semblable" in body or "1 similar item" in body
    assert "emploi" in body and "formation" in body  # the matched words


def test_the_inbox_takes_a_constant_number_of_queries(topic: Topic) -> None:
    client = login(topic.owner)
    url = reverse("sources:inbox", args=[topic.slug])
    make_candidates(topic, 3)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    source = Source.objects.create(topic=topic, url="https://feeds.example/b.xml")
    make_candidates(topic, 25, source=source)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_the_inbox_filters_by_source(topic: Topic) -> None:
    [one] = make_candidates(topic, 1)
    other = Source.objects.create(topic=topic, url="https://feeds.example/other.xml")
    url = "https://other.example/x"
    two = Candidate.objects.create(topic=topic, url=url, url_key=url_key(url), title="Autre")
    two.sources.add(other)
    page = login(topic.owner).get(reverse("sources:inbox", args=[topic.slug]), {"source": other.pk})
    body = page.content.decode()
    assert "Autre" in body and one.title not in body


def test_only_curators_open_the_inbox(topic: Topic) -> None:
    url = reverse("sources:inbox", args=[topic.slug])
    assert Client().get(url).status_code == 302  # to log in
    reader = make_user("reader")
    assert login(reader).get(url).status_code == 403
    private = make_topic(visibility=Topic.Visibility.PRIVATE)
    assert login(reader).get(reverse("sources:inbox", args=[private.slug])).status_code == 404
    contributor = make_user("contributor")
    add_member(topic, contributor, Membership.Role.CONTRIBUTOR)
    assert login(contributor).get(url).status_code == 200


def test_scoop_and_review_makes_a_draft_through_the_scoop_operation(topic: Topic) -> None:
    [candidate] = make_candidates(topic, 1)
    answer = login(topic.owner).post(
        reverse("sources:inbox-scoop", args=[topic.slug, candidate.pk]),
        {"insight": "À suivre de près.", "tags": "emploi, Agen", "action": "review"},
    )
    post = Post.objects.get(topic=topic)
    assert answer.status_code == 302
    assert answer["Location"] == reverse("curation:post-edit", args=[topic.slug, post.pk])
    assert post.status == Post.Status.DRAFT and post.insight == "À suivre de près."
    assert sorted(t.name for t in post.tags.all()) == ["Agen", "emploi"]
    assert post.url == candidate.url and post.title == candidate.title
    assert post.state == Post.State.QUEUED  # the worker reads the page, as for any scoop
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.SCOOPED and candidate.post_id == post.pk


def test_publish_now_from_the_inbox_with_htmx(topic: Topic) -> None:
    [candidate] = make_candidates(topic, 1)
    answer = login(topic.owner).post(
        reverse("sources:inbox-scoop", args=[topic.slug, candidate.pk]),
        {"insight": "", "tags": "", "action": "publish"},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    post = Post.objects.get(topic=topic)
    assert post.status == Post.Status.PUBLISHED
    assert post.get_absolute_url() in answer.content.decode()


def test_a_scooped_or_discarded_story_leaves_the_inbox_with_its_duplicates(topic: Topic) -> None:
    first, second, third = make_candidates(topic, 3)
    Candidate.objects.filter(pk__in=[first.pk, second.pk]).update(group=first.pk)
    client = login(topic.owner)
    answer = client.post(reverse("sources:inbox-discard", args=[topic.slug, second.pk]))
    assert answer.status_code == 302
    statuses = dict(Candidate.objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[second.pk] == Candidate.Status.DISCARDED
    assert statuses[third.pk] == Candidate.Status.NEW
    body = client.get(reverse("sources:inbox", args=[topic.slug])).content.decode()
    assert third.title in body and first.title not in body


def test_discard_is_feedback_for_the_topic(topic: Topic) -> None:
    [candidate] = make_candidates(topic, 1)
    inbox.discard(candidate, by=topic.owner)
    weights = EngineSettings.objects.get(topic=topic).word_weights
    assert weights and min(weights.values()) < 0


def test_a_reader_can_neither_scoop_nor_discard(topic: Topic) -> None:
    [candidate] = make_candidates(topic, 1)
    reader = login(make_user("reader"))
    assert (
        reader.post(reverse("sources:inbox-scoop", args=[topic.slug, candidate.pk])).status_code
        == 403
    )
    assert (
        reader.post(reverse("sources:inbox-discard", args=[topic.slug, candidate.pk])).status_code
        == 403
    )
    other = make_topic()
    # A candidate of another topic is not found under this one.
    assert (
        login(other.owner)
        .post(reverse("sources:inbox-discard", args=[other.slug, candidate.pk]))
        .status_code
        == 404
    )
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.NEW and not Post.objects.exists()


def test_mark_all_seen(topic: Topic) -> None:
    make_candidates(topic, 4)
    answer = login(topic.owner).post(reverse("sources:inbox-seen", args=[topic.slug]))
    assert answer.status_code == 302
    assert set(Candidate.objects.values_list("status", flat=True)) == {Candidate.Status.SEEN}


def test_a_page_scooped_meanwhile_closes_the_candidate(topic: Topic) -> None:
    [candidate] = make_candidates(topic, 1)
    Post.objects.create(
        topic=topic, title="Déjà là", url=candidate.url, normalized_url=candidate.url_key
    )
    answer = login(topic.owner).post(
        reverse("sources:inbox-scoop", args=[topic.slug, candidate.pk]), {"action": "publish"}
    )
    assert answer.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.SCOOPED
    assert Post.objects.filter(topic=topic).count() == 1
    assert not DBTaskResult.objects.filter(queue_name="scoops").exists()


def test_the_cli_prints_the_ranked_suggestions(topic: Topic) -> None:
    import json
    from io import StringIO

    from django.core.management import call_command

    made = make_candidates(topic, 3)
    out = StringIO()
    call_command("suggestions", topic.slug, "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert [r["id"] for r in rows] == [c.pk for c in reversed(made)]
    assert rows[0]["matchedWords"] == ["emploi", "formation"] and rows[0]["score"] == 2.0
    text = StringIO()
    call_command("suggestions", topic.slug, stdout=text)
    assert made[2].url in text.getvalue() and "[emploi, formation]" in text.getvalue()
