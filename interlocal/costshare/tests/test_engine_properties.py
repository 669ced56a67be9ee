"""Property tests: every method shares the total; symmetry, null players, Shapley, nucleolus and SCRB definitions."""

from __future__ import annotations

import itertools
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from interlocal.costshare.engine import (
    FormulaGame,
    TableGame,
    core_check,
    equal,
    least_core,
    nucleolus,
    proportional,
    round_to_cents,
    scrb,
    shapley_allocation,
    shapley_from_table,
    shapley_summed_drivers,
)

SETTINGS = settings(max_examples=30, deadline=None)
NAMES = tuple("ABCDEFGH")


def _subadditive_top(costs: np.ndarray, n: int) -> np.ndarray:
    # Cap the grand coalition at the sum of stand-alone costs so the nucleolus' imputation set is non-empty.
    full = (1 << n) - 1
    alone = sum(costs[1 << i] for i in range(n))
    costs[full] = min(costs[full], alone)
    return costs


@st.composite
def table_games(draw: st.DrawFn, min_n: int = 2, max_n: int = 5) -> TableGame:
    n = draw(st.integers(min_n, max_n))
    vals = draw(st.lists(st.integers(1, 200), min_size=(1 << n) - 1, max_size=(1 << n) - 1))
    costs = _subadditive_top(np.array([0.0, *map(float, vals)]), n)
    return TableGame(NAMES[:n], costs)


@st.composite
def formula_games(draw: st.DrawFn, max_n: int = 6) -> FormulaGame:
    n = draw(st.integers(1, max_n))
    drivers = draw(st.lists(st.integers(0, 40), min_size=n, max_size=n))
    dedicated = draw(st.lists(st.integers(0, 30), min_size=n, max_size=n))
    return FormulaGame(
        NAMES[:n],
        np.array(drivers, dtype=float),
        fixed=draw(st.integers(0, 100)),
        coefficient=draw(st.integers(0, 20)),
        exponent=draw(st.sampled_from([0.5, 0.8, 1.0, 1.3])),
        capacity=draw(st.integers(5, 50)),
        unit_cost=draw(st.integers(0, 80)),
        dedicated=np.array(dedicated, dtype=float),
    )


def brute_shapley(game: TableGame) -> np.ndarray:
    n = game.n
    phi = np.zeros(n)
    for order in itertools.permutations(range(n)):
        mask = 0
        for i in order:
            phi[i] += game.cost(mask | (1 << i)) - game.cost(mask)
            mask |= 1 << i
    return phi / math.factorial(n)


def lp_core_epsilon(game: TableGame) -> float:
    # Independent least-core LP over every coalition at once, to judge core emptiness without the engine.
    n = game.n
    full = (1 << n) - 1
    masks = np.arange(1, full)
    bits = ((masks[:, None] >> np.arange(n)) & 1).astype(float)
    a_ub = np.hstack([bits, -np.ones((len(masks), 1))])
    res = linprog(
        np.r_[np.zeros(n), 1.0],
        A_ub=a_ub,
        b_ub=game.costs[masks],
        A_eq=np.r_[np.ones(n), 0.0][None],
        b_eq=[game.total],
        bounds=[(None, None)] * (n + 1),
        method="highs",
    )
    return float(res.x[-1])


def all_methods(game: TableGame) -> list[np.ndarray]:
    return [
        equal(game).shares,
        proportional(game).shares,
        shapley_allocation(game).shares,
        nucleolus(game).shares,
        least_core(game).shares,
    ]


@SETTINGS
@given(table_games())
def test_it_shares_sum_to_the_total_for_every_method(game: TableGame) -> None:
    for shares in all_methods(game):
        assert math.isclose(shares.sum(), game.total, rel_tol=1e-9, abs_tol=1e-7)


@SETTINGS
@given(
    table_games(max_n=5).filter(
        lambda g: all(g.total - g.cost(g.grand_mask ^ (1 << i)) <= g.cost(1 << i) for i in range(g.n))
    )
)
def test_it_scrb_matches_its_definition(game: TableGame) -> None:
    n = game.n
    full = game.grand_mask
    sep = [game.total - game.cost(full ^ (1 << i)) for i in range(n)]
    rem = [game.cost(1 << i) - sep[i] for i in range(n)]
    nonsep = game.total - sum(sep)
    got = scrb(game).shares
    if sum(rem) > 0:
        want = [sep[i] + rem[i] / sum(rem) * nonsep for i in range(n)]
        assert np.allclose(got, want, rtol=1e-12, atol=1e-9)
    assert math.isclose(got.sum(), game.total, rel_tol=1e-9)


@st.composite
def games_with_symmetric_pair(draw: st.DrawFn) -> TableGame:
    n = draw(st.integers(2, 5))
    rest_n = n - 2
    # c(S) depends on how many of partners 0 and 1 are in S, so they are interchangeable.
    base = draw(st.lists(st.integers(1, 150), min_size=3 << rest_n, max_size=3 << rest_n))
    costs = np.zeros(1 << n)
    for mask in range(1, 1 << n):
        k = (mask & 1) + ((mask >> 1) & 1)
        costs[mask] = base[k * (1 << rest_n) + (mask >> 2)]
    return TableGame(NAMES[:n], _subadditive_top(costs, n))


