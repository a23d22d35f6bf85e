"""spaCy's lemma lookup tables as a small SQLite file, read one word at a time.

Loading the tables of ``spacy-lookups-data`` into dictionaries costs a process ~145 MB (and
spaCy's import): too much for a web worker, which only needs the lemmas of a query's words
and of the hits it highlights. So the tables are written once, by a child process, into
``<GLANEUR_DATA_DIR>/lemmas/spacy-lookups-data-<version>.sqlite3`` (~10 MB), and every
process — web and worker alike — looks words up there; `analysis.normalise_word` caches
each answer, so indexing asks once per distinct word. One file for documents and queries:
both get the same tokens.

For each language the file maps a lower-case form to its lemma, and, for the forms people
type without accents, the accent-folded spelling to the lemma when it is unambiguous and
not itself a form of the table ("creee" → "créer").

    python -m glaneur.search.lemmas PATH    # writes the file (what `lemma_file()` runs)
"""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

LANGUAGES = ("fr", "en")
_build_lock = threading.Lock()
_local = threading.local()  # one connection per thread and process (forked indexers too)


def lemma_file() -> Path:
    """The file of this version of the tables, written by a child process if missing."""
    name = f"spacy-lookups-data-{version('spacy-lookups-data')}.sqlite3"
    path = Path(settings.DATA_DIR) / "lemmas" / name
    if not path.exists():
        with _build_lock:
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                # Our interpreter and module, a path of our settings: no outside input.
                command = [sys.executable, "-m", __name__, str(path)]
                subprocess.run(command, check=True)  # noqa: S603
    return path


def lookup(word: str, language: str) -> str | None:
    """The lemma of a lower-case word (or of its accent-folded spelling), None if unknown."""
    connection: sqlite3.Connection | None = getattr(_local, "connection", None)
    if connection is None or getattr(_local, "pid", None) != os.getpid():
        connection = sqlite3.connect(f"file:{lemma_file()}?mode=ro", uri=True)
        _local.connection, _local.pid = connection, os.getpid()
    row = connection.execute(
        "SELECT lemma FROM lemmas WHERE language = ? AND form = ?", (language, word)
    ).fetchone()
    return row[0] if row else None


def table(language: str, fold: Callable[[str], str]) -> dict[str, str]:
    """Form → lemma for one language, from spaCy's lookup data (imports spaCy)."""
    from spacy.util import load_language_data, registry

    raw: Any = {}
    try:
        raw = load_language_data(registry.lookups.get(language)["lemma_lookup"])
    except Exception:  # missing package or table: stems alone still work
        logger.exception("no lemma table for %s: stemming without lemmas", language)
    exact: dict[str, str] = {}
    for form, lemma in raw.items():
        value = lemma[0] if isinstance(lemma, list) else lemma
        if isinstance(value, str) and value and form.islower():
            exact[form] = value
    folded: dict[str, str] = {}
    conflicts: set[str] = set()
    for form, lemma in exact.items():
        key = fold(form)
        if key == form or key in exact or key in conflicts:
            continue
        if folded.setdefault(key, lemma) != lemma:
            conflicts.add(key)
            del folded[key]
    return folded | exact


def write(path: Path) -> None:
    """Write the file for every language (to a temporary name, then renamed: atomic)."""
    from glaneur.search.analysis import fold

    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    with sqlite3.connect(partial) as connection:
        connection.execute(
            "CREATE TABLE lemmas (language TEXT, form TEXT, lemma TEXT,"
            " PRIMARY KEY (language, form)) WITHOUT ROWID"
        )
        for language in LANGUAGES:
            connection.executemany(
                "INSERT INTO lemmas VALUES (?, ?, ?)",
                ((language, form, lemma) for form, lemma in table(language, fold).items()),
            )
    connection.close()
    os.replace(partial, path)


if __name__ == "__main__":
    write(Path(sys.argv[1]))
