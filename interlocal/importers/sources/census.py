"""Census TIGER/Line place boundaries (with adjacency) and population estimates."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from interlocal import geo
from interlocal.governments import actions
from interlocal.governments.models import Boundary, Government
from interlocal.importers.base import (
    CHANGED,
    MAX_PROBLEMS,
    NEW,
    UNCHANGED,
    Option,
    Report,
    Source,
    differences,
    row_guard,
)
from interlocal.importers.parsers import compute_adjacency, iter_population_estimates, read_place_boundaries
from interlocal.importers.parsers.records import ParseProblem, PlaceRecord, PopulationEstimateRow
from interlocal.vocab import GovernmentKind

STATE_USPS = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT", "10": "DE",
    "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL", "18": "IN", "19": "IA",
    "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD", "25": "MA", "26": "MI", "27": "MN",
    "28": "MS", "29": "MO", "30": "MT", "31": "NE", "32": "NV", "33": "NH", "34": "NJ", "35": "NM",
    "36": "NY", "37": "NC", "38": "ND", "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI",
    "45": "SC", "46": "SD", "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA",
    "54": "WV", "55": "WI", "56": "WY", "72": "PR",
}  # fmt: skip


def ocd_place_id(state: str, name: str) -> str:
    """The Open Civic Data division id of a place: ocd-division/country:us/state:mo/place:lees_summit."""
    place = re.sub(r"[^a-z0-9~_.-]+", "_", re.sub(r"['.]", "", name.lower())).strip("_")
    return f"ocd-division/country:us/state:{state.lower()}/place:{place}"


def place_kind(place: PlaceRecord) -> str:
    """Village when TIGER calls the place one; every other incorporated place is a city here."""
    return (
        GovernmentKind.VILLAGE if (place.namelsad or "").lower().endswith("village") else GovernmentKind.CITY
    )


def match_place(geoid: str, name: str, state: str) -> Government | None:
    """The government with this GEOID, else one of this name and state not yet given a GEOID."""
    found = Government.objects.filter(geoid=geoid).first()
    return found or Government.objects.filter(geoid="", name__iexact=name, state__in=[state, ""]).first()


class CensusBoundariesSource(Source):
    """TIGER/Line places GeoJSON: governments by GEOID, and neighbours from shared boundary edges."""

    name = "census-boundaries"
    help = "TIGER/Line place boundaries GeoJSON -> governments (GEOID, name, land area) and adjacency"
    extensions = (".geojson", ".json")

    def parse(self, path: Path, report: Report) -> tuple[PlaceRecord, ...]:
        """Read the features; a feature without GEOID, geometry or land area rejects the file."""
        parsed = read_place_boundaries(path, report.file)
        for problem in parsed.problems:
            report.reject_parse(problem)
        seen: set[str] = set()
        for index, place in enumerate(parsed.value):
            if place.geoid in seen:
                report.reject(index, "GEOID", f"duplicate GEOID {place.geoid}", unit="feature")
            seen.add(place.geoid)
            if place.geoid[:2] not in STATE_USPS:
                report.reject(index, "GEOID", f"unknown state code {place.geoid[:2]!r}", unit="feature")
            if (place.class_fp or "C").startswith("U"):
                report.note(f"{place.name}: census-designated place, not a government; skipped")
        return tuple(p for p in parsed.value if not (p.class_fp or "C").startswith("U"))

    def apply(self, parsed: tuple[PlaceRecord, ...], report: Report) -> None:
        """Upsert each place on GEOID, then set each one's neighbours within the file."""
        by_geoid: dict[str, Government] = {}
        for index, place in enumerate(parsed):
            state = STATE_USPS[place.geoid[:2]]
            name = place.name or place.geoid
            values: dict[str, Any] = {"geoid": place.geoid, "name": name, "land_area_m2": place.land_area_m2}
            existing = match_place(place.geoid, name, state)
            with row_guard(report, index):
                if existing is None:
                    government = actions.government_create(
                        acting_user=self.acting_user,
                        kind=place_kind(place),
                        name=name,
                        state=state,
                        ocd_division_id=ocd_place_id(state, name),
                        **{k: v for k, v in values.items() if k != "name"},
                    )
                    report.add(NEW, "government", f"{place.geoid} {name}")
                else:
                    if not existing.state:
                        values["state"] = state
                    if not existing.ocd_division_id:
                        values["ocd_division_id"] = ocd_place_id(state, name)
                    changed = differences(existing, values)
                    if changed:
                        actions.government_update(acting_user=self.acting_user, government=existing, **values)
                    report.add(
                        CHANGED if changed else UNCHANGED,
                        "government",
                        f"{place.geoid} {name}",
                        ", ".join(changed),
                    )
                    government = existing
                by_geoid[place.geoid] = government
        if not report.ok:
            return
        computed: dict[str, set[str]] = defaultdict(set)
        for pair in compute_adjacency(parsed):
            computed[pair.geoid_a].add(pair.geoid_b)
            computed[pair.geoid_b].add(pair.geoid_a)
        in_file = {g.pk for g in by_geoid.values()}
        for index, (geoid, government) in enumerate(by_geoid.items()):
            current = {g.pk: g for g in government.neighbours.all()}
            # Neighbours outside this file are kept: the file only knows about its own places.
            wanted = {pk: g for pk, g in current.items() if pk not in in_file}
            wanted.update({by_geoid[other].pk: by_geoid[other] for other in computed[geoid]})
            if set(current) == set(wanted):
                report.add(UNCHANGED, "neighbours", government.name)
                continue
            with row_guard(report, index, "neighbours"):
                actions.government_set_neighbours(
                    acting_user=self.acting_user, government=government, neighbours=list(wanted.values())
                )
                report.add(CHANGED, "neighbours", government.name, f"{len(wanted)} neighbours")
        self._store_boundaries(parsed, by_geoid, report)

    def _store_boundaries(
        self, parsed: tuple[PlaceRecord, ...], by_geoid: dict[str, Government], report: Report
    ) -> None:
        # Each place's outline, simplified for web maps, with a point inside it for the label.
        stored = {b.government_id: b for b in Boundary.objects.filter(government__in=list(by_geoid.values()))}
        source = f"TIGER/Line places: {report.file}"
        for index, place in enumerate(parsed):
            government = by_geoid[place.geoid]
            with row_guard(report, index, "boundary"):
                small = geo.simplify(place.geometry)
                before = stored.get(government.pk)
                if before is not None and before.geojson == small.geojson:
                    report.add(UNCHANGED, "boundary", government.name)
                    continue
                actions.boundary_set(
                    acting_user=self.acting_user,
                    government=government,
                    geojson=small.geojson,
                    interior=small.interior,
                    tolerance=geo.DEFAULT_TOLERANCE,
                    vertices=small.vertices_after,
                    source=source,
                    engine_version=geo.ENGINE_VERSION,
                )
                report.add(
                    NEW if before is None else CHANGED,
                    "boundary",
                    government.name,
                    f"{small.vertices_before} -> {small.vertices_after} vertices",
                )


