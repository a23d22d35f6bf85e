"""Precision and recall of place resolution on a hand-annotated gold file.

``tests/fixtures/territories/gold.txt``: French regional news paragraphs and, for each, the
places they name, annotated by hand as a commune name and its department (turned into the
INSEE code by the gazetteer, where no two communes of one department share a name), a
department, a region, "?" for a homonym the text does not settle (it must stay unresolved),
or nothing at all for a name that is not a place (a person, a street, a common word).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from glaneur.territories.gazetteer import gazetteer
from glaneur.territories.names import key
from glaneur.territories.resolve import Place, find_places

GOLD = Path(__file__).parent.parent / "fixtures" / "territories" / "gold.txt"
# Written after the resolver and not used to change it: the figures a new text gets.
HELD_OUT = GOLD.with_name("heldout.txt")


@dataclass
class Expected:
    surface: str
    code: str | None  # None: must not be resolved
    kind: str
    in_organisation: bool


def commune_code(name: str, department: str) -> str:
    gaz = gazetteer()
    codes = [
        code
        for code in gaz.commune_names.get(key(name), [])
        if gaz.communes[code].department == department and gaz.communes[code].name == name
    ]
    assert len(codes) == 1, f"gold: no single commune {name} ({department}): {codes}"
    return codes[0]


def read_gold(path: Path = GOLD) -> list[tuple[str, list[Expected]]]:
    items: list[tuple[str, list[Expected]]] = []
    for block in path.read_text("utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#")]
        if not lines:
            continue
        text = " ".join(line for line in lines if not line.startswith("=>"))
        expected = []
        for line in lines:
            if not line.startswith("=>") or line == "=> (none)":
                continue
            surface, target, *flags = (part.strip() for part in line[2:].split("|"))
            org = "org" in flags
            if target == "?":
                expected.append(Expected(surface, None, "commune", org))
            elif target.startswith("D "):
                expected.append(Expected(surface, target[2:], "department", org))
            elif target.startswith("R "):
                expected.append(Expected(surface, target[2:], "region", org))
            else:
                name, _, dep = target.rpartition(" (")
                expected.append(
                    Expected(surface, commune_code(name, dep.rstrip(")")), "commune", org)
                )
        items.append((text, expected))
    return items


@dataclass
class Score:
    right: int = 0
    wrong: int = 0  # resolved to a code the gold does not give there
    missed: int = 0  # a gold code not found
    guessed: int = 0  # a "?" homonym resolved anyway
    orgs_right: int = 0
    orgs: int = 0

    @property
    def precision(self) -> float:
        return self.right / max(1, self.right + self.wrong + self.guessed)

    @property
    def recall(self) -> float:
        return self.right / max(1, self.right + self.missed)


def score(items: list[tuple[str, list[Expected]]], report: list[str]) -> Score:
    result = Score()
    for text, expected in items:
        places = [p for p in find_places(text)]
        unused: list[Place] = list(places)
        for gold in expected:
            match = next((p for p in unused if p.text == gold.surface), None)
            if match is not None:
                unused.remove(match)
            if gold.code is None:
                if match is not None and match.code is not None:
                    result.guessed += 1
                    report.append(f"guessed {gold.surface} -> {match.code}: {text[:70]}")
                continue
            if match is not None and match.code == gold.code and match.kind == gold.kind:
                result.right += 1
                result.orgs += 1
                result.orgs_right += match.in_organisation == gold.in_organisation
            else:
                result.missed += 1
                got = f"{match.kind} {match.code}" if match else "nothing"
                report.append(f"missed {gold.surface} ({gold.code}), got {got}: {text[:70]}")
                if match is not None and match.code is not None:
                    result.wrong += 1
        for extra in unused:
            if extra.code is not None:
                result.wrong += 1
                report.append(f"extra {extra.text} -> {extra.kind} {extra.code}: {text[:70]}")
    return result


def test_the_gold_file_is_large_enough() -> None:
    items = read_gold()
    mentions = [e for _t, expected in items for e in expected]
    assert len(mentions) >= 200
    assert sum(1 for e in mentions if e.code is None) >= 5  # homonyms left open
    assert sum(1 for _t, expected in items if not expected) >= 5  # names that are no place


def test_places_are_resolved_with_precision_and_recall(capsys: pytest.CaptureFixture[str]) -> None:
    report: list[str] = []
    result = score(read_gold(), report)
    with capsys.disabled():
        print(
            f"\nplaces: precision {result.precision:.3f}, recall {result.recall:.3f} "
            f"({result.right} right, {result.wrong} wrong, {result.missed} missed, "
            f"{result.guessed} homonyms guessed); organisation flag right on "
            f"{result.orgs_right}/{result.orgs}"
        )
        for line in report:
            print("  " + line)
    assert result.precision >= 0.95
    assert result.recall >= 0.85


def test_held_out_places_are_resolved_with_precision_and_recall(
    capsys: pytest.CaptureFixture[str],
) -> None:
    report: list[str] = []
    items = read_gold(HELD_OUT)
    assert sum(len(expected) for _t, expected in items) >= 100
    result = score(items, report)
    with capsys.disabled():
        print(
            f"\nheld-out places: precision {result.precision:.3f}, recall {result.recall:.3f} "
            f"({result.right} right, {result.wrong} wrong, {result.missed} missed, "
            f"{result.guessed} homonyms guessed)"
        )
        for line in report:
            print("  " + line)
    assert result.precision >= 0.95
    assert result.recall >= 0.85
