from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from interlocal.audit.models import AuditEvent
from interlocal.costshare import actions, cli_core
from interlocal.costshare.choices import Recurrence, ScenarioStatus
from interlocal.costshare.engine import ENGINE_VERSION
from interlocal.costshare.models import Scenario
from interlocal.costshare.tests.helpers import formula_scenario, total_scenario
from interlocal.governments import actions as governments
from interlocal.testkit import World
from interlocal.vocab import Role


def test_it_computes_methods_side_by_side_and_keeps_inputs_and_engine_version(world: World) -> None:
    scenario = formula_scenario(world)
    assert scenario.status == ScenarioStatus.COMPUTED
    assert scenario.engine_version == ENGINE_VERSION
    res = scenario.results
    assert res is not None and set(res["allocations"]) == {"equal", "proportional", "hybrid", "shapley"}
    for split in res["allocations"].values():
        assert Decimal(str(sum(Decimal(str(v)) for v in split.values()))) == Decimal(str(res["total"]))
    assert scenario.partner_ids == {
        "Lee's Summit": world.lees_summit.pk,
        "Blue Springs": world.blue_springs.pk,
    }
    # The rolling average of eight quarters feeds the formula.
    assert scenario.inputs is not None
    assert scenario.inputs["model"]["drivers"]["Lee's Summit"] == pytest.approx(9350.0)
    assert AuditEvent.objects.filter(verb="scenario_compute", object_id=str(scenario.pk)).exists()


def test_it_reproduces_an_adopted_bill_exactly_from_the_stored_inputs(world: World) -> None:
    scenario = actions.scenario_adopt(
        acting_user=world.coordinator, scenario=formula_scenario(world), method="hybrid"
    )
    again = cli_core.compute(scenario.inputs, scenario.methods)  # type: ignore[arg-type]
    assert scenario.results is not None
    assert again["allocations"] == scenario.results["allocations"]
    assert again["engine_version"] == scenario.engine_version


def test_it_names_the_most_overcharged_coalition_when_a_split_is_outside_the_core(world: World) -> None:
    scenario = total_scenario(world)
    res = scenario.results
    assert res is not None
    # Equal shares bill Blue Springs 150,000, more than its 90,000 alone.
    assert res["in_core"]["equal"] is False
    assert res["worst_coalition"]["equal"] == {"members": ["Blue Springs"], "excess": 60000.0}
    assert res["in_core"]["nucleolus"] is True and "nucleolus" not in res["worst_coalition"]


def test_it_adopts_one_scenario_per_version_and_supersedes_the_earlier(world: World) -> None:
    first = actions.scenario_adopt(
        acting_user=world.coordinator, scenario=total_scenario(world), method="scrb"
    )
    second = actions.scenario_adopt(
        acting_user=world.coordinator, scenario=formula_scenario(world), method="hybrid"
    )
    first.refresh_from_db()
    assert first.status == ScenarioStatus.SUPERSEDED and second.status == ScenarioStatus.ADOPTED
    assert second.adopted_by == world.coordinator and second.adopted_at is not None
    event = AuditEvent.objects.get(verb="scenario_adopt", object_id=str(second.pk))
    assert event.changes["adopted_method"] == [None, "hybrid"]


def test_it_keeps_one_adopted_split_per_service_and_fiscal_year(world: World) -> None:
    def adopt(service: str, year: int) -> Scenario:
        scenario = total_scenario(world, name=f"FY{year} {service}", service=service, fiscal_year=year)
        return actions.scenario_adopt(acting_user=world.coordinator, scenario=scenario, method="scrb")

    dispatch_2026 = adopt("911 dispatch", 2026)
    radio_2027 = adopt("Radio maintenance", 2027)
    dispatch_2027 = adopt("911 dispatch", 2027)
    adopted = Scenario.objects.filter(agreement_version=world.version, status=ScenarioStatus.ADOPTED)
    assert set(adopted) == {dispatch_2026, radio_2027, dispatch_2027}
    again = adopt("911 Dispatch ", 2026)
    dispatch_2026.refresh_from_db()
    assert dispatch_2026.status == ScenarioStatus.SUPERSEDED
    assert set(adopted.all()) == {again, radio_2027, dispatch_2027}
    assert again.service == "911 Dispatch"


