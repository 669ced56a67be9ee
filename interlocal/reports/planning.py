"""Placing a plan's initiatives in its years, and summing savings by year (no Django).

An action plan covers a span of years (e.g. 2026-2030). Each initiative is placed in the years it is
active, from its own dates when it has them and otherwise from its timeline band:

- dates: from the start year (or the plan's first year when only the end is known) to the end year (or,
  with no end, the plan's last year for an ongoing initiative and the start year otherwise), clipped to
  the plan's years;
- ongoing: every year of the plan;
- near-term (within 5 years): the plan's first five years;
- medium-term (5-10 years): the sixth to tenth year from the plan's start, clipped to the plan;
- long-term (10+ years): the eleventh year on, clipped to the plan (often none: "after the plan");
- no band and no dates: no year ("not scheduled").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

ENGINE_VERSION = "planning-1"

# First and last year of each band, counted from the plan's first year (0-based); None: open-ended.
_BANDS: dict[str, tuple[int, int | None]] = {
    "ongoing": (0, None),
    "near": (0, 4),
    "medium": (5, 9),
    "long": (10, None),
}


@dataclass(frozen=True)
class Placement:
    """The plan years an initiative is active in, and where that came from."""

    years: tuple[int, ...]
    basis: str  # "dates", "band" or "none"
    beyond: bool = False  # placed only after the plan's last year


def plan_years(start_year: int, end_year: int) -> tuple[int, ...]:
    """The years a plan covers, first to last inclusive."""
    if end_year < start_year:
        raise ValueError(f"A plan's last year ({end_year}) is before its first ({start_year}).")
    return tuple(range(start_year, end_year + 1))


def place(
    *,
    start_year: int,
    end_year: int,
    timeline_band: str,
    start_on: dt.date | None,
    end_on: dt.date | None,
) -> Placement:
    """The plan years one initiative is active in (see the module's rules)."""
    years = plan_years(start_year, end_year)
    if start_on is not None or end_on is not None:
        first = start_on.year if start_on is not None else start_year
        if end_on is not None:
            last = end_on.year
        elif timeline_band == "ongoing":
            last = end_year
        else:
            last = first
        if last < first:
            first, last = last, first
        chosen = tuple(y for y in years if first <= y <= last)
        return Placement(chosen, "dates", beyond=not chosen and first > end_year)
    band = _BANDS.get(timeline_band)
    if band is None:
        return Placement((), "none")
    lo, hi = band
    chosen = tuple(y for i, y in enumerate(years) if i >= lo and (hi is None or i <= hi))
    return Placement(chosen, "band", beyond=not chosen)


@dataclass(frozen=True)
class YearSavings:
    """One year's savings: projected, actual as certified, and actual not yet certified."""

    year: int
    projected: Decimal
    certified: Decimal
    uncertified: Decimal
    entries: int

    @property
    def certified_share(self) -> Decimal | None:
        """Certified actual as a percentage of projected; None when nothing was projected."""
        if not self.projected:
            return None
        return (100 * self.certified / self.projected).quantize(Decimal("0.1"))


def savings_by_year(
    entries: Iterable[tuple[int, Decimal, Decimal | None, bool]], years: Iterable[int] = ()
) -> list[YearSavings]:
    """Sum (fiscal_year, projected, actual, certified) rows by year; every year in `years` gets a row."""
    sums: dict[int, list[Decimal]] = {y: [Decimal(0), Decimal(0), Decimal(0), Decimal(0)] for y in years}
    for year, projected, actual, certified in entries:
        row = sums.setdefault(year, [Decimal(0), Decimal(0), Decimal(0), Decimal(0)])
        row[0] += projected
        if actual is not None:
            row[1 if certified else 2] += actual
        row[3] += 1
    return [YearSavings(year, row[0], row[1], row[2], int(row[3])) for year, row in sorted(sums.items())]
