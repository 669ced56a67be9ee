"""Cost-sharing engine for shared public services: cost models, allocation methods and fairness checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

from .engine_core import CoreCheck, CoreCheckCost, Savings, core_check, core_check_cost, savings
from .engine_games import (
    CostShareError,
    FloatArray,
    FormulaGame,
    Game,
    TableGame,
    _number,
    per_partner,
    subset_sums,
)
from .engine_lp import (
    KohlbergCertificate,
    LeastCoreResult,
    NucleolusResult,
    balancing_weights,
    sequential_nucleolus,
)
from .engine_lp import least_core as _least_core
from .engine_shapley import (
    ShapleyResult,
    shapley,
    shapley_from_table,
    shapley_monte_carlo,
    shapley_summed_drivers,
)

ENGINE_VERSION = "1.0.0"

METHODS = ("equal", "proportional", "hybrid", "fixed_variable", "scrb", "shapley", "nucleolus", "least_core")

__all__ = [
    "ENGINE_VERSION",
    "METHODS",
    "Allocation",
    "CoreCheck",
    "CoreCheckCost",
    "CostShareError",
    "DriverComponent",
    "FormulaGame",
    "Game",
    "KohlbergCertificate",
    "LeastCoreResult",
    "NucleolusResult",
    "Savings",
    "ShapleyResult",
    "TableGame",
    "balancing_weights",
    "core_check",
    "core_check_cost",
    "equal",
    "fixed_variable",
    "hybrid",
    "least_core",
    "nucleolus",
    "proportional",
    "rolling_average",
    "round_to_cents",
    "savings",
    "scrb",
    "shapley",
    "shapley_allocation",
    "shapley_from_table",
    "shapley_monte_carlo",
    "shapley_summed_drivers",
    "subset_sums",
]


@dataclass(frozen=True, eq=False)
class Allocation:
    """Shares of a total among partners, with the method's name and optional details (certificates, CIs)."""

    method: str
    partners: tuple[str, ...]
    shares: FloatArray
    total: float
    detail: Any = None

    def as_dict(self) -> dict[str, float]:
        """Partner name -> share."""
        return {p: float(v) for p, v in zip(self.partners, self.shares, strict=True)}

    def in_cents(self) -> dict[str, Decimal]:
        """Partner name -> share rounded to cents, summing exactly to the rounded total."""
        return dict(zip(self.partners, round_to_cents(self.shares, self.total), strict=True))


