"""Analysis of a round's answers (pure NumPy: no Django).

Inputs are a levels matrix (members x items, NaN where a member did not answer), the items' group indices
(category, function) and the scale's target. Every collaborative figure returned here is already k-guarded
the way `confidentiality` demands: a cell or mean over fewer than k members is None. Which member set the
matrix covers (the round's fixed set) is the caller's business: `assessments.queries` is the only caller.

Definitions:
- A member's score on a category or function is the mean of its levels on the group's answered items.
- The heat map counts, per category, the members whose category score rounds down to each level.
- A common gap is an item below target for at least k members, ranked by that count, then by the mean
  shortfall over all counted members (mean of max(0, target - level)), then by framework order. The mean
  shortfall is over the whole set, never over the members below target, so no aggregate over a subset of
  the round is ever formed (subtracting it from the item's mean would reveal the others).
- A member's percentile is the share of its peers with a lower overall score, ties counting half.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

ENGINE_VERSION = "1.0.0"

Matrix = NDArray[np.float64]


def _group_means(levels: Matrix, groups: NDArray[np.intp], n_groups: int) -> tuple[Matrix, NDArray[np.intp]]:
    """Per member and group: the mean level over answered items, and how many items were answered."""
    answered = ~np.isnan(levels)
    filled = np.where(answered, levels, 0.0)
    onehot = np.zeros((levels.shape[1], n_groups))
    onehot[np.arange(levels.shape[1]), groups] = 1.0
    sums = filled @ onehot
    counts = (answered.astype(np.float64) @ onehot).astype(np.intp)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return means, counts


def member_scores(levels: Matrix, groups: Sequence[int] | NDArray[np.intp], n_groups: int) -> Matrix:
    """Each member's mean level per group (members x groups), NaN where it answered none of the group."""
    return _group_means(np.asarray(levels, dtype=np.float64), np.asarray(groups, dtype=np.intp), n_groups)[0]


@dataclass(frozen=True)
class GroupScore:
    """One member's score on a group against the target."""

    group: int
    score: float | None
    shortfall: float | None  # target - score when below target, else 0; None without a score


def scores_against_target(
    levels_row: Sequence[float] | NDArray[np.float64],
    groups: Sequence[int] | NDArray[np.intp],
    n_groups: int,
    target: float,
) -> list[GroupScore]:
    """One member's scores by group (category or function) against the target."""
    row = np.asarray(levels_row, dtype=np.float64).reshape(1, -1)
    means = member_scores(row, groups, n_groups)[0]
    out = []
    for g, s in enumerate(means):
        if np.isnan(s):
            out.append(GroupScore(g, None, None))
        else:
            out.append(GroupScore(g, float(s), float(max(0.0, target - s))))
    return out


@dataclass(frozen=True)
class HeatMap:
    """Per category: members counted, the mean score, and members per level (None: fewer than k)."""

    n: list[int]
    mean: list[float | None]
    counts: list[list[int | None]]


def heat_map(
    levels: Matrix,
    groups: Sequence[int] | NDArray[np.intp],
    n_groups: int,
    level_values: Sequence[int],
    k: int,
) -> HeatMap:
    """The anonymised heat map: category x level counts of members and mean per category, k-suppressed."""
    means, _ = _group_means(np.asarray(levels, dtype=np.float64), np.asarray(groups, dtype=np.intp), n_groups)
    values = np.asarray(sorted(level_values), dtype=np.float64)
    has = ~np.isnan(means)
    n = has.sum(axis=0)
    # A member's category score falls in the highest level it reaches (4.6 counts at level 4).
    idx = np.searchsorted(values, np.where(has, means, values[0]) + 1e-9, side="right") - 1
    idx = np.clip(idx, 0, len(values) - 1)
    counts = np.zeros((n_groups, len(values)), dtype=np.intp)
    for g in range(n_groups):
        counts[g] = np.bincount(idx[has[:, g], g], minlength=len(values))
    with np.errstate(invalid="ignore"):
        col_mean = np.nanmean(np.where(has, means, np.nan), axis=0) if means.size else np.array([])
    out_counts: list[list[int | None]] = []
    out_mean: list[float | None] = []
    for g in range(n_groups):
        if n[g] < k:
            out_counts.append([None] * len(values))
            out_mean.append(None)
            continue
        out_counts.append([int(c) if c == 0 or c >= k else None for c in counts[g]])
        out_mean.append(float(col_mean[g]))
    return HeatMap([int(x) for x in n], out_mean, out_counts)


