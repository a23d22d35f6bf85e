"""``glaneur build-gazetteer SOURCE_DIR CENTROIDS``: rebuild ``territories/data/gazetteer.json.gz``.

SOURCE_DIR is the ``data/`` folder of the npm package ``@etalab/decoupage-administratif``
(``npm pack @etalab/decoupage-administratif`` and untar it); CENTROIDS the commune centroids
JSON (``commune-centroids-2018.json``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from glaneur.territories.build import GAZETTEER, build
from glaneur.territories.mapdata import build_map


class Command(BaseCommand):
    help = "Rebuild the gazetteer of communes, departments and regions from its sources."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="data/ folder of @etalab/decoupage-administratif")
        parser.add_argument("centroids", help="commune-centroids-2018.json")
        parser.add_argument("--out", default=str(GAZETTEER))
        parser.add_argument(
            "--departments",
            default="",
            help="departements-version-simplifiee.geojson: also rebuild the map's outlines",
        )

    def handle(self, *args: Any, source: str, centroids: str, out: str, **options: Any) -> None:
        counts = build(Path(source), Path(centroids), Path(out))
        if options["departments"]:
            counts["department outlines"] = build_map(Path(options["departments"]))
        self.stdout.write(", ".join(f"{n} {what}" for what, n in counts.items()))
