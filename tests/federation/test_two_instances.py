"""Two real Glaneur instances on loopback, each `glaneur serve` with its own database and
address: one's topic finds the other's by WebFinger, follows it with a signed Follow that
the other verifies by fetching the follower's actor over HTTP, gets a signed Accept back,
then receives the posts published there (Create, Update) and the withdrawal of the topic,
each signature checked by the receiving instance; a forged signature is refused."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.processes import child_env, run_glaneur
from tests.webserver import HOST, GlaneurServer, free_port

pytestmark = pytest.mark.django_db(transaction=True)  # child_env reads the test settings

SEED = """
from glaneur.curation.topics import create_topic
from django.contrib.auth import get_user_model
owner = get_user_model().objects.create_user("{user}", "{user}@example.org", "x")
topic = create_topic(owner=owner, title="{title}")
print(json.dumps({{"slug": topic.slug}}))
"""
FOLLOW = """
from glaneur.curation.models import Topic
from glaneur.federation import services
topic = Topic.objects.get(slug="{slug}")
target = services.remote_actor("{target}", as_topic=topic)
follow = {{
    "@context": services.AS_CONTEXT,
    "id": services.actor_id(topic) + "#follow-1",
    "type": "Follow",
    "actor": services.actor_id(topic),
    "object": target.uri,
}}
services.queue_deliveries(topic, follow, [target.inbox])
print(json.dumps({{"inbox": target.inbox}}))
"""
PUBLISH = """
from glaneur.curation.models import Topic
from glaneur.curation.services import create_post
topic = Topic.objects.get(slug="{slug}")
post = create_post(topic, by=topic.owner, title="Forum de l'emploi à Niort",
                   url="https://example.org/forum", insight="Trois cents offres.", tags="emploi")
print(json.dumps({{"post": post.pk}}))
"""
EDIT = """
from glaneur.curation.models import Post
from glaneur.curation.services import update_post
post = Post.objects.get(pk={post})
update_post(post, by=post.topic.owner, insight="Trois cent vingt offres.")
print(json.dumps({{}}))
"""
WITHDRAW = """
from glaneur.curation.models import Topic
from glaneur.curation.topics import update_topic
topic = Topic.objects.get(slug="{slug}")
update_topic(topic, by=topic.owner, visibility=Topic.Visibility.PRIVATE)
print(json.dumps({{}}))
"""
STATE = """
from glaneur.federation.models import Delivery, Follower
print(json.dumps({{
    "followers": sorted(Follower.objects.values_list("actor__uri", flat=True)),
    "pending": [[d.activity["type"], d.attempts, d.last_error] for d in Delivery.objects.all()],
}}))
"""


class Instance:
    """One Glaneur: its own SQLite database, data folder, address, server and worker runs."""

    def __init__(self, name: str, folder: Path, ports: dict[str, int]) -> None:
        self.name = name
        self.port = ports[name]
        self.base = f"http://{HOST}:{self.port}"
        data = folder / name
        data.mkdir()
        self.env = child_env(
            DATABASE_URL=f"sqlite:///{data / 'glaneur.sqlite3'}",
            GLANEUR_DATA_DIR=str(data),
            GLANEUR_BASE_URL=self.base,
            GLANEUR_FETCH_ALLOW=",".join(f"{HOST}:{port}" for port in ports.values()),
            ALLOWED_HOSTS=HOST,
            GLANEUR_INDEX_IN_WORKER="1",
        )
        migrated = run_glaneur("migrate", "--no-input", env=self.env, timeout=300)
        assert migrated.returncode == 0, migrated.stderr
        self.server = GlaneurServer(workers=1, port=self.port, **self.env)

    def shell(self, code: str) -> Any:
        done = run_glaneur("shell", "-c", "import json\n" + code, env=self.env)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    def work(self) -> None:
        """Run the tasks waiting (deliveries), as the worker does, then stop."""
        done = run_glaneur(
            "db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", env=self.env
        )
        assert done.returncode == 0, done.stderr

    def state(self) -> dict[str, Any]:
        found: dict[str, Any] = self.shell(STATE.format())
        return found


@pytest.fixture
def instances() -> Any:
    folder = Path(tempfile.mkdtemp(prefix="glaneur-two-"))
    ports = {"a": free_port(), "b": free_port()}
    started: list[Instance] = []
    try:
        for name in ports:
            started.append(Instance(name, folder, ports))
        for instance in started:
            instance.server.start()
        yield started
    finally:
        for instance in started:
            instance.server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_a_topic_follows_another_instances_topic_and_gets_its_posts(
    instances: list[Instance],
) -> None:
    a, b = instances
    mine = a.shell(SEED.format(user="alice", title="Veille Poitou"))["slug"]
    theirs = b.shell(SEED.format(user="bruno", title="Veille Charente"))["slug"]
    mine_uri, theirs_uri = f"{a.base}/topic/{mine}/", f"{b.base}/topic/{theirs}/"

    # WebFinger on the other instance finds its topic's actor.
    finger = requests.get(
        f"{b.base}/.well-known/webfinger",
        params={"resource": f"acct:{theirs}@{HOST}:{b.port}"},
        timeout=30,
    ).json()
    [self_link] = [link for link in finger["links"] if link["rel"] == "self"]
    assert self_link["href"] == theirs_uri

    # A's topic follows B's: signed by A; B fetches A's actor over HTTP to check it.
    inbox = a.shell(FOLLOW.format(slug=mine, target=self_link["href"]))["inbox"]
    assert inbox.startswith(b.base)
    a.work()
    assert a.state()["pending"] == []  # B answered 202: the signature held
    assert b.state()["followers"] == [mine_uri]
    # B's Accept, signed by B, checked by A with B's key.
    assert b.state()["pending"] == [["Accept", 0, ""]]
    b.work()
    assert b.state()["pending"] == []

    # A post published on B goes to A (Create), an edit follows (Update).
    post = b.shell(PUBLISH.format(slug=theirs))["post"]
    assert [kind for kind, *_ in b.state()["pending"]] == ["Create"]
    b.work()
    assert b.state()["pending"] == []
    b.shell(EDIT.format(post=post))
    assert [kind for kind, *_ in b.state()["pending"]] == ["Update"]
    b.work()
    assert b.state()["pending"] == []

    # An activity with a forged signature is refused by A.
    actor = requests.get(mine_uri, headers={"Accept": "application/activity+json"}, timeout=30)
    signed = requests.Request(
        "POST",
        actor.json()["inbox"],
        data=json.dumps({"type": "Delete", "actor": theirs_uri, "object": theirs_uri}),
        headers={
            "Content-Type": "application/activity+json",
            "Signature": f'keyId="{theirs_uri}#main-key",headers="(request-target) host date",'
            'algorithm="rsa-sha256",signature="AAAA"',
            "Date": "Fri, 04 Dec 2026 12:00:00 GMT",
        },
    ).prepare()
    with requests.Session() as session:
        assert session.send(signed, timeout=30).status_code == 401

    # B's topic made private: its actor's Delete reaches A, signed; B forgets its followers.
    b.shell(WITHDRAW.format(slug=theirs))
    assert [kind for kind, *_ in b.state()["pending"]] == ["Delete"]
    b.work()
    assert b.state() == {"followers": [], "pending": []}
