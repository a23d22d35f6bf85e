"""The Scoop.it page parser: the seed capture, every text variant, errors, the HTML page."""

from datetime import datetime
from pathlib import Path

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from glaneur.transfer.scoopit import (
    ParsedTopic,
    ScoopitParseError,
    parse_scoopit,
    parse_scoopit_html,
    parse_scoopit_text,
)

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "src" / "glaneur" / "data" / "scoopit-topic-initiatives-locales.txt"
FIXTURES = ROOT / "tests" / "fixtures" / "scoopit"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def parse_file(path: Path) -> ParsedTopic:
    return parse_scoopit(path.read_text(encoding="utf-8"))


# --- the seed capture -------------------------------------------------------------------


def test_the_seed_gives_the_topic_header():
    topic = parse_file(SEED)
    assert topic.title == "Initiatives locales et paroles d'acteurs"
    assert topic.views_total == 54700
    assert topic.views_today == 19
    assert topic.curator == "Cap Métiers NA"
    assert topic.popular_tags == []
    # The header repeats the title; a repeat is not a description.
    assert topic.description == ""


def test_the_seed_gives_four_posts_in_page_order():
    topic = parse_file(SEED)
    assert [post.title for post in topic.posts] == [
        "L’APEE de Poitiers, agir pour la pérennité des entreprises",
        "Agen, la clé d’un accompagnement réussi",
        "Gironde, les déchets comme gisement d’emplois",
        "Deux-Sèvres, un circuit pour découvrir les métiers de service à la personne",
    ]
    assert [post.curated_at for post in topic.posts] == [
        datetime(2019, 3, 26, 11, 26),
        datetime(2019, 2, 15, 4, 56),
        datetime(2019, 3, 15, 4, 42),
        datetime(2019, 2, 1, 3, 32),
    ]
    assert [post.line for post in topic.posts] == [10, 35, 62, 90]


def test_seed_posts_are_scooped_by_the_curator_without_url_comments_or_insight():
    for post in parse_file(SEED).posts:
        assert post.curated_by == "Cap Métiers NA"
        assert post.url is None
        assert post.site_name == ""
        assert post.rescooped_from is None
        assert post.via is None
        assert post.insight == ""
        assert post.tags == []
        assert post.image_url is None
        assert post.comments == []


def test_seed_summaries_start_with_the_curated_text():
    starts = [
        "En matière de création d’entreprises, les quartiers dits « politique de la ville »",
        "Le cœur de métier d’une mission locale est le suivi des jeunes de 16 à 25 ans.",
        "« Transformer les déchets en ressources, et les ressources en emplois».",
        "Donner un nouvel éclairage sur les métiers de service à la personne",
    ]
    for post, start in zip(parse_file(SEED).posts, starts, strict=True):
        assert post.summary.startswith(start)
        assert " | Scoop.it" not in post.summary
        assert "No comment yet." not in post.summary


def test_seed_summaries_keep_paragraphs_and_trim_non_breaking_spaces():
    first = parse_file(SEED).posts[0]
    paragraphs = first.summary.split("\n\n")
    assert len(paragraphs) == 9
    assert paragraphs[0].endswith("(40% contre 30%).")
    assert all(p == p.strip() for p in paragraphs)


def test_the_third_seed_post_keeps_the_partners_paragraph():
    third = parse_file(SEED).posts[2]
    paragraphs = third.summary.split("\n\n")
    assert paragraphs[-1].startswith("Les partenaires de Nouvel’R : EDF, Arrêt Minute")
    assert paragraphs[-1].endswith("(St Denis de Pile).")
    # Lines holding only a non-breaking space separate paragraphs.
    assert paragraphs[1].startswith("Nouvel’R est le résultat d’une réflexion")


def test_a_photo_credit_belongs_to_the_summary():
    second = parse_file(SEED).posts[1]
    assert second.summary.endswith("\n\nPhoto : Peoplecreations / Freepik.")


def test_parse_scoopit_reads_the_seed_as_text():
    text = SEED.read_text(encoding="utf-8")
    assert parse_scoopit(text) == parse_scoopit_text(text)


# --- the text variants ------------------------------------------------------------------


@pytest.fixture
def variants() -> ParsedTopic:
    return parse_file(FIXTURES / "variants.txt")


