import csv
import io
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from interlocal.costshare import actions
from interlocal.costshare.choices import Recurrence, ScenarioStatus
from interlocal.costshare.models import SavingsEntry, Scenario
from interlocal.costshare.tests.helpers import formula_scenario, total_scenario
from interlocal.governments import actions as governments
from interlocal.testkit import World
from interlocal.vocab import Role

SLUG = "eastern-jackson-county"


def _as(user: Any) -> Client:
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


def _create_post(world: World, **over: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "FY2025 dispatch",
        "fiscal_year": "2025",
        "target": f"version:{world.version.pk}",
        "cost_model": "formula",
        "fixed_cost": "400000",
        "coefficient": "150",
        "exponent": "0.8",
        "formula_driver": "calls",
        "proportional_driver": "population",
        "methods": ["proportional", "hybrid", "shapley"],
        "partners_csv": "partner,standalone,dedicated\nLee's Summit,,\nblue-springs,,",
        "drivers_csv": "driver,partner,period,value\n"
        "calls,Lee's Summit,2024Q1,9000\ncalls,Lee's Summit,2024Q2,9100\n"
        "calls,Blue Springs,2024Q1,5000\ncalls,Blue Springs,2024Q2,5200\n"
        "population,Lee's Summit,2020,101108\npopulation,Blue Springs,2020,58603",
        "weights_csv": "driver,weight,periods,label\ncalls,0.6,2,Calls (invented)\npopulation,0.4,,2020 Census",
    }
    data.update(over)
    return data


def test_it_lets_a_coordinator_build_compute_and_adopt_a_scenario(world: World) -> None:
    client = _as(world.coordinator)
    assert client.get(f"/costshare/{SLUG}/scenarios/new/").status_code == 200
    response = client.post(f"/costshare/{SLUG}/scenarios/new/", _create_post(world))
    assert response.status_code == 302, response.content.decode()
    scenario = Scenario.objects.get(name="FY2025 dispatch")
    assert scenario.drivers.get(name="calls").periods == 2
    assert client.post(f"/costshare/scenarios/{scenario.pk}/compute/").status_code == 302
    page = client.get(f"/costshare/scenarios/{scenario.pk}/").content.decode()
    assert "Methods side by side" in page and "Shapley value" in page
    # The chart (interlocal/charts.py) with its summary and its table of the same figures.
    assert 'id="cost-share-chart"' in page and "data:image/svg+xml;base64," in page
    assert "Data table: Each partner" in page
    assert 'name="method"' in page
    client.post(f"/costshare/scenarios/{scenario.pk}/adopt/", {"method": "hybrid"})
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.ADOPTED and scenario.adopted_method == "hybrid"
    assert 'name="method"' not in client.get(f"/costshare/scenarios/{scenario.pk}/").content.decode()


def test_it_shows_form_errors_for_bad_driver_lines(world: World) -> None:
    data = _create_post(world, drivers_csv="calls,Nowhere,2024Q1,5", weights_csv="")
    response = _as(world.coordinator).post(f"/costshare/{SLUG}/scenarios/new/", data)
    assert response.status_code == 200
    assert "&#x27;Nowhere&#x27; is not a member" in response.content.decode()
    assert not Scenario.objects.exists()


def test_it_refuses_the_create_form_to_member_editors(world: World) -> None:
    assert _as(world.clerk).get(f"/costshare/{SLUG}/scenarios/new/").status_code == 403
    response = _as(world.clerk).post(f"/costshare/{SLUG}/scenarios/new/", _create_post(world))
    assert response.status_code == 403 and not Scenario.objects.exists()


def test_it_refuses_compute_and_adopt_to_member_editors(world: World) -> None:
    scenario = formula_scenario(world)
    client = _as(world.clerk)
    assert client.post(f"/costshare/scenarios/{scenario.pk}/compute/").status_code == 403
    assert client.post(f"/costshare/scenarios/{scenario.pk}/adopt/", {"method": "hybrid"}).status_code == 403
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.COMPUTED


