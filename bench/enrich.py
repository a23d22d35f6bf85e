"""The enrich step's analyser and the places step: posts per second and peak memory on N
articles of ~800 words.

    .venv/bin/python bench/enrich.py --posts 500 --words 800

The articles are built from the hand-written articles of tests/fixtures/enrich (their
paragraphs drawn with a fixed seed until each reaches ``--words`` words), so they hold
quotes in every form, names, roles and organisations as real news does. The analyser runs
in this one process, as in a worker: the model is loaded once (its time is printed apart),
then every article is analysed one after the other (``analysis.analyser.analyse``, what the
worker's task runs for each post, without the database writes). Peak memory is the
process's ``VmHWM`` from /proc (the worker's figure: spaCy, the model, the analysis).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

# One core, as the target is per worker core: numpy's OpenBLAS (the model's matrix
# products) would otherwise use every core. OPENBLAS_NUM_THREADS=2 shows two.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]


def peak_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def articles(count: int, words: int, seed: int = 15) -> list[str]:
    import yaml

    source = yaml.safe_load((ROOT / "tests/fixtures/enrich/articles.yaml").read_text())
    paragraphs = [p for a in source for p in a["text"].split("\n\n") if p.strip()]
    rng = random.Random(seed)
    built = []
    for _ in range(count):
        chosen: list[str] = []
        while sum(len(p.split()) for p in chosen) < words:
            chosen.append(rng.choice(paragraphs))
        built.append("\n\n".join(chosen))
    return built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--words", type=int, default=800)
    options = parser.parse_args()
    texts = articles(options.posts, options.words)
    total_words = sum(len(t.split()) for t in texts)
    print(f"{len(texts)} articles, {total_words / len(texts):.0f} words each on average")
    print(f"before the gazetteer: peak {peak_rss_mib():.0f} MiB")

    from glaneur.territories.gazetteer import gazetteer
    from glaneur.territories.resolve import find_places

    before = peak_rss_mib()
    started = time.perf_counter()
    gazetteer()
    print(
        f"gazetteer loaded in {time.perf_counter() - started:.2f} s, "
        f"+{peak_rss_mib() - before:.0f} MiB (peak {peak_rss_mib():.0f} MiB)"
    )
    started = time.perf_counter()
    places = sum(len(find_places(text)) for text in texts)
    places_time = time.perf_counter() - started
    print(
        f"places found in {places_time:.1f} s: {len(texts) / places_time:.0f} posts/s, "
        f"{places} places"
    )
    print(f"before spaCy: peak {peak_rss_mib():.0f} MiB")

    from glaneur.enrich.analysis import nlp
    from glaneur.enrich.analysis.analyser import analyse

    started = time.perf_counter()
    nlp.load()
    print(
        f"model {nlp.MODEL} loaded in {time.perf_counter() - started:.1f} s, "
        f"peak {peak_rss_mib():.0f} MiB"
    )
    started = time.perf_counter()
    quotes = actors = 0
    for text in texts:
        result = analyse([("title", "Titre"), ("main_text", text)])
        quotes += len(result.quotes)
        actors += len(result.actors)
    elapsed = time.perf_counter() - started
    print(
        f"analysed in {elapsed:.1f} s: {len(texts) / elapsed:.1f} posts/s, "
        f"{total_words / elapsed:.0f} words/s "
        f"({os.environ['OPENBLAS_NUM_THREADS']} BLAS thread(s))"
    )
    print(f"found {quotes} quotes, {actors} actors")
    print(
        f"the places step adds {100 * places_time / elapsed:.0f} % to the analysis "
        f"({1000 * places_time / len(texts):.1f} ms per post)"
    )
    print(f"peak memory of the process: {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
