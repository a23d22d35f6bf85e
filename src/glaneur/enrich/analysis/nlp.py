"""spaCy's French pipeline, loaded once per process (the worker's), with an entity ruler
for the bodies of employment, training and local government that the model cuts."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL = "fr_core_news_sm"
_lock = threading.Lock()
_nlp: Language | None = None

Token = dict[str, Any]
_DE: Token = {"LOWER": {"IN": ["de", "du", "des", "d'", "d’"]}}
_ART: Token = {"LOWER": {"IN": ["la", "l'", "l’", "le", "les"]}, "OP": "?"}
_NAME: Token = {"IS_TITLE": True, "OP": "+"}
_PLACE: list[Token] = [_DE, _ART, _NAME]


def _token(*words: str) -> list[dict[str, Any]]:
    return [{"LOWER": word} for word in words]


def ruler_patterns() -> list[dict[str, Any]]:
    """France Travail, Mission locale de X, Conseil départemental de X, Région X, CCI X…"""
    org: list[list[dict[str, Any]]] = [
        _token("france", "travail"),
        _token("pôle", "emploi"),
        _token("cap", "emploi"),
        [{"LOWER": {"IN": ["apec", "afpa", "greta", "plie", "e2c", "adie", "urssaf", "opco"]}}],
        [{"LOWER": {"IN": ["apec", "afpa", "greta", "plie", "opco"]}}, _NAME],
        [{"LOWER": {"IN": ["mission", "missions"]}}, {"LOWER": {"IN": ["locale", "locales"]}}],
        [{"LOWER": "mission"}, {"LOWER": "locale"}, *_PLACE],
        [{"LOWER": {"IN": ["cci", "cma"]}}],
        [{"LOWER": {"IN": ["cci", "cma"]}}, _NAME],
        [{"LOWER": {"IN": ["cci", "cma"]}}, *_PLACE],
        [
            {"LOWER": "chambre"},
            {"LOWER": "de"},
            {"LOWER": "commerce"},
            {"LOWER": "et"},
            {"LOWER": {"IN": ["d'", "d’"]}},
            {"LOWER": "industrie"},
        ],
        [
            {"LOWER": "chambre"},
            {"LOWER": "de"},
            {"LOWER": "métiers"},
            {"LOWER": "et"},
            {"LOWER": "de"},
            {"LOWER": "l'"},
            {"LOWER": "artisanat"},
        ],
        [{"LOWER": "conseil"}, {"LOWER": {"IN": ["départemental", "régional", "municipal"]}}],
        [{"LOWER": "conseil"}, {"LOWER": {"IN": ["départemental", "régional"]}}, *_PLACE],
        [{"LOWER": "département"}, *_PLACE],
        [{"LOWER": "région"}, _NAME],
        [{"LOWER": "communauté"}, {"LOWER": "de"}, {"LOWER": "communes"}, *_PLACE],
        [{"LOWER": "communauté"}, {"LOWER": "de"}, {"LOWER": "communes"}, _NAME],
        [
            {"LOWER": "communauté"},
            {"LOWER": {"IN": ["d'", "d’"]}},
            {"LOWER": "agglomération"},
            *_PLACE,
        ],
        [
            {"LOWER": "communauté"},
            {"LOWER": {"IN": ["d'", "d’"]}},
            {"LOWER": "agglomération"},
            _NAME,
        ],
        [
            {"LOWER": "maison"},
            {"LOWER": "de"},
            {"LOWER": {"IN": ["l'", "l’"]}},
            {"LOWER": "emploi"},
            *_PLACE,
        ],
        [
            {"LOWER": "école"},
            {"LOWER": "de"},
            {"LOWER": "la"},
            {"LOWER": "deuxième"},
            {"LOWER": "chance"},
        ],
        [{"LOWER": "agence"}, _DE, _ART, _NAME],
    ]
    return [{"label": "ORG", "pattern": pattern} for pattern in org]


EXCLUDED = ["tok2vec", "morphologizer", "parser", "senter", "attribute_ruler", "lemmatizer"]


WINDOW = 16  # tokens: the longest body's name ("Chambre de métiers et de l'artisanat de X")


class Bodies:
    """The bodies of ``ruler_patterns`` as ORG entities, before the NER (which keeps them).

    What spaCy's entity ruler does, but the matcher runs only where a pattern's first word
    is (found at once with numpy over the document's lower-case forms): run over every
    token, it took 14 % of the step's time."""

    def __init__(self, nlp: Language) -> None:
        from spacy.matcher import Matcher

        self.matcher = Matcher(nlp.vocab)
        firsts: set[str] = set()
        for entry in ruler_patterns():
            self.matcher.add(entry["label"], [entry["pattern"]])
            first = entry["pattern"][0]["LOWER"]
            firsts |= set(first["IN"]) if isinstance(first, dict) else {first}
        import numpy

        self.firsts = numpy.array(sorted(nlp.vocab.strings.add(w) for w in firsts), "uint64")

    def __call__(self, doc: Doc) -> Doc:
        import numpy
        from spacy.attrs import LOWER
        from spacy.tokens import Span
        from spacy.util import filter_spans

        starts = numpy.flatnonzero(numpy.isin(doc.to_array(LOWER), self.firsts)).tolist()
        found = [
            Span(doc, start, start + end, label=label)
            for start in starts
            for label, begin, end in self.matcher(doc[start : start + WINDOW])
            if begin == 0
        ]
        doc.ents = filter_spans(found)
        return doc


def _register() -> None:
    from spacy.language import Language

    if not Language.has_factory("glaneur_bodies"):
        Language.factory("glaneur_bodies", func=lambda nlp, name: Bodies(nlp))


def load() -> Language:
    """The pipeline (loaded on first use, once per process)."""
    global _nlp
    with _lock:
        if _nlp is None:
            import spacy
            from thinc.api import NumpyOps, set_current_ops

            # Matrix products through numpy's OpenBLAS rather than the BLIS that thinc
            # bundles: BLIS's generic build here made the step 1.6× slower on one core
            # (bench/enrich.py: 9.6 → 15.5 posts/s). Set before loading: layers keep the
            # ops they are made with.
            set_current_ops(NumpyOps(use_blis=False))
            _register()
            # The NER only (it has its own token-to-vector layer): parts of speech come
            # from a lexicon (lexicon.py), the lemmas from the lookup table (verbs.py), and
            # nothing reads dependencies.
            nlp = spacy.load(MODEL, exclude=EXCLUDED)
            nlp.add_pipe("glaneur_bodies", before="ner")
            _nlp = nlp
        return _nlp
