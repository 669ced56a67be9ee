"""Writes to cost-sharing scenarios and the savings ledger."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from interlocal import access
from interlocal.agreements.models import AgreementVersion
from interlocal.audit.actions import audit_record, snapshot
from interlocal.conflicts import bump, lock_current
from interlocal.costshare import problem as problems
from interlocal.costshare.choices import CostModel, Method, Recurrence, ScenarioStatus
from interlocal.costshare.engine import ENGINE_VERSION
from interlocal.costshare.models import DriverValue, SavingsEntry, Scenario, ScenarioDriver, ScenarioPartner
from interlocal.governments.models import Government, Person
from interlocal.initiatives.models import Initiative


@dataclass(frozen=True)
class Formula:
    """A formula cost model: c(S) = fixed + coefficient * D^exponent + ceil(D / capacity) * unit_cost."""

    driver: str
    fixed: Decimal = Decimal(0)
    coefficient: Decimal = Decimal(0)
    exponent: Decimal = Decimal(1)
    capacity: Decimal | None = None
    unit_cost: Decimal = Decimal(0)


@dataclass(frozen=True)
class DriverSpec:
    """A driver with each partner's value per period, e.g. {"2024Q1": 5200, ...}."""

    name: str
    values: Mapping[Government, Mapping[str, Decimal]]
    label: str = ""
    weight: Decimal = Decimal(0)
    periods: int | None = None


def _frozen_check(scenario: Scenario) -> None:
    if scenario.is_frozen:
        raise ValidationError("An adopted scenario cannot change; create a new scenario instead.")


@transaction.atomic
def scenario_create(
    *,
    acting_user: Person,
    name: str,
    fiscal_year: int,
    partners: Sequence[Government],
    methods: Sequence[str],
    agreement_version: AgreementVersion | None = None,
    initiative: Initiative | None = None,
    service: str = "",
    total_cost: Decimal | None = None,
    standalone_costs: Mapping[Government, Decimal] | None = None,
    formula: Formula | None = None,
    dedicated_costs: Mapping[Government, Decimal] | None = None,
    proportional_driver: str = "",
    description: str = "",
    drivers: Sequence[DriverSpec] = (),
) -> Scenario:
    """Create a draft scenario for an agreement version or an initiative (exactly one), with its drivers."""
    if (agreement_version is None) == (initiative is None):
        raise ValidationError("A scenario is for exactly one agreement version or one initiative.")
    subject = agreement_version.agreement if agreement_version is not None else initiative
    assert subject is not None
    collaborative = subject.collaborative
    access.require(
        acting_user, "costshare.change_scenario", collaborative, "Only coordinators build scenarios."
    )
    if not partners:
        raise ValidationError("A scenario needs at least one partner.")
    if len({g.pk for g in partners}) != len(partners):
        raise ValidationError("A partner is listed twice.")
    if agreement_version is not None:
        parties = set(agreement_version.party_rows.values_list("government_id", flat=True))
        strangers = [g.name for g in partners if g.pk not in parties]
        if strangers:
            raise ValidationError(f"Not a party to {agreement_version}: {', '.join(strangers)}.")
    unknown = [m for m in methods if m not in Method.values]
    if unknown or not methods:
        raise ValidationError(f"Choose methods from {', '.join(Method.values)}.")
    if formula is None and total_cost is None:
        raise ValidationError("Give the total annual cost or a formula model.")
    if formula is not None and total_cost is not None:
        raise ValidationError("Give the total annual cost or a formula model, not both.")
    standalone_costs = standalone_costs or {}
    dedicated_costs = dedicated_costs or {}
    scenario = Scenario(
        collaborative=collaborative,
        agreement_version=agreement_version,
        initiative=initiative,
        name=name,
        description=description,
        service=service.strip(),
        fiscal_year=fiscal_year,
        cost_model=CostModel.TOTAL if formula is None else CostModel.FORMULA,
        total_cost=total_cost,
        methods=list(dict.fromkeys(methods)),
        proportional_driver=proportional_driver,
        created_by=acting_user if acting_user.is_authenticated else None,
    )
    if formula is not None:
        scenario.formula_driver = formula.driver
        scenario.fixed_cost = formula.fixed
        scenario.coefficient = formula.coefficient
        scenario.exponent = formula.exponent
        scenario.capacity = formula.capacity
        scenario.unit_cost = formula.unit_cost
    scenario.full_clean()
    scenario.save()
    rows = [
        ScenarioPartner(
            scenario=scenario,
            government=g,
            standalone_cost=standalone_costs.get(g),
            dedicated_cost=dedicated_costs.get(g, Decimal(0)),
            position=i,
        )
        for i, g in enumerate(partners)
    ]
    for row in rows:
        row.full_clean(exclude=["scenario"])
    ScenarioPartner.objects.bulk_create(rows)
    audit_record(
        acting_user=acting_user,
        verb="scenario_create",
        obj=scenario,
        collaborative=collaborative,
        changes={
            **snapshot(
                scenario,
                [
                    "name",
                    "service",
                    "fiscal_year",
                    "cost_model",
                    "total_cost",
                    "agreement_version",
                    "initiative",
                    "methods",
                ],
            ),
            "partners": (None, [g.name for g in partners]),
        },
    )
    if drivers:
        scenario = scenario_set_drivers(acting_user=acting_user, scenario=scenario, drivers=drivers)
    return scenario


