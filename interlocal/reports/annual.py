"""A collaborative's annual progress report for one year, as JSON-ready data (live, scoped to the reader).

What the reader may see decides what is counted: the public reads published initiatives and agreements only;
the collaborative's members also read its unpublished ones (like everywhere else). KPI status is assessed at
the year's last measurement against the straight-line trajectory (tracking.trajectory). A fixed number of
queries whatever the collaborative's size.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.urls import reverse

from interlocal.agreements.models import AgreementVersion
from interlocal.agreements.queries import visible_agreements
from interlocal.collaboratives.models import Collaborative
from interlocal.costshare.models import SavingsEntry
from interlocal.initiatives.models import StageTransition
from interlocal.initiatives.queries import visible_initiatives
from interlocal.reports import planning
from interlocal.tracking import trajectory
from interlocal.tracking.models import Kpi, Measurement
from interlocal.vocab import Direction, KpiStatus, Stage

SCHEMA_VERSION = "annual-report-1"


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))


def _add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + y, m + 1, min(day.day, 28))


def build_annual(collaborative: Collaborative, year: int, user: Any) -> dict[str, Any]:
    """The year's KPI status with trajectories, stage moves, savings and agreements (see the module's docstring)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    initiatives = {
        i.pk: i
        for i in visible_initiatives(user).filter(collaborative=collaborative).order_by("code", "title", "pk")
    }
    ids = list(initiatives)
    labels = dict(KpiStatus.choices)
    stage_labels = dict(Stage.choices)

    kpi_list = list(Kpi.objects.filter(initiative_id__in=ids).order_by("initiative_id", "name", "id"))
    series: dict[int, list[Measurement]] = defaultdict(list)
    for m in Measurement.objects.filter(kpi__in=kpi_list, measured_on__lte=last).order_by(
        "measured_on", "id"
    ):
        series[m.kpi_id].append(m)
    kpis = []
    for k in kpi_list:
        points = series[k.pk]
        in_year = [m for m in points if m.measured_on >= first]
        latest = points[-1] if points else None
        row: dict[str, Any] = {
            "id": k.pk,
            "name": k.name,
            "unit": k.unit,
            "initiative_id": k.initiative_id,
            "initiative": str(initiatives[k.initiative_id]),
            "url": reverse("portal:initiative", args=[k.initiative_id]),
            "baseline": _money(k.baseline),
            "target": _money(k.target),
            "target_on": None if k.target_on is None else k.target_on.isoformat(),
            "measurements_in_year": [
                {"on": m.measured_on.isoformat(), "value": _money(m.value)} for m in in_year
            ],
            "latest_on": None if latest is None else latest.measured_on.isoformat(),
            "latest": None if latest is None else _money(latest.value),
            "expected": None,
            "progress": None,
            "expected_progress": None,
            "status": KpiStatus.NO_DATA.value,
            "explanation": "No baseline or target: no trajectory to compare with.",
        }
        if k.baseline is not None and k.baseline_on and k.target is not None and k.target_on:
            t = trajectory.Trajectory(
                k.baseline, k.baseline_on, k.target, k.target_on, k.direction == Direction.HIGHER
            )
            a = trajectory.assess(t, latest.measured_on if latest else None, latest.value if latest else None)
            distance = abs(t.target - t.baseline)
            expected_share = None
            if distance and latest is not None:
                expected_share = min(
                    max(
                        abs(trajectory.expected_on(t, latest.measured_on) - t.baseline) / distance, Decimal(0)
                    ),
                    Decimal(1),
                )
            row |= {
                "status": a.status,
                "expected": _money(a.expected),
                "progress": None if a.progress is None else str((100 * a.progress).quantize(Decimal("0.1"))),
                "expected_progress": None
                if expected_share is None
                else str((100 * expected_share).quantize(Decimal("0.1"))),
                "explanation": a.explanation,
            }
        row["status_label"] = labels.get(row["status"], row["status"])
        kpis.append(row)

    moves = [
        {
            "initiative_id": t.initiative_id,
            "initiative": str(initiatives[t.initiative_id]),
            "url": reverse("portal:initiative", args=[t.initiative_id]),
            "on": t.at.date().isoformat(),
            "from": stage_labels.get(t.from_stage, t.from_stage),
            "to": stage_labels.get(t.to_stage, t.to_stage),
            "reason": t.reason,
        }
        for t in StageTransition.objects.filter(
            initiative_id__in=ids, at__date__gte=first, at__date__lte=last
        ).order_by("at", "id")
    ]

    savings_rows = list(SavingsEntry.objects.filter(initiative_id__in=ids).order_by("fiscal_year", "id"))
    by_year = planning.savings_by_year(
        (s.fiscal_year, s.projected_saving, s.actual_saving, s.certified_at is not None) for s in savings_rows
    )
    this_year = next(
        (y for y in by_year if y.year == year), planning.YearSavings(year, *(Decimal(0),) * 3, 0)
    )

    agreement_ids = list(
        visible_agreements(user).filter(collaborative=collaborative).values_list("pk", flat=True)
    )
    versions = list(
        AgreementVersion.objects.filter(agreement_id__in=agreement_ids)
        .select_related("agreement")
        .prefetch_related("adoptions__government")
        .order_by("agreement__title", "number")
    )
    adopted, renewing, expiring = [], [], []
    for v in versions:
        base = {
            "id": v.agreement_id,
            "title": f"{v.agreement.title} (version {v.number})",
            "url": reverse("portal:agreement", args=[v.agreement_id]),
        }
        adoptions = [a for a in v.adoptions.all() if first <= a.adopted_on <= last]
        if adoptions:
            adopted.append(
                base
                | {
                    "adoptions": [
                        {"government": a.government.name, "on": a.adopted_on.isoformat()} for a in adoptions
                    ],
                    "in_force_from": None if v.in_force_from is None else v.in_force_from.isoformat(),
                }
            )
        if v.renewal_on is not None and v.renewal_on.year in (year, year + 1) and v.superseded_by_id is None:
            notice = v.notice_opens_on
            renewing.append(
                base
                | {
                    "on": v.renewal_on.isoformat(),
                    "notice_by": None if notice is None else notice.isoformat(),
                }
            )
        ends = v.superseded_on
        if ends is None and v.effective_on and v.term_months and v.renewal_on is None:
            ends = _add_months(v.effective_on, v.term_months)
        if ends is not None and ends.year == year:
            expiring.append(base | {"on": ends.isoformat()})

    status_counts = {
        label: sum(1 for k in kpis if k["status"] == value) for value, label in KpiStatus.choices
    }
    return {
        "schema": SCHEMA_VERSION,
        "engine": trajectory.ENGINE_VERSION,
        "year": year,
        "collaborative": {
            "id": collaborative.pk,
            "name": collaborative.name,
            "url": reverse("portal:collaborative", args=[collaborative.slug]),
        },
        "kpis": kpis,
        "kpi_status_counts": status_counts,
        "stage_moves": moves,
        "savings_year": {
            "year": year,
            "projected": _money(this_year.projected),
            "certified": _money(this_year.certified),
            "uncertified": _money(this_year.uncertified),
        },
        "savings_by_year": [
            {
                "year": y.year,
                "projected": _money(y.projected),
                "certified": _money(y.certified),
                "uncertified": _money(y.uncertified),
                "certified_share": None if y.certified_share is None else str(y.certified_share),
            }
            for y in by_year
        ],
        "agreements_adopted": adopted,
        "agreements_renewing": renewing,
        "agreements_expiring": expiring,
    }
