"""The sources page /topic/<slug>/sources/: curators see each source's state and add,
remove, poll, import, export and tune the engine with plain forms (no JavaScript)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from glaneur.curation.models import Membership, Topic
from glaneur.sources.models import EngineSettings, Source
from tests.factories import add_member, make_topic, make_user

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(topic: Topic, name: str = "sources", *args: Any) -> str:
    return reverse(f"sources:{name}", args=[topic.slug, *args])


def test_the_page_shows_each_source_state_and_highlights_errors(topic: Topic) -> None:
    now = timezone.now()
    Source.objects.create(
        topic=topic,
        url="https://ok.example/feed",
        title="Flux en forme",
        last_polled_at=now,
        next_poll_at=now + timedelta(hours=1),
        items_found=17,
    )
    Source.objects.create(
        topic=topic,
        url="https://broken.example/feed",
        error_count=3,
        last_error="Le serveur a répondu 500.",
    )
    Source.objects.create(topic=topic, kind="keyword", query="apprentissage")
    page = login(topic.owner).get(url(topic))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Flux en forme" in html and ">17<" in html
    assert 'class="source in-error"' in html and "Le serveur a répondu 500." in html
    assert "« apprentissage »" in html
    assert html.count('class="source in-error"') == 1
    assert f'action="{url(topic, "sources-add")}"' in html
    assert 'enctype="multipart/form-data"' in html and url(topic, "sources-export") in html
    assert 'name="none_words"' in html and '<label for="id_address"' in html


def test_add_remove_without_javascript(topic: Topic) -> None:
    client = login(topic.owner)
    answer = client.post(
        url(topic, "sources-add"), {"address": "https://example.org/rss", "kind": ""}
    )
    assert answer.status_code == 302 and answer["Location"] == url(topic)
    source = Source.objects.get(topic=topic)
    assert (source.kind, source.url) == ("feed", "https://example.org/rss")
    again = client.post(url(topic, "sources-add"), {"address": "https://example.org/rss"})
    assert again.status_code == 400
    assert "surveille déjà" in again.content.decode()
    assert 'value="https://example.org/rss"' in again.content.decode()  # kept in the form
    answer = client.post(url(topic, "sources-remove", source.pk))
    assert answer.status_code == 302 and not Source.objects.exists()


def test_poll_now_enqueues_the_topic_sources_on_the_polling_queue(topic: Topic) -> None:
    feed = Source.objects.create(topic=topic, url="https://a.example/feed")
    page = Source.objects.create(topic=topic, kind="page", url="https://b.example/")
    Source.objects.create(topic=topic, kind="keyword", query="emploi")
    client = login(topic.owner)
    assert client.post(url(topic, "sources-poll")).status_code == 302
    assert client.post(url(topic, "sources-poll"), {"source": page.pk}).status_code == 302
    tasks = DBTaskResult.objects.order_by("enqueued_at")
    assert [(t.queue_name, t.args_kwargs["args"][0]) for t in tasks] == [
        ("polling", [feed.pk, page.pk]),
        ("polling", [page.pk]),
    ]


def test_import_and_export_opml(topic: Topic) -> None:
    client = login(topic.owner)
    data = (
        b'<opml version="2.0"><head/><body><outline text="A" xmlUrl="https://a.example/f"/>'
        b'<outline text="emploi" type="keyword"/></body></opml>'
    )
    answer = client.post(
        url(topic, "sources-import"), {"file": SimpleUploadedFile("abos.opml", data)}
    )
    assert answer.status_code == 302
    assert Source.objects.filter(topic=topic).count() == 2
    bad = client.post(
        url(topic, "sources-import"),
        {
            "file": SimpleUploadedFile(
                "bad.opml", b"<opml><body>\n<outline xmlUrl='https://c.example/f'>"
            )
        },
    )
    assert bad.status_code == 400
    assert "Rien n’a été importé" in bad.content.decode() and "Ligne 2" in bad.content.decode()
    assert Source.objects.filter(topic=topic).count() == 2
    export = client.get(url(topic, "sources-export"))
    assert export.status_code == 200 and export["Content-Type"].startswith("text/x-opml")
    assert "attachment" in export["Content-Disposition"]
    assert b'xmlUrl="https://a.example/f"' in export.content


def test_engine_settings_form(topic: Topic) -> None:
    client = login(topic.owner)
    form = {
        "keywords": "emploi\nformation",
        "included_domains": "",
        "excluded_domains": "spam.example",
        "all_words": "",
        "any_words": "",
        "none_words": "football",
        "max_age_days": "10",
        "sort": "freshness",
    }  # visitor_suggestions unticked: off
    assert client.post(url(topic, "sources-engine"), form).status_code == 302
    engine = EngineSettings.objects.get(topic=topic)
    assert (engine.keywords, engine.excluded_domains, engine.none_words) == (
        "emploi\nformation",
        "spam.example",
        "football",
    )
    assert (engine.max_age_days, engine.sort, engine.visitor_suggestions) == (
        10,
        "freshness",
        False,
    )
    bad = client.post(url(topic, "sources-engine"), {**form, "excluded_domains": "pas un domaine"})
    assert bad.status_code == 400 and "n’est pas un nom de domaine" in bad.content.decode()


def test_a_contributor_cannot_switch_visitor_suggestions_through_the_form(topic: Topic) -> None:
    contributor = make_user("contrib")
    add_member(topic, contributor, Membership.Role.CONTRIBUTOR)
    form = {"max_age_days": "30", "sort": "relevance"}  # the disabled box is not sent
    answer = login(contributor).post(url(topic, "sources-engine"), form)
    assert answer.status_code == 302
    assert EngineSettings.objects.get(topic=topic).visitor_suggestions is True


def test_readers_get_403_strangers_to_a_private_topic_404(topic: Topic) -> None:
    reader = make_user("lecteur")
    assert login(reader).get(url(topic)).status_code == 403
    assert login(reader).post(url(topic, "sources-add"), {"address": "emploi"}).status_code == 403
    assert login(reader).get(url(topic, "sources-export")).status_code == 403
    private = make_topic(visibility=Topic.Visibility.PRIVATE)
    assert login(reader).get(url(private)).status_code == 404
    anonymous = Client().get(url(topic))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert not Source.objects.exists()


def test_the_page_costs_the_same_queries_for_2_and_40_sources(
    topic: Topic, django_assert_max_num_queries: Any
) -> None:
    client = login(topic.owner)
    Source.objects.bulk_create(
        [Source(topic=topic, url=f"https://s{i}.example/feed") for i in range(2)]
    )
    with django_assert_max_num_queries(100) as few:
        client.get(url(topic))
    Source.objects.bulk_create(
        [Source(topic=topic, url=f"https://m{i}.example/feed") for i in range(38)]
    )
    with django_assert_max_num_queries(100) as many:
        client.get(url(topic))
    assert len(many.captured_queries) == len(few.captured_queries)