def test_variants_header_gives_views_curator_description_and_popular_tags(variants):
    assert variants.title == "Emploi et territoires : la veille"
    assert variants.views_total == 1234
    assert variants.views_today == 7
    assert variants.curator == "Cap Métiers NA"
    assert variants.description == (
        "Ce que disent les acteurs locaux de l'emploi et de la formation."
    )
    assert variants.popular_tags == ["insertion", "mission locale", "économie circulaire"]
    assert len(variants.posts) == 4


def test_scooped_by_with_an_exclamation_mark(variants):
    post = variants.posts[0]
    assert post.curated_by == "Cap Métiers NA"
    assert post.rescooped_from is None
    assert post.curated_at == datetime(2019, 3, 26, 11, 26)
    assert post.title == "Un premier article, scoopé avec un point d'exclamation"


def test_summary_lines_and_whitespace_only_separators(variants):
    assert variants.posts[0].summary == (
        "Premier paragraphe du résumé.\n"
        "Suite du premier paragraphe, sur une deuxième ligne.\n\n"
        "Deuxième paragraphe du résumé.\n\n"
        "Photo : Jean Dupont / Freepik."
    )


def test_insight_paragraphs_without_the_tags_line(variants):
    post = variants.posts[0]
    assert post.insight == "Un regard du curateur sur l'article.\n\nSecond paragraphe de l'insight."
    assert post.tags == ["insertion", "jeunes"]
    assert post.comments == []


def test_rescooped_post_with_via_insight_and_comments(variants):
    post = variants.posts[1]
    assert post.curated_by == "Marie Curie"
    assert post.rescooped_from == "Veille formation"
    assert post.curated_at == datetime(2019, 2, 15, 16, 56)
    assert post.via == "Jean Veilleur"
    assert post.summary == "Texte du résumé rescoopé."
    # A typographic apostrophe is accepted in "<curator>’s insight:".
    assert post.insight == "Insight sans étiquettes."
    assert post.tags == []


def test_comment_entries_and_curator_insights(variants):
    comment, curator_insight = variants.posts[1].comments
    assert comment.author == "Paul Martin"
    assert comment.posted_at == datetime(2019, 3, 16, 9, 5)
    assert comment.text == "Très intéressant.\n\nMerci pour le partage."
    assert comment.is_curator_insight is False
    assert curator_insight.author == "Cap Métiers NA"
    assert curator_insight.posted_at == datetime(2019, 3, 17, 12, 0)
    assert curator_insight.text == "À relayer auprès des conseillers."
    assert curator_insight.is_curator_insight is True


def test_french_date_and_see_on_site(variants):
    post = variants.posts[2]
    assert post.curated_at == datetime(2019, 3, 26, 11, 26)
    assert post.site_name == "www.exemple.fr"
    assert post.summary == "Résumé en français."


def test_title_taken_from_the_repeat_line_and_semicolon_tags(variants):
    post = variants.posts[3]
    assert post.title == "Titre seulement dans la ligne répétée"
    assert post.curated_at == datetime(2019, 1, 1, 0, 5)  # 12:05 AM
    assert post.insight == ""
    assert post.tags == ["orientation", "formation continue"]
    assert post.summary.startswith("Résumé d'un article")
    assert "loading" not in post.summary


def header_then_one_post(header: str, *, curators: tuple[str, ...] = ("Ana",)) -> str:
    posts = "".join(
        f"Scooped by {who}\nMarch 26, 2019 11:26 AM\nScoop.it!\n\nTitre {i}\n\nTexte.\n"
        "No comment yet.\n"
        for i, who in enumerate(curators)
    )
    return f"Sujet\n{header}\nFollow\n{posts}"


@pytest.mark.parametrize(
    ("header", "total", "today"),
    [
        ("54.7K views | +19 today", 54700, 19),
        ("1,234 views | +1,2K today", 1234, 1200),
        ("1.2M views", 1200000, 0),
        ("999 views | +0 today", 999, 0),
        ("54,7K vues | +3 aujourd'hui", 54700, 3),
    ],
)
def test_view_counters(header, total, today):
    topic = parse_scoopit_text(header_then_one_post(header))
    assert (topic.views_total, topic.views_today) == (total, today)


def test_curator_is_the_most_frequent_scooper_when_not_stated():
    text = header_then_one_post("3 views", curators=("Bob", "Ana", "Ana"))
    assert parse_scoopit_text(text).curator == "Ana"


def test_stated_curator_wins_over_the_scoopers():
    text = header_then_one_post("Curated by Zoé", curators=("Ana", "Ana"))
    assert parse_scoopit_text(text).curator == "Zoé"


