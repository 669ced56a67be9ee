"""Scenarios and ledger entries for tests, made through the actions."""

from __future__ import annotations

from decimal import Decimal

from interlocal.costshare import actions
from interlocal.costshare.actions import DriverSpec, Formula
from interlocal.costshare.models import Scenario
from interlocal.testkit import World


def formula_scenario(world: World, name: str = "FY2025 dispatch", compute: bool = True) -> Scenario:
    """A formula scenario for the world's agreement version: Lee's Summit and Blue Springs."""
    ls, bs = world.lees_summit, world.blue_springs
    scenario = actions.scenario_create(
        acting_user=world.coordinator,
        name=name,
        fiscal_year=2025,
        agreement_version=world.version,
        partners=[ls, bs],
        methods=["equal", "proportional", "hybrid", "shapley"],
        formula=Formula(
            driver="calls", fixed=Decimal(400000), coefficient=Decimal(150), exponent=Decimal("0.8")
        ),
        proportional_driver="population",
    )
    quarters = [f"{y}Q{q}" for y in (2024, 2025) for q in (1, 2, 3, 4)]
    actions.scenario_set_drivers(
        acting_user=world.coordinator,
        scenario=scenario,
        drivers=[
            DriverSpec(
                name="calls",
                label="911 calls per quarter (invented)",
                weight=Decimal("0.6"),
                periods=8,
                values={
                    ls: {q: Decimal(9000 + 100 * i) for i, q in enumerate(quarters)},
                    bs: {q: Decimal(5000 + 50 * i) for i, q in enumerate(quarters)},
                },
            ),
            DriverSpec(
                name="population",
                label="2020 Census",
                weight=Decimal("0.4"),
                values={ls: {"2020": Decimal(101108)}, bs: {"2020": Decimal(58603)}},
            ),
        ],
    )
    if compute:
        scenario = actions.scenario_compute(acting_user=world.coordinator, scenario=scenario)
    return scenario


def total_scenario(
    world: World, name: str = "FY2025 radio", service: str = "", fiscal_year: int = 2025
) -> Scenario:
    """A total-cost scenario with stand-alone costs, computed."""
    ls, bs = world.lees_summit, world.blue_springs
    scenario = actions.scenario_create(
        acting_user=world.coordinator,
        name=name,
        service=service,
        fiscal_year=fiscal_year,
        agreement_version=world.version,
        partners=[ls, bs],
        methods=["equal", "proportional", "scrb", "nucleolus"],
        total_cost=Decimal("300000.00"),
        standalone_costs={ls: Decimal("250000"), bs: Decimal("90000")},
    )
    return actions.scenario_compute(acting_user=world.coordinator, scenario=scenario)
