"""Fairness checks: core membership with the most violated coalition, and savings against stand-alone."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .engine_games import CostShareError, FloatArray, FormulaGame, Game, TableGame, mask_members, popcount

# Formula games with fractional drivers are enumerated coalition by coalition up to this size.
MAX_ENUMERATED_PARTNERS = 24
# Whole-number drivers are searched exactly (a knapsack over the driver sum) up to this summed driver.
MAX_KNAPSACK_SUM = 50_000_000
# A core check never allocates more than this; above it the check is refused before anything is allocated.
MEMORY_BUDGET = 1 << 30
# A check this small is run with every computation without being asked for.
CHEAP_BYTES = 64 << 20
CHEAP_STEPS = 50_000_000


@dataclass(frozen=True)
class CoreCheckCost:
    """Estimated peak extra memory (bytes) and elementary steps of a core check, or why it cannot run."""

    bytes: int
    steps: float
    impossible: str = ""

    @property
    def cheap(self) -> bool:
        """Small enough to run without being asked for."""
        return not self.impossible and self.bytes <= CHEAP_BYTES and self.steps <= CHEAP_STEPS


def core_check_cost(game: Game) -> CoreCheckCost:
    """What a core check of this game would cost, estimated without allocating anything."""
    n = game.n
    if isinstance(game, FormulaGame):
        ints = game.integer_drivers()
        if ints is not None and int(ints[0].sum()) <= MAX_KNAPSACK_SUM:
            total = int(ints[0].sum()) + 1
            # Packed choice bits per partner, plus about five float arrays over the driver sum.
            return CoreCheckCost(n * (total // 8 + 1) + 5 * 8 * total, float(n) * total)
        if n > MAX_ENUMERATED_PARTNERS:
            return CoreCheckCost(
                0,
                0.0,
                f"a core check for {n} partners needs whole-number drivers summing to at most "
                f"{MAX_KNAPSACK_SUM:,} (or at most {MAX_ENUMERATED_PARTNERS} partners)",
            )
        return CoreCheckCost(8 * 8 * (1 << min(n, 16)), 8.0 * (1 << n))
    table_bytes = 0 if isinstance(game, TableGame) else 8 * (1 << n)
    return CoreCheckCost(table_bytes + 4 * 8 * (1 << min(n, max(10, (n + 1) // 2))), 2.0 * (1 << n))


def _guard(game: Game) -> None:
    cost = core_check_cost(game)
    if cost.impossible:
        raise CostShareError(cost.impossible)
    if cost.bytes > MEMORY_BUDGET:
        raise CostShareError(
            f"a core check for {game.n} partners would need about {cost.bytes / 2**30:.1f} GiB of memory "
            f"(limit {MEMORY_BUDGET / 2**30:.1f} GiB)"
        )


@dataclass(frozen=True, eq=False)
class CoreCheck:
    """Whether an allocation is in the core, and otherwise the coalition that pays most above its own cost."""

    in_core: bool
    efficient: bool
    shortfall: float
    worst_coalition: tuple[int, ...]
    worst_excess: float

    def worst_names(self, game: Game) -> list[str]:
        """Names of the partners in the most violated coalition."""
        return [game.partners[i] for i in self.worst_coalition]


def _tolerance(game: Game) -> float:
    return 1e-9 * max(1.0, abs(game.total))


def _min_savings_table(costs: FloatArray, x: FloatArray) -> tuple[float, int]:
    """min over non-empty coalitions of c(S) - x(S), chunked so extra memory stays O(2^(n/2))."""
    n = len(x)
    size = 1 << n
    kb = min(n, max(10, (n + 1) // 2))
    k = 1 << kb
    low = np.zeros(k)
    for i in range(kb):
        h = 1 << i
        np.add(low[:h], x[i], out=low[h : 2 * h])
    nchunks = size >> kb
    high = np.zeros(nchunks)
    for i in range(n - kb):
        h = 1 << i
        np.add(high[:h], x[kb + i], out=high[h : 2 * h])
    tmp = np.empty(k)
    best = math.inf
    best_mask = 0
    for j in range(nchunks):
        np.subtract(costs[j * k : (j + 1) * k], low, out=tmp)
        if j == 0:
            tmp[0] = math.inf
        pos = int(tmp.argmin())
        val = float(tmp[pos]) - float(high[j])
        if val < best:
            best, best_mask = val, j * k + pos
    return best, best_mask


def _min_savings_formula(game: FormulaGame, x: FloatArray) -> tuple[float, int | tuple[int, ...]]:
    """Exact min of c(S) - x(S) for a summed-driver formula, by a knapsack over the integer driver sum."""
    ints = game.integer_drivers()
    y = x - game.dedicated
    if ints is None or int(ints[0].sum()) > MAX_KNAPSACK_SUM:
        if game.n > MAX_ENUMERATED_PARTNERS:
            raise CostShareError(core_check_cost(game).impossible)
        return _min_savings_enumerated(game, x)
    di, g = ints
    total = int(di.sum())
    best = np.full(total + 1, -np.inf)
    best[0] = 0.0
    # Each partner's choices are kept as packed bits over the sums it could reach: n*total/8 bytes in all.
    take: list[tuple[int, NDArray[np.uint8]]] = []
    reach = 0
    zero_members = [i for i in range(game.n) if di[i] == 0]
    for i in range(game.n):
        d = int(di[i])
        if d == 0:
            take.append((0, np.zeros(0, dtype=np.uint8)))
            continue
        cand = best[: reach + 1] + y[i]
        seg = best[d : reach + d + 1]
        better = cand > seg
        take.append((d, np.packbits(better)))
        seg[better] = cand[better]
        reach += d
    # Partners without drivers join any coalition whose saving they lower.
    zero_gain = float(sum(max(0.0, y[i]) for i in zero_members))
    dsum = np.arange(total + 1, dtype=np.float64) * g
    savings = game.fixed + game.variable(dsum) - best - zero_gain
    savings[0] = math.inf
    d_best = int(np.argmin(savings))
    val = float(savings[d_best])
    if zero_members:
        ys = [y[i] for i in zero_members]
        zero_only = game.fixed - (zero_gain if zero_gain > 0 else max(ys))
        if zero_only < val:
            members = [i for i in zero_members if y[i] > 0] or [zero_members[int(np.argmax(ys))]]
            return zero_only, tuple(sorted(members))
    members = [i for i in zero_members if y[i] > 0]
    rem = d_best
    for i in reversed(range(game.n)):
        offset, bits = take[i]
        k = rem - offset
        if rem > 0 and di[i] > 0 and 0 <= k < 8 * len(bits) and (bits[k >> 3] >> (7 - (k & 7))) & 1:
            members.append(i)
            rem -= int(di[i])
    return val, tuple(sorted(members))


def _min_savings_enumerated(game: FormulaGame, x: FloatArray) -> tuple[float, int]:
    n = game.n
    kb = min(n, 16)
    k = 1 << kb
    from .engine_games import subset_sums

    low_d = subset_sums(game.drivers[:kb])
    low_y = subset_sums(x[:kb] - game.dedicated[:kb])
    high_d = subset_sums(game.drivers[kb:])
    high_y = subset_sums(x[kb:] - game.dedicated[kb:])
    best = math.inf
    best_mask = 0
    for j in range(len(high_d)):
        sav = game.fixed + game.variable(low_d + high_d[j]) - low_y - high_y[j]
        if j == 0:
            sav[0] = math.inf
        pos = int(sav.argmin())
        if sav[pos] < best:
            best, best_mask = float(sav[pos]), j * k + pos
    return best, best_mask


def core_check(game: Game, shares: FloatArray) -> CoreCheck:
    """Is x in the core (x(N) = c(N) and x(S) <= c(S) for every coalition)? If not, the most violated coalition."""
    x = np.asarray(shares, dtype=np.float64)
    if x.shape != (game.n,):
        raise CostShareError(f"allocation has {x.shape} entries for {game.n} partners")
    if not np.all(np.isfinite(x)):
        raise CostShareError("allocation contains a value that is not a finite number")
    _guard(game)
    tol = _tolerance(game)
    shortfall = float(game.total - x.sum())
    if isinstance(game, TableGame):
        val, mask = _min_savings_table(np.asarray(game.costs), x)
        members = mask_members(mask, game.n)
    elif isinstance(game, FormulaGame):
        val, where = _min_savings_formula(game, x)
        members = where if isinstance(where, tuple) else mask_members(where, game.n)
    else:
        val, mask = _min_savings_table(np.asarray(game.table().costs), x)
        members = mask_members(mask, game.n)
    efficient = abs(shortfall) <= tol
    return CoreCheck(efficient and val >= -tol, efficient, shortfall, members, max(0.0, -val))


@dataclass(frozen=True, eq=False)
class Savings:
    """Each partner's saving against going alone: dollars c({i}) - x_i and percent of c({i})."""

    standalone: FloatArray
    dollars: FloatArray
    percent: FloatArray


def savings(game: Game, shares: FloatArray) -> Savings:
    """Savings of each partner against its stand-alone cost."""
    alone = game.standalone()
    x = np.asarray(shares, dtype=np.float64)
    dollars = alone - x
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(alone > 0, 100.0 * dollars / np.where(alone > 0, alone, 1.0), 0.0)
    return Savings(alone, dollars, pct)


def coalition_sizes(masks: NDArray[np.int64]) -> NDArray[np.int64]:
    """Number of members in each coalition mask."""
    return popcount(masks)