@SETTINGS
@given(games_with_symmetric_pair())
def test_it_charges_symmetric_partners_the_same(game: TableGame) -> None:
    for shares in [*all_methods(game), scrb_or_none(game)]:
        if shares is not None:
            assert math.isclose(shares[0], shares[1], rel_tol=1e-7, abs_tol=1e-6)


def scrb_or_none(game: TableGame) -> np.ndarray | None:
    try:
        return scrb(game).shares
    except ValueError:
        return None


@st.composite
def games_with_null_partner(draw: st.DrawFn) -> TableGame:
    inner = draw(table_games(min_n=1, max_n=4))
    n = inner.n + 1
    costs = np.zeros(1 << n)
    # The last partner adds no cost to any coalition (a null player).
    for mask in range(1 << n):
        costs[mask] = inner.costs[mask & ((1 << inner.n) - 1)]
    return TableGame(NAMES[:n], costs)


@SETTINGS
@given(games_with_null_partner())
def test_it_charges_a_null_partner_nothing_where_promised(game: TableGame) -> None:
    last = game.n - 1
    assert abs(shapley_allocation(game).shares[last]) < 1e-9
    assert abs(nucleolus(game).shares[last]) < 1e-6
    assert abs(least_core(game).shares[last]) < 1e-6
    weights = np.r_[np.ones(game.n - 1), 0.0]
    assert proportional(game, weights).shares[last] == 0.0
    s = scrb_or_none(game)
    if s is not None:
        assert abs(s[last]) < 1e-9


@SETTINGS
@given(table_games(min_n=1, max_n=5))
def test_it_matches_average_marginal_cost_over_all_orders(game: TableGame) -> None:
    assert np.allclose(shapley_from_table(np.asarray(game.costs), game.n), brute_shapley(game), atol=1e-9)


@SETTINGS
@given(formula_games())
def test_it_computes_formula_shapley_exactly_by_driver_sums(game: FormulaGame) -> None:
    got = shapley_allocation(game)
    assert got.detail.method == "exact_driver_sum"
    assert np.allclose(got.shares, brute_shapley(game.table()), rtol=1e-9, atol=1e-7)


@SETTINGS
@given(st.lists(st.integers(0, 30), min_size=1, max_size=7), st.integers(0, 10**6))
def test_it_matches_the_table_for_arbitrary_functions_of_the_driver_sum(
    drivers: list[int], seed: int
) -> None:
    d = np.array(drivers, dtype=np.int64)
    h = np.r_[0.0, np.random.default_rng(seed).random(int(d.sum())) * 100]
    table = np.array([h[sum(d[i] for i in range(len(d)) if m >> i & 1)] for m in range(1 << len(d))])
    assert np.allclose(shapley_summed_drivers(h, d), shapley_from_table(table, len(d)), atol=1e-8)


@SETTINGS
@given(table_games(min_n=2, max_n=5))
def test_it_puts_the_nucleolus_in_the_core_when_the_core_is_not_empty(game: TableGame) -> None:
    res = nucleolus(game)
    assert res.detail.certificate.ok
    eps = lp_core_epsilon(game)
    lc = least_core(game).detail
    assert math.isclose(lc.epsilon, eps, abs_tol=1e-6)
    if eps <= -1e-9:
        assert core_check(game, res.shares).in_core
        assert not lc.core_empty
    elif eps > 1e-6:
        assert lc.core_empty
        check = core_check(game, res.shares)
        assert not check.in_core and check.worst_excess > 0


@SETTINGS
@given(formula_games(max_n=6), st.integers(0, 10**6))
def test_it_finds_the_most_violated_coalition_of_a_formula_without_a_table(
    game: FormulaGame, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    x = rng.dirichlet(np.ones(game.n)) * game.total
    fast = core_check(game, x)
    table = game.table()
    slow = core_check(table, x)
    assert fast.in_core == slow.in_core
    assert math.isclose(fast.worst_excess, slow.worst_excess, rel_tol=1e-9, abs_tol=1e-7)
    if not fast.in_core:
        worst = sum(1 << i for i in fast.worst_coalition)
        assert math.isclose(
            x[list(fast.worst_coalition)].sum() - table.cost(worst), fast.worst_excess, abs_tol=1e-7
        )


@SETTINGS
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=12))
def test_it_rounds_to_cents_that_sum_exactly_to_the_total(values: list[float]) -> None:
    cents = round_to_cents(values)
    total = round(sum(values), 2)
    assert sum(cents) == round_to_cents([total])[0]
    for c, v in zip(cents, values, strict=True):
        assert abs(float(c) - v) <= 0.02 + 1e-6 * abs(v)
