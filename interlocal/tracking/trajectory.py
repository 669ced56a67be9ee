"""KPI status against a straight-line trajectory from baseline to target (no Django)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

ENGINE_VERSION = "1.0.0"
# Within this share of the baseline-to-target distance a KPI counts as on track.
DEFAULT_TOLERANCE = Decimal("0.10")


@dataclass(frozen=True)
class Trajectory:
    """A KPI's baseline and target, and which way is better."""

    baseline: Decimal
    baseline_on: dt.date
    target: Decimal
    target_on: dt.date
    higher_is_better: bool


@dataclass(frozen=True)
class Assessment:
    """Where a measurement stands against the trajectory."""

    status: str  # on_track, overperforming, underperforming or no_data
    expected: Decimal | None
    actual: Decimal | None
    progress: Decimal | None  # share of the way from baseline to target, 0..1 clipped
    explanation: str


def expected_on(t: Trajectory, day: dt.date) -> Decimal:
    """The value the trajectory expects on a day (the target after the target date)."""
    if day <= t.baseline_on:
        return t.baseline
    if day >= t.target_on or t.target_on <= t.baseline_on:
        return t.target
    span = Decimal((t.target_on - t.baseline_on).days)
    elapsed = Decimal((day - t.baseline_on).days)
    return t.baseline + (t.target - t.baseline) * elapsed / span


def assess(
    t: Trajectory, day: dt.date | None, value: Decimal | None, tolerance: Decimal = DEFAULT_TOLERANCE
) -> Assessment:
    """Compare the latest measurement with the trajectory."""
    if day is None or value is None:
        return Assessment("no_data", None, None, None, "No measurement yet.")
    expected = expected_on(t, day)
    distance = abs(t.target - t.baseline)
    band = distance * tolerance
    # Positive gap means better than expected, whichever direction is better.
    gap = (value - expected) if t.higher_is_better else (expected - value)
    progress = None
    if distance:
        # Progress is the way travelled toward the target, whichever direction is better: 48 -> 45 against a
        # target of 30 is a sixth of the way, not nothing.
        moved = (value - t.baseline) if t.target >= t.baseline else (t.baseline - value)
        progress = min(max(moved / distance, Decimal(0)), Decimal(1))
    if gap > band:
        status = "overperforming"
    elif gap < -band:
        status = "underperforming"
    else:
        status = "on_track"
    return Assessment(
        status,
        expected,
        value,
        progress,
        f"Expected {_show(expected)} on {day:%m/%d/%Y}, measured {_show(value)} "
        f"(on track within {_show(band)} either way).",
    )


def _show(value: Decimal) -> str:
    """A figure as readers expect it: at most two decimals, no trailing zeros."""
    return f"{value.quantize(Decimal('0.01')).normalize():f}"


def roll_up(progress: list[tuple[Decimal | None, Decimal]]) -> tuple[Decimal | None, str]:
    """Weighted mean of progress shares; items without data are left out and counted."""
    known = [(p, w) for p, w in progress if p is not None]
    missing = len(progress) - len(known)
    total_weight = sum((w for _, w in known), Decimal(0))
    if not known or not total_weight:
        return None, f"No measured items ({missing} without data)."
    value = sum((p * w for p, w in known), Decimal(0)) / total_weight
    return value, f"Weighted mean of {len(known)} measured items; {missing} without data left out."
