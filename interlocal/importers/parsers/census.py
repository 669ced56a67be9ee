"""Parse Census TIGER/Line place boundaries and attribute/population CSVs; compute shared-edge adjacency."""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

from .records import (
    Adjacency,
    AdjacencyRow,
    MultiPolygon,
    MunicipalityRow,
    Parsed,
    ParseProblem,
    PlaceAttributeRow,
    PlaceRecord,
    PopulationEstimateRow,
    Ring,
)

# --- boundaries ---------------------------------------------------------------------------------


def _ring(raw: Any) -> Ring | None:
    if not isinstance(raw, list) or len(raw) < 4:
        return None
    points: list[tuple[float, float]] = []
    for point in raw:
        if (
            not isinstance(point, list)
            or len(point) < 2
            or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in point[:2])
        ):
            return None
        points.append((float(point[0]), float(point[1])))
    return tuple(points)


def _geometry(raw: Any) -> MultiPolygon | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("coordinates"), list):
        return None
    if raw.get("type") == "Polygon":
        polygons = [raw["coordinates"]]
    elif raw.get("type") == "MultiPolygon":
        polygons = raw["coordinates"]
    else:
        return None
    out = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return None
        rings = [_ring(r) for r in polygon]
        if any(r is None for r in rings):
            return None
        out.append(tuple(r for r in rings if r is not None))
    return tuple(out)


def _non_finite(value: Any, path: str) -> tuple[str, float] | None:
    """The path and value of the first NaN or infinity (Python's json reads both, and 1e400 as inf)."""
    if isinstance(value, float):
        return None if math.isfinite(value) else (path, value)
    if isinstance(value, dict):
        items: Iterable[tuple[str, Any]] = ((f"{path}.{k}" if path else str(k), v) for k, v in value.items())
    elif isinstance(value, list):
        items = ((f"{path}[{i}]", v) for i, v in enumerate(value))
    else:
        return None
    for sub_path, sub in items:
        found = _non_finite(sub, sub_path)
        if found:
            return found
    return None


def _geometry_problem(geometry: MultiPolygon, multi: bool) -> tuple[str, str] | None:
    """The field and reason that make a parsed geometry unusable: range, open ring, invalid polygon."""
    from shapely import MultiPolygon as ShapelyMultiPolygon
    from shapely import Polygon as ShapelyPolygon
    from shapely.validation import explain_validity

    shapes = []
    for p, polygon in enumerate(geometry):
        base = f"geometry.coordinates[{p}]" if multi else "geometry.coordinates"
        for r, ring in enumerate(polygon):
            for i, (lon, lat) in enumerate(ring):
                if not -180 <= lon <= 180:
                    return f"{base}[{r}][{i}]", f"longitude {lon} is outside -180..180"
                if not -90 <= lat <= 90:
                    return f"{base}[{r}][{i}]", f"latitude {lat} is outside -90..90"
            if ring[0] != ring[-1]:
                return f"{base}[{r}]", f"ring is not closed: it starts at {ring[0]} and ends at {ring[-1]}"
        shape = ShapelyPolygon(polygon[0], polygon[1:])
        if not shape.is_valid:
            return base, f"invalid polygon: {explain_validity(shape)}"
        shapes.append(shape)
    if len(shapes) > 1:
        whole = ShapelyMultiPolygon(shapes)
        if not whole.is_valid:
            return "geometry.coordinates", f"invalid multipolygon: {explain_validity(whole)}"
    return None


def _json_int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def parse_place_boundaries(data: Any, file: str | None = None) -> Parsed[tuple[PlaceRecord, ...]]:
    """Read a TIGER/Line places GeoJSON FeatureCollection (already decoded)."""
    problems: list[ParseProblem] = []
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        return Parsed(
            (), (ParseProblem("features", "not a GeoJSON FeatureCollection", None, file, "feature"),)
        )
    places: list[PlaceRecord] = []
    for index, feature in enumerate(data["features"]):

        def problem(field: str, message: str, index: int = index) -> None:
            problems.append(ParseProblem(field, message, index, file, "feature"))

        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            problem("properties", "feature has no properties object")
            continue
        geoid = props.get("GEOID")
        if not isinstance(geoid, str) or not geoid.isdigit():
            problem("GEOID", f"missing or not a digit string: {geoid!r}")
            continue
        bad_number = _non_finite(feature, "")
        if bad_number:
            problem(bad_number[0], f"GEOID {geoid}: {bad_number[1]} is not a finite number")
            continue
        raw_geometry = feature.get("geometry")
        geometry = _geometry(raw_geometry)
        if geometry is None:
            problem("geometry", "missing or not a Polygon/MultiPolygon")
            continue
        invalid = _geometry_problem(geometry, multi=raw_geometry["type"] == "MultiPolygon")
        if invalid:
            problem(invalid[0], f"GEOID {geoid}: {invalid[1]}")
            continue
        land = _json_int(props.get("ALAND"))
        if land is None:
            problem("ALAND", f"not an integer: {props.get('ALAND')!r}")
        places.append(
            PlaceRecord(
                geoid=geoid,
                name=props.get("NAME"),
                namelsad=props.get("NAMELSAD"),
                class_fp=props.get("CLASSFP"),
                land_area_m2=land,
                geometry=geometry,
                funcstat=props.get("FUNCSTAT"),
                water_area_m2=_json_int(props.get("AWATER")),
            )
        )
    return Parsed(tuple(places), tuple(problems))