def test_it_refuses_to_change_an_adopted_scenario(world: World) -> None:
    scenario = actions.scenario_adopt(
        acting_user=world.coordinator, scenario=total_scenario(world), method="scrb"
    )
    with pytest.raises(ValidationError, match="cannot change"):
        actions.scenario_set_drivers(acting_user=world.coordinator, scenario=scenario, drivers=[])
    with pytest.raises(ValidationError, match="cannot change"):
        actions.scenario_compute(acting_user=world.coordinator, scenario=scenario)
    with pytest.raises(ValidationError, match="cannot change"):
        actions.scenario_adopt(acting_user=world.coordinator, scenario=scenario, method="equal")


def test_it_refuses_to_adopt_before_computing_or_an_uncomputed_method(world: World) -> None:
    draft = formula_scenario(world, compute=False)
    with pytest.raises(ValidationError, match="Compute"):
        actions.scenario_adopt(acting_user=world.coordinator, scenario=draft, method="hybrid")
    computed = actions.scenario_compute(acting_user=world.coordinator, scenario=draft)
    with pytest.raises(ValidationError, match="not computed"):
        actions.scenario_adopt(acting_user=world.coordinator, scenario=computed, method="nucleolus")


def test_it_refuses_results_of_another_engine_version(world: World) -> None:
    scenario = total_scenario(world)
    Scenario.objects.filter(pk=scenario.pk).update(engine_version="0.9.0")
    with pytest.raises(ValidationError, match="compute again"):
        actions.scenario_adopt(acting_user=world.coordinator, scenario=scenario, method="scrb")


def test_it_lets_only_coordinators_build_scenarios(world: World) -> None:
    with pytest.raises(PermissionDenied):
        actions.scenario_create(
            acting_user=world.clerk,
            name="Mine",
            fiscal_year=2025,
            agreement_version=world.version,
            partners=[world.lees_summit],
            methods=["equal"],
            total_cost=Decimal(1),
            standalone_costs={world.lees_summit: Decimal(1)},
        )
    scenario = total_scenario(world)
    for user in (world.clerk, world.outsider):
        with pytest.raises(PermissionDenied):
            actions.scenario_adopt(acting_user=user, scenario=scenario, method="scrb")


def test_it_refuses_partners_who_are_not_parties_and_bad_inputs(world: World) -> None:
    base = {
        "acting_user": world.coordinator,
        "name": "x",
        "fiscal_year": 2025,
        "agreement_version": world.version,
        "methods": ["equal"],
    }
    with pytest.raises(ValidationError, match="Not a party"):
        actions.scenario_create(**base, partners=[world.kansas_city], total_cost=Decimal(1))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="total annual cost or a formula"):
        actions.scenario_create(**base, partners=[world.lees_summit])  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="exactly one"):
        actions.scenario_create(
            **{**base, "initiative": world.initiative},  # type: ignore[arg-type]
            partners=[world.lees_summit],
            total_cost=Decimal(1),
        )
    missing = actions.scenario_create(**base, partners=[world.lees_summit], total_cost=Decimal(1))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="stand-alone cost"):
        actions.scenario_compute(acting_user=world.coordinator, scenario=missing)


def test_it_reports_engine_errors_as_validation_errors(world: World) -> None:
    ls, bs = world.lees_summit, world.blue_springs
    scenario = actions.scenario_create(
        acting_user=world.coordinator,
        name="Dearer together",
        fiscal_year=2025,
        agreement_version=world.version,
        partners=[ls, bs],
        methods=["scrb"],
        total_cost=Decimal(500),
        standalone_costs={ls: Decimal(100), bs: Decimal(100)},
    )
    with pytest.raises(ValidationError, match="engine cannot split"):
        actions.scenario_compute(acting_user=world.coordinator, scenario=scenario)


def test_it_lets_an_editor_record_savings_for_their_own_city_only(world: World) -> None:
    entry = actions.savings_entry_create(
        acting_user=world.clerk,
        initiative=world.initiative,
        government=world.lees_summit,
        fiscal_year=2025,
        recurrence=Recurrence.RECURRING,
        baseline_cost=Decimal("120000"),
        projected_saving=Decimal("18000"),
        actual_saving=Decimal("16500"),
        evidence_url="https://example.org/budget.pdf",
    )
    assert entry.created_by == world.clerk
    assert AuditEvent.objects.filter(verb="savings_entry_create", object_id=str(entry.pk)).exists()
    for user, gov in ((world.clerk, world.blue_springs), (world.outsider, world.kansas_city)):
        with pytest.raises(PermissionDenied):
            actions.savings_entry_create(
                acting_user=user,
                initiative=world.initiative,
                government=gov,
                fiscal_year=2025,
                recurrence=Recurrence.ONE_TIME,
                baseline_cost=Decimal(1),
                projected_saving=Decimal(1),
            )


