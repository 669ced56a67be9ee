import math

import numpy as np
import pytest

from interlocal.initiatives.scoring import rank

NAN = math.nan


def test_it_ranks_by_weighted_mean_and_reports_spread_and_missing() -> None:
    # Two initiatives, two governments, two criteria weighted 3:1 on a 1..5 scale.
    scores = np.array(
        [
            [[5, 1], [5, 5]],  # government 1: (3*1 + 1*0)/4 = 0.75; government 2: 1.0
            [[3, 3], [NAN, NAN]],  # only government 1: 0.5
        ]
    )
    rows = rank([10, 20], [3, 1], scores, (1, 5))
    assert [r.initiative for r in rows] == [10, 20]
    assert rows[0].score == pytest.approx(0.875)
    assert rows[0].spread == pytest.approx(0.125)
    assert rows[1].missing == 2 and rows[1].governments_scored == 1


def test_it_renormalises_weights_over_the_criteria_a_government_scored() -> None:
    rows = rank([1], [3, 1], np.array([[[NAN, 5]]]), (1, 5))
    assert rows[0].score == pytest.approx(1.0)


def test_it_puts_unscored_initiatives_last() -> None:
    rows = rank([1, 2], [1], np.array([[[NAN]], [[1]]]), (1, 5))
    assert [(r.initiative, r.rank, r.score) for r in rows] == [(2, 1, 0.0), (1, 2, None)]


def test_it_rejects_bad_shapes_and_weights() -> None:
    with pytest.raises(ValueError, match="shape"):
        rank([1], [1, 1], np.ones((1, 1, 3)), (1, 5))
    with pytest.raises(ValueError, match="weights"):
        rank([1], [0], np.ones((1, 1, 1)), (1, 5))
