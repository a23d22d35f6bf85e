"""The French verbs that introduce reported speech, with all their inflected forms.

The lemmas are chosen by hand (``LEMMAS``); their forms are generated once into
``glaneur/data/speech_verbs_fr.txt`` by ``write_forms()`` (``python -m
glaneur.enrich.analysis.verbs``): the regular conjugation of the first group by rule, and
for every verb the forms that spaCy's French lookup table maps to it (it knows the irregular
ones, ``dit``, ``conclut``, ``reconnaît``, and misses some regular ones, ``estime``, which
the rule gives). At run time the analyser only reads the file.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from importlib import resources
from pathlib import Path

FILE = "speech_verbs_fr.txt"


def words(text: str) -> list[str]:
    return text.split()


# Verbs that can introduce or follow a quotation in French news writing. Pronominal verbs
# are listed without their pronoun ("se réjouit" matches "réjouir").
LEMMAS = words(
    """
abonder accuser acquiescer admettre affirmer agacer ajouter alarmer alerter amuser analyser
annoncer appeler applaudir appuyer argumenter arguer assener asséner assurer attester
avancer avertir avouer certifier clamer commenter compléter conclure concéder confesser
confier confirmer conseiller considérer constater conter continuer contester convenir
corriger critiquer croire déclarer décrire décrypter défendre déplorer dénoncer désoler
détailler développer dire émouvoir enchaîner énoncer enthousiasmer espérer estimer étonner
évoquer exclamer expliciter expliquer exposer exprimer exulter féliciter formuler garantir
glisser illustrer indigner indiquer inquiéter insister interpeller interroger ironiser juger
jurer justifier lâcher lancer marteler mentionner militer murmurer narrer noter nuancer
objecter observer pointer plaider plaisanter poursuivre préciser préconiser prédire prévenir
proclamer promettre proposer protester prôner questionner raconter rappeler rapporter réagir
réaffirmer reconnaître recommander regretter relativiser relever remarquer renchérir répéter
répliquer répondre reprendre résumer rétorquer réjouir révéler revendiquer rire saluer
signaler soulever souffler souhaiter souligner sourire soutenir suggérer témoigner tempérer
tonner trancher écrier écrire
"""
)

# First-group endings: present, imperfect, simple past, future, conditional, subjunctive,
# participles.
ER_ENDINGS = words(
    """
e es e ons ez ent ais ais ait ions iez aient ai as a âmes âtes èrent erai eras era erons
erez eront erais erais erait erions eriez eraient asse asses ât assions assiez assent ant é
ée és ées
"""
)


def _first_group(lemma: str) -> set[str]:
    stem = lemma[:-2]
    forms = set()
    for ending in ER_ENDINGS:
        base = stem
        # Spelling changes before a/o (lancer: lança; partager: partagea).
        if ending[0] in "aâo":
            if stem.endswith("c"):
                base = stem[:-1] + "ç"
            elif stem.endswith("g"):
                base = stem + "e"
        forms.add(base + ending)
        # relever: relève, relèvera; compléter: complète (a mute ending opens the vowel).
        if ending in ("e", "es", "ent") or ending.startswith("er"):
            for vowel in "eé":
                at = stem.rfind(vowel, 0, len(stem) - 1)
                if at > 0 and stem[at + 1 :].isalpha() and len(stem) - at <= 3:
                    forms.add(stem[:at] + "è" + stem[at + 1 :] + ending)
    return forms


def _lookup_forms(lemmas: set[str]) -> dict[str, set[str]]:
    import spacy_lookups_data  # only when the file is written

    path = Path(spacy_lookups_data.__file__).parent / "data" / "fr_lemma_lookup.json.gz"
    table: dict[str, list[str] | str] = json.loads(gzip.decompress(path.read_bytes()))
    found: dict[str, set[str]] = {lemma: set() for lemma in lemmas}
    for form, lemma in table.items():
        for one in [lemma] if isinstance(lemma, str) else lemma:
            if one in found:
                found[one].add(form)
    return found


# Forms the lookup table misses because they are ambiguous there (noun homographs).
EXTRA = {
    "dire": "dit dite dites dits",
    "écrire": "écrit écrite écrits écrites",
    "reconnaître": "reconnaît reconnait reconnu reconnue",
    "conclure": "conclut conclu",
    "poursuivre": "poursuit poursuivi poursuivie",
    "répondre": "répond répondu répondue",
    "reprendre": "reprend repris reprise",
    "admettre": "admet admis admise",
    "promettre": "promet promis promise",
    "soutenir": "soutient soutenu soutenue",
    "convenir": "convient convenu",
    "prévenir": "prévient prévenu prévenue",
    "décrire": "décrit décrite",
    "sourire": "sourit souri",
    "rire": "rit",
    "croire": "croit cru",
    "défendre": "défend défendu",
    "prédire": "prédit",
}


def generate() -> list[str]:
    """Every inflected form of ``LEMMAS`` (lower case, sorted)."""
    lemmas = set(LEMMAS)
    forms: set[str] = set()
    for lemma, found in _lookup_forms(lemmas).items():
        forms |= found
        if lemma.endswith("er") and lemma != "aller":
            forms |= _first_group(lemma)
        forms |= set(EXTRA.get(lemma, "").split())
        # Verbs in -ir of the second group (applaudir, réagir, réjouir, avertir).
        if lemma.endswith("ir") and lemma[:-2] + "it" in found:
            forms.add(lemma[:-2] + "i")
    return sorted(form for form in forms if len(form) > 1)


def write_forms(path: Path | None = None) -> Path:
    target = path or Path(str(resources.files("glaneur") / "data" / FILE))
    target.write_text("\n".join(generate()) + "\n", encoding="utf-8")
    return target


@cache
def speech_verb_forms() -> frozenset[str]:
    """The inflected forms, read from the data file (lower case)."""
    text = (resources.files("glaneur") / "data" / FILE).read_text(encoding="utf-8")
    return frozenset(line for line in text.split() if line)


def is_speech_verb(word: str) -> bool:
    return word.lower() in speech_verb_forms()


if __name__ == "__main__":
    write_forms()
