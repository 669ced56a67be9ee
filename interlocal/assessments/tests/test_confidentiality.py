import pytest

from interlocal.assessments.confidentiality import (
    AggregateRefused,
    check_count,
    check_k,
    check_release,
    check_subset,
    set_key,
    suppress_counts,
)


def test_it_refuses_an_aggregate_over_fewer_than_k_members() -> None:
    check_count(3, 3)
    with pytest.raises(AggregateRefused, match="at least 3"):
        check_count(2, 3)
    with pytest.raises(AggregateRefused):
        check_k(2)


def test_it_refuses_a_filter_that_leaves_out_fewer_than_k_members() -> None:
    full = frozenset(range(10))
    check_subset(full, full, 3)
    check_subset(frozenset(range(7)), full, 3)  # leaves out 3: allowed
    with pytest.raises(AggregateRefused, match="leaves out 1"):
        check_subset(frozenset(range(9)), full, 3)  # all but one
    with pytest.raises(AggregateRefused, match="at least 3"):
        check_subset(frozenset({1, 2}), full, 3)
    with pytest.raises(AggregateRefused, match="not counted"):
        check_subset(frozenset({1, 2, 99}), full, 3)


def test_it_refuses_a_member_set_that_differs_from_a_released_one_by_fewer_than_k() -> None:
    a = frozenset(range(10))
    b = frozenset(range(7))
    check_release(a, [], 3)
    check_release(b, [a], 3)  # differs by 3
    check_release(a, [a, b], 3)  # the same set again
    with pytest.raises(AggregateRefused, match="differs from one already shown by 1"):
        check_release(frozenset(range(8)), [b], 3)  # one more than b: b and it subtract to one member
    with pytest.raises(AggregateRefused):
        check_release(frozenset(range(1, 11)), [a], 3)  # swapped one member for another: differ by 2


def test_it_hides_counts_of_fewer_than_k_and_keys_sets_by_their_members() -> None:
    assert suppress_counts([0, 1, 2, 3, 7], 3) == [0, None, None, 3, 7]
    assert set_key([3, 1, 2]) == set_key({1, 2, 3}) != set_key([1, 2])
