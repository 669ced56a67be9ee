"""Census boundaries give governments and adjacency; population estimates give populations."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from interlocal.governments.models import Government
from interlocal.importers.parsers import read_place_boundaries
from interlocal.importers.tests.helpers import fingerprint, run, shared
from interlocal.testkit import World

pytestmark = pytest.mark.django_db

JACKSON = ("data", "missouri", "jackson_county_area_incorporated_places.geojson")
POPULATION = ("data", "missouri", "mo_incorporated_places_sub-est2019_SUMLEV162.csv")


def import_boundaries(world: World, *parts: str) -> tuple[int, str]:
    return run("census-boundaries", str(shared(*parts)), "--as", world.admin.username)


def test_it_computes_the_adjacency_the_derived_csv_lists(world: World) -> None:
    code, out = import_boundaries(world, *JACKSON)
    assert code == 0, out
    geoids = {p.geoid for p in read_place_boundaries(shared(*JACKSON)).value}
    with shared("data", "missouri", "mo_incorporated_place_adjacency_DERIVED.csv").open() as handle:
        expected = {
            frozenset((r["geoid_a"], r["geoid_b"]))
            for r in csv.DictReader(handle)
            if r["geoid_a"] in geoids and r["geoid_b"] in geoids
        }
    actual = {
        frozenset((g.geoid, n.geoid))
        for g in Government.objects.filter(geoid__in=geoids)
        for n in g.neighbours.all()
    }
    assert expected and actual == expected


def test_it_matches_existing_governments_by_name_and_keeps_their_records(world: World) -> None:
    import_boundaries(world, *JACKSON)
    world.lees_summit.refresh_from_db()
    assert world.lees_summit.geoid == "2941348"
    assert world.lees_summit.land_area_m2 and world.lees_summit.land_area_m2 > 100_000_000
    assert world.lees_summit.ocd_division_id == "ocd-division/country:us/state:mo/place:lees_summit"
    assert world.kansas_city in world.lees_summit.neighbours.all()


def test_it_reports_no_changes_when_the_boundaries_are_imported_again(world: World) -> None:
    import_boundaries(world, *JACKSON)
    before = fingerprint()
    code, out = import_boundaries(world, *JACKSON)
    assert (code, "No changes" in out) == (0, True), out
    assert fingerprint() == before


def test_it_imports_the_st_louis_area_boundaries(world: World) -> None:
    code, out = import_boundaries(world, "data", "missouri", "stlouis_area_incorporated_places.geojson")
    assert code == 0, out
    assert Government.objects.exclude(geoid="").count() == 103


def test_it_sets_population_with_year_and_source(world: World) -> None:
    import_boundaries(world, *JACKSON)
    code, out = run("census-population", str(shared(*POPULATION)), "--as", world.admin.username)
    assert code == 0, out
    world.lees_summit.refresh_from_db()
    assert world.lees_summit.population_year == 2019
    assert world.lees_summit.population and world.lees_summit.population > 90_000
    assert "2019" in world.lees_summit.population_source
    before = fingerprint()
    code, out = run("census-population", str(shared(*POPULATION)), "--as", world.admin.username)
    assert (code, "No changes" in out) == (0, True)
    assert fingerprint() == before


def _collection(*geometries: object) -> dict[str, object]:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"GEOID": f"29{90001 + i}", "NAME": f"Testville {i}", "ALAND": 1000},
                "geometry": {"type": "Polygon", "coordinates": geometry},
            }
            for i, geometry in enumerate(geometries)
        ],
    }


GOOD = [[[-94.0, 39.0], [-93.9, 39.0], [-93.9, 39.1], [-94.0, 39.1], [-94.0, 39.0]]]


@pytest.mark.parametrize(
    ("bad", "field", "reason"),
    [
        (
            [[[-94.0, 39.0], [float("nan"), 39.0], [-93.9, 39.1], [-94.0, 39.0]]],
            "geometry.coordinates[0][1][0]",
            "nan is not a finite number",
        ),
        (
            [[[-94.0, 39.0], [-93.9, float("inf")], [-93.9, 39.1], [-94.0, 39.0]]],
            "geometry.coordinates[0][1][1]",
            "inf is not a finite number",
        ),
        (
            [[[-94.0, 39.0], [-93.9, 39.0], [-93.9, 39.1], [-94.0, 39.1]]],
            "geometry.coordinates[0]",
            "ring is not closed",
        ),
        (
            [[[-94.0, 39.0], [-93.9, 39.1], [-93.9, 39.0], [-94.0, 39.1], [-94.0, 39.0]]],
            "geometry.coordinates",
            "invalid polygon: Self-intersection",
        ),
        (
            [[[-500.0, 39.0], [-93.9, 39.0], [-93.9, 39.1], [-500.0, 39.0]]],
            "geometry.coordinates[0][0]",
            "longitude -500.0 is outside -180..180",
        ),
        (
            [[[-94.0, 39.0], [-93.9, 95.0], [-93.9, 39.1], [-94.0, 39.0]]],
            "geometry.coordinates[0][1]",
            "latitude 95.0 is outside -90..90",
        ),
    ],
)
def test_it_refuses_bad_geometry_naming_file_feature_and_field(
    world: World, tmp_path: Path, bad: object, field: str, reason: str
) -> None:
    path = tmp_path / "places.geojson"
    # json.dumps writes NaN and Infinity, as the files the attacker sent did.
    path.write_text(json.dumps(_collection(GOOD, bad)))
    before = fingerprint()
    code, out = run("census-boundaries", str(path), "--as", world.admin.username)
    assert code == 1, out
    assert f"error: {path}, feature 1, field {field}: GEOID 2990002: {reason}" in out
    assert "Traceback" not in out
    # All or nothing: the good feature was not imported either.
    assert fingerprint() == before
    assert not Government.objects.filter(geoid="2990001").exists()


def test_it_refuses_numbers_too_large_for_a_float(world: World, tmp_path: Path) -> None:
    path = tmp_path / "places.geojson"
    path.write_text(json.dumps(_collection(GOOD)).replace("1000", "1e400"))
    code, out = run("census-boundaries", str(path), "--as", world.admin.username)
    assert code == 1 and "feature 0, field properties.ALAND: GEOID 2990001: inf is not a finite number" in out


def test_it_imports_a_valid_polygon(world: World, tmp_path: Path) -> None:
    path = tmp_path / "places.geojson"
    path.write_text(json.dumps(_collection(GOOD)))
    code, out = run("census-boundaries", str(path), "--as", world.admin.username)
    # The government and its boundary, simplified for web maps.
    assert code == 0 and "2 new" in out and "new: boundary Testville" in out, out
