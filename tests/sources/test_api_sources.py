"""Sources and engine settings in the REST API: CRUD, poll now, OPML, curators only, in the
OpenAPI schema, with the API's error conventions."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from glaneur.curation.models import Membership, Topic
from glaneur.sources.models import EngineSettings, Source
from tests.api.conftest import token_client
from tests.factories import add_member, make_topic, make_user

pytestmark = pytest.mark.django_db


def base(topic: Topic) -> str:
    return f"/api/topics/{topic.slug}/sources"


def test_create_list_get_and_delete(topic: Topic) -> None:
    client = token_client(topic.owner)
    made = client.post(
        base(topic), {"address": "https://example.org/feed.xml"}, content_type="application/json"
    )
    assert made.status_code == 201, made.content
    source = made.json()
    assert (source["kind"], source["url"], source["keyword"]) == (
        "feed",
        "https://example.org/feed.xml",
        "",
    )
    assert source["lastPoll"] is None and source["inError"] is False
    keyword = client.post(
        base(topic), {"address": "emploi des jeunes"}, content_type="application/json"
    ).json()
    assert keyword["kind"] == "keyword" and keyword["nextPoll"] is None
    listing = client.get(f"{base(topic)}?perPage=1").json()
    assert listing["count"] == 2 and listing["next"] == 2
    assert listing["items"][0]["id"] == source["id"]
    assert client.get(f"{base(topic)}/{keyword['id']}").json()["keyword"] == "emploi des jeunes"
    assert client.delete(f"{base(topic)}/{source['id']}").status_code == 204
    assert client.get(f"{base(topic)}/{source['id']}").status_code == 404
    assert list(Source.objects.values_list("pk", flat=True)) == [keyword["id"]]


def test_duplicates_and_bad_addresses_follow_the_error_conventions(topic: Topic) -> None:
    client = token_client(topic.owner)
    payload = {"address": "https://example.org/feed.xml"}
    client.post(base(topic), payload, content_type="application/json")
    again = client.post(base(topic), payload, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "duplicate"
    bad = client.post(
        base(topic),
        {"address": "ftp://example.org/f", "kind": "feed"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_url"
    wrong_kind = client.post(
        base(topic), {"address": "x", "kind": "podcast"}, content_type="application/json"
    )
    assert wrong_kind.status_code == 422 and wrong_kind.json()["code"] == "invalid"
    assert Source.objects.count() == 1


def test_poll_now_enqueues_on_the_polling_queue(topic: Topic) -> None:
    client = token_client(topic.owner)
    feed = Source.objects.create(topic=topic, url="https://a.example/feed")
    Source.objects.create(topic=topic, kind="keyword", query="emploi")
    answer = client.post(f"{base(topic)}/poll", {}, content_type="application/json")
    assert answer.status_code == 202 and answer.json() == {"queued": [feed.pk]}
    elsewhere = Source.objects.create(topic=make_topic(), url="https://b.example/feed")
    foreign = client.post(
        f"{base(topic)}/poll", {"sources": [elsewhere.pk]}, content_type="application/json"
    )
    assert foreign.status_code == 404
    task = DBTaskResult.objects.get()
    assert task.queue_name == "polling" and task.args_kwargs["args"][0] == [feed.pk]


def test_poll_now_is_rate_limited_per_topic(topic: Topic, settings: object) -> None:
    settings.GLANEUR_POLL_NOW_RATE = 2  # type: ignore[attr-defined]
    Source.objects.create(topic=topic, url="https://a.example/feed")
    client = token_client(topic.owner)
    codes = [
        client.post(f"{base(topic)}/poll", {}, content_type="application/json").status_code
        for _ in range(3)
    ]
    assert codes == [202, 202, 429]
    assert DBTaskResult.objects.count() == 2


def test_opml_import_and_export(topic: Topic) -> None:
    client = token_client(topic.owner)
    data = (
        b'<opml version="2.0"><head/><body><outline text="Cat">'
        b'<outline text="A" xmlUrl="https://a.example/f"/></outline>'
        b'<outline text="emploi" type="keyword"/></body></opml>'
    )
    answer = client.post(f"{base(topic)}/opml", data, content_type="text/x-opml")
    assert answer.status_code == 201, answer.content
    assert [s["kind"] for s in answer.json()["added"]] == ["feed", "keyword"]
    again = client.post(f"{base(topic)}/opml", data, content_type="text/x-opml").json()
    assert again["added"] == [] and len(again["skipped"]) == 2
    bad = client.post(
        f"{base(topic)}/opml", b"<opml><body>\n<outline xmlUrl='x'>", content_type="text/x-opml"
    )
    assert bad.status_code == 422 and "Ligne 2" in bad.json()["detail"]
    wrong = client.post(f"{base(topic)}/opml", data, content_type="application/json")
    assert wrong.status_code == 415
    export = client.get(f"{base(topic)}/opml")
    assert export.status_code == 200 and export["Content-Type"].startswith("text/x-opml")
    assert b'xmlUrl="https://a.example/f"' in export.content
    assert Source.objects.filter(topic=topic).count() == 2


def test_engine_settings_get_and_put(topic: Topic) -> None:
    client = token_client(topic.owner)
    engine = client.get(f"/api/topics/{topic.slug}/engine").json()
    assert engine["keywords"] == [] and engine["sort"] == "relevance"
    assert engine["visitorSuggestions"] is True
    answer = client.put(
        f"/api/topics/{topic.slug}/engine",
        {
            "keywords": ["emploi", "formation"],
            "excludedDomains": ["www.spam.example"],
            "maxAgeDays": 7,
            "visitorSuggestions": False,
        },
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["keywords"] == ["emploi", "formation"]
    assert answer.json()["excludedDomains"] == ["spam.example"]
    stored = EngineSettings.objects.get(topic=topic)
    assert (stored.max_age_days, stored.visitor_suggestions, stored.sort) == (7, False, "relevance")
    bad = client.put(
        f"/api/topics/{topic.slug}/engine", {"maxAgeDays": 0}, content_type="application/json"
    )
    assert bad.status_code == 422


def test_readers_get_403_strangers_to_a_private_topic_404(topic: Topic) -> None:
    reader = token_client(make_user("lecteur"))
    payload = {"address": "https://example.org/feed.xml"}
    assert token_client(None).get(base(topic)).status_code == 401
    assert reader.get(base(topic)).status_code == 403
    refused = reader.post(base(topic), payload, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert reader.get(f"/api/topics/{topic.slug}/engine").status_code == 403
    private = make_topic(visibility=Topic.Visibility.PRIVATE)
    assert reader.get(base(private)).status_code == 404
    contributor = make_user("contrib")
    add_member(topic, contributor, Membership.Role.CONTRIBUTOR)
    client = token_client(contributor)
    assert client.post(base(topic), payload, content_type="application/json").status_code == 201
    switched = client.put(
        f"/api/topics/{topic.slug}/engine",
        {"visitorSuggestions": False},
        content_type="application/json",
    )
    assert switched.status_code == 403


def test_the_sources_api_is_in_the_schema() -> None:
    paths = Client().get("/api/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/topics/{slug}/sources"])
    assert {"get", "delete"} <= set(paths["/api/topics/{slug}/sources/{source_id}"])
    assert "post" in paths["/api/topics/{slug}/sources/poll"]
    assert {"get", "post"} <= set(paths["/api/topics/{slug}/sources/opml"])
    assert {"get", "put"} <= set(paths["/api/topics/{slug}/engine"])
