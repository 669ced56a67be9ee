import datetime as dt
from decimal import Decimal as D

from interlocal.tracking.trajectory import Trajectory, assess, expected_on, roll_up

UP = Trajectory(D(40), dt.date(2025, 1, 1), D(140), dt.date(2026, 1, 1), higher_is_better=True)
DOWN = Trajectory(D(48), dt.date(2025, 1, 1), D(30), dt.date(2026, 1, 1), higher_is_better=False)
MID = dt.date(2025, 7, 2)  # 182 of 365 days in


def test_it_interpolates_the_trajectory_and_holds_the_ends() -> None:
    assert expected_on(UP, dt.date(2024, 1, 1)) == D(40)
    assert expected_on(UP, dt.date(2027, 1, 1)) == D(140)
    assert round(expected_on(UP, MID), 2) == D("89.86")


def test_it_calls_a_value_inside_the_band_on_track() -> None:
    assert assess(UP, MID, D(95)).status == "on_track"  # expected 89.86, band 10


def test_it_calls_a_value_below_the_trajectory_underperforming() -> None:
    result = assess(UP, MID, D(70))
    assert result.status == "underperforming"
    assert result.progress == D("0.3")


def test_it_respects_lower_is_better() -> None:
    under = assess(DOWN, MID, D(45))
    assert under.status == "underperforming"
    assert under.explanation == "Expected 39.02 on 07/02/2025, measured 45 (on track within 1.8 either way)."
    assert assess(DOWN, MID, D(31)).status == "overperforming"
    assert assess(DOWN, MID, D(39)).status == "on_track"


def test_it_counts_progress_toward_a_lower_target() -> None:
    assert assess(DOWN, MID, D(45)).progress == D(3) / D(18)  # 48 -> 45 of the way to 30
    assert assess(DOWN, MID, D(50)).progress == D(0)  # worse than the baseline
    assert assess(DOWN, MID, D(20)).progress == D(1)  # past the target


def test_it_reports_no_data_without_a_measurement() -> None:
    assert assess(UP, None, None).status == "no_data"


def test_it_rolls_up_with_weights_and_leaves_out_missing() -> None:
    value, why = roll_up([(D("0.5"), D(1)), (D(1), D(3)), (None, D(5))])
    assert value == D("0.875")
    assert "1 without data" in why
    assert roll_up([(None, D(1))])[0] is None
