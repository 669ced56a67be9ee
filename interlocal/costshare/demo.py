"""Demonstration cost-sharing records: an adopted scenario and a few savings entries, mostly invented.

Call `load_costshare_demo(coordinator=..., version=...)` from `interlocal.demo.load_demo` after the
2021 Statement of Common Purpose version exists. Populations are the 2020 Census counts; every cost,
call volume and saving is invented for the demonstration and says so.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from interlocal.agreements.models import AgreementVersion
from interlocal.costshare import actions
from interlocal.costshare.actions import DriverSpec, Formula
from interlocal.costshare.choices import Recurrence, ScenarioStatus
from interlocal.costshare.models import Scenario
from interlocal.governments.models import Person
from interlocal.initiatives.models import Initiative

INVENTED = "Invented for the demonstration: not an official figure."

POPULATION_2020 = {
    "Independence": 123011,
    "Lee's Summit": 101108,
    "Blue Springs": 58603,
    "Grandview": 26029,
    "Raytown": 30012,
}
# Invented quarterly 911 call volumes, 2024Q1..2025Q4 (about half a call per resident a year, growing slowly).
CALLS_INVENTED = {
    "Independence": [15120, 15480, 16010, 15390, 15610, 15930, 16420, 15880],
    "Lee's Summit": [12240, 12610, 13050, 12480, 12690, 13020, 13470, 12910],
    "Blue Springs": [7150, 7330, 7620, 7280, 7390, 7560, 7880, 7490],
    "Grandview": [3420, 3510, 3660, 3470, 3520, 3600, 3750, 3560],
    "Raytown": [3790, 3880, 4030, 3840, 3900, 3990, 4150, 3940],
}
QUARTERS = [f"{year}Q{q}" for year in (2024, 2025) for q in (1, 2, 3, 4)]
# Invented ledger rows: (city, fiscal year, recurrence, baseline, projected, actual or None, certified).
SAVINGS_INVENTED = [
    ("Independence", 2024, Recurrence.RECURRING, "410000", "52000", "48750", True),
    ("Lee's Summit", 2024, Recurrence.RECURRING, "365000", "46000", "47900", True),
    ("Blue Springs", 2024, Recurrence.ONE_TIME, "120000", "30000", "26400", False),
    ("Independence", 2025, Recurrence.RECURRING, "422000", "55000", None, False),
    ("Grandview", 2025, Recurrence.RECURRING, "98000", "12500", None, False),
]


# Invented stand-alone yearly cost of each radio cooperative member keeping its own radio shop.
RADIO_ALONE_INVENTED = {"Blue Springs": "118000", "Lee's Summit": "142000", "Raytown": "61000"}


def _radio_split(coordinator: Person, version: AgreementVersion, parties: dict[str, Any]) -> Scenario:
    """A second adopted split on the same version: another service, another fiscal year."""
    cities = {parties[name]: Decimal(cost) for name, cost in RADIO_ALONE_INVENTED.items() if name in parties}
    scenario = actions.scenario_create(
        acting_user=coordinator,
        name="FY2027 radio maintenance (demonstration)",
        service="Radio maintenance",
        fiscal_year=2027,
        agreement_version=version,
        partners=list(cities),
        methods=["equal", "scrb", "nucleolus"],
        total_cost=Decimal("255000"),
        standalone_costs=cities,
        description="Blue Springs' radio shop serving three cities, against each keeping its own. "
        + INVENTED,
    )
    scenario = actions.scenario_compute(acting_user=coordinator, scenario=scenario)
    return actions.scenario_adopt(acting_user=coordinator, scenario=scenario, method="scrb")


def load_costshare_demo(
    *, coordinator: Person, version: AgreementVersion, initiative: Initiative | None = None
) -> Scenario:
    """Adopted FY2026 dispatch and FY2027 radio splits for the five-city version, and invented savings entries."""
    existing = Scenario.objects.filter(
        agreement_version=version, status=ScenarioStatus.ADOPTED, service="911 dispatch", fiscal_year=2026
    ).first()
    if existing is not None:
        return existing
    parties = {p.government.name: p.government for p in version.party_rows.select_related("government")}
    cities = [parties[name] for name in POPULATION_2020 if name in parties]
    scenario = actions.scenario_create(
        acting_user=coordinator,
        name="FY2026 shared 911 dispatch (demonstration)",
        service="911 dispatch",
        fiscal_year=2026,
        agreement_version=version,
        partners=cities,
        methods=["proportional", "hybrid", "shapley", "nucleolus"],
        formula=Formula(
            driver="calls",
            fixed=Decimal("1800000"),
            coefficient=Decimal("470"),
            exponent=Decimal("0.85"),
        ),
        proportional_driver="population",
        description=(
            "A shared dispatch centre: a fixed cost for the facility and CAD system plus staffing that grows "
            "less than proportionally with calls. " + INVENTED + " Populations are the 2020 Census."
        ),
        drivers=[
            DriverSpec(
                name="calls",
                label="911 calls per quarter, 2024Q1-2025Q4 (invented for the demonstration)",
                weight=Decimal("0.6"),
                periods=8,
                values={
                    g: dict(zip(QUARTERS, (Decimal(v) for v in CALLS_INVENTED[g.name]), strict=True))
                    for g in cities
                },
            ),
            DriverSpec(
                name="population",
                label="2020 Census population (U.S. Census Bureau)",
                weight=Decimal("0.4"),
                values={g: {"2020": Decimal(POPULATION_2020[g.name])} for g in cities},
            ),
        ],
    )
    scenario = actions.scenario_compute(acting_user=coordinator, scenario=scenario)
    scenario = actions.scenario_adopt(acting_user=coordinator, scenario=scenario, method="hybrid")
    _radio_split(coordinator, version, parties)
    if initiative is None:
        initiative = version.agreement.collaborative.initiatives.order_by("code", "id").first()
    if initiative is not None:
        for city, year, recurrence, baseline, projected, actual, certified in SAVINGS_INVENTED:
            if city not in parties:
                continue
            entry = actions.savings_entry_create(
                acting_user=coordinator,
                initiative=initiative,
                government=parties[city],
                fiscal_year=year,
                recurrence=recurrence,
                baseline_cost=Decimal(baseline),
                projected_saving=Decimal(projected),
                actual_saving=None if actual is None else Decimal(actual),
                evidence_url="https://example.org/demo-evidence.pdf" if actual else "",
                note=INVENTED,
            )
            if certified:
                actions.savings_entry_certify(acting_user=coordinator, entry=entry)
    return scenario
