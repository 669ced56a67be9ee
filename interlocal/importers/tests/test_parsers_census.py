"""Tests of the Census boundary, adjacency and CSV parsers on the Missouri files."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from interlocal.importers.parsers.census import (
    compute_adjacency,
    iter_adjacency_csv,
    iter_population_estimates,
    parse_place_boundaries,
    read_municipalities,
    read_place_attributes,
    read_place_boundaries,
    read_population_estimates,
)
from interlocal.importers.parsers.records import ParseProblem, PlaceRecord

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared"


def missouri(name: str) -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent: real-world fixtures are not in a fresh clone")
    return SHARED / "data" / "missouri" / name


def check_adjacency(geojson: str, places_expected: int, pairs_expected: int) -> float:
    parsed = read_place_boundaries(missouri(geojson))
    assert parsed.problems == ()
    assert len(parsed.value) == places_expected
    geoids = {p.geoid for p in parsed.value}
    problems: list[ParseProblem] = []
    expected = {
        frozenset((row.geoid_a, row.geoid_b)): row.shared_boundary_len_deg
        for row in iter_adjacency_csv(missouri("mo_incorporated_place_adjacency_DERIVED.csv"), problems)
        if row.geoid_a in geoids and row.geoid_b in geoids
    }
    assert problems == []
    started = time.perf_counter()
    computed = compute_adjacency(parsed.value)
    elapsed = time.perf_counter() - started
    got = {frozenset((a.geoid_a, a.geoid_b)): a.shared_length_deg for a in computed}
    assert set(got) - set(expected) == set(), "pairs the derived CSV lacks"
    assert set(expected) - set(got) == set(), "pairs the derived CSV lists but adjacency missed"
    assert len(got) == pairs_expected
    for pair, length in expected.items():
        assert length is not None
        assert got[pair] == pytest.approx(length, abs=2e-4), pair
    return elapsed


def test_it_reproduces_the_jackson_county_adjacency() -> None:
    elapsed = check_adjacency("jackson_county_area_incorporated_places.geojson", 19, 20)
    print(f"jackson county adjacency: {elapsed:.3f}s")


def test_it_reproduces_the_st_louis_area_adjacency() -> None:
    elapsed = check_adjacency("stlouis_area_incorporated_places.geojson", 103, 201)
    print(f"st. louis area adjacency: {elapsed:.3f}s")
    assert elapsed < 10


def test_it_reads_place_attributes_from_the_boundaries() -> None:
    places = read_place_boundaries(missouri("jackson_county_area_incorporated_places.geojson")).value
    blue = next(p for p in places if p.geoid == "2906652")
    assert (blue.name, blue.namelsad, blue.class_fp, blue.land_area_m2) == (
        "Blue Springs",
        "Blue Springs city",
        "C1",
        58059373,
    )
    assert blue.geometry[0][0][0] == (-94.22597, 39.02933)


def square(geoid: str, x: float, y: float, size: float = 1.0) -> PlaceRecord:
    ring = ((x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y))
    return PlaceRecord(geoid, geoid, geoid, "C1", 1, ((ring,),))


def test_it_needs_a_shared_segment_not_just_a_point() -> None:
    a, b, c = square("1", 0, 0), square("2", 1, 0), square("3", 1, 1)
    pairs = {(x.geoid_a, x.geoid_b): x.shared_length_deg for x in compute_adjacency([a, b, c])}
    assert pairs == {("1", "2"): 1.0, ("2", "3"): 1.0}


def test_it_finds_edges_shared_by_differently_noded_boundaries() -> None:
    big = square("1", 0, 0, 2)
    small = square("2", 2, 0.5, 1)
    (pair,) = compute_adjacency([big, small])
    assert (pair.geoid_a, pair.geoid_b) == ("1", "2")
    assert pair.shared_length_deg == pytest.approx(1.0)


def test_it_reports_bad_features() -> None:
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "properties": {"GEOID": "2900001", "ALAND": "x"},
                "geometry": {"type": "Point", "coordinates": [0, 0]},
            },
            {"properties": {"NAME": "No id"}, "geometry": None},
            {
                "properties": {"GEOID": "2900002", "ALAND": "oops"},
                "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
            },
        ],
    }
    parsed = parse_place_boundaries(data, "f.geojson")
    assert [p.geoid for p in parsed.value] == ["2900002"]
    assert parsed.value[0].land_area_m2 is None
    assert {(p.row, p.field) for p in parsed.problems} == {(0, "geometry"), (1, "GEOID"), (2, "ALAND")}
    assert parse_place_boundaries([], "f").problems[0].field == "features"


def test_it_streams_population_estimates_with_geoids_from_state_and_place() -> None:
    parsed = read_population_estimates(missouri("mo_incorporated_places_sub-est2019_SUMLEV162.csv"))
    assert len(parsed.value) == 939
    adrian = parsed.value[0]
    assert (adrian.geoid, adrian.name, adrian.census2010_pop, adrian.estimates_base2010) == (
        "2900244",
        "Adrian",
        1677,
        1685,
    )
    assert adrian.estimate(2019) == 1597
    assert [year for year, _ in adrian.estimates] == list(range(2010, 2020))
    assert len({row.geoid for row in parsed.value}) == 939
    # Three places carry the Census footnote "A" instead of a 2010 count.
    assert len(parsed.problems) == 3
    assert {(p.field, p.row) for p in parsed.problems} == {
        ("CENSUS2010POP", 60),
        ("CENSUS2010POP", 167),
        ("CENSUS2010POP", 436),
    }
    bellerive = next(r for r in parsed.value if r.name == "Bellerive Acres")
    assert (bellerive.census2010_pop, bellerive.estimate(2019)) == (None, 181)


def test_it_reads_the_tiger_attribute_and_municipality_tables() -> None:
    attributes = read_place_attributes(missouri("mo_places_tiger2019_attributes.csv"))
    assert attributes.problems == ()
    assert len(attributes.value) == 1032
    affton = next(r for r in attributes.value if r.geoid == "2900280")
    assert (affton.namelsad, affton.class_fp, affton.funcstat, affton.land_area_m2) == (
        "Affton CDP",
        "U1",
        "S",
        11837254,
    )
    municipalities = read_municipalities(missouri("mo_municipalities_county_population_DERIVED.csv"))
    assert len(municipalities.value) == 948
    by_county: dict[str | None, int] = {}
    for row in municipalities.value:
        by_county[row.primary_county_name] = by_county.get(row.primary_county_name, 0) + 1
    assert (by_county["St. Louis County"], by_county["Jackson County"]) == (87, 18)
    # Nine inactive places have no populations (two empty cells each) and three carry the footnote "A".
    assert len(municipalities.problems) == 21
    assert all(p.field in {"census2010_pop", "popest2019"} for p in municipalities.problems)


def test_it_reports_missing_columns_and_bad_numbers_with_file_row_and_column(tmp_path: Path) -> None:
    missing = tmp_path / "missing.csv"
    missing.write_text("SUMLEV,STATE,NAME\n162,29,X\n")
    problems: list[ParseProblem] = []
    assert list(iter_population_estimates(missing, problems)) == []
    assert {(p.field, p.row, p.file) for p in problems} == {
        ("PLACE", 1, str(missing)),
        ("CENSUS2010POP", 1, str(missing)),
        ("ESTIMATESBASE2010", 1, str(missing)),
    }

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "SUMLEV,STATE,PLACE,NAME,CENSUS2010POP,ESTIMATESBASE2010,POPESTIMATE2010\n"
        "162,29,244,Adrian,1677,16x5,1683\n"
        "162,29,ABC,Nowhere,1,1,1\n"
    )
    problems = []
    rows = list(iter_population_estimates(bad, problems))
    assert [(r.geoid, r.estimates_base2010, r.estimate(2010)) for r in rows] == [("2900244", None, 1683)]
    assert {(p.field, p.row) for p in problems} == {("ESTIMATESBASE2010", 2), ("PLACE", 3)}
