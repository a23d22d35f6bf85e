"""A web process serves pages, searches and post creations without the worker's libraries.

spaCy, trafilatura, pypdf and the libraries trafilatura brings (htmldate, justext, courlan)
weigh tens of megabytes each: they belong to the worker (reading pages, indexing posts),
never to a gunicorn worker. The requests run in a fresh process, as in production (indexing
by the worker), so that nothing the test run already imported hides an import.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.factories import make_posts
from tests.processes import child_env, run_glaneur

HEAVY = ("spacy", "spacy_lookups_data", "trafilatura", "pypdf", "htmldate", "justext", "courlan")

# Run by `glaneur shell -c` in the child: the WSGI application, every URL resolved, then the
# requests, and the heavy modules found in sys.modules printed as JSON on the last line.
REQUESTS = """
import json, sys
import glaneur.wsgi
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import get_resolver, reverse
from glaneur.curation.models import Post, Topic

def resolve_all(resolver):
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            resolve_all(pattern)
        else:
            pattern.callback

resolve_all(get_resolver())
topic = Topic.objects.get(slug=%(slug)r)
post = Post.objects.filter(topic=topic).first()
client = Client(HTTP_HOST="localhost")
client.force_login(get_user_model().objects.get(pk=topic.owner_id))
search_topic = reverse("search:topic-search", kwargs={"slug": topic.slug})
answers = [
    client.get(reverse("curation:topic", kwargs={"slug": topic.slug})).status_code,
    client.get(post.get_absolute_url()).status_code,
    client.get(reverse("search:search"), {"q": "emplois"}).status_code,
    client.get(search_topic, {"q": "emploi"}).status_code,
    client.post(
        reverse("curation:post-create", kwargs={"slug": topic.slug}),
        {"title": "Des emplois à Limoges", "url": "https://a.test/emplois", "summary": "",
         "insight": "Lu.", "site_name": "", "tags": "emploi", "publish_at": ""},
    ).status_code,
]
heavy = sorted({name.split(".")[0] for name in sys.modules} & set(%(heavy)r))
print(json.dumps({"answers": answers, "heavy": heavy}))
"""


@pytest.mark.django_db(transaction=True)
def test_serving_pages_searches_and_scoops_loads_no_worker_library(topic: Any) -> None:
    make_posts(topic, 3)
    done = run_glaneur(
        "shell",
        "-c",
        REQUESTS % {"slug": topic.slug, "heavy": HEAVY},
        env=child_env(GLANEUR_INDEX_IN_WORKER="1", GLANEUR_ENRICH_IN_WORKER="1"),
    )
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["answers"] == [200, 200, 200, 200, 302]
    assert outcome["heavy"] == []