@dataclass(frozen=True)
class ItemStat:
    """An item's aggregate: members counted, mean level, members below target (None: fewer than k)."""

    item: int
    n: int
    mean: float | None
    below: int | None
    mean_shortfall: float | None


def item_stats(levels: Matrix, target: float, k: int) -> list[ItemStat]:
    """Per item: how many answered, the mean, how many below target and the mean shortfall, k-guarded.

    Everything is None when fewer than k members answered; the count below target alone is None when it is
    1 to k-1 members (a cell of fewer than k).
    """
    levels = np.asarray(levels, dtype=np.float64)
    answered = ~np.isnan(levels)
    n = answered.sum(axis=0)
    filled = np.where(answered, levels, 0.0)
    sums = filled.sum(axis=0)
    below = (answered & (levels < target)).sum(axis=0)
    short = np.where(answered, np.maximum(0.0, target - filled), 0.0).sum(axis=0)
    out = []
    for i in range(levels.shape[1]):
        if n[i] < k:
            out.append(ItemStat(i, int(n[i]), None, None, None))
        else:
            # Like a heat-map cell, a count of 1..k-1 members below target is not shown.
            b = int(below[i])
            out.append(
                ItemStat(
                    i,
                    int(n[i]),
                    float(sums[i] / n[i]),
                    b if b == 0 or b >= k else None,
                    float(short[i] / n[i]),
                )
            )
    return out


@dataclass(frozen=True)
class Gap:
    """A common gap: an item below target for at least k members."""

    item: int
    below: int
    n: int
    mean: float
    mean_shortfall: float


def common_gaps(levels: Matrix, target: float, k: int) -> list[Gap]:
    """Items below target for at least k members, most members first, then the deepest mean shortfall."""
    gaps = [
        Gap(s.item, s.below, s.n, s.mean, s.mean_shortfall)
        for s in item_stats(levels, target, k)
        if s.below is not None and s.mean is not None and s.mean_shortfall is not None and s.below >= k
    ]
    gaps.sort(key=lambda g: (-g.below, -round(g.mean_shortfall, 9), g.item))
    return gaps


def overall_scores(levels: Matrix) -> Matrix:
    """Each member's mean level over every answered item."""
    levels = np.asarray(levels, dtype=np.float64)
    answered = ~np.isnan(levels)
    counts = answered.sum(axis=1)
    sums = np.where(answered, levels, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def percentiles(scores: Sequence[float] | NDArray[np.float64]) -> Matrix:
    """Every member's percentile among its peers (0-100): the share of others scoring lower, ties half."""
    s = np.asarray(scores, dtype=np.float64)
    m = len(s)
    if m < 2:
        return np.full(m, np.nan)
    order = np.sort(s)
    lower = np.searchsorted(order, s, side="left")
    upto = np.searchsorted(order, s, side="right")
    equal_others = upto - lower - 1
    return 100.0 * (lower + 0.5 * equal_others) / (m - 1)


def change(before: Sequence[float | None], after: Sequence[float | None]) -> list[float | None]:
    """Year-over-year change per group: after - before where both are known."""
    return [None if a is None or b is None else float(a - b) for b, a in zip(before, after, strict=True)]


# --- training and safety needs ------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicPlan:
    """The joint delivery of one topic: total head-count, sessions, cost, and the cost if members went alone."""

    topic: int
    head_count: int
    sessions: int
    cost: float
    separate_sessions: int
    separate_cost: float


def sessions_needed(head_count: int, capacity: int) -> int:
    """How many sessions a head-count needs: one when it fits, else ceil(n / capacity); none for nobody."""
    if capacity <= 0:
        raise ValueError("A session's capacity must be positive.")
    return 0 if head_count <= 0 else math.ceil(head_count / capacity)


def training_plan(head_counts: Matrix, capacity: int, cost_per_session: float) -> list[TopicPlan]:
    """Per topic: total head-count and the cheapest joint delivery, beside each member training alone."""
    h = np.nan_to_num(np.asarray(head_counts, dtype=np.float64), nan=0.0)
    totals = h.sum(axis=0).astype(np.int64)
    out = []
    for t, total in enumerate(totals):
        joint = sessions_needed(int(total), capacity)
        alone = sum(sessions_needed(int(x), capacity) for x in h[:, t])
        out.append(TopicPlan(t, int(total), joint, joint * cost_per_session, alone, alone * cost_per_session))
    return out
