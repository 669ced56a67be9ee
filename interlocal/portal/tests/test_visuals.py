"""The portal's charts and map: every chart has its table and summary; the map marks every member and
neighbour by GEOID, in the SVG and in the table, on the real Jackson County TIGER file."""

from __future__ import annotations

import base64
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client

from interlocal import charts
from interlocal.costshare.choices import Recurrence
from interlocal.importers.base import run_import
from interlocal.importers.sources.census import CensusBoundariesSource
from interlocal.importers.tests.helpers import shared
from interlocal.portal.queries import collaborative_dashboard
from interlocal.portal.visuals import dashboard_charts, kpi_charts, members_map_areas
from interlocal.testkit import World
from interlocal.tracking.actions import kpi_create, measurement_record
from interlocal.tracking.queries import kpi_rows
from interlocal.vocab import Direction

pytestmark = pytest.mark.django_db


def _svgs(html: str) -> list[str]:
    return [
        base64.b64decode(b).decode() for b in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    ]


def test_it_marks_every_member_and_neighbour_by_geoid_on_the_jackson_county_map(world: World) -> None:
    path = shared("data", "missouri", "jackson_county_area_incorporated_places.geojson")
    report = run_import(CensusBoundariesSource(acting_user=world.admin), path)
    assert report.applied, report.lines()
    # The test world's cities had no GEOID: the import matched them by name and gave them theirs.
    world.lees_summit.refresh_from_db()
    world.blue_springs.refresh_from_db()
    today = dt.date.today()
    areas, places = members_map_areas(world.collaborative, today)
    members = {g.geoid for g, status, _, _ in places if status == charts.MEMBER and g.geoid}
    neighbours = {g.geoid for g, status, _, _ in places if status == charts.CANDIDATE}
    assert members >= {world.lees_summit.geoid, world.blue_springs.geoid} and neighbours
    assert not members & neighbours

    body = Client().get(f"/collaboratives/{world.collaborative.slug}/map/").content.decode()
    (svg,) = _svgs(body)
    drawn = set(re.findall(r'id="geoid-(\d+)"', svg))
    assert drawn == members | neighbours == {a.geoid for a in areas}
    tabled = dict(re.findall(r'<tr data-geoid="(\d+)">.*?<td data-label="Status">([^<]+)</td>', body, re.S))
    assert {g for g, s in tabled.items() if s == "Member"} == members
    assert {g for g, s in tabled.items() if s.startswith("Neighbour")} == neighbours
    assert 'role="img"' in svg and "Data table: Members of" in body


def test_it_lists_the_members_and_says_boundaries_are_not_loaded_without_a_map(world: World) -> None:
    body = Client().get(f"/collaboratives/{world.collaborative.slug}/map/").content.decode()
    assert 'id="no-boundaries"' in body and "interlocal import census-boundaries" in body
    assert "Lee&#x27;s Summit" in body and not _svgs(body)


def test_it_draws_a_kpi_against_its_trajectory_with_a_table_and_summary(world: World) -> None:
    start = dt.date.today() - dt.timedelta(days=4 * 365)
    kpi = kpi_create(
        acting_user=world.coordinator,
        initiative=world.initiative,
        name="Response time",
        unit="minutes",
        direction=Direction.LOWER,
        baseline=Decimal(20),
        baseline_on=start,
        target=Decimal(10),
        target_on=start + dt.timedelta(days=5 * 365),
    )
    for year in range(1, 5):
        measurement_record(
            acting_user=world.coordinator,
            kpi=kpi,
            measured_on=start + dt.timedelta(days=365 * year),
            value=Decimal(20 - 2 * year),
        )
    chart = kpi_charts(kpi_rows(world.initiative, dt.date.today()))[kpi.pk]
    assert chart.table.header == ("Date", "Measured (minutes)", "Trajectory")
    assert len(chart.table.rows) == 6  # baseline, four measurements, target
    assert "the latest, 12 minutes" in chart.summary and "lower is better" in chart.summary

    body = Client().get(f"/initiatives/{world.initiative.pk}/").content.decode()
    assert f'id="kpi-chart-{kpi.pk}"' in body and chart.summary.replace("'", "&#x27;") in body
    assert "Data table: Response time (minutes) over time" in body


def test_it_gives_every_dashboard_chart_its_table(world: World) -> None:
    dashboard = collaborative_dashboard(world.coordinator, world.collaborative, dt.date.today())
    found = dashboard_charts(dashboard)
    assert "pipeline" in found
    for chart in found.values():
        assert chart.table.rows and chart.summary.startswith(chart.title)
    body = Client().get(f"/collaboratives/{world.collaborative.slug}/").content.decode()
    assert 'id="pipeline-chart"' in body and "Data table: Initiatives at each stage" in body


def test_it_runs_as_many_queries_for_the_dashboard_and_map_as_rows_grow(world: World) -> None:
    from interlocal.costshare.actions import savings_entry_create
    from interlocal.portal.tests.test_query_counts import _client, _count, _grow

    path = shared("data", "missouri", "jackson_county_area_incorporated_places.geojson")
    assert run_import(CensusBoundariesSource(acting_user=world.admin), path).applied
    pages = [
        f"/collaboratives/{world.collaborative.slug}/",
        f"/collaboratives/{world.collaborative.slug}/map/",
    ]
    client = _client(world, "coordinator")

    def grow(n: int) -> None:
        _grow(world, n)
        for year in range(2020 + n, 2023 + n):
            savings_entry_create(
                acting_user=world.coordinator,
                initiative=world.initiative,
                government=world.lees_summit,
                fiscal_year=year,
                recurrence=Recurrence.ONE_TIME,
                baseline_cost=Decimal(1000),
                projected_saving=Decimal(100),
            )

    grow(2)
    few = [_count(client, p) for p in pages]
    grow(12)
    for p, (before, _) in zip(pages, few, strict=True):
        after, sql = _count(client, p)
        assert after == before, (p, sql)
    body = client.get(pages[0]).content.decode()
    assert 'id="savings-chart"' in body and 'id="kpi-status-chart"' in body
