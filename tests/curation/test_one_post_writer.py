"""Every way of writing a post gives the same post for the same input (curation.posts).

The same title, address, summary and insight go through the post form (new and edit), the
API (create and PATCH), ``glaneur import`` (CSV and Glaneur JSON), ``glaneur
import-scoopit`` (a saved page), rescoop and the extraction's fill; each path must clean the
title, derive the slug (never an action path's name), normalise the address and render the
insight's Markdown as sanitised HTML the same way.
"""

from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from glaneur.api.posts import FIELD_NAMES
from glaneur.api.schemas import PostUpdateIn
from glaneur.curation import services
from glaneur.curation.forms import PostForm
from glaneur.curation.models import Post, Topic
from glaneur.curation.posts import EDITABLE_FIELDS, apply_extracted, shape_post
from tests.api.conftest import token_client
from tests.factories import make_topic

pytestmark = pytest.mark.django_db

# Extra spaces, and a title whose slug would be the "edit" action path.
TITLE = "  Edit  \t  !  "
URL = "https://WWW.Example.ORG/forum-emploi?utm_source=lettre&id=7&utm_medium=mail"
SUMMARY = "   Un forum, des recruteurs.   "
INSIGHT = "Un **regard** neuf <script>alert('x')</script> sur [le forum](https://example.org/f)."
SITE = "www.example.org"

EXPECTED = {
    "title": "Edit !",
    "slug": "edit-post",
    "normalized_url": "https://www.example.org/forum-emploi?id=7",
    "summary": "Un forum, des recruteurs.",
    "site_name": SITE,
}


def shape(post: Post) -> dict[str, Any]:
    post.refresh_from_db()
    return {
        "title": post.title,
        "slug": post.slug,
        "normalized_url": post.normalized_url,
        "summary": post.summary,
        "site_name": post.site_name,
        "insight": post.insight,
        "insight_html": post.insight_html,
    }


def only_post(topic: Topic) -> Post:
    (post,) = Post.objects.filter(topic=topic)
    return post


def form_data(**values: str) -> dict[str, str]:
    data = {name: "" for name in EDITABLE_FIELDS if name != "pinned"}
    data.update(tags="", publish_at="", **values)
    return data


def by_form(client: Client, topic: Topic) -> Post:
    url = reverse("curation:post-create", kwargs={"slug": topic.slug})
    data = form_data(title=TITLE, url=URL, summary=SUMMARY, insight=INSIGHT, site_name=SITE)
    assert client.post(url, data).status_code == 302
    return only_post(topic)


def by_form_edit(client: Client, topic: Topic) -> Post:
    post = services.create_post(topic, by=topic.owner, title="Brouillon", url="https://a.test/")
    url = reverse("curation:post-edit", kwargs={"slug": topic.slug, "post_id": post.pk})
    data = form_data(title=TITLE, url=URL, summary=SUMMARY, insight=INSIGHT, site_name=SITE)
    assert client.post(url, data).status_code == 302
    return post