def round_to_cents(shares: Sequence[float] | FloatArray, total: float | None = None) -> list[Decimal]:
    """Round shares to cents by largest remainder so they sum exactly to the total rounded to cents."""
    vals = [float(v) for v in shares]
    for i, v in enumerate(vals):
        if not np.isfinite(v):
            raise CostShareError(f"share number {i + 1} is not a finite number")
    target = sum(vals) if total is None else float(total)
    cent = Decimal("0.01")
    # repr() keeps the shortest decimal form, so 12.35 is treated as exactly 1235 cents, not 1234.999...
    scaled = [Decimal(repr(v)) * 100 for v in vals]
    target_cents = int((Decimal(repr(target)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    floors = [int(s.to_integral_value(rounding=ROUND_FLOOR)) for s in scaled]
    short = target_cents - sum(floors)
    if abs(short) > len(vals):
        raise CostShareError(f"shares sum to {sum(vals):.2f}, not the total {target:.2f}")
    # Remainders within a few float ulps of each other are ties (two exact half cents of a $1e9 nucleolus
    # differ by 1e-7 after the LP), so they go to the first partner rather than to round-off noise.
    grain = Decimal(repr(800 * float(np.spacing(max([abs(target), *map(abs, vals)])))))
    order = sorted(
        range(len(vals)),
        key=lambda i: (-((scaled[i] - floors[i]) / grain).to_integral_value(ROUND_HALF_UP), i),
    )
    if short >= 0:
        for i in order[:short]:
            floors[i] += 1
    else:
        for i in list(reversed(order))[:-short]:
            floors[i] -= 1
    return [(Decimal(c) * cent).quantize(cent) for c in floors]


def _alloc(game: Game, method: str, shares: FloatArray, detail: Any = None) -> Allocation:
    return Allocation(method, game.partners, np.asarray(shares, dtype=np.float64), game.total, detail)


def equal(game: Game) -> Allocation:
    """Everyone pays the same share of the total."""
    return _alloc(game, "equal", np.full(game.n, game.total / game.n))


def _weights(
    game: Game, weights: Mapping[str, Any] | Sequence[Any] | FloatArray | None, what: str
) -> FloatArray:
    if weights is None:
        w = game.drivers if isinstance(game, FormulaGame) else game.standalone()
    else:
        w = per_partner(game.partners, weights, what)
    if np.any(w < 0):
        i = int(np.flatnonzero(w < 0)[0])
        raise CostShareError(f"{what} of partner {game.partners[i]!r} is negative")
    if w.sum() <= 0:
        raise CostShareError(f"{what} are all zero, so a proportional split is undefined")
    return np.asarray(w, dtype=np.float64)


def proportional(
    game: Game, weights: Mapping[str, Any] | Sequence[Any] | FloatArray | None = None, name: str = "driver"
) -> Allocation:
    """Total split in proportion to a driver (default: the formula's driver, or stand-alone cost for a table)."""
    w = _weights(game, weights, name)
    return _alloc(game, "proportional", game.total * w / w.sum())


def rolling_average(
    history: Sequence[Any] | FloatArray | float, periods: int, partner: str, what: str
) -> float:
    """Mean of the last `periods` values of one partner's driver history."""
    vals = list(history) if isinstance(history, (list, tuple, np.ndarray)) else [history]
    if len(vals) < periods:
        raise CostShareError(f"{what} for partner {partner!r} has {len(vals)} periods; {periods} are needed")
    first = len(vals) - periods
    tail = [
        _number(v, f"{what} of partner {partner!r} in period {first + k + 1}")
        for k, v in enumerate(vals[first:])
    ]
    for k, v in enumerate(tail):
        if v < 0:
            raise CostShareError(f"{what} of partner {partner!r} in period {first + k + 1} is negative")
    return float(np.mean(tail))


@dataclass(frozen=True)
class DriverComponent:
    """One part of a hybrid formula: its weight and each partner's driver (a number or a history of periods)."""

    name: str
    weight: float
    values: Mapping[str, Any]
    periods: int | None = None


def hybrid(
    partners: Sequence[str],
    pooled_total: float,
    components: Sequence[DriverComponent],
    direct: Mapping[str, Any] | None = None,
) -> Allocation:
    """Pooled cost split by weighted drivers (rolling averages where periods are given) plus direct charges."""
    names = tuple(partners)
    if not components:
        raise CostShareError("a hybrid formula needs at least one driver component")
    weight_sum = sum(float(c.weight) for c in components)
    if abs(weight_sum - 1.0) > 1e-9:
        raise CostShareError(f"hybrid component weights sum to {weight_sum:g}, not 1")
    shares = np.zeros(len(names))
    for comp in components:
        if comp.weight < 0:
            raise CostShareError(f"hybrid component {comp.name!r} has a negative weight")
        if comp.periods is not None:
            if comp.periods < 1:
                raise CostShareError(f"hybrid component {comp.name!r} needs periods >= 1")
            for p in names:
                if p not in comp.values:
                    raise CostShareError(f"{comp.name} is missing for partner {p!r}")
            vals = np.array([rolling_average(comp.values[p], comp.periods, p, comp.name) for p in names])
        else:
            vals = per_partner(names, comp.values, comp.name)
        if vals.sum() <= 0:
            raise CostShareError(f"driver {comp.name!r} is zero for every partner")
        shares += comp.weight * vals / vals.sum()
    pooled = float(pooled_total) * shares
    extra = np.zeros(len(names)) if direct is None else per_partner(names, direct, "direct charge")
    result = pooled + extra
    return Allocation("hybrid", names, result, float(pooled_total) + float(extra.sum()), {"pooled": pooled})


def hybrid_for_game(game: Game, components: Sequence[DriverComponent]) -> Allocation:
    """Hybrid split of a game's total: dedicated costs billed directly, the rest by weighted drivers."""
    direct = game.dedicated if isinstance(game, FormulaGame) else np.zeros(game.n)
    alloc = hybrid(
        game.partners,
        game.total - float(direct.sum()),
        components,
        dict(zip(game.partners, direct, strict=True)),
    )
    return Allocation("hybrid", game.partners, alloc.shares, game.total, alloc.detail)


def fixed_variable(game: FormulaGame, fixed_weights: Mapping[str, Any] | None = None) -> Allocation:
    """Fixed cost split equally (or by `fixed_weights`), dedicated costs direct, the rest in proportion to drivers."""
    if not isinstance(game, FormulaGame):
        raise CostShareError("fixed_variable needs a formula model (fixed cost and drivers)")
    fw = np.ones(game.n) if fixed_weights is None else _weights(game, fixed_weights, "fixed-cost weight")
    variable_total = game.total - game.fixed - float(game.dedicated.sum())
    if game.drivers.sum() <= 0:
        if variable_total > 1e-9:
            raise CostShareError("drivers are all zero, so the variable cost cannot be split")
        var = np.zeros(game.n)
    else:
        var = variable_total * game.drivers / game.drivers.sum()
    shares = game.fixed * fw / fw.sum() + game.dedicated + var
    return _alloc(game, "fixed_variable", shares)


def scrb(game: Game) -> Allocation:
    """Separable costs-remaining benefits: x_i = s_i + r_i/sum(r) * (c(N) - sum(s))."""
    total = game.total
    sep = total - game.without_each() if game.n > 1 else np.array([total])
    alone = game.standalone()
    rem = alone - sep
    tol = 1e-9 * max(1.0, abs(total))
    for i, p in enumerate(game.partners):
        if rem[i] < -tol:
            raise CostShareError(
                f"SCRB needs subadditive costs: adding partner {p!r} to the others costs {sep[i]:.2f}, "
                f"more than its stand-alone cost {alone[i]:.2f}"
            )
    rem = np.maximum(rem, 0.0)
    nonsep = total - sep.sum()
    if rem.sum() <= tol:
        if abs(nonsep) > tol:
            raise CostShareError(
                "SCRB is undefined: no partner has a remaining benefit but non-separable cost is left"
            )
        return _alloc(game, "scrb", sep)
    return _alloc(game, "scrb", sep + rem / rem.sum() * nonsep, {"separable": sep, "remaining_benefit": rem})


def shapley_allocation(game: Game, *, samples: int = 20_000, seed: int = 0) -> Allocation:
    """Shapley value as an allocation (detail holds the method and, for Monte Carlo, the CI half-widths)."""
    res = shapley(game, samples=samples, seed=seed)
    return _alloc(game, "shapley", res.shares, res)


def nucleolus(game: Game) -> Allocation:
    """Nucleolus over allocations where nobody pays more than stand-alone (detail: NucleolusResult)."""
    res = sequential_nucleolus(game, "imputation")
    return _alloc(game, "nucleolus", res.shares, res)


def least_core(game: Game) -> Allocation:
    """Least-core allocation (the prenucleolus, its lexicographic centre); detail holds epsilon and emptiness."""
    res = _least_core(game)
    return _alloc(game, "least_core", res.shares, res)


def table_for(game: Game) -> TableGame:
    """The coalition table of any game (small groups only)."""
    return game.table()
