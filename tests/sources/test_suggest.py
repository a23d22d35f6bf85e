"""Visitors suggest pages to a public topic; curators accept or refuse with a reason that the
visitor sees (status page, and mail when they have an account)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from glaneur.curation.models import Post, Topic
from glaneur.sources import inbox, notices
from glaneur.sources.models import Candidate, EngineSettings, Suggestion
from tests.audience.mailserver import MailServer
from tests.audience.mailserver import smtp as smtp
from tests.factories import make_topic, make_user

pytestmark = pytest.mark.django_db


def suggest(client: Client, topic: Topic, **data: str) -> Any:
    return client.post(reverse("sources:suggest", args=[topic.slug]), data)


def test_a_visitor_suggests_and_follows_the_decision_through_a_private_link(
    topic: Topic, django_capture_on_commit_callbacks: Any
) -> None:
    visitor = Client()
    form = visitor.get(reverse("sources:suggest", args=[topic.slug]))
    assert form.status_code == 200 and 'name="website"' in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = suggest(
            visitor,
            topic,
            url="https://www.example.org/tiers-lieu?utm_source=x",
            comment="Un tiers-lieu à Melle",
            name="Camille",
        )
    assert answer.status_code == 200
    [status_url] = re.findall(r'href="(/suggestions/[^"]+/)"', answer.content.decode())
    suggestion = Suggestion.objects.get()
    assert suggestion.author is None and suggestion.name == "Camille"
    candidate = Candidate.objects.get(topic=topic)
    assert candidate.suggestion == suggestion and candidate.url_key.endswith("/tiers-lieu")
    # The page is read by the worker, not in the request.
    [task] = DBTaskResult.objects.filter(queue_name="polling")
    assert task.args_kwargs["args"] == [candidate.pk]

    curator = Client()
    curator.force_login(topic.owner)
    page = curator.get(reverse("sources:inbox", args=[topic.slug])).content.decode()
    assert "Camille" in page and "Un tiers-lieu à Melle" in page

    assert "En attente" in visitor.get(status_url).content.decode() or "Pending" in (
        visitor.get(status_url).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        curator.post(
            reverse("sources:inbox-discard", args=[topic.slug, candidate.pk]),
            {"reason": "Hors de notre région."},
        )
    shown = visitor.get(status_url).content.decode()
    assert "Hors de notre région." in shown
    assert Suggestion.objects.get().status == Suggestion.Status.REFUSED
    # A visitor without an account is not mailed (an address typed by anyone is no consent).
    assert not DBTaskResult.objects.filter(queue_name="mail").exists()


def test_a_forged_status_link_finds_nothing(topic: Topic) -> None:
    assert Client().get(reverse("sources:status", args=["1:forged"])).status_code == 404


def test_a_member_hears_by_mail_and_on_their_page(
    topic: Topic,
    smtp: MailServer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    member = make_user("membre")
    client = Client()
    client.force_login(member)
    answer = suggest(client, topic, url="https://www.example.org/a", comment="")
    assert answer.status_code == 302 and answer["Location"] == reverse("sources:mine")
    candidate = Candidate.objects.get(topic=topic)
    with django_capture_on_commit_callbacks(execute=True):
        inbox.discard(candidate, by=topic.owner, reason="Déjà traité ailleurs.")
    [task] = DBTaskResult.objects.filter(queue_name="mail")
    notices.tell_suggesters(*task.args_kwargs["args"])
    [mail] = smtp.to("membre@example.org")
    assert topic.title in mail.subject
    assert "Déjà traité ailleurs." in mail.text
    mine = client.get(reverse("sources:mine")).content.decode()
    assert "Déjà traité ailleurs." in mine and "https://www.example.org/a" in mine


def test_an_accepted_suggestion_is_scooped_and_the_suggester_told(topic: Topic) -> None:
    member = make_user("membre2")
    suggestion = inbox.suggest(topic, "https://www.example.org/b", by=member)
    post = inbox.scoop(suggestion.candidate, by=topic.owner, publish=True)
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.ACCEPTED and post.url.endswith("/b")


def test_the_honeypot_thanks_a_robot_and_keeps_nothing(topic: Topic) -> None:
    answer = suggest(Client(), topic, url="https://spam.example/", website="http://x")
    assert answer.status_code == 200
    assert not Suggestion.objects.exists() and not Candidate.objects.exists()


def test_suggestions_are_rate_limited_per_address(topic: Topic, settings: Any) -> None:
    settings.GLANEUR_SUGGEST_RATE = 2
    visitor = Client()
    codes = [suggest(visitor, topic, url=f"https://e.example/{i}").status_code for i in range(3)]
    assert codes == [200, 200, 429]
    assert Suggestion.objects.count() == 2


def test_a_page_already_published_sends_the_visitor_to_the_post(topic: Topic) -> None:
    post = Post.objects.create(
        topic=topic,
        title="Déjà",
        url="https://www.example.org/c",
        normalized_url="https://www.example.org/c",
        status=Post.Status.PUBLISHED,
    )
    answer = suggest(Client(), topic, url="https://www.example.org/c?utm_medium=mail")
    assert answer.status_code == 302 and answer["Location"] == post.get_absolute_url()
    assert not Suggestion.objects.exists()


def test_private_topics_and_topics_that_said_no_take_no_suggestion(topic: Topic) -> None:
    private = make_topic(visibility=Topic.Visibility.PRIVATE)
    assert Client().get(reverse("sources:suggest", args=[private.slug])).status_code == 404
    EngineSettings.objects.update_or_create(topic=topic, defaults={"visitor_suggestions": False})
    closed = suggest(Client(), topic, url="https://e.example/x")
    assert closed.status_code == 403 and "suggestions" in closed.content.decode()
    assert not Suggestion.objects.exists()


def test_the_topic_page_offers_suggestions_to_visitors_and_the_inbox_to_curators(
    topic: Topic,
) -> None:
    suggest_url = reverse("sources:suggest", args=[topic.slug])
    inbox_url = reverse("sources:inbox", args=[topic.slug])
    page = Client().get(topic.get_absolute_url()).content.decode()
    assert suggest_url in page and inbox_url not in page
    curator = Client()
    curator.force_login(topic.owner)
    page = curator.get(topic.get_absolute_url()).content.decode()
    assert inbox_url in page


def test_a_bad_address_is_refused_in_words(topic: Topic) -> None:
    answer = suggest(Client(), topic, url="ftp://e.example/x")
    assert answer.status_code == 200
    assert not Suggestion.objects.exists()
    assert 'role="alert"' in answer.content.decode()


def test_a_suggestion_for_a_discarded_item_reopens_it(topic: Topic) -> None:
    url = "https://www.example.org/d"
    candidate = Candidate.objects.create(
        topic=topic, url=url, url_key=url, title="D", status=Candidate.Status.DISCARDED
    )
    inbox.suggest(topic, url, by=None)
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.NEW and candidate.suggestion is not None