@transaction.atomic
def scenario_set_drivers(
    *,
    acting_user: Person,
    scenario: Scenario,
    drivers: Sequence[DriverSpec],
    expected_version: int | None = None,
) -> Scenario:
    """Replace a draft scenario's drivers (values per partner per period); earlier results are cleared."""
    access.require(acting_user, "costshare.change_scenario", scenario, "Only coordinators build scenarios.")
    lock_current(
        scenario, expected_version=expected_version, submitted={"drivers": [d.name for d in drivers]}
    )
    _frozen_check(scenario)
    partner_ids = set(scenario.partners.values_list("government_id", flat=True))
    names = [d.name for d in drivers]
    if len(set(names)) != len(names):
        raise ValidationError("A driver is listed twice.")
    weights = sum((Decimal(d.weight) for d in drivers), Decimal(0))
    if weights and weights != 1:
        raise ValidationError(f"Hybrid weights sum to {weights}, not 1.")
    for d in drivers:
        strangers = [g.name for g in d.values if g.pk not in partner_ids]
        if strangers:
            raise ValidationError(f"Driver {d.name!r} has values for non-partners: {', '.join(strangers)}.")
        missing = partner_ids - {g.pk for g, periods in d.values.items() if periods}
        if missing:
            raise ValidationError(f"Driver {d.name!r} lacks values for some partners.")
    old = list(scenario.drivers.values_list("name", flat=True))
    DriverValue.objects.filter(driver__scenario=scenario).delete()
    scenario.drivers.all().delete()
    for i, d in enumerate(drivers):
        row = ScenarioDriver(
            scenario=scenario,
            name=d.name,
            label=d.label,
            weight=Decimal(d.weight),
            periods=d.periods,
            position=i,
        )
        row.full_clean()
        row.save()
        values = [
            DriverValue(driver=row, government=g, period=str(period), value=Decimal(value))
            for g, periods in d.values.items()
            for period, value in periods.items()
        ]
        for v in values:
            v.full_clean(exclude=["driver"])
        DriverValue.objects.bulk_create(values)
    changes: dict[str, tuple[object, object]] = {"drivers": (old, names)}
    if scenario.status != ScenarioStatus.DRAFT:
        changes["status"] = (scenario.status, ScenarioStatus.DRAFT)
    scenario.status = ScenarioStatus.DRAFT
    scenario.inputs = scenario.results = None
    scenario.computed_at = None
    scenario.engine_version = ""
    bump(scenario)
    scenario.save(
        update_fields=["status", "inputs", "results", "computed_at", "engine_version", "lock_version"]
    )
    audit_record(
        acting_user=acting_user,
        verb="scenario_set_drivers",
        obj=scenario,
        collaborative=scenario.collaborative,
        changes=changes,
    )
    return scenario


@transaction.atomic
def scenario_compute(
    *, acting_user: Person, scenario: Scenario, expected_version: int | None = None
) -> Scenario:
    """Run every chosen method and store the exact inputs, results and engine version."""
    access.require(acting_user, "costshare.change_scenario", scenario, "Only coordinators build scenarios.")
    lock_current(scenario, expected_version=expected_version)
    _frozen_check(scenario)
    problem, ids = problems.build_problem(scenario)
    results = problems.compute(problem, list(scenario.methods))
    old_status = scenario.status
    scenario.inputs = problem
    scenario.results = results
    scenario.partner_ids = ids
    scenario.engine_version = ENGINE_VERSION
    scenario.computed_at = timezone.now()
    scenario.status = ScenarioStatus.COMPUTED
    bump(scenario)
    scenario.save(
        update_fields=[
            "inputs",
            "results",
            "partner_ids",
            "engine_version",
            "computed_at",
            "status",
            "lock_version",
        ]
    )
    audit_record(
        acting_user=acting_user,
        verb="scenario_compute",
        obj=scenario,
        collaborative=scenario.collaborative,
        changes={
            "status": (old_status, scenario.status),
            "engine_version": (None, ENGINE_VERSION),
            "total": (None, results["total"]),
        },
    )
    return scenario