def test_it_lists_scenarios_to_members_in_constant_queries(world: World) -> None:
    client = _as(world.clerk)
    formula_scenario(world, name="One")
    with CaptureQueriesContext(connection) as one:
        assert client.get(f"/costshare/{SLUG}/scenarios/").status_code == 200
    total_scenario(world, name="Two")
    formula_scenario(world, name="Three")
    with CaptureQueriesContext(connection) as three:
        page = client.get(f"/costshare/{SLUG}/scenarios/").content.decode()
    assert "One" in page and "Two" in page and "Three" in page
    assert len(three) == len(one)


def test_it_hides_scenarios_from_outsiders_and_sends_the_public_to_sign_in(world: World) -> None:
    scenario = formula_scenario(world)
    outsider = _as(world.outsider)
    for url in (
        f"/costshare/{SLUG}/scenarios/",
        f"/costshare/scenarios/{scenario.pk}/",
        f"/costshare/scenarios/{scenario.pk}/export.csv",
        f"/costshare/scenarios/{scenario.pk}/inputs.json",
        f"/costshare/{SLUG}/savings/",
    ):
        assert outsider.get(url).status_code == 404, url
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert (
        outsider.post(f"/costshare/scenarios/{scenario.pk}/adopt/", {"method": "hybrid"}).status_code == 404
    )


def test_it_names_the_overcharged_group_when_a_method_is_outside_the_core(world: World) -> None:
    scenario = total_scenario(world)
    page = _as(world.clerk).get(f"/costshare/scenarios/{scenario.pk}/").content.decode()
    assert "<strong>No</strong>: Blue Springs would pay $60,000.00 less on its own" in page
    assert "Yes: no group of partners would pay less on its own" in page


