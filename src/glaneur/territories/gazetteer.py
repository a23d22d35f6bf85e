"""The gazetteer: communes, departments and regions of France, loaded once per process.

Read from ``data/gazetteer.json.gz`` (built by ``glaneur build-gazetteer``; its sources and
licences are in ``data/SOURCES.md``). Indexes by folded name (``names.key``), so that
"St Savin", "Saint-Savin" and "saint savin" find the same communes.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from .build import GAZETTEER
from .names import key

# Regions as named before 2016, still common in the press: their region today.
FORMER_REGIONS = {
    "Aquitaine": "75", "Limousin": "75", "Poitou-Charentes": "75",
    "Midi-Pyrénées": "76", "Languedoc-Roussillon": "76",
    "Rhône-Alpes": "84", "Auvergne": "84",
    "Bourgogne": "27", "Franche-Comté": "27",
    "Alsace": "44", "Lorraine": "44", "Champagne-Ardenne": "44",
    "Nord-Pas-de-Calais": "32", "Picardie": "32",
    "Haute-Normandie": "28", "Basse-Normandie": "28",
    "Région Centre": "24", "Centre-Val-de-Loire": "24",
    "Provence-Alpes-Côte-d'Azur": "93", "PACA": "93", "Île de France": "11",
}  # fmt: skip

# "Pays" and areas the press names instead of a commune ("le Libournais", "l'Agenais",
# "en Béarn"): the department they lie in (Nouvelle-Aquitaine first, the seed's region).
PAYS = {
    "Libournais": "33", "Médoc": "33", "Entre-deux-Mers": "33", "Blayais": "33",
    "Bassin d'Arcachon": "33", "Agenais": "47", "Marmandais": "47", "Villeneuvois": "47",
    "Niortais": "79", "Bressuirais": "79", "Mellois": "79", "Thouarsais": "79",
    "Châtelleraudais": "86", "Montmorillonnais": "86", "Loudunais": "86",
    "Béarn": "64", "Périgord": "24", "Bergeracois": "24",
    "Sarladais": "24", "Ribéracois": "24", "Angoumois": "16", "Cognaçais": "16",
    "Saintonge": "17", "Aunis": "17", "Royannais": "17", "Chalosse": "40", "Dacquois": "40",
}  # fmt: skip


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    department: str
    region: str
    population: int
    postcodes: tuple[str, ...]
    lon: float
    lat: float


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    region: str
    lon: float
    lat: float


@dataclass
class Gazetteer:
    communes: dict[str, Commune] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)  # code -> name
    # folded name -> commune codes (names, then communes déléguées / associées)
    commune_names: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    department_names: dict[str, str] = field(default_factory=dict)
    region_names: dict[str, str] = field(default_factory=dict)
    by_postcode: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    department_sizes: dict[str, int] = field(default_factory=dict)  # communes per department
    longest_name: int = 0  # in words

    def communes_named(self, name_key: str) -> list[Commune]:
        return [self.communes[code] for code in self.commune_names.get(name_key, ())]


@cache
def gazetteer() -> Gazetteer:
    with gzip.open(GAZETTEER, "rb") as handle:
        document = json.loads(handle.read().decode("utf-8"))
    gaz = Gazetteer()
    for code, name in document["regions"]:
        gaz.regions[code] = name
        if code < "975":  # overseas collectivities are not regions
            gaz.region_names[key(name)] = code
    for name, code in FORMER_REGIONS.items():
        gaz.region_names.setdefault(key(name), code)
    for code, name, region, lon, lat in document["departments"]:
        gaz.departments[code] = Department(code, name, region, lon, lat)
        # Overseas collectivities (975, 977…) are not departments, and "Saint-Martin" is
        # more often one of the communes of that name.
        if len(code) == 2 or code <= "976":
            gaz.department_names[key(name)] = code
    for name, code in PAYS.items():
        gaz.department_names.setdefault(key(name), code)
    for code, name, dep, region, population, postcodes, lon, lat in document["communes"]:
        gaz.communes[code] = Commune(
            code, name, dep, region, population, tuple(postcodes), lon, lat
        )
        gaz.commune_names[key(name)].append(code)
        gaz.department_sizes[dep] = gaz.department_sizes.get(dep, 0) + 1
        for postcode in postcodes:
            gaz.by_postcode[postcode].append(code)
    for name, code in document["aliases"]:
        codes = gaz.commune_names[key(name)]
        if code not in codes:
            codes.append(code)
    gaz.longest_name = max(len(k.split()) for k in gaz.commune_names)
    gaz.commune_names = dict(gaz.commune_names)
    gaz.by_postcode = dict(gaz.by_postcode)
    return gaz