def _is_footnote(problem: ParseProblem) -> bool:
    return "footnote" in problem.message


class CensusPopulationSource(Source):
    """Census sub-county population estimates CSV: population, year and source of known governments."""

    name = "census-population"
    help = "Census population estimates CSV (SUB-EST, SUMLEV 162) -> population of governments by GEOID"
    extensions = (".csv",)
    options = (Option("--year", "estimate year to load (default: the latest in the file)"),)

    def parse(self, path: Path, report: Report) -> Iterator[tuple[list[ParseProblem], PopulationEstimateRow]]:
        """Stream the rows; problems are checked per row while applying."""
        problems: list[ParseProblem] = []

        def rows() -> Iterator[tuple[list[ParseProblem], PopulationEstimateRow]]:
            for row in iter_population_estimates(path, problems):
                yield problems, row
                if len(problems) >= MAX_PROBLEMS:
                    # Report now: the import is going to stop, and a file of bad rows must not fill memory.
                    break
            for problem in problems:
                report.reject_parse(problem)

        return rows()

    def apply(
        self, parsed: Iterator[tuple[list[ParseProblem], PopulationEstimateRow]], report: Report
    ) -> None:
        """Set population, year and source of each government found by GEOID."""
        raw_year = self.values.get("year")
        if raw_year and not str(raw_year).isdigit():
            report.reject(None, "--year", f"not a year: {raw_year!r}")
            return
        seen: set[str] = set()
        unknown = 0
        for problems, row in parsed:
            # Footnote codes only mean "no published count"; the row's other figures still hold.
            footnotes = [p for p in problems if _is_footnote(p)]
            for p in footnotes:
                report.note(f"{p.file}, row {p.row}, column {p.field}: {p.message}; that figure is skipped")
                problems.remove(p)
            if row.geoid in seen:
                report.reject(None, "GEOID", f"duplicate GEOID {row.geoid} ({row.name})")
                continue
            seen.add(row.geoid)
            years = [y for y, v in row.estimates if v is not None]
            year = int(raw_year) if raw_year else (max(years) if years else None)
            if year is None or row.estimate(year) is None:
                continue
            government = Government.objects.filter(geoid=row.geoid).first()
            if government is None:
                unknown += 1
                continue
            values: dict[str, Any] = {
                "population": row.estimate(year),
                "population_year": year,
                "population_source": f"Census Bureau population estimates (Vintage {max(years)}), July 1 {year}",
            }
            changed = differences(government, values)
            with row_guard(report, None, "population"):
                if changed:
                    actions.government_update(acting_user=self.acting_user, government=government, **values)
                report.add(
                    CHANGED if changed else UNCHANGED,
                    "government",
                    f"{row.geoid} {government.name}",
                    ", ".join(changed),
                )
        if unknown:
            report.note(f"{unknown} places are not registered governments; import their boundaries first")