def test_windows_line_endings_and_a_byte_order_mark():
    text = "\ufeff" + header_then_one_post("5 views").replace("\n", "\r\n")
    topic = parse_scoopit_text(text)
    assert topic.title == "Sujet"
    assert topic.posts[0].title == "Titre 0"


# --- malformed input --------------------------------------------------------------------


def assert_fails(text: str, line: int, *words: str) -> ScoopitParseError:
    with pytest.raises(ScoopitParseError) as caught:
        parse_scoopit_text(text)
    error = caught.value
    assert error.line == line, str(error)
    assert str(error) == f"line {line}: {error.reason}"
    for word in words:
        assert word in error.reason
    return error


def test_the_error_is_a_value_error_with_line_and_reason():
    error = ScoopitParseError(12, "what went wrong")
    assert isinstance(error, ValueError)
    assert (error.line, error.reason, str(error)) == (
        12,
        "what went wrong",
        "line 12: what went wrong",
    )


def test_an_empty_file_fails_at_line_1():
    assert_fails("", 1, "empty")
    assert_fails(" \n\u00a0\n\t\n", 1, "empty")


def test_a_file_without_topic_title_fails_where_the_first_content_is():
    assert_fails("\n\nScooped by Ana\nMarch 26, 2019 11:26 AM\nTitre\n", 3, "topic title")
    text = "54.7K views | +19 today\nFollow\nScooped by Ana\nScoop.it!\n\nTitre\n"
    assert_fails(text, 1, "topic title", "54.7K views")


def test_a_file_without_any_post_fails_at_its_end():
    assert_fails("Sujet\n54.7K views | +19 today\nFollow\n", 4, "without a post")


def test_a_post_without_a_date_is_kept_without_one():
    topic = parse_scoopit_text("Sujet\n3 views\nScooped by Ana\nScoop.it!\n\nTitre\n\nTexte.\n")
    post = topic.posts[0]
    assert (post.title, post.curated_by, post.curated_at, post.summary) == (
        "Titre",
        "Ana",
        None,
        "Texte.",
    )
    assert topic.skipped == []


def test_a_post_without_the_scoop_it_button_line_keeps_its_title():
    topic = parse_scoopit_text("Sujet\nRescooped by Ana from Veille B!\n\nTitre\n\nTexte.\n")
    post = topic.posts[0]
    assert (post.title, post.rescooped_from, post.curated_at) == ("Titre", "Veille B", None)


def test_an_unreadable_date_is_reported_on_its_line_and_the_post_kept():
    text = header_then_one_post("3 views").replace("March 26, 2019", "Marchember 26, 2019")
    topic = parse_scoopit_text(text)
    assert [(p.title, p.curated_at) for p in topic.posts] == [("Titre 0", None)]
    assert [(s.line, s.last) for s in topic.skipped] == [(5, None)]
    assert "Marchember" in topic.skipped[0].reason and "not a date" in topic.skipped[0].reason
    topic = parse_scoopit_text(text.replace("Marchember 26", "February 30"))
    assert topic.posts[0].curated_at is None
    assert "February 30" in topic.skipped[0].reason


def test_a_long_line_is_quoted_shortened_in_the_reason():
    text = header_then_one_post("3 views").replace("March 26, 2019 11:26 AM", "x" * 500)
    topic = parse_scoopit_text(text)
    assert topic.posts[0].title == "Titre 0"
    assert topic.skipped[0].line == 5 and len(topic.skipped[0].reason) < 200


def test_a_post_alone_without_a_title_fails_on_its_line():
    assert_fails("Sujet\n3 views\nScooped by Ana\n\n", 3, "no title")
    text = "Sujet\nScooped by Ana\nMarch 26, 2019 11:26 AM\nScoop.it!\n\nNo comment yet.\n"
    assert_fails(text, 2, "no title")
    assert_fails("Sujet\nScooped by Ana\nMarch 26, 2019 11:26 AM\nScoop.it!\n\n", 2, "no title")


def test_a_post_without_a_title_is_skipped_and_reported_the_others_kept():
    text = (
        "Sujet\nScooped by Ana\nScooped by Bob\nMarch 26, 2019 11:26 AM\nTitre\n"
        "Scooped by Ana\nScoop.it!\n\nNo comment yet.\nScooped by Zoé\nScoop.it!\nAutre\n"
    )
    topic = parse_scoopit_text(text)
    assert [(p.title, p.curated_by) for p in topic.posts] == [("Titre", "Bob"), ("Autre", "Zoé")]
    assert [(s.line, s.last) for s in topic.skipped] == [(2, None), (6, 9)]
    assert all("no title" in s.reason for s in topic.skipped)


