"""Snippets cut from where the words are: the span of a window of words found by
str.find agrees with the regular expression's own match positions, whatever the text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from glaneur.search import analysis, snippets
from glaneur.search.query_language import parse

# Words, accents, digits, underscores, apostrophes, markup and spaces: what separates
# words and what does not.
TEXT = st.text(alphabet=st.sampled_from("ab éÉç_9'’-<>& \n\t"), max_size=80)


@given(TEXT, st.integers(min_value=0, max_value=40), st.integers(min_value=1, max_value=10))
def test_a_window_spans_the_same_characters_as_the_matches(
    text: str, first: int, size: int
) -> None:
    matches = list(analysis.WORD_RE.finditer(text))
    words = [match.group() for match in matches]
    if not words:
        return
    first = min(first, len(words) - 1)
    last = min(len(words), first + size) - 1
    start, end = snippets._span(text, words, first, last)
    assert start == (matches[first].start() if first > 0 else 0)
    assert end == (matches[last].end() if last < len(words) - 1 else len(text))


def test_a_match_deep_in_a_long_main_text_is_cut_around() -> None:
    filler = "Une phrase sans le mot cherché, répétée. " * 600  # ~24,000 characters
    texts = ["Un résumé.", "", filler[:15_000] + " Le xylophone du conservatoire. " + filler]
    html = str(snippets.snippet(texts, frozenset({"xylophon"})))
    assert "<mark>xylophone</mark>" in html
    assert html.startswith("… ") and html.endswith(" …")
    assert len(html) < 400


def test_a_summary_covering_every_term_is_enough() -> None:
    # "économie" is "econom" in French and "economi" in English: either spelling covers
    # the word, so the summary suffices and the main text (more matches) is not read.
    query = parse("économie sociale")
    summary = "Un forum de l'économie sociale à Pau."
    main = "L'économie sociale et l'économie solidaire : économie, sociale, économie. " * 3
    html = str(snippets.snippet([summary, "", main], query.highlight, terms=query.terms))
    assert html == "Un forum de l&#x27;<mark>économie</mark> <mark>sociale</mark> à Pau."
    # Without the terms every token is wanted, both spellings included: the main text's
    # busier window wins.
    assert str(snippets.snippet([summary, "", main], query.highlight)).startswith("L&#x27;")


def test_a_tag_query_shows_the_start_of_the_summary() -> None:
    query = parse("#insertion")
    texts = ["Un résumé court.", "Un avis.", "Un long texte sur l'insertion."]
    html = str(snippets.snippet(texts, query.highlight, terms=query.terms))
    assert html == "Un résumé court."