def test_it_lets_a_coordinator_or_own_finance_staff_certify(world: World) -> None:
    def entry(gov):  # type: ignore[no-untyped-def]
        return actions.savings_entry_create(
            acting_user=world.coordinator,
            initiative=world.initiative,
            government=gov,
            fiscal_year=2025,
            recurrence=Recurrence.ONE_TIME,
            baseline_cost=Decimal("50000"),
            projected_saving=Decimal("5000"),
            actual_saving=Decimal("4000"),
            evidence_url="https://example.org/audit.pdf",
        )

    finance = governments.person_create(
        acting_user=world.admin,
        username="bs-finance",
        government=world.blue_springs,
        role=Role.MEMBER_EDITOR,
        password="x",
        title="Finance Director",
    )
    ls_viewer = governments.person_create(
        acting_user=world.admin,
        username="ls-viewer",
        government=world.lees_summit,
        role=Role.VIEWER,
        password="x",
        title="Finance Director",
    )
    bs_entry, ls_entry = entry(world.blue_springs), entry(world.lees_summit)
    with pytest.raises(PermissionDenied):
        actions.savings_entry_certify(acting_user=finance, entry=ls_entry)
    with pytest.raises(PermissionDenied):  # viewers change nothing, whatever their job title
        actions.savings_entry_certify(acting_user=ls_viewer, entry=ls_entry)
    certified = actions.savings_entry_certify(acting_user=finance, entry=bs_entry)
    assert certified.certified_by == finance and certified.is_certified
    assert actions.savings_entry_certify(acting_user=world.coordinator, entry=ls_entry).is_certified
    with pytest.raises(ValidationError, match="already certified"):
        actions.savings_entry_certify(acting_user=world.coordinator, entry=ls_entry)


def test_it_certifies_only_actual_savings_with_evidence(world: World) -> None:
    entry = actions.savings_entry_create(
        acting_user=world.coordinator,
        initiative=world.initiative,
        government=world.blue_springs,
        fiscal_year=2026,
        recurrence=Recurrence.RECURRING,
        baseline_cost=Decimal("50000"),
        projected_saving=Decimal("5000"),
    )
    with pytest.raises(ValidationError, match="evidence"):
        actions.savings_entry_certify(acting_user=world.coordinator, entry=entry)


def test_it_loads_the_demo_scenario_for_five_cities(world: World) -> None:
    from interlocal.agreements import actions as agreements
    from interlocal.collaboratives import actions as collaboratives
    from interlocal.costshare.demo import load_costshare_demo
    from interlocal.costshare.models import SavingsEntry
    from interlocal.vocab import VersionKind

    cities = [world.lees_summit, world.blue_springs]
    for name in ("Independence", "Grandview", "Raytown"):
        city = governments.government_create(acting_user=world.admin, kind="city", name=name, state="MO")
        proposal = collaboratives.membership_propose(
            acting_user=world.coordinator,
            collaborative=world.collaborative,
            government=city,
            joined_on=world.collaborative.memberships.first().joined_on,  # type: ignore[union-attr]
        )
        collaboratives.membership_accept(acting_user=world.admin, membership=proposal)
        cities.append(city)
    version = agreements.agreement_version_create(
        acting_user=world.coordinator,
        agreement=world.agreement,
        kind=VersionKind.RENEWAL_AND_EXPANSION,
        title="Statement of Common Purpose (2021)",
        parties=cities,
    )
    scenario = load_costshare_demo(coordinator=world.coordinator, version=version)
    assert scenario.status == ScenarioStatus.ADOPTED and scenario.adopted_method == "hybrid"
    assert scenario.results is not None and len(scenario.results["partners"]) == 5
    assert all(v > 0 for v in scenario.results["savings"]["hybrid"].values())
    assert SavingsEntry.objects.filter(certified_at__isnull=False).count() == 2
    assert load_costshare_demo(coordinator=world.coordinator, version=version) == scenario