def read_place_boundaries(path: str | Path, label: str | None = None) -> Parsed[tuple[PlaceRecord, ...]]:
    """Read a TIGER/Line places GeoJSON file; problems name it by label (default: its path)."""
    name = label or str(path)
    try:
        data = json.loads(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        return Parsed((), (ParseProblem("<file>", f"cannot read GeoJSON: {exc}", None, name),))
    return parse_place_boundaries(data, name)


_Point = tuple[int, int]


def _segments(place: PlaceRecord, scale: float) -> Iterator[tuple[_Point, _Point]]:
    for polygon in place.geometry:
        for ring in polygon:
            # Integer grid coordinates make vertex equality and collinearity exact.
            points = [(round(x * scale), round(y * scale)) for x, y in ring]
            for p, q in pairwise(points):
                if p != q:
                    yield (p, q) if p < q else (q, p)


def _length(p: _Point, q: _Point, scale: float) -> float:
    return math.hypot(q[0] - p[0], q[1] - p[1]) / scale


def compute_adjacency(places: Sequence[PlaceRecord], precision: int = 5) -> tuple[Adjacency, ...]:
    """Pairs of places whose boundaries share a line segment (a shared point alone does not count)."""
    # Work exactly on a 10**-precision grid (the files are rounded to 5 decimals): first identical
    # segments, then collinear overlapping pieces where one boundary has a vertex mid-edge of the other.
    scale = 10.0**precision
    owners: dict[tuple[_Point, _Point], set[str]] = defaultdict(set)
    for place in places:
        for segment in _segments(place, scale):
            owners[segment].add(place.geoid)

    shared: dict[tuple[str, str], float] = defaultdict(float)
    lonely: list[tuple[_Point, _Point, str]] = []
    for (p, q), ids in owners.items():
        if len(ids) > 1:
            ordered = sorted(ids)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1 :]:
                    shared[(a, b)] += _length(p, q, scale)
        else:
            lonely.append((p, q, next(iter(ids))))

    # Group the unmatched segments by the exact line they lie on, then sweep each line for overlaps.
    lines: dict[tuple[int, int, int], list[tuple[int, int, str, _Point, _Point]]] = defaultdict(list)
    for p, q, geoid in lonely:
        dx, dy = q[0] - p[0], q[1] - p[1]
        g = math.gcd(dx, dy)
        dx, dy = dx // g, dy // g
        if dx < 0 or (dx == 0 and dy < 0):
            dx, dy = -dx, -dy
        offset = dy * p[0] - dx * p[1]
        t0, t1 = sorted((p[0] * dx + p[1] * dy, q[0] * dx + q[1] * dy))
        lines[(dx, dy, offset)].append((t0, t1, geoid, p, q))
    for (dx, dy, _), pieces in lines.items():
        if len({piece[2] for piece in pieces}) < 2:
            continue
        pieces.sort()
        unit = math.hypot(dx, dy)
        for i, (_t0, t1, a, _, _) in enumerate(pieces):
            for u0, u1, b, _, _ in pieces[i + 1 :]:
                if u0 >= t1:
                    break
                if a != b:
                    overlap = (min(t1, u1) - u0) / unit / scale
                    if overlap > 0:
                        key = (a, b) if a < b else (b, a)
                        shared[key] += overlap
    return tuple(Adjacency(a, b, round(length, 9)) for (a, b), length in sorted(shared.items()))


# --- CSV tables ---------------------------------------------------------------------------------


