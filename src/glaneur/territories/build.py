"""Build the gazetteer file from its public sources (run by ``glaneur build-gazetteer``).

Sources, both offline: the npm package ``@etalab/decoupage-administratif`` (the official
geographic code: communes with department, region, postcodes and population; communes
déléguées and associées; departments; regions; MIT licence) and the 2018 commune centroids
of IGN Admin Express (Licence Ouverte), which ``../shared/geo/`` holds. The result is one
small gzipped JSON file shipped in the package (``data/gazetteer.json.gz``).
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
GAZETTEER = DATA / "gazetteer.json.gz"


def build(source: Path, centroids_file: Path, out: Path = GAZETTEER) -> dict[str, int]:
    """Write the gazetteer; returns counts of what it holds."""
    communes: list[dict[str, Any]] = json.loads((source / "communes.json").read_text("utf-8"))
    departments = json.loads((source / "departements.json").read_text("utf-8"))
    regions = json.loads((source / "regions.json").read_text("utf-8"))
    centroids: dict[str, list[float]] = json.loads(centroids_file.read_text("utf-8"))

    current = [c for c in communes if c.get("type") == "commune-actuelle"]
    by_code = {c["code"]: c for c in current}
    points: dict[str, tuple[float, float]] = {}
    for commune in current:
        point = _point(commune, centroids)
        if point is not None:
            points[commune["code"]] = point
    per_department: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for code, point in points.items():
        per_department[by_code[code]["departement"]].append(point)
    department_points = {
        dep: (
            round(sum(p[0] for p in pts) / len(pts), 5),
            round(sum(p[1] for p in pts) / len(pts), 5),
        )
        for dep, pts in per_department.items()
    }
    rows = []
    for c in current:
        lon, lat = points.get(c["code"]) or department_points.get(c["departement"], (0.0, 0.0))
        rows.append(
            [
                c["code"],
                c["nom"],
                c["departement"],
                c["region"],
                int(c.get("population") or 0),
                c.get("codesPostaux") or [],
                lon,
                lat,
            ]
        )
    # A commune déléguée or associée keeps its old name in people's mouths: an alias of the
    # commune it belongs to now.
    aliases = sorted(
        {
            (c["nom"], c["chefLieu"])
            for c in communes
            if c.get("type") in ("commune-deleguee", "commune-associee")
            and c.get("chefLieu") in by_code
            and c["nom"] != by_code[c["chefLieu"]]["nom"]
        }
    )
    document = {
        "sources": [
            "@etalab/decoupage-administratif (MIT), the official geographic code",
            "IGN Admin Express 2018 commune centroids – Licence Ouverte",
        ],
        "regions": [[r["code"], r["nom"]] for r in regions],
        "departments": [
            [d["code"], d["nom"], d["region"], *department_points.get(d["code"], (0.0, 0.0))]
            for d in departments
        ],
        "communes": rows,
        "aliases": [list(a) for a in aliases],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # mtime 0: the same sources give the same bytes.
    with gzip.GzipFile(out, "wb", compresslevel=9, mtime=0) as handle:
        handle.write(payload)
    return {
        "communes": len(rows),
        "aliases": len(aliases),
        "departments": len(departments),
        "regions": len(regions),
        "without centroid": len(current) - len(points),
    }


def _point(
    commune: dict[str, Any], centroids: dict[str, list[float]]
) -> tuple[float, float] | None:
    """The commune's 2018 centroid, else that of its chef-lieu or an old code it merged."""
    for code in [commune["code"], commune.get("chefLieu"), *(commune.get("anciensCodes") or [])]:
        if code and code in centroids:
            lon, lat = centroids[code]
            return (float(lon), float(lat))
    return None
