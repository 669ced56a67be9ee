"""Weighted ranking of initiatives from member governments' scores (no Django)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

ENGINE_VERSION = "1.0.0"


@dataclass(frozen=True)
class RankRow:
    """One initiative's place in the ranking."""

    initiative: int
    rank: int
    score: float | None  # weighted mean on the 0..1 scale, over governments that scored
    spread: float | None  # standard deviation of governments' weighted scores: disagreement
    governments_scored: int
    missing: int  # (government, criterion) pairs without a score


def rank(
    initiatives: list[int],
    weights: npt.ArrayLike,
    scores: npt.ArrayLike,
    scale: tuple[float, float],
) -> list[RankRow]:
    """Rank initiatives; scores has shape (initiatives, governments, criteria) with NaN where missing."""
    w = np.asarray(weights, dtype=float)
    s = np.asarray(scores, dtype=float)
    if s.ndim != 3 or s.shape[0] != len(initiatives) or s.shape[2] != w.shape[0]:
        raise ValueError(
            f"scores must have shape ({len(initiatives)}, governments, {w.shape[0]}), not {s.shape}"
        )
    if (w < 0).any() or not w.sum():
        raise ValueError("criterion weights must be non-negative and not all zero")
    low, high = scale
    normalised = (s - low) / (high - low)
    present = ~np.isnan(normalised)
    # Each government's score uses the criteria it scored, their weights renormalised.
    weight_present = present * w
    totals = np.nansum(np.where(present, normalised, 0.0) * w, axis=2)
    weight_sums = weight_present.sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_government = np.where(weight_sums > 0, totals / weight_sums, np.nan)
    rows = []
    for i, initiative in enumerate(initiatives):
        values = per_government[i][~np.isnan(per_government[i])]
        rows.append(
            RankRow(
                initiative=initiative,
                rank=0,
                score=float(values.mean()) if values.size else None,
                spread=float(values.std()) if values.size else None,
                governments_scored=int(values.size),
                missing=int((~present[i]).sum()),
            )
        )
    ordered = sorted(rows, key=lambda r: (r.score is None, -(r.score or 0.0), r.initiative))
    return [
        RankRow(r.initiative, n, r.score, r.spread, r.governments_scored, r.missing)
        for n, r in enumerate(ordered, 1)
    ]