class _CsvReader:
    """Row-by-row CSV reading that reports missing columns and unreadable values as problems."""

    def __init__(self, path: str | Path, problems: list[ParseProblem], encoding: str = "utf-8-sig") -> None:
        self.path = Path(path)
        self.file = str(path)
        self.problems = problems
        self.encoding = encoding

    def rows(self, required: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
        try:
            handle = self.path.open(newline="", encoding=self.encoding)
        except OSError as exc:
            self.problems.append(ParseProblem("<file>", f"cannot open: {exc}", None, self.file))
            return
        with handle:
            reader = csv.DictReader(handle)
            try:
                header = reader.fieldnames or []
                missing = [column for column in required if column not in header]
                if missing:
                    for column in missing:
                        self.problems.append(
                            ParseProblem(column, "column missing from the header", 1, self.file)
                        )
                    return
                for row in reader:
                    if None in row:
                        self.problems.append(
                            ParseProblem(
                                "<row>", "more fields than header columns", reader.line_num, self.file
                            )
                        )
                    yield reader.line_num, row
            except UnicodeDecodeError as exc:
                self.problems.append(
                    ParseProblem("<file>", f"not {self.encoding}: {exc}", reader.line_num, self.file)
                )
            except csv.Error as exc:
                self.problems.append(
                    ParseProblem("<file>", f"malformed CSV: {exc}", reader.line_num, self.file)
                )

    def text(self, row: dict[str, str], column: str, line: int) -> str | None:
        value = row.get(column)
        if value is None:
            self.problems.append(ParseProblem(column, "row is shorter than the header", line, self.file))
            return None
        return value.strip() or None

    def int_(self, row: dict[str, str], column: str, line: int) -> int | None:
        value = self.text(row, column, line)
        if value is None:
            if row.get(column) is not None:
                self.problems.append(ParseProblem(column, "empty", line, self.file))
            return None
        try:
            return int(value)
        except ValueError:
            pass
        if value.isalpha() and len(value) <= 2:
            # Census tables put footnote codes ("A", "X") where no count is published.
            self.problems.append(
                ParseProblem(column, f"Census footnote code {value!r}, not a number", line, self.file)
            )
        else:
            self.problems.append(ParseProblem(column, f"not an integer: {value!r}", line, self.file))
        return None

    def float_(self, row: dict[str, str], column: str, line: int) -> float | None:
        value = self.text(row, column, line)
        if value is None:
            return None
        try:
            return float(value)
        except ValueError:
            self.problems.append(ParseProblem(column, f"not a number: {value!r}", line, self.file))
            return None

    def code(self, row: dict[str, str], column: str, line: int, width: int) -> str | None:
        """A zero-padded numeric code (STATE, PLACE...); spreadsheets drop the leading zeros."""
        value = self.text(row, column, line)
        if value is None or not value.isdigit() or len(value) > width:
            self.problems.append(
                ParseProblem(column, f"not a {width}-digit code: {value!r}", line, self.file)
            )
            return None
        return value.zfill(width)


POPULATION_COLUMNS = ("SUMLEV", "STATE", "PLACE", "NAME", "CENSUS2010POP", "ESTIMATESBASE2010")


def iter_population_estimates(
    path: str | Path, problems: list[ParseProblem], encoding: str = "utf-8-sig"
) -> Iterator[PopulationEstimateRow]:
    """Stream a Census SUB-EST population CSV; GEOID = STATE (2 digits) + PLACE (5 digits)."""
    reader = _CsvReader(path, problems, encoding)
    years: list[int] = []
    for line, row in reader.rows(POPULATION_COLUMNS):
        if not years:
            years = sorted(int(c[11:]) for c in row if c and c.startswith("POPESTIMATE") and c[11:].isdigit())
        state = reader.code(row, "STATE", line, 2)
        place = reader.code(row, "PLACE", line, 5)
        name = reader.text(row, "NAME", line)
        if state is None or place is None or name is None:
            if name is None:
                problems.append(ParseProblem("NAME", "empty", line, reader.file))
            continue
        yield PopulationEstimateRow(
            geoid=state + place,
            name=name,
            state_name=reader.text(row, "STNAME", line) if "STNAME" in row else None,
            sumlev=reader.text(row, "SUMLEV", line) or "",
            funcstat=row.get("FUNCSTAT") or None,
            census2010_pop=reader.int_(row, "CENSUS2010POP", line),
            estimates_base2010=reader.int_(row, "ESTIMATESBASE2010", line),
            estimates=tuple((year, reader.int_(row, f"POPESTIMATE{year}", line)) for year in years),
        )


def read_population_estimates(path: str | Path) -> Parsed[tuple[PopulationEstimateRow, ...]]:
    """All rows of a population CSV (convenience wrapper around the streaming reader)."""
    problems: list[ParseProblem] = []
    rows = tuple(iter_population_estimates(path, problems))
    return Parsed(rows, tuple(problems))


ATTRIBUTE_COLUMNS = ("GEOID", "STATEFP", "PLACEFP", "NAME", "NAMELSAD", "CLASSFP", "ALAND")


def iter_place_attributes(
    path: str | Path, problems: list[ParseProblem], encoding: str = "utf-8-sig"
) -> Iterator[PlaceAttributeRow]:
    """Stream the TIGER place attribute CSV (GEOID, NAME, NAMELSAD, CLASSFP, ALAND...)."""
    reader = _CsvReader(path, problems, encoding)
    for line, row in reader.rows(ATTRIBUTE_COLUMNS):
        geoid = reader.code(row, "GEOID", line, 7)
        statefp = reader.code(row, "STATEFP", line, 2)
        placefp = reader.code(row, "PLACEFP", line, 5)
        name, namelsad = reader.text(row, "NAME", line), reader.text(row, "NAMELSAD", line)
        if geoid is None or statefp is None or placefp is None or name is None or namelsad is None:
            continue
        if geoid != statefp + placefp:
            problems.append(ParseProblem("GEOID", f"{geoid} is not STATEFP+PLACEFP", line, reader.file))
        yield PlaceAttributeRow(
            geoid=geoid,
            statefp=statefp,
            placefp=placefp,
            placens=row.get("PLACENS") or None,
            name=name,
            namelsad=namelsad,
            lsad=row.get("LSAD") or None,
            class_fp=reader.text(row, "CLASSFP", line),
            funcstat=row.get("FUNCSTAT") or None,
            land_area_m2=reader.int_(row, "ALAND", line),
            water_area_m2=reader.int_(row, "AWATER", line) if "AWATER" in row else None,
            internal_point_lat=reader.float_(row, "INTPTLAT", line) if "INTPTLAT" in row else None,
            internal_point_lon=reader.float_(row, "INTPTLON", line) if "INTPTLON" in row else None,
        )


def read_place_attributes(path: str | Path) -> Parsed[tuple[PlaceAttributeRow, ...]]:
    """All rows of the TIGER attribute CSV."""
    problems: list[ParseProblem] = []
    rows = tuple(iter_place_attributes(path, problems))
    return Parsed(rows, tuple(problems))


MUNICIPALITY_COLUMNS = (
    "GEOID",
    "PLACEFP",
    "NAMELSAD",
    "CLASSFP",
    "FUNCSTAT",
    "primary_county_fips",
    "primary_county_name",
    "census2010_pop",
    "popest2019",
    "ALAND_m2",
)


def iter_municipalities(
    path: str | Path, problems: list[ParseProblem], encoding: str = "utf-8-sig"
) -> Iterator[MunicipalityRow]:
    """Stream the municipalities-with-primary-county CSV."""
    reader = _CsvReader(path, problems, encoding)
    for line, row in reader.rows(MUNICIPALITY_COLUMNS):
        geoid = reader.code(row, "GEOID", line, 7)
        placefp = reader.code(row, "PLACEFP", line, 5)
        namelsad = reader.text(row, "NAMELSAD", line)
        if geoid is None or placefp is None or namelsad is None:
            continue
        yield MunicipalityRow(
            geoid=geoid,
            placefp=placefp,
            namelsad=namelsad,
            class_fp=reader.text(row, "CLASSFP", line),
            funcstat=reader.text(row, "FUNCSTAT", line),
            primary_county_fips=reader.code(row, "primary_county_fips", line, 5),
            primary_county_name=reader.text(row, "primary_county_name", line),
            census2010_pop=reader.int_(row, "census2010_pop", line),
            popest2019=reader.int_(row, "popest2019", line),
            land_area_m2=reader.int_(row, "ALAND_m2", line),
        )


def read_municipalities(path: str | Path) -> Parsed[tuple[MunicipalityRow, ...]]:
    """All rows of the municipalities CSV."""
    problems: list[ParseProblem] = []
    rows = tuple(iter_municipalities(path, problems))
    return Parsed(rows, tuple(problems))


ADJACENCY_COLUMNS = ("geoid_a", "name_a", "geoid_b", "name_b", "shared_boundary_len_deg", "relation")


def iter_adjacency_csv(path: str | Path, problems: list[ParseProblem]) -> Iterator[AdjacencyRow]:
    """Stream a precomputed adjacency CSV (geoid_a, geoid_b, shared_boundary_len_deg, relation)."""
    reader = _CsvReader(path, problems)
    for line, row in reader.rows(ADJACENCY_COLUMNS):
        a, b = reader.code(row, "geoid_a", line, 7), reader.code(row, "geoid_b", line, 7)
        if a is None or b is None:
            continue
        yield AdjacencyRow(
            geoid_a=a,
            name_a=row["name_a"],
            geoid_b=b,
            name_b=row["name_b"],
            shared_boundary_len_deg=reader.float_(row, "shared_boundary_len_deg", line),
            relation=row["relation"],
        )
