"""The lock installs the same set on any day: complete, pinned, hash-checked."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ ;\\]+)")


def locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if match := PIN.match(line):
            pins[canonicalize_name(match[1])] = match[2]
    return pins


def test_every_locked_requirement_is_pinned_with_hashes() -> None:
    text = (ROOT / "requirements.lock").read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2].strip())
    assert entries
    for entry in entries:
        assert PIN.match(entry), f"not pinned with ==: {entry.splitlines()[0]}"
        assert "--hash=sha256:" in entry, f"no hash: {entry.splitlines()[0]}"


def test_the_lock_holds_everything_its_packages_need() -> None:
    """What pip would otherwise resolve on its own at install time (it took an lxml newer
    than the lock for trafilatura's ``lxml[html_clean]``): every requirement of every locked
    package, extras included, is itself locked at a version that satisfies it."""
    pins = locked()
    # The extras asked of each package by the others (lxml[html_clean]), to a fixed point.
    extras: dict[str, set[str]] = {name: {""} for name in pins}
    changed = True
    while changed:
        changed = False
        for name in pins:
            for requirement in _applicable(name, extras[name]):
                wanted = extras.setdefault(canonicalize_name(requirement.name), {""})
                if not requirement.extras <= wanted:
                    wanted |= requirement.extras
                    changed = True
    missing = [
        f"{name}=={pins[name]} needs {requirement}"
        for name in pins
        for requirement in _applicable(name, extras[name])
        if canonicalize_name(requirement.name) not in pins
        or not requirement.specifier.contains(
            pins[canonicalize_name(requirement.name)], prereleases=True
        )
    ]
    assert missing == []
    assert "html-clean" in extras["lxml"] or "html_clean" in extras["lxml"]


def _applicable(name: str, extras: set[str]) -> list[Requirement]:
    """The requirements of an installed package, for the extras asked of it, on this Python."""
    requirements = []
    for raw in metadata.requires(name) or []:
        requirement = Requirement(raw)
        marker = requirement.marker
        if marker is None or any(marker.evaluate({"extra": extra}) for extra in extras):
            requirements.append(requirement)
    return requirements


def test_install_resolves_nothing() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet --no-deps --require-hashes -r requirements.lock" in makefile
    assert "pip check" in makefile