def test_a_capture_starting_inside_a_post_names_the_topic_from_its_posts():
    text = (
        "la fin d'un résumé.\nNo comment yet.\n"
        "Scooped by Ana\nScoop.it!\n\nTitre\n\nTitre | Ma veille | Scoop.it\nTexte.\n"
    )
    topic = parse_scoopit_text(text)
    assert (topic.title, topic.curator) == ("Ma veille", "Ana")
    assert [p.title for p in topic.posts] == ["Titre"]
    assert [(s.line, s.last) for s in topic.skipped] == [(1, 2)]
    assert "begins before the capture" in topic.skipped[0].reason


def test_a_capture_starting_at_a_post_title_keeps_that_post():
    text = (
        "Premier titre\n\nPremier titre | Ma veille | Scoop.it\nPremier texte.\n"
        "Ana's insight:\nÀ lire.\nNo comment yet.\n"
        "Scooped by Ana\nScoop.it!\n\nTitre\n\nTitre | Ma veille | Scoop.it\nTexte.\n"
    )
    topic = parse_scoopit_text(text)
    first = topic.posts[0]
    assert (first.title, first.summary, first.insight) == (
        "Premier titre",
        "Premier texte.",
        "À lire.",
    )
    assert first.curated_by == "Ana" and first.line == 1
    assert [p.title for p in topic.posts] == ["Premier titre", "Titre"]
    assert topic.skipped == []


def test_a_capture_starting_inside_a_post_without_any_topic_name_fails():
    assert_fails("la fin.\nNo comment yet.\nScooped by Ana\nScoop.it!\n\nTitre\n", 1, "topic")


def test_chrome_before_the_topic_title_is_skipped_and_reported():
    text = (
        "Log in\nSign up\nMa veille\n12 views\n"
        "Scooped by Ana\nScoop.it!\n\nTitre\n\nTitre | Ma veille | Scoop.it\nTexte.\n"
    )
    topic = parse_scoopit_text(text)
    assert (topic.title, topic.views_total) == ("Ma veille", 12)
    assert [(s.line, s.last) for s in topic.skipped] == [(1, 2)]


@pytest.mark.parametrize(
    "label",
    ["Marty Note", "Marty Note (lu au salon)", "Notre avis :", "L'avis de Cap Métiers NA :"],
)
def test_a_curators_own_insight_heading_opens_the_insight_and_is_kept(label):
    text = (
        "Sujet\nScooped by Martin (Marty) Smith\nScoop.it!\n\nTitre\n\n"
        f"Titre | Sujet | Scoop.it\nRésumé.\n\n{label}\n\nMon regard.\nNo comment yet.\n"
    )
    post = parse_scoopit_text(text).posts[0]
    assert (post.summary, post.insight) == ("Résumé.", f"{label}\n\nMon regard.")


def test_a_heading_naming_the_curator_repeated_in_posts_opens_the_insight():
    post = (
        "Scooped by Sylvie Lacoste\nScoop.it!\n\nTitre {n}\n\nTitre {n} | Sujet | Scoop.it\n"
        "Résumé {n}.\nLe mot de Sylvie\nRegard {n}.\nNo comment yet.\n"
    )
    topic = parse_scoopit_text("Sujet\n" + post.format(n=1) + post.format(n=2))
    assert [(p.summary, p.insight) for p in topic.posts] == [
        ("Résumé 1.", "Le mot de Sylvie\nRegard 1."),
        ("Résumé 2.", "Le mot de Sylvie\nRegard 2."),
    ]
    alone = parse_scoopit_text("Sujet\n" + post.format(n=1)).posts[0]
    assert alone.insight == "" and "Le mot de Sylvie" in alone.summary


def test_a_title_that_looks_like_a_heading_stays_the_title():
    text = "Sujet\nScooped by Ana\nScoop.it!\n\nAnalyse des besoins : les résultats\nTexte.\n"
    post = parse_scoopit_text(text).posts[0]
    assert (post.title, post.summary, post.insight) == (
        "Analyse des besoins : les résultats",
        "Texte.",
        "",
    )


def test_hashtag_lines_under_a_post_are_its_tags():
    text = "Sujet\nScooped by Ana\nScoop.it!\n\nTitre\nTexte.\n#emploi #formation continue\n"
    post = parse_scoopit_text(text).posts[0]
    assert (post.summary, post.tags) == ("Texte.", ["emploi", "formation continue"])