def test_it_exports_the_results_as_csv(world: World) -> None:
    scenario = total_scenario(world)
    response = _as(world.clerk).get(f"/costshare/scenarios/{scenario.pk}/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["engine_version", scenario.engine_version] in rows
    assert ["Blue Springs", "equal", "150000.00", "90000.00", "-60000.00", "-66.7", "no"] in rows


def test_it_shows_a_member_city_its_bill_and_saving(world: World) -> None:
    scenario = actions.scenario_adopt(
        acting_user=world.coordinator, scenario=total_scenario(world), method="scrb"
    )
    assert scenario.results is not None
    page = _as(world.clerk).get("/costshare/my-bill/").content.decode()
    bill = Decimal(str(scenario.results["allocations"]["scrb"]["Lee's Summit"]))
    assert f"${bill:,.2f}" in page and scenario.name in page
    assert (
        "No adopted scenario bills your government"
        in _as(world.outsider).get("/costshare/my-bill/").content.decode()
    )
    assert Client().get("/costshare/my-bill/").status_code == 302


def test_it_shows_the_adopted_split_on_the_public_agreement_page(world: World, client: Client) -> None:
    assert "Adopted cost split" not in client.get(f"/agreements/{world.agreement.pk}/").content.decode()
    actions.scenario_adopt(acting_user=world.coordinator, scenario=total_scenario(world), method="nucleolus")
    page = client.get(f"/agreements/{world.agreement.pk}/").content.decode()
    assert "Adopted cost split for fiscal year 2025: Nucleolus" in page
    assert "with every method compared" not in page  # the public sees the split, not the working papers
    member = Client()
    member.force_login(world.clerk)
    assert "with every method compared" in member.get(f"/agreements/{world.agreement.pk}/").content.decode()


def test_it_shows_every_adopted_split_of_a_version(world: World, client: Client) -> None:
    for service, year in [("911 dispatch", 2026), ("Radio maintenance", 2027)]:
        scenario = total_scenario(world, name=f"FY{year} {service}", service=service, fiscal_year=year)
        actions.scenario_adopt(acting_user=world.coordinator, scenario=scenario, method="scrb")
    page = client.get(f"/agreements/{world.agreement.pk}/").content.decode()
    radio = page.index(
        "Adopted cost split for Radio maintenance, fiscal year 2027: Separable costs, remaining benefits (SCRB)"
    )
    assert radio < page.index("Adopted cost split for 911 dispatch, fiscal year 2026: Separable costs")


def _entry(world: World, gov: Any, year: int, actual: str | None = "900") -> SavingsEntry:
    return actions.savings_entry_create(
        acting_user=world.coordinator,
        initiative=world.initiative,
        government=gov,
        fiscal_year=year,
        recurrence=Recurrence.RECURRING,
        baseline_cost=Decimal("10000"),
        projected_saving=Decimal("1000"),
        actual_saving=None if actual is None else Decimal(actual),
        evidence_url="https://example.org/e.pdf",
    )


def test_it_rolls_up_the_savings_ledger_in_constant_queries(world: World) -> None:
    client = _as(world.clerk)
    _entry(world, world.lees_summit, 2024)
    with CaptureQueriesContext(connection) as one:
        assert client.get(f"/costshare/{SLUG}/savings/").status_code == 200
    _entry(world, world.blue_springs, 2024)
    _entry(world, world.lees_summit, 2025, actual=None)
    with CaptureQueriesContext(connection) as three:
        page = client.get(f"/costshare/{SLUG}/savings/").content.decode()
    assert len(three) == len(one)
    assert "$30,000.00" in page and "$3,000.00" in page and "$1,800.00" in page and "60.0%" in page


def test_it_lets_a_clerk_record_their_own_citys_saving_but_not_anothers(world: World) -> None:
    client = _as(world.clerk)
    data = {
        "initiative": world.initiative.pk,
        "government": world.lees_summit.pk,
        "fiscal_year": 2025,
        "recurrence": "one_time",
        "baseline_cost": "5000",
        "projected_saving": "700",
    }
    assert client.post(f"/costshare/{SLUG}/savings/", data).status_code == 302
    assert SavingsEntry.objects.get().government == world.lees_summit
    response = client.post(f"/costshare/{SLUG}/savings/", {**data, "government": world.blue_springs.pk})
    assert response.status_code == 200 and SavingsEntry.objects.count() == 1


def test_it_lets_only_a_coordinator_or_finance_staff_certify_on_the_page(world: World) -> None:
    entry = _entry(world, world.blue_springs, 2024)
    assert _as(world.clerk).post(f"/costshare/savings/{entry.pk}/certify/").status_code == 403
    assert _as(world.outsider).post(f"/costshare/savings/{entry.pk}/certify/").status_code == 404
    finance = governments.person_create(
        acting_user=world.admin,
        username="bs-finance",
        government=world.blue_springs,
        role=Role.MEMBER_EDITOR,
        password="x",
        title="Finance Director",
    )
    client = _as(finance)
    assert "Certify" in client.get(f"/costshare/{SLUG}/savings/").content.decode()
    assert client.post(f"/costshare/savings/{entry.pk}/certify/").status_code == 302
    entry.refresh_from_db()
    assert entry.certified_by == finance


def test_it_exports_formula_looking_names_as_text_and_negative_numbers_as_numbers(world: World) -> None:
    governments.government_update(acting_user=world.admin, government=world.blue_springs, name="@SUM(A1:A9)")
    scenario = total_scenario(world, name='=HYPERLINK("http://evil.example/","bill")')
    rows = list(
        csv.reader(
            io.StringIO(
                _as(world.clerk).get(f"/costshare/scenarios/{scenario.pk}/export.csv").content.decode()
            )
        )
    )
    assert ["scenario", '\'=HYPERLINK("http://evil.example/","bill")'] in rows
    assert ["'@SUM(A1:A9)", "equal", "150000.00", "90000.00", "-60000.00", "-66.7", "no"] in rows