def by_api(topic: Topic) -> Post:
    response = token_client(topic.owner).post(
        f"/api/topics/{topic.slug}/posts",
        {"title": TITLE, "url": URL, "summary": SUMMARY, "insight": INSIGHT, "siteName": SITE},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return only_post(topic)


def by_api_patch(topic: Topic) -> Post:
    post = services.create_post(topic, by=topic.owner, title="Brouillon", url="https://a.test/")
    response = token_client(topic.owner).patch(
        f"/api/topics/{topic.slug}/posts/{post.pk}",
        {"title": TITLE, "url": URL, "summary": SUMMARY, "insight": INSIGHT, "siteName": SITE},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return post


def by_csv_import(topic: Topic, tmp_path: Path) -> Post:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["url", "title", "summary", "insight", "site_name"])
    writer.writerow([URL, TITLE, SUMMARY, INSIGHT, SITE])
    path = tmp_path / "posts.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    call_command("import", str(path), topic=topic.slug, verbosity=0, stdout=io.StringIO())
    return only_post(topic)


def by_json_import(topic: Topic, tmp_path: Path) -> Post:
    document = {
        "format": "glaneur",
        "version": 1,
        "posts": [
            {"title": TITLE, "url": URL, "summary": SUMMARY, "insight": INSIGHT, "site_name": SITE}
        ],
    }
    path = tmp_path / "posts.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    call_command("import", str(path), topic=topic.slug, verbosity=0, stdout=io.StringIO())
    return only_post(topic)


def by_scoopit_page(tmp_path: Path) -> Post:
    page = f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>Veille unique | Scoop.it</title></head><body>
<div id="topicHeader"><h1 class="theme-title">Veille unique</h1>
<div class="theme-curator">Curated by <a href="/u/cap">Cap Métiers NA</a></div></div>
<div id="postList"><div id="post_1" data-lid="1" class="post post-view">
<div class="post-metas">Scooped by <a class="post-author" href="/u/cap">Cap Métiers NA</a>
<time datetime="2019-03-26T11:26:00">March 26, 2019 11:26 AM</time></div>
<h2 class="postTitleView"><a href="{html.escape(URL)}">{html.escape(TITLE)}</a></h2>
<div class="post-source">From <a href="https://www.example.org/">{SITE}</a></div>
<div class="post-description"><p>{html.escape(SUMMARY)}</p></div>
<div class="post-insight"><span class="insight-label">Cap Métiers NA's insight:</span>
<p>{html.escape(INSIGHT)}</p></div>
<div class="post-comments"><p class="no-comment">No comment yet.</p></div>
</div></div></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    call_command("import_scoopit", str(path), verbosity=0, stdout=io.StringIO())
    return only_post(Topic.objects.get(title="Veille unique"))


def by_scoopit_text(tmp_path: Path) -> Post:
    """A text capture (copied from the browser) carries no links nor site names."""
    capture = f"""Veille texte
12 views | +1 today
Follow
Veille texte
Your new post is loading...

Scooped by Cap Métiers NA
March 26, 2019 11:26 AM
Scoop.it!

{TITLE}

{TITLE} | Veille texte | Scoop.it
{SUMMARY}
Cap Métiers NA's insight:
{INSIGHT}
No comment yet.
"""
    path = tmp_path / "capture.txt"
    path.write_text(capture, encoding="utf-8")
    call_command("import_scoopit", str(path), verbosity=0, stdout=io.StringIO())
    return only_post(Topic.objects.get(title="Veille texte"))


def by_rescoop(original: Post) -> Post:
    into = make_topic(original.topic.owner, title="Reprises")
    return services.rescoop(original, into, by=original.topic.owner, insight=INSIGHT)


def test_every_write_path_gives_the_same_post(curator: Any, tmp_path: Path) -> None:
    client = Client()
    client.force_login(curator)
    posts = {
        "form": by_form(client, make_topic(curator)),
        "form edit": by_form_edit(client, make_topic(curator)),
        "api": by_api(make_topic(curator)),
        "api patch": by_api_patch(make_topic(curator)),
        "csv import": by_csv_import(make_topic(curator), tmp_path),
        "json import": by_json_import(make_topic(curator), tmp_path),
        "scoopit page": by_scoopit_page(tmp_path),
    }
    posts["rescoop"] = by_rescoop(posts["form"])
    shapes = {path: shape(post) for path, post in posts.items()}
    reference = shapes["form"]
    assert {k: reference[k] for k in EXPECTED} == EXPECTED
    assert reference["insight_html"].startswith("<p>Un <strong>regard</strong> neuf")
    assert "<script" not in reference["insight_html"]
    assert 'href="https://example.org/f"' in reference["insight_html"]
    for path, found in shapes.items():
        assert found == reference, path
    from_text = shape(by_scoopit_text(tmp_path))
    assert from_text == {**reference, "normalized_url": "", "site_name": ""}


def test_the_fill_from_extraction_cleans_the_title_as_any_write(topic: Topic) -> None:
    post = services.scoop_url(topic, URL, by=topic.owner)
    assert post.title == URL and "title" not in post.edited_fields
    changed = apply_extracted(post, {"title": TITLE, "summary": SUMMARY, "site_name": SITE})
    assert {"title", "slug", "summary", "site_name"} <= set(changed)
    assert (post.title, post.slug, post.summary) == ("Edit !", "edit-post", EXPECTED["summary"])


def test_the_fill_from_extraction_never_writes_what_a_person_set(topic: Topic) -> None:
    post = services.create_post(topic, by=topic.owner, title="Mon titre", summary="")
    services.update_post(post, by=topic.owner, summary="")
    changed = apply_extracted(post, {"title": "Titre de la page", "summary": "Résumé trouvé"})
    assert changed == []
    assert (post.title, post.summary) == ("Mon titre", "")


def test_text_too_long_is_cut_to_its_column_the_same_way(curator: Any, tmp_path: Path) -> None:
    long_title, long_site, long_author = "Titre " * 120, "s" * 250, "Auteur " * 40
    typed = services.create_post(
        make_topic(curator),
        by=curator,
        title=long_title,
        site_name=long_site,
        author=long_author,
        url="https://example.org/long",
    )
    topic = make_topic(curator)
    path = tmp_path / "long.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(
            [
                ["url", "title", "site_name", "author"],
                ["https://example.org/long", long_title, long_site, long_author],
            ]
        )
    call_command("import", str(path), topic=topic.slug, verbosity=0, stdout=io.StringIO())
    imported = only_post(topic)
    typed.refresh_from_db()
    for name, limit in (("title", 500), ("site_name", 200), ("author", 200)):
        assert len(getattr(typed, name)) <= limit
        assert getattr(imported, name) == getattr(typed, name), name


def test_a_post_in_memory_is_shaped_without_a_query(django_assert_num_queries: Any) -> None:
    post = Post(title=TITLE, url=URL, summary=SUMMARY, insight=INSIGHT, via="v" * 300)
    with django_assert_num_queries(0):
        written = shape_post(post)
    assert {"slug", "normalized_url", "insight_html"} <= written
    assert (post.slug, post.normalized_url, len(post.via)) == (
        "edit-post",
        EXPECTED["normalized_url"],
        200,
    )


def test_one_list_of_editable_fields_for_the_form_the_api_and_the_service() -> None:
    assert set(services.EDITABLE_FIELDS) == set(EDITABLE_FIELDS)
    assert list(PostForm.Meta.fields) == list(EDITABLE_FIELDS)
    assert set(FIELD_NAMES.values()) == set(EDITABLE_FIELDS)
    # Every API name maps to a field of the update schema.
    assert set(FIELD_NAMES) == set(PostUpdateIn.model_fields) - {"tags"}
