"""People and organisations named in a text: their mentions, roles and organisations.

spaCy's small French model finds most names but cuts or mislabels some (``Sourabad`` taken
for a place): a person is a run of two or more capitalised words that the model marks, at
least in part, as a person, or that stands where only a person can (beside a role, after
"selon", around a speech verb). A surname alone is the person of the post who bears it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import fold, name_key

UPPER = "A-ZÀ-ÖØ-Þ"
LOWER = "a-zà-öø-ÿœ"
WORD = rf"[{UPPER}][{LOWER}]+(?:[-‐][{UPPER}][{LOWER}]+)*"
NAME_RUN = re.compile(
    rf"\b(?:{WORD}|[{UPPER}]{{2,}}(?![{LOWER}]))(?:\s+(?:{WORD}|[{UPPER}]{{2,}}\b))+"
)
TITLE_NAME = re.compile(rf"\b(?:M\.|Mme|Mlle|Dr|Pr|Monsieur|Madame)\s+({WORD})")

# Capitalised words that start a sentence or a phrase and are no part of a name.
NOT_NAMES = {
    fold(word)
    for word in """
    Pour Selon Le La Les Un Une Des Et Mais Dans Chez Avec Sans Sous Sur Par Pendant Depuis
    Après Avant Aux Au Du De En Si Car Donc Or Ni Que Qui Quand Comme Ce Cette Ces Son Sa
    Ses Leur Leurs Notre Nos Votre Vos Mon Ma Mes Il Elle Ils Elles On Nous Vous Je Tu
    Madame Monsieur Mademoiselle Président Présidente Directeur Directrice Maire Ministre
    Préfet Préfète Docteur Professeur Lundi Mardi Mercredi Jeudi Vendredi Samedi Dimanche
    Janvier Février Mars Avril Mai Juin Juillet Août Septembre Octobre Novembre Décembre
    Aujourd Hier Demain Ainsi Alors Puis Enfin Toutefois Cependant Pourtant Reste Autre Tous
    Toutes Photo Source Lire Voir Contact Mission Conseil Région Communauté Association
    Agence Pôle Chambre Université Maison Centre Institut Fédération Syndicat Union
    Collectif Réseau Comité Direction Service Département Ville Commune Métropole État
    France Travail Emploi Banque Caisse Fondation Groupe Société Entreprise Lycée Collège
    École Campus Cap Rallye Nord Sud Est Ouest Saint Sainte Haute Haut Bas Basse Grand
    Grande Nouvelle Aquitaine
    """.split()  # noqa: SIM905
}

ROLE_WORDS = {
    fold(word)
    for word in """
    directeur directrice président présidente vice-président vice-présidente délégué
    déléguée référent référente chef cheffe chargé chargée responsable conseiller
    conseillère maire adjoint adjointe coordinateur coordinatrice coordonnateur
    coordonnatrice fondateur fondatrice cofondateur cofondatrice co-fondateur co-fondatrice
    gérant gérante animateur animatrice formateur formatrice secrétaire trésorier trésorière
    élu élue député députée sénateur sénatrice préfet préfète sous-préfet sous-préfète
    manager dirigeant dirigeante patron patronne membre professeur professeure enseignant
    enseignante chercheur chercheuse économiste sociologue psychologue éducateur éducatrice
    assistant assistante agent agente administrateur administratrice proviseur proviseure
    principal principale infirmier infirmière artisan artisane entrepreneur entrepreneuse
    créateur créatrice porte-parole consultant consultante ingénieur ingénieure drh pdg dg
    bénévole stagiaire apprenti apprentie salarié salariée habitant habitante commissaire
    recteur rectrice inspecteur inspectrice conseiller-e conseillère présidente-directrice
    président-directeur chef-fe médiateur médiatrice accompagnateur accompagnatrice
    intervenant intervenante psychologue juriste avocat avocate cheffe-de-projet chargé-e
    ambassadeur ambassadrice capitaine commandant pilote instituteur institutrice maraîcher
    maraîchère agriculteur agricultrice éleveur éleveuse boulanger boulangère restaurateur
    restauratrice demandeur demandeuse jeune étudiant étudiante lycéen lycéenne retraité
    retraitée
    """.split()  # noqa: SIM905
}
ROLE_LEAD = {
    fold(word)
    for word in """
    le la l' l’ son sa leur notre ancien ancienne nouveau nouvel nouvelle actuel actuelle
    jeune
    """.split()  # noqa: SIM905
}
ORG_SPLIT = re.compile(
    r"\s(?:de la|de l['’]|du|des|de|d['’]|à la|au)\s*"
    rf"(?=(?:[{UPPER}]|la |le |l['’]|mission |maison |chambre |communauté |association |agence ))"
)


@dataclass
class Mention:
    start: int
    end: int
    name: str
    kind: str  # "PER" or "ORG"
    key: str


@dataclass
class Person:
    key: str
    name: str
    kind: str = "PER"
    role: str = ""
    organisation: str = ""
    mentions: int = 0
    aliases: set[str] = field(default_factory=set)


def _strip_leading(name: str, start: int) -> tuple[str, int]:
    words = name.split()
    while words and fold(words[0]) in NOT_NAMES:
        start += len(words[0])
        rest = name[len(words[0]) :]
        start += len(rest) - len(rest.lstrip())
        name = rest.lstrip()
        words = words[1:]
    return name, start


def _strip_trailing(name: str) -> str:
    words = name.split()
    while words and fold(words[-1]) in NOT_NAMES:
        words = words[:-1]
    return " ".join(words)


def role_noun(phrase: str) -> bool:
    """Whether ``phrase`` begins (after an article) with a word naming a role."""
    words = [w for w in re.split(r"[\s,]+", fold(phrase)) if w]
    while words and (words[0] in ROLE_LEAD or words[0] in ("l", "d")):
        words = words[1:]
    if not words:
        return False
    first = words[0].split("'")[-1].split("’")[-1]
    return first in ROLE_WORDS or first.split("-")[0] in ROLE_WORDS


ROLE_AFTER = re.compile(
    r"\s*(?:\(|,\s*(?:\d+\s*ans,\s*)?)"
    r"(?P<role>(?:à la tête d[eu']\s?)?[^,.;:!?«»“”()\n\"]{2,120}?)"
    r"\s*(?=[,.;:!?«»“”)\n\"]|$)"
)
ROLE_BEFORE = re.compile(r"(?P<role>[^,.;:!?«»“”()\n\"]{2,120}?)\s*,?\s*$")


LEADING = re.compile(
    r"(?:(?:l['’]une?|une?)\s+des\s+|(?:ancien|ancienne|nouveau|nouvelle|jeune|futur|future)\s+)*"
)
DETERMINER = re.compile(r"(?:[Uu]ne?|[Ll]e|[Ll]a|[Ss]on|[Ss]a|[Ll]eur|[Nn]otre)\s+|[Ll]['’]")


def _noun_at(text: str, offset: int, nouns: frozenset[int]) -> bool:
    """A common noun (``lexicon.is_common_noun``) in lower case starts at ``offset``."""
    if offset not in nouns or not text[offset : offset + 1].islower():
        return False
    # A past participle taken for a noun ("arrivée de Porto"): the roles ending so
    # (délégué, chargée) are in ROLE_WORDS.
    word = re.match(r"[\w-]+", text[offset:])
    return word is not None and not re.search(r"(?:é|ée|és|ées)$", word.group())


def role_after(text: str, end: int, nouns: frozenset[int] = frozenset()) -> str:
    """The apposition after a name: ``Eric Buffo, directeur``; ``X, à la tête de Y``; any
    phrase that starts with a common noun (``Bruno Ythier, conservateur à la Cité``)."""
    match = ROLE_AFTER.match(text, end, min(len(text), end + 200))
    if match is None:
        return ""
    role = match.group("role").strip()
    start = match.start("role")
    start += len(match.group("role")) - len(match.group("role").lstrip())
    lead = LEADING.match(text, start)
    head = lead.end() if lead else start
    if role.startswith("à la tête d"):
        return _trim_role(role)
    if role_noun(role) or _noun_at(text, head, nouns):
        # "Sylvie Roussel, sa gérante": the possessive is not part of the role (but
        # "l'un des conseillers" keeps its article).
        return _trim_role(POSSESSIVE.sub("", role))
    return ""


def role_before(text: str, start: int, nouns: frozenset[int] = frozenset()) -> str:
    """The apposition before a name: ``délégué général de l'APEE, X``; ``son président, X``;
    ``Un viticulteur de Segonzac, X`` (an article and a common noun opening the clause)."""
    offset = max(0, start - 160)
    window = text[offset:start]
    if not window.rstrip().endswith(","):
        return ""
    match = ROLE_BEFORE.search(window.rstrip()[:-1])
    if match is None:
        return ""
    # After a sentence's end the clause opens with a space (". Un viticulteur de X, Y").
    clause = match.group("role").lstrip()
    clause_start = offset + match.end("role") - len(clause)
    words = list(re.finditer(r"\S+", clause))
    for index, word in enumerate(words):
        if role_noun(word.group()) and fold(word.group()) not in ROLE_LEAD:
            first = index
            # "sa directrice", "le délégué": the article belongs to the role.
            if index and fold(words[index - 1].group()) in ROLE_LEAD:
                first = index - 1
            role = clause[words[first].start() :].strip()
            if fold(words[first].group()) in {"pour", "selon"}:
                continue
            return _trim_role(_without_article(role))
    article = DETERMINER.match(clause)
    if article is not None and _noun_at(text, clause_start + article.end(), nouns):
        return _trim_role(clause[article.end() :].strip())
    return ""


POSSESSIVE = re.compile(r"^(?:[Ss]on|[Ss]a|[Ss]es|[Ll]eurs?|[Nn]otre|[Nn]os)\s+")


def _without_article(role: str) -> str:
    return re.sub(r"^(?:[Ll]e|[Ll]a|[Ss]on|[Ss]a|[Ll]eur|[Nn]otre)\s+|^[Ll]['’]", "", role).strip()


def _trim_role(role: str) -> str:
    role = re.split(r"\s+(?:qui|a|avait|est|était|explique|indique|précise)\s", role)[0]
    return role.strip(" -–")


def organisation_of(role: str) -> str:
    """The organisation named in a role: ``délégué général de l'APEE`` gives ``APEE``."""
    if role.startswith("à la tête d"):
        rest = re.sub(r"^à la tête d(?:e la|e l['’]|u|es|e|['’])\s*", "", role)
        return rest.strip()
    match = ORG_SPLIT.search(role)
    if match is None:
        return ""
    return re.sub(r"^(?:la|le|les)\s+|^l['’]", "", role[match.end() :]).strip()


def person_runs(
    text: str,
    per_spans: list[tuple[int, int]],
    context: set[int],
    nouns: frozenset[int] = frozenset(),
) -> list[Mention]:
    """Runs of capitalised words that are people: marked (even partly) as persons by the
    model, or starting at an offset in ``context`` (beside a role or a speech verb)."""
    found = []
    for match in NAME_RUN.finditer(text):
        name, start = _strip_leading(match.group(), match.start())
        name = _strip_trailing(name)
        if len(name.split()) < 2:
            continue
        end = start + len(name)
        if text[max(0, start - 1) : start] in ("'", "’"):
            continue  # "Comité d'Acteurs Locaux": the end of an organisation's name
        marked = any(s < end and start < e for s, e in per_spans)
        beside_role = bool(role_after(text, end, nouns) or role_before(text, start, nouns))
        if marked or beside_role or start in context:
            found.append(Mention(start, end, name, "PER", name_key(name)))
    return found
