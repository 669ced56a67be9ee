"""The portal's charts and map, drawn by interlocal.charts from what the pages have already queried.

Every chart is a pure function of hashable numbers, so each is cached in-process by those numbers
(`functools.lru_cache`): a page shown again with the same data reuses the SVG; a new measurement,
stage move or membership changes the numbers and so draws afresh. Nothing here runs a query except
`members_map_areas`, which reads the members, their neighbours and the stored boundaries in three.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.db.models import Prefetch

from interlocal import charts, geo
from interlocal.collaboratives.models import Collaborative
from interlocal.governments.models import Government
from interlocal.tracking.queries import KpiRow
from interlocal.vocab import Direction

_kpi_line = lru_cache(maxsize=1024)(charts.kpi_line)
_count_bars = lru_cache(maxsize=256)(charts.count_bars)
_money_bars = lru_cache(maxsize=256)(charts.money_bars)
_members_map = lru_cache(maxsize=64)(charts.members_map)


# As the status tags on the pages: on track blue, underperforming orange, overperforming green, none grey.
STATUS_COLOURS = {
    "on_track": charts.BLUE,
    "underperforming": charts.GOLD,
    "overperforming": "#4d8055",
    "no_data": charts.GREY,
}


def kpi_charts(rows: Sequence[KpiRow]) -> dict[int, charts.Chart]:
    """Each KPI's measurements against its trajectory and target, by KPI id (measurements prefetched)."""
    out = {}
    for r in rows:
        kpi = r.kpi
        points = tuple((m.measured_on, float(m.value)) for m in kpi.measurements.all())
        if not points and kpi.target is None:
            continue
        baseline = (
            (kpi.baseline_on, float(kpi.baseline))
            if kpi.baseline is not None and kpi.baseline_on is not None
            else None
        )
        target = (
            (kpi.target_on, float(kpi.target))
            if kpi.target is not None and kpi.target_on is not None
            else None
        )
        out[kpi.pk] = _kpi_line(
            title=f"{kpi.name} ({kpi.unit}) over time",
            unit=kpi.unit,
            points=points,
            baseline=baseline,
            target=target,
            higher_is_better=kpi.direction == Direction.HIGHER,
        )
    return out


def dashboard_charts(dashboard: Any, savings: Sequence[Any] = ()) -> dict[str, charts.Chart]:
    """Pipeline (initiatives per stage), KPI status counts and, for members, savings by year."""
    out = {}
    if dashboard.initiatives:
        out["pipeline"] = _count_bars(
            title="Initiatives at each stage of the pipeline",
            labels=tuple(label for _, label, _ in dashboard.pipeline),
            counts=tuple(len(items) for _, _, items in dashboard.pipeline),
            value_label="Initiatives",
        )
    if any(n for _, _, n in dashboard.kpi_counts):
        out["kpi_status"] = _count_bars(
            title="Measures by status",
            labels=tuple(label for _, label, _ in dashboard.kpi_counts),
            counts=tuple(n for _, _, n in dashboard.kpi_counts),
            value_label="Measures",
            colours=tuple(STATUS_COLOURS.get(key, charts.GREY) for key, _, _ in dashboard.kpi_counts),
        )
    if savings:
        out["savings"] = _money_bars(
            title="Savings by fiscal year: projected and certified actual",
            groups=tuple(f"FY{r.label}" for r in savings),
            series=(
                ("Projected", tuple(float(r.projected) for r in savings)),
                ("Certified actual", tuple(float(r.certified) for r in savings)),
            ),
        )
    return out


def cost_share_chart(table: Any) -> charts.Chart:
    """Each partner's stand-alone cost and bill under each compared method (a costshare Comparison)."""
    series = [("Stand-alone", tuple(float(r.standalone) for r in table.rows))]
    series += [
        (m.label, tuple(float(r.cells[i].bill) for r in table.rows)) for i, m in enumerate(table.methods)
    ]
    return _money_bars(
        title="Each partner's stand-alone cost and bill under each method",
        groups=tuple(r.name for r in table.rows),
        series=tuple(series),
        horizontal=True,
    )


def members_map_areas(collaborative: Collaborative, today: dt.date) -> tuple[list[charts.MapArea], list[Any]]:
    """The current members and their non-member neighbours with stored boundaries; and all places listed.

    Returns (areas that can be drawn, rows for every place: (government, status, since, has_boundary)).
    """
    current = [m for m in collaborative.memberships.select_related("government") if m.is_current_on(today)]
    since: dict[int, int] = {}
    for m in current:
        since[m.government_id] = min(since.get(m.government_id, m.joined_on.year), m.joined_on.year)
    members = (
        Government.objects.filter(pk__in=since)
        .select_related("boundary")
        .prefetch_related(Prefetch("neighbours", queryset=Government.objects.select_related("boundary")))
        .order_by("name")
    )
    places: dict[int, tuple[Government, str, int | None]] = {}
    for g in members:
        places[g.pk] = (g, charts.MEMBER, since[g.pk])
    for g in members:
        for n in g.neighbours.all():
            places.setdefault(n.pk, (n, charts.CANDIDATE, None))
    rows, areas = [], []
    for g, status, year in sorted(places.values(), key=lambda p: (p[1] != charts.MEMBER, p[0].name)):
        boundary = getattr(g, "boundary", None)
        rows.append((g, status, year, boundary is not None))
        if boundary is not None:
            areas.append(
                charts.MapArea(
                    geoid=g.geoid,
                    name=g.name,
                    status=status,
                    since=year,
                    polygons=_rings(boundary.geojson),
                    label_at=(boundary.interior_lon, boundary.interior_lat),
                )
            )
    return areas, rows


@lru_cache(maxsize=512)
def _rings(geojson: str) -> Any:
    return geo.rings_of(geojson)


def members_map(collaborative: Collaborative, areas: Sequence[charts.MapArea]) -> charts.Chart | None:
    """The map, or None when no member has a stored boundary."""
    if not any(a.status == charts.MEMBER for a in areas):
        return None
    return _members_map(title=f"Members of {collaborative.name} and their neighbours", areas=tuple(areas))
