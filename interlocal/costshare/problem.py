"""Turn a scenario's stored rows into the engine's input object, and enrich the engine's results."""

from __future__ import annotations

from decimal import Decimal
from itertools import combinations
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError

from interlocal.costshare import cli_core
from interlocal.costshare.choices import CostModel, Method
from interlocal.costshare.engine import CostShareError, core_check
from interlocal.costshare.models import Scenario, ScenarioDriver

# A total-cost scenario stores every group's cost; 2^12 groups keep the stored inputs small.
MAX_TOTAL_MODEL_PARTNERS = 12


def _series(driver: ScenarioDriver) -> dict[int, list[Decimal]]:
    out: dict[int, list[tuple[str, Decimal]]] = {}
    for v in driver.values.all():
        out.setdefault(v.government_id, []).append((v.period, v.value))
    return {gid: [val for _, val in sorted(rows)] for gid, rows in out.items()}


def _summary(driver: ScenarioDriver, series: list[Decimal] | None, partner: str) -> float:
    """The driver's value for one partner: the latest period, or the mean of the last `periods`."""
    if not series:
        raise ValidationError(f"Driver {driver.name!r} has no value for {partner}.")
    if driver.periods:
        if len(series) < driver.periods:
            raise ValidationError(
                f"Driver {driver.name!r} has {len(series)} periods for {partner}; {driver.periods} are needed."
            )
        tail = series[-driver.periods :]
        return float(sum(tail) / len(tail))
    return float(series[-1])


def build_problem(scenario: Scenario) -> tuple[dict[str, Any], dict[str, int]]:
    """The engine input object for a scenario, and partner name -> government id."""
    partners = list(scenario.partners.select_related("government"))
    if not partners:
        raise ValidationError("The scenario has no partners.")
    names = [p.government.name for p in partners]
    ids = {p.government.name: p.government_id for p in partners}
    drivers = {d.name: d for d in scenario.drivers.prefetch_related("values")}
    series = {name: _series(d) for name, d in drivers.items()}

    def summary(driver_name: str) -> dict[str, float]:
        if driver_name not in drivers:
            raise ValidationError(f"The scenario has no driver {driver_name!r}.")
        d = drivers[driver_name]
        return {
            p.government.name: _summary(d, series[driver_name].get(p.government_id), p.government.name)
            for p in partners
        }

    problem: dict[str, Any] = {"name": scenario.name, "partners": names}
    if scenario.cost_model == CostModel.TOTAL:
        if scenario.total_cost is None:
            raise ValidationError("A total-cost scenario needs the total annual cost.")
        if len(partners) > MAX_TOTAL_MODEL_PARTNERS:
            raise ValidationError(
                f"A total-cost scenario takes at most {MAX_TOTAL_MODEL_PARTNERS} partners; use a formula."
            )
        alone = {}
        for p in partners:
            if p.standalone_cost is None:
                raise ValidationError(f"{p.government.name} needs a stand-alone cost.")
            alone[p.government.name] = p.standalone_cost
        costs: dict[str, float] = {}
        for size in range(1, len(names)):
            for group in combinations(names, size):
                costs["+".join(group)] = float(sum(alone[n] for n in group))
        costs["+".join(names)] = float(scenario.total_cost)
        problem["costs"] = costs
    else:
        if not scenario.formula_driver:
            raise ValidationError("A formula scenario needs the driver its formula sums.")
        model: dict[str, Any] = {
            "fixed": float(scenario.fixed_cost),
            "coefficient": float(scenario.coefficient),
            "exponent": float(scenario.exponent),
            "unit_cost": float(scenario.unit_cost),
            "drivers": summary(scenario.formula_driver),
        }
        if scenario.capacity is not None:
            model["capacity"] = float(scenario.capacity)
        if any(p.dedicated_cost for p in partners):
            model["dedicated"] = {p.government.name: float(p.dedicated_cost) for p in partners}
        problem["model"] = model
    if scenario.proportional_driver:
        problem["weights"] = summary(scenario.proportional_driver)
    weighted = [d for d in drivers.values() if d.weight > 0]
    if weighted:
        components = []
        for d in weighted:
            comp: dict[str, Any] = {"name": d.name, "weight": float(d.weight)}
            if d.periods:
                comp["periods"] = d.periods
                comp["values"] = {
                    p.government.name: [float(v) for v in series[d.name].get(p.government_id, [])]
                    for p in partners
                }
            else:
                comp["values"] = summary(d.name)
            components.append(comp)
        problem["hybrid"] = {"components": components}
    if Method.HYBRID in scenario.methods and not weighted:
        raise ValidationError("The hybrid method needs drivers with weights.")
    if Method.FIXED_VARIABLE in scenario.methods and scenario.cost_model != CostModel.FORMULA:
        raise ValidationError("The fixed/variable method needs a formula model.")
    return problem, ids


def compute(problem: dict[str, Any], methods: list[str]) -> dict[str, Any]:
    """Run the engine; add, for each method outside the core, the coalition it overcharges most."""
    try:
        result = cli_core.compute(problem, methods)
        game = cli_core.build_game(problem)
        worst: dict[str, Any] = {}
        for m, ok in result["in_core"].items():
            if ok is not False:  # in the core, or not checked because the check would be too big
                continue
            shares = np.array([result["allocations"][m][p] for p in result["partners"]], dtype=np.float64)
            check = core_check(game, shares)
            worst[m] = {"members": check.worst_names(game), "excess": round(check.worst_excess, 2)}
    except CostShareError as exc:
        raise ValidationError(f"The engine cannot split this cost: {exc}") from exc
    result["worst_coalition"] = worst
    return result
