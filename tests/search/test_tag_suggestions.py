"""Tag suggestions: the seed's posts and a held-back set of tagged posts, the topic's own
tags and vocabulary, the curator picks on the edit page, ``glaneur tags suggest``."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

import glaneur
from glaneur.curation import services
from glaneur.curation.models import Post, Topic
from glaneur.search.tag_suggestions import suggest_tags
from glaneur.transfer.services import import_scoopit

pytestmark = pytest.mark.django_db

SEED = Path(glaneur.__file__).parent / "data" / "scoopit-topic-initiatives-locales.txt"
HELD_OUT = Path(__file__).parent.parent / "fixtures" / "tags" / "heldout.json"
# The tags the seed's curator would give each post (any one of them in the top 5 counts).
SEED_TAGS = {
    "L’APEE de Poitiers": {"création d'entreprise", "quartiers prioritaires"},
    "Agen, la clé": {"insertion", "jeunes", "mission locale"},
    "Gironde, les déchets": {"économie circulaire"},
    "Deux-Sèvres, un circuit": {"aide à domicile", "orientation", "découverte des métiers"},
}


def top_names(post: Post, n: int = 5) -> list[str]:
    return [s.name for s in suggest_tags(post)[:n]]


def hit_rate(pairs: list[tuple[Post, set[str]]], capsys: Any, label: str) -> int:
    hits = 0
    with capsys.disabled():
        print(f"\n{label}:")
        for post, wanted in pairs:
            names = top_names(post)
            hit = bool(wanted & set(names))
            hits += hit
            print(f"  {'✓' if hit else '✗'} {post.title[:50]!r}: {names} (wanted {sorted(wanted)})")
        print(f"  {hits}/{len(pairs)} posts with a curator's tag in the top 5")
    return hits


def test_the_seeds_future_tags_are_among_the_top_five(capsys: Any) -> None:
    topic = import_scoopit(SEED.read_text(encoding="utf-8"), source=SEED.name).topic
    pairs = []
    for post in Post.objects.filter(topic=topic):
        (wanted,) = [tags for start, tags in SEED_TAGS.items() if post.title.startswith(start)]
        pairs.append((post, wanted))
    assert hit_rate(pairs, capsys, "seed") >= 3


def test_held_back_posts_get_their_tags_among_the_top_five(
    topic: Topic, curator: Any, capsys: Any
) -> None:
    items = json.loads(HELD_OUT.read_text("utf-8"))["posts"]
    pairs = [
        (
            services.create_post(topic, by=curator, title=i["title"], summary=i["summary"]),
            set(i["tags"]),
        )
        for i in items
    ]
    assert len(pairs) >= 8
    assert hit_rate(pairs, capsys, "held-back") >= 6


def test_the_topics_tags_and_vocabulary_come_first_and_tags_held_are_not_offered(
    topic: Topic, curator: Any
) -> None:
    services.create_post(topic, by=curator, title="Nouvel'R recrute", tags="Nouvel'R")
    topic.tag_vocabulary = "filière bois: bois, scierie, forestier, bûcheron"
    topic.save()
    post = services.create_post(
        topic,
        by=curator,
        title="Nouvel'R ouvre une scierie",
        summary="La scierie de Nouvel'R forme des bûcherons et des forestiers.",
        tags="insertion",
    )
    names = top_names(post)
    assert "Nouvel'R" in names and "filière bois" in names
    assert "insertion" not in names  # the post has it already
    assert "économie circulaire" not in {s.name for s in suggest_tags(post, limit=50)}


def test_the_curator_picks_suggestions_on_the_edit_page(topic: Topic, curator: Any) -> None:
    post = services.create_post(
        topic,
        by=curator,
        title="Les apprentis du CFA en alternance",
        summary="L'apprentissage attire : les apprentis du CFA alternent école et entreprise.",
    )
    assert not post.tags.exists()  # nothing is added by itself
    client = Client()
    client.force_login(curator)
    url = reverse("curation:post-edit", args=[topic.slug, post.pk])
    page = client.get(url).content.decode()
    assert 'name="add_tags" value="apprentissage"' in page
    form = {
        "title": post.title,
        "url": "",
        "summary": post.summary,
        "insight": "",
        "image_url": "",
        "site_name": "",
        "author": "",
        "source_published_at": "",
        "tags": "",
        "publish_at": "",
        "action": "save",
        "add_tags": ["apprentissage"],
    }
    assert client.post(url, form).status_code == 302
    assert [t.name for t in Post.objects.get(pk=post.pk).tags.all()] == ["apprentissage"]


def test_the_command_prints_suggestions(topic: Topic, curator: Any) -> None:
    post = services.create_post(
        topic, by=curator, title="Économie circulaire : une recyclerie", summary="Réemploi."
    )
    out = StringIO()
    call_command("tags", "suggest", str(post.pk), "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert rows[0]["name"] == "économie circulaire" and rows[0]["why"] == "theme"


def test_words_the_model_did_not_tag_as_nouns_or_adjectives_make_no_tag(
    topic: Topic, curator: Any
) -> None:
    from glaneur.enrich.models import Analysis

    text = (
        "Les conseillers accompagnent les saisonniers. Ils accompagnent aussi les familles "
        "des saisonniers, et accompagnent les employeurs des saisonniers."
    )
    post = services.create_post(topic, by=curator, title="Vendanges", summary=text)
    words = {s.name for s in suggest_tags(post) if s.why == "words"}
    assert "accompagnent" in words and "saisonniers" in words  # frequency alone
    # The enrich step's model tagged the nouns and adjectives: the verb is left out.
    Analysis.objects.create(
        post=post,
        version=2,
        text_hash="x",
        keywords=["conseillers", "saisonniers", "familles", "employeurs", "vendanges"],
    )
    words = {s.name for s in suggest_tags(post) if s.why == "words"}
    assert "saisonniers" in words
    assert not [w for w in words if "accompagnent" in w]
    assert "vendanges vendanges" not in words  # the title repeated is no pair
