"""Census boundaries give governments and adjacency; population estimates give populations."""

from __future__ import annotations

import csv

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
