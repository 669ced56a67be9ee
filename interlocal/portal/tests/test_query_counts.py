import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from interlocal.agreements.actions import matter_action_add
from interlocal.governments.actions import person_create
from interlocal.initiatives.actions import initiative_create, initiative_report_progress
from interlocal.testkit import PASSWORD, World
from interlocal.tracking.actions import kpi_create, measurement_record
from interlocal.vocab import PartnerRole, Role, TermKind

ROLES = ["public", "viewer", "member editor", "coordinator", "administrator"]
# The most queries each page may run for any role; the coordinator's initiative page ran 45 before.
MOST = {"home": 8, "initiative list": 12, "initiative page": 22, "legislation page": 9, "API list": 8}


def _pages(world: World) -> dict[str, str]:
    return {
        "home": "/",
        "initiative list": "/initiatives/",
        "initiative page": f"/initiatives/{world.initiative.pk}/",
        "legislation page": f"/legislation/{world.matter.pk}/",
        "API list": "/api/v1/initiatives",
    }


def _client(world: World, role: str) -> Client:
    client = Client()
    users = {
        "public": None,
        "member editor": world.clerk,
        "coordinator": world.coordinator,
        "administrator": world.admin,
    }
    if role == "viewer":
        users[role] = person_create(
            acting_user=world.admin,
            username="bs-viewer",
            government=world.blue_springs,
            role=Role.VIEWER,
            password=PASSWORD,
        )
    user = users[role]
    if user is not None:
        client.force_login(user)
    return client


def _grow(world: World, n: int) -> None:
    """More of every row the pages list: initiatives with partners, terms and KPIs, history and actions."""
    today = dt.date.today()
    for i in range(n):
        initiative = initiative_create(
            acting_user=world.coordinator,
            collaborative=world.collaborative,
            title=f"Grown idea {i}",
            code=f"G-{world.initiative.pk}-{i}-{n}",
            is_published=i % 3 != 0,
            terms={TermKind.TOPIC_AREA: [f"Topic {i}"], TermKind.KEY_ISSUE: ["Cost"]},
            partners={PartnerRole.LEAD: [world.lees_summit], PartnerRole.SUPPORTING: [world.blue_springs]},
        )
        kpi_create(acting_user=world.coordinator, initiative=initiative, name=f"Measure {i}", unit="n")
        matter_action_add(
            acting_user=world.clerk,
            matter=world.matter,
            action_date=dt.date(2021, 4, 1 + i),
            action_name="Read",
        )
        initiative_report_progress(
            acting_user=world.coordinator, initiative=world.initiative, text=f"Step {i}"
        )
    kpi = kpi_create(
        acting_user=world.coordinator,
        initiative=world.initiative,
        name=f"Response days {n}",
        unit="days",
        baseline=Decimal(10),
        baseline_on=today - dt.timedelta(days=30),
        target=Decimal(5),
        target_on=today + dt.timedelta(days=300),
    )
    measurement_record(acting_user=world.coordinator, kpi=kpi, measured_on=today, value=Decimal(9))


def _count(client: Client, path: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries), [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("role", ROLES)
def test_it_runs_the_same_few_queries_per_page_for_every_role_as_rows_grow(world: World, role: str) -> None:
    client = _client(world, role)
    _grow(world, 2)
    few = {name: _count(client, path) for name, path in _pages(world).items()}
    _grow(world, 12)
    for name, path in _pages(world).items():
        many, sql = _count(client, path)
        assert many == few[name][0], (name, sql)
        assert many <= MOST[name], (name, many, sql)


def test_it_runs_fewer_queries_for_a_coordinators_initiative_page_than_before(world: World) -> None:
    # The page computed every stage's gate separately: 45 queries, now one query for all gates.
    client = _client(world, "coordinator")
    count, sql = _count(client, f"/initiatives/{world.initiative.pk}/")
    assert count <= MOST["initiative page"], sql
    assert sum("stagegate" in q for q in sql) == 1, sql