def test_custom_domain_repeat_lines_without_scoop_it():
    text = "Sujet\nScooped by Ana\nScoop.it!\n\nTitre\n\nTitre | Sujet |\nTexte.\n"
    post = parse_scoopit_text(text).posts[0]
    assert (post.title, post.summary) == ("Titre", "Texte.")


def test_text_after_a_posts_comments_is_reported():
    text = "Sujet\nScooped by Ana\nScoop.it!\n\nTitre\nTexte.\nNo comment yet.\nPub\nEncore\n"
    topic = parse_scoopit_text(text)
    assert topic.posts[0].summary == "Texte."
    assert [(s.line, s.last) for s in topic.skipped] == [(8, 9)]


def test_an_unreadable_view_counter_fails_on_its_line():
    assert_fails(header_then_one_post("1.2.3K views"), 2, "view counter")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_only_ever_raises_the_parse_error(text):
    line = 1
    try:
        parse_scoopit_text(text)
    except ScoopitParseError as error:
        line = error.line
    assert line >= 1


PAGE_LINES = [
    "",
    " ",
    "\u00a0",
    "Sujet",
    "54.7K views | +19 today",
    "1.2.3K views",
    "Follow",
    "Popular Tags",
    "Curated by Ana",
    "Scooped by Ana",
    "Scooped by Ana!",
    "Rescooped by Ana from Sujet B!",
    "March 26, 2019 11:26 AM",
    "26 mars 2019 11:26",
    "2019-03-26T11:26:00+01:00",
    "0001-01-01T00:00:00+05:00",
    "February 30, 2019 1:00 PM",
    "Scoop.it!",
    "Your new post is loading...",
    "Titre | Sujet | Scoop.it",
    " | Scoop.it",
    "Ana's insight:",
    "Ana's insight: tout de suite",
    "Tags: a, b.",
    "Tags:",
    "Via Bob",
    "See on www.exemple.fr",
    "No comment yet.",
    "Bob's comment, March 27, 2019 9:00 AM",
    "Bob's curator insight, 3 days ago",
    "Photo : X / Y.",
    "Un paragraphe de texte.",
]


@settings(max_examples=500, deadline=None)
@given(
    st.booleans(),
    st.lists(st.sampled_from(PAGE_LINES) | st.text(max_size=30), max_size=40),
)
def test_arbitrary_arrangements_of_page_lines_only_raise_the_parse_error(valid_start, lines):
    # Half of the examples start like a real page, to reach the post parser more often.
    start = ["Sujet", "Scooped by Ana", "March 26, 2019 11:26 AM"] if valid_start else []
    try:
        topic = parse_scoopit_text("\n".join(start + lines))
    except ScoopitParseError as error:
        topic, line = None, error.line
    if topic is None:
        assert line >= 1
    else:
        assert topic.posts
        assert all(post.title for post in topic.posts)


# --- the HTML page ----------------------------------------------------------------------


@pytest.fixture
def html_topic() -> ParsedTopic:
    return parse_file(FIXTURES / "topic.html")


def test_html_header(html_topic):
    assert html_topic.title == "Initiatives locales et paroles d'acteurs"
    assert html_topic.description == (
        "Ce que disent les acteurs locaux de l'emploi et de la formation."
    )
    assert html_topic.curator == "Cap Métiers NA"
    assert (html_topic.views_total, html_topic.views_today) == (54700, 19)
    assert html_topic.popular_tags == ["insertion", "mission locale"]


def test_html_posts_have_their_source_urls(html_topic):
    assert [(post.title, post.url) for post in html_topic.posts] == [
        (
            "L’APEE de Poitiers, agir pour la pérennité des entreprises",
            "https://www.example.org/actualites/apee-poitiers",
        ),
        (
            "Agen, la clé d’un accompagnement réussi",
            "http://www.example.net/agen-accompagnement",
        ),
    ]
    assert [post.site_name for post in html_topic.posts] == ["www.example.org", "www.example.net"]


def test_html_scooped_post(html_topic):
    post = html_topic.posts[0]
    assert post.curated_by == "Cap Métiers NA"
    assert post.curated_at == datetime(2019, 3, 26, 11, 26)
    assert post.rescooped_from is None
    assert post.image_url == "https://img.scoop.it/exempleApeePoitiers"
    assert post.summary.startswith("En matière de création d’entreprises")
    assert post.summary.count("\n\n") == 1
    assert post.comments == []
    assert post.line > 1


