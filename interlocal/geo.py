"""Place boundaries simplified for the web, as GeoJSON text, and back to drawable rings (no Django).

TIGER/Line place polygons carry a vertex every few metres; a map of a county needs far fewer. Shapely's
`simplify(preserve_topology=True)` keeps every polygon valid (no self-crossing, holes stay inside), and
`point_on_surface` gives a point inside the shape for its label (a centroid can fall outside a
crescent-shaped city).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.polygon import orient

ENGINE_VERSION = "geo-1"
# About 30 m at Missouri's latitude: invisible on a county map, and a tenth of the vertices.
DEFAULT_TOLERANCE = 0.0003
# Coordinates are kept to 5 decimals (about 1 m), as the TIGER GeoJSON files give them.
DIGITS = 5

Ring = Sequence[tuple[float, float]]


@dataclass(frozen=True)
class Simplified:
    """A boundary ready to store: GeoJSON MultiPolygon text, its interior point, and vertex counts."""

    geojson: str
    interior: tuple[float, float]
    vertices_before: int
    vertices_after: int


def _multipolygon(polygons: Sequence[Sequence[Ring]]) -> MultiPolygon:
    parts = [Polygon(rings[0], list(rings[1:])) for rings in polygons if rings and len(rings[0]) >= 3]
    if not parts:
        raise ValueError("boundary has no polygon with at least three points")
    return MultiPolygon(parts)


def _count(geom: MultiPolygon) -> int:
    return sum(len(p.exterior.coords) + sum(len(i.coords) for i in p.interiors) for p in geom.geoms)


def _rounded(value: object) -> object:
    if isinstance(value, float):
        return round(value, DIGITS)
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


def simplify(polygons: Sequence[Sequence[Ring]], tolerance: float = DEFAULT_TOLERANCE) -> Simplified:
    """Simplify a place's polygons (rings of (lon, lat), exterior first) for the web."""
    geom = _multipolygon(polygons)
    if not geom.is_valid:
        geom = geom.buffer(0)  # repairs a self-touching ring the census file may carry
    small = geom.simplify(tolerance, preserve_topology=True)
    parts = small.geoms if isinstance(small, MultiPolygon) else [small]
    # Exteriors counter-clockwise, holes clockwise (the GeoJSON rule): a nonzero fill leaves holes empty.
    small = MultiPolygon([orient(p, sign=1.0) for p in parts if isinstance(p, Polygon) and not p.is_empty])
    point = geom.point_on_surface()
    text = json.dumps(
        {"type": "MultiPolygon", "coordinates": _rounded(mapping(small)["coordinates"])},
        separators=(",", ":"),
    )
    return Simplified(text, (round(point.x, DIGITS), round(point.y, DIGITS)), _count(geom), _count(small))


def rings_of(geojson: str) -> tuple[tuple[tuple[tuple[float, float], ...], ...], ...]:
    """A stored boundary's polygons as rings of (lon, lat) tuples, for `charts.members_map`."""
    geom = shape(json.loads(geojson))
    polygons = geom.geoms if isinstance(geom, MultiPolygon) else [geom]
    return tuple(
        tuple(tuple((float(x), float(y)) for x, y, *_ in ring.coords) for ring in (p.exterior, *p.interiors))
        for p in polygons
    )
