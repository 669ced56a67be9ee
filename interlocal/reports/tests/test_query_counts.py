"""The plan page and the annual report run the same few queries however many initiatives they show."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from interlocal.costshare import actions as costshare
from interlocal.initiatives import actions as initiatives
from interlocal.reports import actions
from interlocal.testkit import World
from interlocal.tracking import actions as tracking
from interlocal.vocab import PartnerRole, Stage, TimelineBand

MOST = {"plan page": 10, "report page": 16, "draft page": 30}


def _grow(world: World, n: int) -> None:
    today = dt.date.today()
    for i in range(n):
        initiative = initiatives.initiative_create(
            acting_user=world.coordinator, collaborative=world.collaborative, title=f"Grown {i}",
            code=f"G-{n}-{i}", is_published=True, timeline_band=TimelineBand.NEAR,
            partners={PartnerRole.LEAD: [world.lees_summit], PartnerRole.SUPPORTING: [world.blue_springs]},
        )  # fmt: skip
        initiatives.initiative_advance(
            acting_user=world.coordinator, initiative=initiative, to_stage=Stage.EXPLORING, reason="Grow"
        )
        kpi = tracking.kpi_create(
            acting_user=world.coordinator, initiative=initiative, name=f"Measure {i}", unit="n",
            baseline=Decimal(1), baseline_on=today - dt.timedelta(days=100), target=Decimal(10),
            target_on=today + dt.timedelta(days=200),
        )  # fmt: skip
        tracking.measurement_record(
            acting_user=world.coordinator, kpi=kpi, measured_on=today, value=Decimal(4)
        )
        costshare.savings_entry_create(
            acting_user=world.coordinator, initiative=initiative, government=world.lees_summit,
            fiscal_year=today.year, recurrence="recurring", baseline_cost=Decimal(100),
            projected_saving=Decimal(10), actual_saving=None, note="",
        )  # fmt: skip


def _count(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def _pages(world: World, plan_pk: int, number: int) -> dict[str, str]:
    return {
        "plan page": f"/plans/{plan_pk}/v{number}/",
        "report page": f"/collaboratives/{world.collaborative.slug}/reports/{dt.date.today().year}/",
        "draft page": f"/plans/{plan_pk}/",
    }


@pytest.mark.parametrize("role", ["public", "coordinator"])
def test_it_runs_the_same_few_queries_as_initiatives_grow(world: World, role: str) -> None:
    client = Client()
    if role == "coordinator":
        client.force_login(world.coordinator)
    plan = actions.action_plan_create(
        acting_user=world.coordinator, collaborative=world.collaborative, title="Plan", start_year=2026,
        end_year=2030, filter_stages=[Stage.EXPLORING],
    )  # fmt: skip
    _grow(world, 2)
    v1 = actions.action_plan_publish(acting_user=world.coordinator, plan=plan)
    few = {
        k: _count(client, p)
        for k, p in _pages(world, plan.pk, v1.number).items()
        if role != "public" or k != "draft page"
    }
    _grow(world, 12)
    v2 = actions.action_plan_publish(acting_user=world.coordinator, plan=plan)
    assert len(v2.snapshot["initiatives"]) == 14
    for name, path in _pages(world, plan.pk, v2.number).items():
        if name not in few:
            continue
        many = _count(client, path)
        assert many == few[name], (name, few[name], many)
        assert many <= MOST[name], (name, many)