@transaction.atomic
def scenario_adopt(
    *, acting_user: Person, scenario: Scenario, method: str, expected_version: int | None = None
) -> Scenario:
    """Adopt one method's split; the split adopted earlier for the same subject, service and year is superseded."""
    access.require(acting_user, "costshare.change_scenario", scenario, "Only coordinators adopt scenarios.")
    lock_current(scenario, expected_version=expected_version, submitted={"adopted_method": method})
    _frozen_check(scenario)
    if scenario.status != ScenarioStatus.COMPUTED or not scenario.results:
        raise ValidationError("Compute the scenario before adopting it.")
    if scenario.engine_version != ENGINE_VERSION:
        raise ValidationError(
            f"The results come from engine {scenario.engine_version}; compute again with {ENGINE_VERSION}."
        )
    if method not in scenario.results["allocations"]:
        raise ValidationError(f"Method {method!r} was not computed for this scenario.")
    subject: dict[str, int | None] = (
        {"agreement_version_id": scenario.agreement_version_id}
        if scenario.agreement_version_id
        else {"initiative_id": scenario.initiative_id}
    )
    same = Scenario.objects.select_for_update().filter(
        status=ScenarioStatus.ADOPTED,
        service__iexact=scenario.service,
        fiscal_year=scenario.fiscal_year,
        **subject,
    )
    for earlier in same.exclude(pk=scenario.pk):
        earlier.status = ScenarioStatus.SUPERSEDED
        bump(earlier)
        earlier.save(update_fields=["status", "lock_version"])
        audit_record(
            acting_user=acting_user,
            verb="scenario_supersede",
            obj=earlier,
            collaborative=scenario.collaborative,
            changes={"status": (ScenarioStatus.ADOPTED, ScenarioStatus.SUPERSEDED)},
        )
    scenario.status = ScenarioStatus.ADOPTED
    scenario.adopted_method = method
    scenario.adopted_at = timezone.now()
    scenario.adopted_by = acting_user
    bump(scenario)
    scenario.save(update_fields=["status", "adopted_method", "adopted_at", "adopted_by", "lock_version"])
    audit_record(
        acting_user=acting_user,
        verb="scenario_adopt",
        obj=scenario,
        collaborative=scenario.collaborative,
        is_public=True,
        changes={
            "status": (ScenarioStatus.COMPUTED, ScenarioStatus.ADOPTED),
            "adopted_method": (None, method),
            "split": (None, scenario.results["allocations"][method]),
            "engine_version": (None, scenario.engine_version),
        },
    )
    return scenario


@transaction.atomic
def savings_entry_create(
    *,
    acting_user: Person,
    initiative: Initiative,
    government: Government,
    fiscal_year: int,
    recurrence: str,
    baseline_cost: Decimal,
    projected_saving: Decimal,
    actual_saving: Decimal | None = None,
    evidence_url: str = "",
    note: str = "",
) -> SavingsEntry:
    """Record a government's baseline cost and projected (and, once known, actual) saving for a year."""
    access.require(
        acting_user,
        "costshare.add_savingsentry",
        SavingsEntry(initiative=initiative, government=government),
        "Only the government's own editors or the collaborative's coordinators record its savings.",
    )
    # Entering figures for a government needs its consent: an accepted, current membership.
    if government.pk not in access.current_member_ids(initiative.collaborative):
        raise ValidationError(f"{government} is not a current member of {initiative.collaborative}.")
    if recurrence not in Recurrence.values:
        raise ValidationError(f"Recurrence must be one of {', '.join(Recurrence.values)}.")
    entry = SavingsEntry(
        initiative=initiative,
        government=government,
        fiscal_year=fiscal_year,
        recurrence=recurrence,
        baseline_cost=baseline_cost,
        projected_saving=projected_saving,
        actual_saving=actual_saving,
        evidence_url=evidence_url,
        note=note,
        created_by=acting_user if acting_user.is_authenticated else None,
    )
    entry.full_clean()
    entry.save()
    audit_record(
        acting_user=acting_user,
        verb="savings_entry_create",
        obj=entry,
        collaborative=initiative.collaborative,
        government=government,
        changes=snapshot(
            entry,
            [
                "initiative",
                "government",
                "fiscal_year",
                "recurrence",
                "baseline_cost",
                "projected_saving",
                "actual_saving",
                "evidence_url",
            ],
        ),
    )
    return entry


@transaction.atomic
def savings_entry_certify(
    *, acting_user: Person, entry: SavingsEntry, expected_version: int | None = None
) -> SavingsEntry:
    """Certify an entry's actual saving and evidence (a coordinator or the government's finance staff)."""
    access.require(
        acting_user,
        "costshare.certify_savingsentry",
        entry,
        "Only a coordinator or the government's own finance staff certify savings.",
    )
    lock_current(entry, expected_version=expected_version)
    if entry.is_certified:
        raise ValidationError("These figures are already certified.")
    if entry.actual_saving is None or not entry.evidence_url:
        raise ValidationError("Certify only an actual saving with its evidence document.")
    entry.certified_by = acting_user
    entry.certified_at = timezone.now()
    bump(entry)
    entry.save(update_fields=["certified_by", "certified_at", "lock_version"])
    audit_record(
        acting_user=acting_user,
        verb="savings_entry_certify",
        obj=entry,
        collaborative=entry.initiative.collaborative,
        government=entry.government,
        is_public=True,
        changes={"certified_by": (None, acting_user), "certified_at": (None, entry.certified_at)},
    )
    return entry
