"""The analyser on 34 French articles annotated by hand: precision, recall and F1 of quote
spans (overlap), speakers and roles, printed; each at least 0.85."""

from __future__ import annotations

import pytest

from tests.enrich.quality import HELD_OUT, articles, score

THRESHOLD = 0.85
HELD_OUT_THRESHOLD = 0.80  # texts nobody tuned on


def test_the_annotated_articles_are_at_least_thirty_with_quotes_in_every_form() -> None:
    texts = [a["text"] for a in articles()]
    assert len(texts) >= 30
    for mark in ("«", "“", '"', "-t-il", "-t-elle", "Selon", "Pour", " :\n", " : «"):
        assert any(mark in text for text in texts), mark


def test_quotes_speakers_and_roles_score_at_least_085(capsys: pytest.CaptureFixture[str]) -> None:
    scores = score()
    with capsys.disabled():
        print()
        for name, value in scores.items():
            print(value.line(name))
            for miss in value.misses:
                print("   ", miss)
    for name, value in scores.items():
        assert min(value.precision, value.recall, value.f1) >= THRESHOLD, value.line(name)


def test_held_out_articles_score_close_to_the_annotated_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Ten articles written and annotated before the analyser first read them (session 7).
    First run: spans F1 1.000, speakers 0.857, roles 0.774; after two general fixes (a
    possessive is not part of a role; "assure de son côté X"): speakers 0.914, roles 0.839.
    Left: a quote whose speaker comes in the next paragraph, a person named by first name
    alone."""
    scores = score(path=HELD_OUT)
    assert scores["spans"].expected >= 15
    with capsys.disabled():
        print("\nheld-out:")
        for name, value in scores.items():
            print(value.line(name))
            for miss in value.misses:
                print("   ", miss)
    for name, value in scores.items():
        assert min(value.precision, value.recall, value.f1) >= HELD_OUT_THRESHOLD, value.line(name)