def test_html_rescooped_post_with_insight_tags_and_comments(html_topic):
    post = html_topic.posts[1]
    assert post.curated_by == "Marie Curie"
    assert post.rescooped_from == "Veille formation"
    assert post.curated_at == datetime(2019, 2, 15, 16, 56)
    assert post.via == "Jean Veilleur"
    assert post.summary == (
        "Le cœur de métier d’une mission locale est le suivi des jeunes de 16 à 25 ans.\n"
        "Mais il arrive que ce « droit commun » se révèle insuffisant.\n\n"
        "Photo : Peoplecreations / Freepik."
    )
    assert post.insight == "Une démarche à faire connaître aux conseillers."
    assert post.tags == ["accompagnement", "jeunes", "mission locale"]
    assert [(c.author, c.posted_at, c.is_curator_insight) for c in post.comments] == [
        ("Paul Martin", datetime(2019, 3, 16, 9, 5), False),
        ("Cap Métiers NA", datetime(2019, 3, 17, 12, 0), True),
    ]
    assert post.comments[0].text == "Très intéressant.\n\nMerci pour le partage."


def test_html_date_in_the_post_text_wins_over_a_comment_date():
    html = """<html><body><h1>Sujet</h1>
    <div id="post_1"><h2><a href="https://x.fr/a">Titre</a></h2>
      <p>Scooped by Ana March 26, 2019 11:26 AM</p>
      <div class="post-comment">Bob's comment, <time>March 27, 2019 9:00 AM</time>
        <p>Bien vu.</p></div>
    </div></body></html>"""
    post = parse_scoopit_html(html).posts[0]
    assert (post.curated_by, post.curated_at) == ("Ana", datetime(2019, 3, 26, 11, 26))
    assert [(c.author, c.posted_at, c.text) for c in post.comments] == [
        ("Bob", datetime(2019, 3, 27, 9, 0), "Bien vu.")
    ]


def test_html_post_without_scooped_by_is_credited_to_the_topic_curator():
    html = """<html><body><h1>Sujet</h1><p>Curated by <a href="/u/ana">Ana</a></p>
    <div class="post-view"><h3>Sans lien</h3><time datetime="2019-03-26T10:26:00Z"></time></div>
    </body></html>"""
    post = parse_scoopit_html(html).posts[0]
    assert (post.title, post.url, post.curated_by) == ("Sans lien", None, "Ana")
    # An explicit UTC offset is converted to Paris time, then left naive.
    assert post.curated_at == datetime(2019, 3, 26, 11, 26)


def test_parse_scoopit_detects_html_anywhere():
    html = (FIXTURES / "topic.html").read_text(encoding="utf-8")
    assert parse_scoopit("  " + html) == parse_scoopit_html(html)
    assert parse_scoopit("Saved page\n" + html).posts[0].url is not None


def test_html_without_posts_fails():
    with pytest.raises(ScoopitParseError, match="no post"):
        parse_scoopit_html("<html><body><h1>Sujet</h1></body></html>")


def test_html_post_without_date_is_kept_without_one():
    html = (
        '<html><body><h1>Sujet</h1>\n<div id="post_1"><h2><a href="https://x.fr/">T</a></h2>'
        "<p>Scooped by Ana</p></div>"
    )
    post = parse_scoopit_html(html).posts[0]
    assert (post.title, post.curated_by, post.curated_at) == ("T", "Ana", None)


def test_html_post_without_title_is_skipped_and_reported_on_its_line():
    html = (
        '<html><body><h1>Sujet</h1>\n<div id="post_1"><p>Scooped by Ana</p></div>\n'
        '<div id="post_2"><h2><a href="https://x.fr/">T</a></h2></div></body></html>'
    )
    topic = parse_scoopit_html(html)
    assert [p.title for p in topic.posts] == ["T"]
    assert [s.line for s in topic.skipped] == [2]
    assert "no title" in topic.skipped[0].reason


def test_unreadable_html_becomes_a_parse_error():
    for html in ["", "   ", '<?xml version="1.0" encoding="latin-1"?><html></html>']:
        with pytest.raises(ScoopitParseError):
            parse_scoopit_html(html)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_html_input_only_raises_the_parse_error(text):
    line = 1
    try:
        parse_scoopit_html(text)
    except ScoopitParseError as error:
        line = error.line
    assert line >= 1
