"""Fairness checks: core membership with the most violated coalition, and savings against stand-alone."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .engine_games import CostShareError, FloatArray, FormulaGame, Game, TableGame, mask_members, popcount

# Formula games with fractional drivers are enumerated coalition by coalition up to this size.
MAX_ENUMERATED_PARTNERS = 24


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
    if ints is None or int(ints[0].sum()) > 50_000_000:
        if game.n > MAX_ENUMERATED_PARTNERS:
            raise CostShareError(
                f"core check for {game.n} partners needs whole-number drivers (or at most "
                f"{MAX_ENUMERATED_PARTNERS} partners)"
            )
        return _min_savings_enumerated(game, x)
    di, g = ints
    total = int(di.sum())
    best = np.full(total + 1, -np.inf)
    best[0] = 0.0
    take = np.zeros((game.n, total + 1), dtype=bool)
    reach = 0
    zero_members = [i for i in range(game.n) if di[i] == 0]
    for i in range(game.n):
        d = int(di[i])
        if d == 0:
            continue
        cand = best[: reach + 1] + y[i]
        seg = best[d : reach + d + 1]
        better = cand > seg
        take[i, d : reach + d + 1] = better
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
        if rem > 0 and di[i] > 0 and take[i, rem]:
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
