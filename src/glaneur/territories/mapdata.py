"""The map of metropolitan France drawn by the server as SVG: department outlines projected
and simplified once (``glaneur build-gazetteer``), communes placed by their centroid.

No tile server and no JavaScript: the boundaries are the map, framed on the departments a
topic's posts name. Measured on the seed topic: the whole map page weighs 70 KB of HTML
(uncompressed; 96 outlines simplified to 0.8 px make 105 KB for all of France), where
Leaflet 1.9 alone is 147 KB of script and 14 KB of CSS before any GeoJSON: server-side SVG
is the lighter choice, and it works offline and without JavaScript.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from functools import cache
from pathlib import Path
from typing import Any

MAP = Path(__file__).parent / "data" / "departments-map.json.gz"
WIDTH = 1000.0
# Metropolitan France, with a margin: longitude -5.3..9.7, latitude 41.2..51.2.
WEST, EAST, SOUTH, NORTH = -5.3, 9.7, 41.2, 51.2
_K = math.cos(math.radians(46.5))  # equirectangular, true at the middle latitude
SCALE = WIDTH / ((EAST - WEST) * _K)
HEIGHT = round((NORTH - SOUTH) * SCALE, 1)


def project(lon: float, lat: float) -> tuple[float, float]:
    return (round((lon - WEST) * _K * SCALE, 1), round((NORTH - lat) * SCALE, 1))


def inside(x: float, y: float) -> bool:
    return 0 <= x <= WIDTH and 0 <= y <= HEIGHT


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas–Peucker, iterative."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy) or 1.0
        worst, index = 0.0, 0
        for i in range(first + 1, last):
            x, y = points[i]
            distance = abs(dy * (x - x1) - dx * (y - y1)) / norm
            if distance > worst:
                worst, index = distance, i
        if worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _path(rings: list[list[list[float]]], tolerance: float) -> str:
    parts = []
    for ring in rings:
        projected = [project(lon, lat) for lon, lat in ring]
        # A ring starts and ends on one point: cut it at its farthest point, simplify halves.
        x0, y0 = projected[0]
        far = max(
            range(len(projected)),
            key=lambda i: math.hypot(projected[i][0] - x0, projected[i][1] - y0),
        )
        points = _simplify(projected[: far + 1], tolerance)[:-1] + _simplify(
            projected[far:], tolerance
        )
        if len(points) < 4:
            continue
        parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in points) + "Z")
    return "".join(parts)


def build_map(departments_geojson: Path, out: Path = MAP, tolerance: float = 0.8) -> int:
    """Write the projected, simplified outline of each department; returns their count."""
    document: dict[str, Any] = json.loads(departments_geojson.read_text("utf-8"))
    paths: dict[str, str] = {}
    names: dict[str, str] = {}
    for feature in document["features"]:
        names[feature["properties"]["code"]] = feature["properties"]["nom"]
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        paths[feature["properties"]["code"]] = "".join(
            _path(polygon, tolerance) for polygon in polygons
        )
    payload = json.dumps(
        {"width": WIDTH, "height": HEIGHT, "departments": paths, "names": names},
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")
    with gzip.GzipFile(out, "wb", compresslevel=9, mtime=0) as handle:
        handle.write(payload)
    return len(paths)


@cache
def _map() -> dict[str, Any]:
    with gzip.open(MAP, "rb") as handle:
        return dict(json.loads(handle.read().decode("utf-8")))


def department_paths() -> dict[str, str]:
    return dict(_map()["departments"])


def department_names() -> dict[str, str]:
    return dict(_map()["names"])


Box = tuple[float, float, float, float]  # x0, y0, x1, y1


@cache
def department_boxes() -> dict[str, Box]:
    """Each outline's bounding box, read from its path."""
    boxes = {}
    for code, path in department_paths().items():
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path)]
        xs, ys = numbers[0::2], numbers[1::2]
        boxes[code] = (min(xs), min(ys), max(xs), max(ys))
    return boxes


def framed(boxes: list[Box], *, margin: float = 0.12, smallest: float = 220.0) -> Box:
    """A view around these boxes, with a margin, never smaller than ``smallest`` across, at
    most the whole map."""
    if not boxes:
        return (0.0, 0.0, WIDTH, HEIGHT)
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[2] for b in boxes)
    y1 = max(b[3] for b in boxes)
    side = max(x1 - x0, y1 - y0, smallest) * (1 + 2 * margin)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half = min(side, WIDTH, HEIGHT) / 2
    left = min(max(cx - half, 0.0), WIDTH - 2 * half)
    top = min(max(cy - half, 0.0), HEIGHT - 2 * half)
    return (round(left, 1), round(top, 1), round(left + 2 * half, 1), round(top + 2 * half, 1))


def overlaps(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]
