import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from interlocal.agreements import actions as agreements
from interlocal.collaboratives import actions as collaboratives
from interlocal.collaboratives.models import Collaborative
from interlocal.costshare.actions import savings_entry_create
from interlocal.initiatives import actions as initiatives
from interlocal.initiatives.models import CriteriaSet
from interlocal.initiatives.queries import compute_ranking
from interlocal.testkit import World
from interlocal.tracking.actions import kpi_create, measurement_record
from interlocal.vocab import MembershipRole, PartnerRole, VersionKind

URL = "/collaboratives/eastern-jackson-county/"


def _as(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def demo(db: None) -> Collaborative:
    call_command("demo", "--force", stdout=StringIO())
    return Collaborative.objects.get(slug="eastern-jackson-county")


def test_it_shows_the_demo_dashboard_to_the_public(demo: Collaborative, client: Client) -> None:
    page = client.get(URL).content.decode()
    assert "None yet." not in page and "No activity yet" not in page
    assert f'href="/initiatives/?collaborative={demo.slug}&amp;stage=operating"' in page
    assert "EJC-4: Risk management" in page
    assert "Overall progress toward targets:" in page and "each initiative counting equally" in page
    assert "On track: <strong>2</strong>" in page and "Underperforming: <strong>1</strong>" in page
    assert "Measurement overdue: <strong>1</strong>" in page
    assert "adoption overdue" in page and "late</strong>" not in page
    assert "Radio Equipment Maintenance Cooperative Agreement v1" in page
    assert "Last day to give notice of withdrawal" in page
    assert page.count('<li id="event-') >= 10
    # Links a person may not follow are not offered.
    for link in ("/costshare/", "/import/", "/ranking/"):
        assert link not in page, link


def test_it_lists_only_the_versions_in_force_today_dated_from_their_votes(
    demo: Collaborative, client: Client
) -> None:
    page = client.get(URL).content.decode()
    in_force = page.split('id="agreements-in-force"')[1].split("</ul>")[0]
    # v1 (2018) was superseded when v2 came into force, on the day of the last council's vote.
    assert "Statement of Purpose v2</a>: in force since 5/4/2021" in in_force
    assert "Statement of Purpose v1</a>" not in in_force


def test_it_names_the_parties_late_to_adopt(demo: Collaborative, client: Client) -> None:
    page = client.get(URL).content.decode()
    late = page.split("Radio Equipment Maintenance Cooperative Agreement v1</a>: ")[1].split("</li>")[0]
    assert "adoption overdue" in late and "Lee&#x27;s Summit" in late and "Raytown" in late
    assert "Independence" not in late


def test_it_offers_work_links_by_permission(world: World, client: Client) -> None:
    initiatives.criteria_set_create(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        name="Principles",
        criteria=[("Savings", Decimal(1), "")],
    )
    url = f"/collaboratives/{world.collaborative.slug}/"
    scenarios = f"/costshare/{world.collaborative.slug}/scenarios/"
    ranking = f"/collaboratives/{world.collaborative.slug}/ranking/"
    for user, costs, ranks in (
        (None, False, False),
        (world.outsider, False, False),
        (world.clerk, True, True),
        (world.coordinator, True, True),
    ):
        page = (Client() if user is None else _as(user)).get(url).content.decode()
        links = page.split('id="work-links"')[1].split("</ul>")[0] if 'id="work-links"' in page else ""
        assert (scenarios in links) is costs and (ranking in links) is ranks, user
        may_import = user is not None and user.has_perm("importers.import_records")
        assert ('href="/import/"' in links) is may_import, user
    assert 'href="/import/"' in page  # the coordinator's


def test_it_scopes_recent_activity_by_role(world: World, client: Client) -> None:
    criteria_set = initiatives.criteria_set_create(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        name="Principles",
        criteria=[("Savings", Decimal(1), "")],
    )
    initiatives.score_record(
        acting_user=world.clerk,
        initiative=world.initiative,
        criterion=criteria_set.criteria.get(),
        government=world.lees_summit,
        value=4,
    )
    url = f"/collaboratives/{world.collaborative.slug}/"
    public = client.get(url).content.decode()
    member = _as(world.clerk).get(url).content.decode()
    coordinator = _as(world.coordinator).get(url).content.decode()
    activity = {
        name: page.split('id="activity"')[1]
        for name, page in (("public", public), ("member", member), ("coordinator", coordinator))
    }
    assert (
        "Draft recycling idea" not in activity["public"]
        and "Radio equipment maintenance" in activity["public"]
    )
    assert "Draft recycling idea" in activity["member"] and "Score record" not in activity["member"]
    assert "Score record" in activity["coordinator"]


def _grow(world: World, n: int) -> None:
    today = timezone.localdate()
    for k in range(n):
        initiative = initiatives.initiative_create(
            acting_user=world.coordinator,
            collaborative=world.collaborative,
            code=f"G-{k}-{n}",
            title=f"Grown initiative {k}",
            is_published=True,
            partners={PartnerRole.LEAD: [world.lees_summit]},
        )
        kpi = kpi_create(
            acting_user=world.coordinator,
            initiative=initiative,
            name=f"Measure {k}",
            unit="calls",
            baseline=Decimal(10),
            baseline_on=today - dt.timedelta(days=100),
            target=Decimal(20),
            target_on=today + dt.timedelta(days=100),
        )
        measurement_record(
            acting_user=world.coordinator,
            kpi=kpi,
            measured_on=today - dt.timedelta(days=1),
            value=Decimal(15),
        )
    version = agreements.agreement_version_create(
        acting_user=world.coordinator,
        agreement=world.agreement,
        kind=VersionKind.AMENDMENT,
        title=f"Amendment {n}",
        parties=[world.lees_summit, world.blue_springs],
        adoption_due_on=today - dt.timedelta(days=1),
    )
    assert version.pk


@pytest.mark.parametrize("who", ["public", "coordinator"])
def test_it_keeps_the_dashboard_queries_constant_as_rows_grow(world: World, who: str) -> None:
    client = Client() if who == "public" else _as(world.coordinator)
    url = f"/collaboratives/{world.collaborative.slug}/"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    _grow(world, 2)
    small = count()
    _grow(world, 6)
    assert count() == small


def test_it_ranks_the_facilitators_scores_and_unscored_initiatives(world: World) -> None:
    proposal = collaboratives.membership_propose(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        government=world.marc,
        joined_on=dt.date(2018, 9, 1),
        role=MembershipRole.FACILITATOR,
    )
    collaboratives.membership_accept(acting_user=world.admin, membership=proposal)
    criteria_set = initiatives.criteria_set_create(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        name="Principles",
        criteria=[("Savings", Decimal(1), "")],
    )
    initiatives.score_record(
        acting_user=world.coordinator,
        initiative=world.initiative,
        criterion=criteria_set.criteria.get(),
        government=world.marc,
        value=5,
    )
    rows = {r.initiative.pk: r for r in compute_ranking(CriteriaSet.objects.get(pk=criteria_set.pk))}
    assert rows[world.initiative.pk].score == 1.0 and rows[world.initiative.pk].governments_scored == 1
    assert rows[world.hidden_initiative.pk].score is None
    page = _as(world.coordinator).get(f"/collaboratives/{world.collaborative.slug}/ranking/").content.decode()
    assert "Draft recycling idea" in page.split('id="ranking"')[1].split("</table>")[0]


def test_it_shows_a_dash_where_the_actual_saving_is_unknown(world: World) -> None:
    savings_entry_create(
        acting_user=world.coordinator,
        initiative=world.initiative,
        government=world.lees_summit,
        fiscal_year=2026,
        recurrence="recurring",
        baseline_cost=Decimal(100000),
        projected_saving=Decimal(20000),
    )
    page = _as(world.coordinator).get(f"/costshare/{world.collaborative.slug}/savings/").content.decode()
    rollups = page.split("<h2>Entries</h2>")[0]
    assert "0.0%" not in rollups and 'data-label="Actual saving">$0.00' not in rollups
    assert (
        rollups.count('data-label="Actual as % of projected">— <span class="text-base">not yet reported') == 3
    )


def test_it_links_every_feed_entry_to_a_page_that_exists(demo: Collaborative, client: Client) -> None:
    import re

    feed = client.get("/feeds/changes.atom").content.decode()
    links = re.findall(r'<link href="http://testserver([^"]+)" rel="alternate"', feed)
    assert len(links) >= 20
    for link in set(links):
        path, _, anchor = link.partition("#")
        page = client.get(path)
        assert page.status_code == 200, link
        if anchor:
            assert f'id="{anchor}"' in page.content.decode(), link
