"""The pure placement engine: initiatives in plan years by dates or timeline band, savings by year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from interlocal.reports import planning


def _place(band: str = "", start: dt.date | None = None, end: dt.date | None = None) -> planning.Placement:
    return planning.place(start_year=2026, end_year=2030, timeline_band=band, start_on=start, end_on=end)


def test_it_places_by_band_when_there_are_no_dates() -> None:
    assert _place("ongoing").years == (2026, 2027, 2028, 2029, 2030)
    assert _place("near").years == (2026, 2027, 2028, 2029, 2030)
    assert _place("medium").years == () and _place("medium").beyond
    assert _place("").basis == "none" and not _place("").beyond
    wide = planning.place(start_year=2026, end_year=2037, timeline_band="medium", start_on=None, end_on=None)
    assert wide.years == tuple(range(2031, 2036))


def test_it_places_by_dates_clipped_to_the_plan() -> None:
    assert _place("near", dt.date(2027, 3, 1), dt.date(2028, 6, 30)).years == (2027, 2028)
    assert _place("", dt.date(2020, 1, 1), dt.date(2027, 1, 1)).years == (2026, 2027)
    assert _place("ongoing", dt.date(2029, 1, 1)).years == (2029, 2030)
    assert _place("", dt.date(2029, 1, 1)).years == (2029,)
    late = _place("", dt.date(2033, 1, 1))
    assert late.years == () and late.beyond and late.basis == "dates"


def test_it_refuses_a_plan_that_ends_before_it_starts() -> None:
    with pytest.raises(ValueError, match="before its first"):
        planning.plan_years(2030, 2026)


def test_it_sums_savings_by_year_keeping_certified_apart() -> None:
    rows = [
        (2026, Decimal(100), Decimal(90), True),
        (2026, Decimal(50), Decimal(60), False),
        (2027, Decimal(10), None, False),
    ]
    by_year = planning.savings_by_year(rows, [2026, 2027, 2028])
    assert [(y.year, y.projected, y.certified, y.uncertified, y.entries) for y in by_year] == [
        (2026, Decimal(150), Decimal(90), Decimal(60), 2),
        (2027, Decimal(10), Decimal(0), Decimal(0), 1),
        (2028, Decimal(0), Decimal(0), Decimal(0), 0),
    ]
    assert by_year[0].certified_share == Decimal("60.0") and by_year[2].certified_share is None
