import math

import numpy as np
import pytest

from interlocal.assessments import analysis

NAN = math.nan
# Five members (A-E) x five items, target 5 (the hand-worked example of the common gaps).
LEVELS = np.array(
    [
        # i0 i1 i2 i3 i4
        [3, 4, 6, 2, 1],  # A
        [4, 5, 2, 3, 5],  # B
        [2, 4, 7, 3, 7],  # C
        [5, 3, 6, 4, 2],  # D
        [6, 4, 5, 4, 3],  # E
    ],
    dtype=float,
)


def test_it_finds_and_ranks_common_gaps_on_the_hand_worked_example() -> None:
    # i3: all 5 below target, shortfalls 3+2+2+1+1 = 9 -> 1.8 over the five members, mean level 16/5 = 3.2
    # i1: 4 below (B is at 5), shortfall 1+1+2+1 = 5 -> 1.0, mean 4.0
    # i4: 3 below (A, D, E), shortfall 4+3+2 = 9 -> 1.8, mean 3.6
    # i0: 3 below (A, B, C), shortfall 2+1+3 = 6 -> 1.2, mean 4.0
    # i2: only B below: not a common gap
    gaps = analysis.common_gaps(LEVELS, target=5, k=3)
    assert [(g.item, g.below, g.n) for g in gaps] == [(3, 5, 5), (1, 4, 5), (4, 3, 5), (0, 3, 5)]
    assert [g.mean_shortfall for g in gaps] == pytest.approx([1.8, 1.0, 1.8, 1.2])
    assert [g.mean for g in gaps] == pytest.approx([3.2, 4.0, 3.6, 4.0])
    # A higher k keeps only the gaps of at least k members.
    assert [g.item for g in analysis.common_gaps(LEVELS, target=5, k=4)] == [3, 1]


def test_it_leaves_out_items_fewer_than_k_members_answered() -> None:
    levels = LEVELS.copy()
    levels[2:, 3] = NAN  # only A and B answered i3
    stats = analysis.item_stats(levels, target=5, k=3)
    assert stats[3].n == 2 and stats[3].mean is None and stats[3].below is None
    assert 3 not in [g.item for g in analysis.common_gaps(levels, target=5, k=3)]
    # i2 has a single member below target: the count is hidden like a heat-map cell.
    assert stats[2].below is None and stats[2].mean == pytest.approx(5.2)


def test_it_scores_each_member_by_group_against_the_target() -> None:
    groups = [0, 0, 1, 1, 1]
    scores = analysis.scores_against_target(LEVELS[0], groups, 2, target=5)
    assert [s.score for s in scores] == pytest.approx([3.5, 3.0])
    assert [s.shortfall for s in scores] == pytest.approx([1.5, 2.0])
    assert analysis.member_scores(LEVELS, groups, 2)[4].tolist() == pytest.approx([5.0, 4.0])


def test_it_suppresses_heat_map_cells_of_fewer_than_k_members() -> None:
    groups = [0, 0, 1, 1, 1]
    hm = analysis.heat_map(LEVELS, groups, 2, list(range(1, 8)), k=3)
    # Category 0 scores: A 3.5, B 4.5, C 3.0, D 4.0, E 5.0 -> levels 3, 4, 3, 4, 5: 2, 2 and 1 member(s).
    assert hm.n == [5, 5]
    assert hm.counts[0] == [0, 0, None, None, None, 0, 0]
    assert hm.mean[0] == pytest.approx(4.0)
    same = np.full((4, 5), 6.0)
    hm = analysis.heat_map(same, groups, 2, list(range(1, 8)), k=3)
    assert hm.counts[1] == [0, 0, 0, 0, 0, 4, 0]
    few = analysis.heat_map(LEVELS[:2], groups, 2, list(range(1, 8)), k=3)
    assert few.mean == [None, None] and few.counts[0] == [None] * 7


def test_it_places_each_member_among_its_peers() -> None:
    # Overall scores: A 3.2, B 3.8, C 4.6, D 4.0, E 4.4.
    pct = analysis.percentiles(analysis.overall_scores(LEVELS))
    assert pct.tolist() == pytest.approx([0.0, 25.0, 100.0, 50.0, 75.0])
    assert analysis.percentiles([3.0, 3.0, 5.0]).tolist() == pytest.approx([25.0, 25.0, 100.0])


def test_it_computes_year_over_year_change_where_both_years_are_shown() -> None:
    assert analysis.change([3.0, None, 4.0], [3.5, 4.0, 3.0]) == pytest.approx([0.5, None, -1.0])


def test_it_plans_the_cheapest_joint_delivery_of_each_training_topic() -> None:
    heads = np.array([[10, 0, 30], [8, 0, 25], [7, NAN, 1]], dtype=float)
    plan = analysis.training_plan(heads, capacity=25, cost_per_session=1000.0)
    # Topic 0: 25 people fit one session; alone, each member would run its own (3 sessions).
    assert (plan[0].head_count, plan[0].sessions, plan[0].cost, plan[0].separate_sessions) == (
        25,
        1,
        1000.0,
        3,
    )
    assert (plan[1].head_count, plan[1].sessions, plan[1].cost) == (0, 0, 0.0)
    # Topic 2: 56 people need ceil(56 / 25) = 3 sessions; alone: 2 + 1 + 1 = 4.
    assert (plan[2].head_count, plan[2].sessions, plan[2].separate_sessions) == (56, 3, 4)
    with pytest.raises(ValueError):
        analysis.sessions_needed(5, 0)
