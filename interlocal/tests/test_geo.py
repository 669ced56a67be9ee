"""Boundaries simplified for the web: valid, smaller, holes kept, a label point inside, GeoJSON that reads back."""

from __future__ import annotations

import json
import math
from itertools import pairwise

from shapely.geometry import Point, shape

from interlocal import geo


def _wiggly_square_with_hole() -> list[list[list[tuple[float, float]]]]:
    outer = [(i / 100, 0.002 * math.sin(i)) for i in range(101)]
    outer += [(1.0, i / 100) for i in range(1, 101)]
    outer += [(1 - i / 100, 1.0) for i in range(1, 101)]
    outer += [(0.0, 1 - i / 100) for i in range(1, 101)]
    hole = [(0.4, 0.4), (0.4, 0.6), (0.6, 0.6), (0.6, 0.4), (0.4, 0.4)]
    return [[outer, hole]]


def test_it_simplifies_keeping_the_shape_valid_and_the_hole() -> None:
    small = geo.simplify(_wiggly_square_with_hole(), tolerance=0.01)
    geom = shape(json.loads(small.geojson))
    assert geom.geom_type == "MultiPolygon" and geom.is_valid
    assert small.vertices_after < small.vertices_before / 10
    assert len(geom.geoms[0].interiors) == 1
    assert abs(geom.area - 0.96) < 0.01
    assert geom.contains(Point(small.interior))


def test_it_reads_back_rings_with_exteriors_counter_clockwise() -> None:
    small = geo.simplify(_wiggly_square_with_hole(), tolerance=0.01)
    ((outer, hole),) = geo.rings_of(small.geojson)
    signed = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(outer))
    assert signed > 0 and len(hole) == 5
