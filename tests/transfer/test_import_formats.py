"""Each import format: what it gives, re-imports that change nothing, refusals that name the
line or item and leave nothing behind, and the format guesser."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from glaneur.audience.models import Comment
from glaneur.curation.models import Post, PostTag, Topic
from glaneur.transfer.errors import ImportFailed
from glaneur.transfer.exporters import export_topic
from glaneur.transfer.importers import guess_format
from glaneur.transfer.services import import_file
from tests.factories import make_posts, make_topic

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


def load(fixtures_dir: Path, name: str) -> bytes:
    return (fixtures_dir / name).read_bytes()


def posts_of(topic: Topic) -> dict[str, Post]:
    return {p.title: p for p in Post.objects.filter(topic=topic).prefetch_related("tags")}


def tags_of(post: Post) -> list[str]:
    return [pt.tag.name for pt in PostTag.objects.filter(post=post).order_by("id")]


def snapshot() -> list[tuple[Any, ...]]:
    return sorted(
        Post.objects.values_list("pk", "title", "url", "summary", "insight", "updated_at")
    ) + sorted(PostTag.objects.values_list("post_id", "tag_id"))


# --- Netscape bookmarks ---------------------------------------------------------------


def test_browser_bookmarks_give_posts_with_tags_dates_and_descriptions(
    topic: Topic, fixtures_dir: Path
) -> None:
    report = import_file(load(fixtures_dir, "bookmarks-firefox.html"), topic=topic, by=None)
    assert report.created_posts == 3
    posts = posts_of(topic)
    salon = posts["Salon de l'emploi à Poitiers"]
    assert salon.url.startswith("https://www.francetravail.fr/actualites/")
    assert "utm_source" not in salon.normalized_url
    assert tags_of(salon) == ["emploi", "salon"]
    assert salon.curated_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert salon.summary == "Rencontres entre recruteurs et candidats & ateliers CV."
    assert salon.curated_by == topic.owner
    agen = posts["Agen : la Garantie jeunes"]
    assert agen.summary == "Accompagnement intensif des 16-25 ans\nvers l'emploi."
    assert tags_of(agen) == ["jeunes", "insertion"]
    assert posts["Observatoire régional — chiffres clés 2024"].summary == ""
    # place: and javascript: links are not web pages: skipped, and said so.
    assert any("lines 17, 18" in message for message in report.messages)


def test_linkding_notes_become_the_insight_and_private_bookmarks_drafts(
    topic: Topic, fixtures_dir: Path
) -> None:
    import_file(load(fixtures_dir, "bookmarks-linkding.html"), topic=topic, by=None)
    posts = posts_of(topic)
    bilan = posts["L'apprentissage en 2024"]
    assert bilan.summary == "Un bilan chiffré de l'apprentissage."
    assert bilan.insight == "À relayer auprès des **CFA** de la région."
    assert "<strong>CFA</strong>" in bilan.insight_html
    assert posts["Note interne"].status == Post.Status.DRAFT


def test_pocket_html_export_is_read_as_bookmarks(topic: Topic, fixtures_dir: Path) -> None:
    data = load(fixtures_dir, "pocket.html")
    assert guess_format(data) == "netscape"
    report = import_file(data, topic=topic, by=None)
    assert report.created_posts == 3
    assert tags_of(posts_of(topic)["Se reconvertir à 45 ans"]) == ["reconversion", "emploi"]


# --- RSS and Atom ---------------------------------------------------------------------


def test_rss_items_become_posts_with_text_summaries_and_no_html(
    topic: Topic, fixtures_dir: Path
) -> None:
    report = import_file(load(fixtures_dir, "feed-rss.xml"), topic=topic, by=None)
    assert report.created_posts == 2
    gironde = posts_of(topic)["Gironde, les déchets comme gisement d’emplois"]
    assert gironde.summary == "Le secteur des déchets recrute.\n\nDeuxième paragraphe & fin."
    assert "<" not in gironde.summary and "alert" not in gironde.summary
    assert "Texte intégral" in gironde.main_text
    assert gironde.author == "Marie Dupont"
    assert gironde.image_url == "https://www.cap-metiers.pro/images/dechets.jpg"
    assert gironde.curated_at == datetime(2019, 3, 15, 4, 42, tzinfo=PARIS)
    assert gironde.import_key == "feed:cap-metiers-4242"
    assert tags_of(gironde) == ["économie circulaire", "emploi"]
    agen = posts_of(topic)["Agen, la clé d’un accompagnement réussi"]
    assert agen.image_url == "https://www.cap-metiers.pro/images/agen.png"


def test_atom_entries_become_posts(topic: Topic, fixtures_dir: Path) -> None:
    data = load(fixtures_dir, "feed-atom.xml")
    assert guess_format(data) == "feed"
    import_file(data, topic=topic, by=None)
    posts = posts_of(topic)
    entry = posts["L’apprentissage progresse"]
    assert entry.curated_at == datetime(2024, 5, 2, 6, 30, tzinfo=UTC)
    assert entry.summary == "Plus de contrats signés."
    assert entry.author == "Jean Martin"
    # No published date: the updated date stands in.
    assert posts["Les CFA recrutent"].curated_at == datetime(2024, 5, 3, 9, 0, tzinfo=UTC)


# --- CSV ------------------------------------------------------------------------------


def test_csv_columns_map_to_post_fields(topic: Topic, fixtures_dir: Path) -> None:
    report = import_file(load(fixtures_dir, "posts.csv"), topic=topic, by=None)
    assert report.created_posts == 3
    posts = posts_of(topic)
    forum = posts["Forum emploi de Niort"]
    assert forum.summary == "Un forum, des recruteurs."
    assert forum.insight == "À voir : **100 offres**."
    assert tags_of(forum) == ["emploi", "forum"]
    assert forum.curated_at == datetime(2024, 5, 1, 7, 30, tzinfo=UTC)
    assert forum.source_published_at == datetime(2024, 4, 30, tzinfo=PARIS)
    assert forum.pinned and forum.import_key == "forum-niort"
    assert (forum.author, forum.site_name) == ("Marie Dupont", "example.org")
    note = posts["Note sans lien"]
    assert note.url == "" and note.status == Post.Status.DRAFT
    assert note.insight == "Ligne 1\nligne 2"
    assert note.curated_at == datetime(2024, 5, 1, 14, 30, tzinfo=PARIS)
    salon = posts["Salon"]
    assert tags_of(salon) == ["emploi", "salon"]  # Pocket's '|' separator
    assert salon.curated_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)  # a Unix timestamp
    assert salon.image_url == "" and salon.via == "Pôle emploi"


def test_csv_from_a_french_spreadsheet_semicolons_and_windows_1252(
    topic: Topic, fixtures_dir: Path
) -> None:
    data = load(fixtures_dir, "posts-excel-fr.csv")
    assert guess_format(data) == "csv"
    report = import_file(data, topic=topic, by=None)
    assert report.created_posts == 2
    salon = posts_of(topic)["Salon des métiers"]
    assert salon.summary == "Métiers de l’industrie"
    assert salon.curated_at == datetime(2024, 5, 3, 10, 0, tzinfo=PARIS)
    assert any("Windows-1252" in message for message in report.messages)


def test_csv_curator_must_be_a_member_else_the_importer_is_credited(
    topic: Topic, curator: Any
) -> None:
    get_user_model().objects.create_user("intrus")
    data = (
        b"url,title,curated_by\nhttps://example.org/a,A,intrus\nhttps://example.org/b,B,curator\n"
    )
    import_file(data, topic=topic, by=None)
    posts = posts_of(topic)
    assert posts["A"].curated_by == topic.owner
    assert posts["B"].curated_by == curator


def test_our_csv_export_imports_back_formula_cells_included(topic: Topic) -> None:
    make_posts(topic, 3)
    Post.objects.filter(topic=topic).update(title='=HYPERLINK("https://evil.example")')
    first = Post.objects.filter(topic=topic).order_by("pk")[:1]
    Post.objects.filter(pk__in=first).update(title="-20 %")
    exported = export_topic(topic, "csv", base_url="https://x.example").content
    assert b"'=HYPERLINK" in exported and b"'-20 %" in exported
    target = make_topic(topic.owner)
    report = import_file(exported, topic=target, by=None)
    assert report.created_posts == 3
    titles = sorted(Post.objects.filter(topic=target).values_list("title", flat=True))
    assert titles == sorted(Post.objects.filter(topic=topic).values_list("title", flat=True))


# --- Scoop.it API JSON ----------------------------------------------------------------


def test_scoopit_api_posts_keep_dates_insight_tags_images_and_views(
    topic: Topic, fixtures_dir: Path
) -> None:
    data = load(fixtures_dir, "scoopit-api.json")
    assert guess_format(data) == "scoopit"
    report = import_file(data, topic=topic, by=None, trusted=True)
    assert report.created_posts == 3
    posts = posts_of(topic)
    apee = posts["L’APEE de Poitiers, agir pour la pérennité des entreprises"]
    assert apee.curated_at == datetime(2019, 3, 26, 10, 26, tzinfo=UTC)
    assert apee.source_published_at == datetime(2019, 3, 25, 16, 0, tzinfo=UTC)
    assert apee.summary == "En matière de création d’entreprises, la Vienne se porte bien."
    assert apee.insight == (
        "Un dispositif **à suivre** : [le site](https://apee.example.org/).\n\nSecond paragraphe."
    )
    assert "script" not in apee.insight_html and "onclick" not in apee.insight_html
    assert '<a href="https://apee.example.org/"' in apee.insight_html
    assert apee.image_url == "https://img.scoop.it/large.jpg"
    assert apee.historical_views == 321
    assert apee.import_key == "scoopit-api:11001"
    assert tags_of(apee) == ["création d'entreprise", "Vienne"]
    assert apee.curated_by is not None and apee.curated_by.username == "cap-metiers-na"
    note = posts["Note de veille sans lien"]
    assert note.url == "" and note.summary == "Une « note » du curateur."
    assert note.curated_by is not None and note.curated_by.first_name == "Élise Durand"
    assert not note.curated_by.has_usable_password()
    assert posts["À la une : le rallye des métiers"].pinned


def test_an_uploaded_scoopit_file_creates_no_account_and_credits_the_importer(
    topic: Topic, fixtures_dir: Path, curator: Any
) -> None:
    users = get_user_model().objects.count()
    report = import_file(load(fixtures_dir, "scoopit-api.json"), topic=topic, by=curator)
    assert get_user_model().objects.count() == users
    assert set(Post.objects.values_list("curated_by", flat=True)) == {curator.pk}
    assert any("cap-metiers-na" in message for message in report.messages)


# --- every format: idempotent re-import, format guessing ------------------------------

ALL_FIXTURES = {
    "bookmarks-firefox.html": "netscape",
    "bookmarks-linkding.html": "netscape",
    "pocket.html": "netscape",
    "feed-rss.xml": "feed",
    "feed-atom.xml": "feed",
    "posts.csv": "csv",
    "posts-excel-fr.csv": "csv",
    "scoopit-api.json": "scoopit",
}


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_reimporting_the_same_file_changes_nothing(
    topic: Topic, fixtures_dir: Path, name: str
) -> None:
    data = load(fixtures_dir, name)
    first = import_file(data, topic=topic, by=None)
    assert first.created_posts > 0
    before = snapshot()
    again = import_file(data, topic=topic, by=None)
    assert again.created_posts == 0
    assert again.skipped_posts == first.created_posts
    assert snapshot() == before


@pytest.mark.parametrize(("name", "expected"), ALL_FIXTURES.items())
def test_the_format_is_guessed_from_the_content(
    fixtures_dir: Path, name: str, expected: str
) -> None:
    assert guess_format(load(fixtures_dir, name)) == expected


def test_a_glaneur_export_is_guessed_as_json(topic: Topic) -> None:
    make_posts(topic, 2)
    assert guess_format(export_topic(topic, "json", base_url="").content) == "json"


@pytest.mark.parametrize(
    "content",
    [b"", b"   \n", b"just some words\n", b'{"hello": "world"}', b"<html><body>page</body></html>"],
)
def test_unknown_content_is_refused_at_line_1(content: bytes) -> None:
    with pytest.raises(ImportFailed) as failure:
        guess_format(content)
    assert failure.value.line == 1


# --- refusals name the line or item and leave nothing behind --------------------------

SCOOPIT_NO_DATE = b'{"curatedPosts": [{"curationDate": 1, "title": "a"}, {"title": "x"}]}'
SCOOPIT_BAD_DATE = b'{"curatedPosts": [{"curationDate": "yesterday", "title": "x"}]}'
JSON_NO_TITLE = b'{"format": "glaneur", "version": 1, "posts": [{"title": "ok"}, {"url": "x"}]}'
JSON_SYNTAX = b'{"format": "glaneur", "version": 1,\n "posts": [\n{"title": "ok",}]}'
BAD_FILES: list[tuple[str, bytes, int | None, int | None, str]] = [
    ("csv", b"url,title\nhttps://example.org/a,A\nnot a url,B\n", 3, 2, "not a web address"),
    ("csv", b"title,summary\n,lonely summary\n", 2, 1, "neither a url nor a title"),
    ("csv", b"url,title,status\nhttps://example.org/a,A,publish-me\n", 2, 1, "status"),
    ("csv", b"url,title\nhttps://example.org/a,A,extra\n", 2, 1, "3 cells"),
    ("csv", b"name_of_thing,other\nx,y\n", 1, None, "url or title"),
    ("feed", b"<rss><channel><item><link>ftp://x</link></item></channel></rss>", None, 1, "web"),
    ("scoopit", SCOOPIT_NO_DATE, None, 2, "curationDate"),
    ("scoopit", SCOOPIT_BAD_DATE, None, 1, "milli"),
    ("json", JSON_NO_TITLE, None, 2, "title"),
    ("json", JSON_SYNTAX, 3, None, "JSON"),
    ("json", b'{"format": "glaneur", "version": 9, "posts": []}', 1, None, "version"),
]  # fmt: skip


@pytest.mark.parametrize(("fmt", "content", "line", "item", "reason"), BAD_FILES)
def test_a_bad_file_is_refused_naming_its_line_or_item_and_nothing_is_saved(
    topic: Topic, fmt: str, content: bytes, line: int | None, item: int | None, reason: str
) -> None:
    before = Post.objects.count()
    with pytest.raises(ImportFailed) as failure:
        import_file(content, topic=topic, by=None, fmt=fmt)
    assert (failure.value.line, failure.value.item) == (line, item)
    assert reason in failure.value.reason
    assert Post.objects.count() == before


@pytest.mark.parametrize(
    ("name", "line", "item"),
    [
        ("bookmarks-bad-date.html", 6, 2),
        ("feed-broken.xml", 10, None),
        ("posts-bad-date.csv", 3, 2),
    ],
)
def test_bad_fixture_files_are_refused_and_nothing_is_saved(
    topic: Topic, fixtures_dir: Path, name: str, line: int, item: int | None
) -> None:
    with pytest.raises(ImportFailed) as failure:
        import_file(load(fixtures_dir, name), topic=topic, by=None)
    assert (failure.value.line, failure.value.item) == (line, item)
    assert str(failure.value).startswith(f"line {line}")
    assert not Post.objects.exists()


def test_a_json_post_with_a_bad_field_names_the_item_and_field(topic: Topic) -> None:
    make_posts(topic, 1)
    document = json.loads(export_topic(topic, "json", base_url="").content)
    document["posts"][0]["key"] = "other"
    document["posts"][0]["url"] = "https://example.org/elsewhere"
    document["posts"].append({**document["posts"][0], "key": "k2", "curated_at": "last week"})
    target = make_topic()
    with pytest.raises(ImportFailed) as failure:
        import_file(json.dumps(document).encode(), topic=target, by=None)
    assert failure.value.item == 2
    assert failure.value.reason.startswith("curated_at:")
    assert not Post.objects.filter(topic=target).exists()
    assert not Comment.objects.filter(post__topic=target).exists()


def test_posts_without_link_nor_key_are_recognised_by_their_text(topic: Topic) -> None:
    data = b"title,summary\nNote de veille,Texte\nAutre note,Autre texte\n"
    assert import_file(data, topic=topic, by=None).created_posts == 2
    again = import_file(data, topic=topic, by=None)
    assert (again.created_posts, again.skipped_posts) == (0, 2)


def test_imported_posts_are_found_by_search(
    topic: Topic, fixtures_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    from glaneur.search.queries import search

    with django_capture_on_commit_callbacks(execute=True):
        import_file(load(fixtures_dir, "feed-rss.xml"), topic=topic, by=None)
    hits = search("déchets", topic=topic).hits
    assert [hit.post.title for hit in hits] == ["Gironde, les déchets comme gisement d’emplois"]


def test_an_error_late_in_a_big_file_leaves_nothing_half_imported(topic: Topic) -> None:
    rows = [f"https://example.org/{i},Post {i}" for i in range(1500)]
    rows[1400] = "https://example.org/x,Bad,too,many"
    data = ("url,title\n" + "\n".join(rows)).encode()
    with pytest.raises(ImportFailed) as failure:
        import_file(data, topic=topic, by=None)
    assert failure.value.line == 1402
    assert not Post.objects.exists()
