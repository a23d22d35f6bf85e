"""Searching posts: French and English stemming, the query language, visibility, ranking,
snippets. The same tests run on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from glaneur.curation.models import Membership, Post, Topic
from glaneur.search.services import search
from tests.factories import add_member, make_topic, make_user

pytestmark = pytest.mark.django_db


def titles(query: str, **kwargs: Any) -> list[str]:
    return [hit.post.title for hit in search(query, **kwargs).hits]


@pytest.fixture
def corpus(topic: Topic, write_post: Callable[..., Post]) -> Topic:
    write_post(topic, "Gironde, les déchets comme gisement d’emplois", summary="Une filière.")
    write_post(
        topic,
        "Agen, la clé d’un accompagnement réussi",
        summary="Les formations de la mission locale préparent les jeunes.",
        tags=["Insertion"],
    )
    write_post(
        topic,
        "Les entreprises du bâtiment",
        summary="Elles recrutent des apprentis dans l'économie sociale.",
        tags=["Emploi des jeunes", "BTP"],
    )
    write_post(
        topic,
        "Hospitals are hiring nurses",
        summary="Training programmes for young people.",
        language="en",
    )
    return topic


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("formation", ["Agen, la clé d’un accompagnement réussi"]),
        # The title's "emplois" first, then the tag "Emploi des jeunes".
        (
            "emploi",
            ["Gironde, les déchets comme gisement d’emplois", "Les entreprises du bâtiment"],
        ),
        ("recrutement", ["Les entreprises du bâtiment"]),
        ("economie", ["Les entreprises du bâtiment"]),
        ("DÉCHET", ["Gironde, les déchets comme gisement d’emplois"]),
    ],
)
def test_french_stemming_and_accents(corpus: Topic, query: str, expected: list[str]) -> None:
    assert titles(query) == expected


def test_english_posts_are_stemmed_as_english(corpus: Topic) -> None:
    assert titles("hire") == ["Hospitals are hiring nurses"]
    assert titles("trained nurse") == ["Hospitals are hiring nurses"]


def test_quoted_phrase_needs_the_words_in_order(corpus: Topic) -> None:
    assert titles('"mission locale"') == ["Agen, la clé d’un accompagnement réussi"]
    assert titles('"locale mission"') == []


def test_tag_search_matches_the_tag_only(corpus: Topic) -> None:
    assert titles("#emploi-des-jeunes") == ["Les entreprises du bâtiment"]
    assert titles("#Insertion") == ["Agen, la clé d’un accompagnement réussi"]
    # "emplois" is in a title, but no post has a tag "emploi".
    assert titles("#emploi") == []


def test_excluded_word(corpus: Topic) -> None:
    assert set(titles("jeunes")) == {
        "Agen, la clé d’un accompagnement réussi",
        "Les entreprises du bâtiment",
    }
    assert titles("jeunes -apprentis") == ["Agen, la clé d’un accompagnement réussi"]


def test_or_and_parentheses(corpus: Topic) -> None:
    assert set(titles("déchets OR apprentis")) == {
        "Gironde, les déchets comme gisement d’emplois",
        "Les entreprises du bâtiment",
    }
    assert titles("(déchets OR apprentis) économie") == ["Les entreprises du bâtiment"]
    assert titles("(déchets OR apprentis) -(économie OR BTP)") == [
        "Gironde, les déchets comme gisement d’emplois"
    ]


@pytest.mark.parametrize(
    "query", ['"mission locale', "(formations", "formations)", "OR formations OR", "formations -"]
)
def test_malformed_queries_still_find(corpus: Topic, query: str) -> None:
    assert titles(query) == ["Agen, la clé d’un accompagnement réussi"]


@pytest.mark.parametrize("query", ["", "   ", "-", "OR", "()", '"', "!!!", "-jeunes", "de la"])
def test_empty_or_negative_only_queries_find_nothing(corpus: Topic, query: str) -> None:
    assert titles(query) == []


def test_private_topics_are_searched_only_by_their_members(
    corpus: Topic, write_post: Callable[..., Post]
) -> None:
    owner, member, stranger = make_user(), make_user(), make_user()
    private = make_topic(owner, title="Secret", visibility=Topic.Visibility.PRIVATE)
    add_member(private, member, Membership.Role.CONTRIBUTOR)
    write_post(private, "Plan social confidentiel")

    assert titles("confidentiel") == []
    assert titles("confidentiel", user=stranger) == []
    assert titles("confidentiel", user=member) == ["Plan social confidentiel"]
    assert titles("confidentiel", user=owner) == ["Plan social confidentiel"]


def test_a_superuser_searches_every_topic(write_post: Callable[..., Post]) -> None:
    private = make_topic(title="Secret", visibility=Topic.Visibility.PRIVATE)
    write_post(private, "Plan social confidentiel")
    assert titles("confidentiel", user=make_user(is_superuser=True)) == ["Plan social confidentiel"]
    assert titles("confidentiel", user=make_user()) == []


def test_a_hit_shows_the_post_its_topic_and_its_date(
    corpus: Topic, write_post: Callable[..., Post]
) -> None:
    post = write_post(corpus, "Forum des métiers", tags=["Orientation", "Emploi"])
    (hit,) = search("forum").hits
    assert hit.post.pk == post.pk
    assert hit.post.get_absolute_url() == post.get_absolute_url()
    assert hit.post.topic.get_absolute_url() == corpus.get_absolute_url()
    assert hit.post.topic.title == corpus.title
    assert hit.post.curated_at == post.curated_at  # aware, on SQLite too
    assert [tag.name for tag in hit.tags] == ["Emploi", "Orientation"]


def test_the_hit_query_is_planned_once_per_connection_on_postgresql(
    corpus: Topic, write_post: Callable[..., Post]
) -> None:
    member = make_user()
    add_member(corpus, member, Membership.Role.CONTRIBUTOR)
    pages = [search("emploi", user=user) for user in (None, None, member, member, member)]
    # The same hits whichever way the statement ran (first plain, then prepared).
    assert len({tuple(hit.post.pk for hit in page.hits) for page in pages}) == 1
    if connection.vendor == "postgresql":  # SQLite prepares every statement anyway
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            prepared = [row[0] for row in cursor.fetchall()]
        # One per kind of visibility rule met twice: anonymous, then a member's.
        assert len([text for text in prepared if "ANY(" in text and "array_agg" in text]) == 2


def test_unlisted_topics_are_left_out_of_the_global_search_but_not_their_own(
    write_post: Callable[..., Post],
) -> None:
    unlisted = make_topic(title="Discret", visibility=Topic.Visibility.UNLISTED)
    write_post(unlisted, "Chantier discret")
    assert titles("chantier") == []
    assert titles("chantier", topic=unlisted) == ["Chantier discret"]


def test_drafts_and_scheduled_posts_are_not_found(
    topic: Topic, write_post: Callable[..., Post]
) -> None:
    write_post(topic, "Brouillon sur la formation", status=Post.Status.DRAFT)
    write_post(topic, "Formation publiée")
    assert titles("formation", user=topic.owner) == ["Formation publiée"]


def test_topic_search_stays_in_its_topic(corpus: Topic, write_post: Callable[..., Post]) -> None:
    other = make_topic(title="Autre")
    write_post(other, "Formations ailleurs")
    assert titles("formations", topic=corpus) == ["Agen, la clé d’un accompagnement réussi"]
    assert titles("formations", topic=other) == ["Formations ailleurs"]
    assert len(titles("formations")) == 2


def test_a_title_match_ranks_above_a_body_match(
    topic: Topic, write_post: Callable[..., Post]
) -> None:
    write_post(
        topic,
        "Un salon à Pau",
        summary="On y parle d'insertion.",
        main_text="Le salon, le salon, le salon de l'orientation.",
    )
    write_post(topic, "Insertion des jeunes à Pau", summary="Un salon.")
    write_post(topic, "Rien à voir", summary="Vraiment rien.")
    assert titles("insertion") == ["Insertion des jeunes à Pau", "Un salon à Pau"]
    hits = search("insertion").hits
    assert hits[0].rank > hits[1].rank


def test_snippets_are_escaped_and_highlighted(
    topic: Topic, write_post: Callable[..., Post]
) -> None:
    write_post(
        topic,
        "Sécurité <b>web</b>",
        summary='Un article sur <script>alert("x")</script> et la formation.',
    )
    hit = search("formations").hits[0]
    assert "<script>" not in hit.snippet_html
    assert "&lt;script&gt;" in hit.snippet_html
    assert "<mark>formation</mark>" in hit.snippet_html
    assert str(hit.title_html) == "Sécurité &lt;b&gt;web&lt;/b&gt;"
    hit = search("web").hits[0]
    assert str(hit.title_html) == "Sécurité &lt;b&gt;<mark>web</mark>&lt;/b&gt;"


def test_a_snippet_from_the_insight_shows_its_text_not_its_markup(
    topic: Topic, write_post: Callable[..., Post]
) -> None:
    write_post(
        topic,
        "Salon",
        summary="Rien ici.",
        insight="Un **atelier** de [réparation](https://example.org/a?b=1&c=2) & d'orientation.",
    )
    snippet = str(search("réparation").hits[0].snippet_html)
    assert "<mark>réparation</mark>" in snippet
    assert "atelier" in snippet and "&amp; d&#x27;orientation" in snippet
    assert "<strong>" not in snippet and "&lt;" not in snippet and "href" not in snippet


def test_snippet_is_taken_around_the_match_in_a_long_text(
    topic: Topic, write_post: Callable[..., Post]
) -> None:
    filler = " ".join(["remplissage"] * 200)
    write_post(topic, "Long", main_text=f"{filler} le mot rarissime arrive. {filler}")
    snippet = str(search("rarissime").hits[0].snippet_html)
    assert "<mark>rarissime</mark>" in snippet
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert len(snippet) < 600


def test_pages_follow_each_other(topic: Topic, write_post: Callable[..., Post]) -> None:
    for n in range(5):
        write_post(topic, f"Formation numéro {n}")
    first = search("formation", page=1, per_page=2)
    second = search("formation", page=2, per_page=2)
    third = search("formation", page=3, per_page=2)
    assert first.has_next and second.has_next and not third.has_next
    seen = [hit.post.pk for page in (first, second, third) for hit in page.hits]
    assert len(seen) == len(set(seen)) == 5


def test_hidden_posts_ranked_first_do_not_crowd_out_visible_ones(
    topic: Topic, write_post: Callable[..., Post]
) -> None:
    from glaneur.search.services import index_posts
    from tests.factories import make_posts

    drafts = make_posts(topic, 120, tags_per_post=0)
    Post.objects.filter(pk__in=[p.pk for p in drafts]).update(
        status=Post.Status.DRAFT, title="Orientation orientation"
    )
    index_posts(p.pk for p in drafts)
    write_post(topic, "Un forum", main_text="On y parle d'orientation.")
    assert titles("orientation") == ["Un forum"]
