"""The word lists the place finder reads a French text with (folded: no accents)."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Lower-case words that may link the capitalised words of one place name.
LINKS = _words("""a au aux d de des du en et l la le les lez lès sous sur ès""")
# Articles a name may start with ("Le Mans", "La Rochelle", "Les Sables-d'Olonne").
ARTICLES = {"le": "le", "la": "la", "les": "les", "l": "l"}
# "au Mans" is "à Le Mans", "du Havre" "de Le Havre", "aux Sables" "à Les Sables".
CONTRACTED = {"au": "le", "du": "le", "aux": "les", "des": "les"}
# Words after which a capitalised name is a place ("à Vayres", "près de Niort", "ville de").
PLACE_CUES = _words(
    """a au aux bourg canton commune dans departement depuis en entre environs et habitants
    jusqu pays pres proche quartier region secteur sur vers village ville"""
)
# Small words a sentence may start with, before a name ("À Amiens", "Depuis Limoges").
FUNCTION_WORDS = (
    LINKS
    | PLACE_CUES
    | _words(
        """ainsi apres avant avec ce cet cette chez comme hors ici leur leurs mais nos notre ou
    outre par partout pour puis quand sa selon ses si son un une vos votre"""
    )
)
# Before a name, a person's title: "M. Nancy", "Mme Dax".
TITLES = _words("""dr m madame maitre me mlle mme mmes monsieur mr pr""")
# "rue de Paris", "avenue de Limoges": a street, not the place.
STREETS = _words("""allee avenue bd boulevard chemin cours impasse place quai route rue square""")
# "sur le Rhône", "la vallée de la Dordogne": the river, not the department.
RIVER_CUES = _words("""berges bords fleuve rive rives riviere sur vallee""")
# Words that say an organisation is named around a place.
ORGANISATION_WORDS = _words(
    """afpa agence agglo agglomeration apec association banque caf cci centre cfa chambre
    chambres chu clinique club cma college comite communaute communautes communes conseil
    cpam departemental ecole entreprise entreprises eurometropole federation
    fondation football greta groupe habitat hopital institut intercommunalite iut locale
    locales lycee maison metropole mission missions office prefecture regional rugby
    smicval societe sous-prefecture stade syndicat tribunal union universite urssaf"""
)
# Commune names that are ordinary words too: taken only after a place cue ("à Orange").
COMMON_WORDS = _words(
    """bar bois bourg campagne centre chateau cours est eu faux fleurie foire fontaine gare
    grand lac marche marie mars mer mont montagne nord orange ouest plaine pont port riviere
    roche saint sainte sens sud val vaux vers vic ville y"""
)
# "Pôle emploi", "France Travail", "Cap emploi": organisations only as a pair of words.
ORGANISATION_PAIRS = frozenset(
    {("pole", "emploi"), ("france", "travail"), ("cap", "emploi"), ("maison", "emploi")}
)
# Words that say where, not who: an organisation's name does not run across them.
WHERE_WORDS = _words("a au aux en dans pres vers depuis chez")
