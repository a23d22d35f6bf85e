"""The analyser on 34 French articles annotated by hand: precision, recall and F1 of quote
spans (overlap), speakers and roles, printed; each at least 0.85."""

from __future__ import annotations

import pytest

from tests.enrich.quality import articles, score

THRESHOLD = 0.85


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
