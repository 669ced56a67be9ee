"""Published cost-allocation examples and the 911 hybrid worked by hand."""

from __future__ import annotations

import itertools
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from interlocal.costshare.engine import (
    DriverComponent,
    TableGame,
    core_check,
    hybrid,
    least_core,
    nucleolus,
    scrb,
    shapley_allocation,
)

# Straffin & Heaney (1981), "Game theory and the Tennessee Valley Authority", Int. J. Game Theory 10:35-43,
# using Ransmeier's (1942) costs in dollars for the TVA's purposes: navigation (1), flood control (2), power (3).
TVA = {
    "N": 163520,
    "F": 140826,
    "P": 250096,
    "N+F": 301607,
    "N+P": 378821,
    "F+P": 367370,
    "N+F+P": 412584,
}


def tva() -> TableGame:
    return TableGame.from_named(["N", "F", "P"], TVA)


def test_it_reproduces_tva_scrb() -> None:
    # By hand: separable s_i = c(N) - c(N-i): s_N = 412584-367370 = 45214, s_F = 412584-378821 = 33763,
    # s_P = 412584-301607 = 110977; remaining benefits r = c(i) - s_i = 118306, 107063, 139119 (sum 364488);
    # non-separable cost 412584 - 189954 = 222630, shared in proportion to r:
    # N: 45214 + 222630*118306/364488 = 117475.54..., F: 33763 + 222630*107063/364488 = 99157.29...,
    # P: 110977 + 222630*139119/364488 = 195951.16...
    got = scrb(tva()).shares
    want = [
        45214 + 222630 * 118306 / 364488,
        33763 + 222630 * 107063 / 364488,
        110977 + 222630 * 139119 / 364488,
    ]
    assert np.allclose(got, want, rtol=1e-12)
    assert [round(v, 2) for v in got] == [117475.54, 99157.29, 195951.16]


def test_it_reproduces_tva_shapley() -> None:
    # By hand for 3 partners: phi_i = c(i)/3 + [c(ij)-c(j) + c(ik)-c(k)]/6 + [c(N)-c(jk)]/3.
    # N: 163520/3 + (301607-140826 + 378821-250096)/6 + 45214/3 = 117829
    # F: 140826/3 + (301607-163520 + 367370-250096)/6 + 33763/3 = 100756.5
    # P: 250096/3 + (378821-163520 + 367370-140826)/6 + 110977/3 = 193998.5
    assert np.allclose(shapley_allocation(tva()).shares, [117829, 100756.5, 193998.5], rtol=1e-12)


def test_it_reproduces_tva_nucleolus_and_least_core() -> None:
    # Savings against stand-alone must be equal for the three purposes at the nucleolus:
    # e = (163520+140826+250096 - 412584)/3 = 141858/3 = 47286, so x = c(i) - 47286 =
    # (116234, 93540, 202810); the pairs then save 91833, 59777 and 71020, all more than 47286,
    # so the singletons form the first (balanced, full-rank) level set: Kohlberg's criterion holds.
    game = tva()
    res = nucleolus(game)
    assert np.allclose(res.shares, [116234, 93540, 202810], rtol=1e-12)
    cert = res.detail.certificate
    assert cert.ok and cert.levels[0] == pytest.approx(47286)
    assert sorted(cert.collections[0]) == [1, 2, 4]
    lc = least_core(game).detail
    assert lc.epsilon == pytest.approx(-47286) and not lc.core_empty
    assert core_check(game, res.shares).in_core


def test_it_reproduces_the_airport_game_sequential_equal_sharing() -> None:
    # Littlechild & Owen (1973), "A simple expression for the Shapley value in a special case",
    # Management Science 20:370-372: with runway costs c_1 <= ... <= c_n and c(S) = max over S,
    # each segment (c_j - c_{j-1}) is split equally among the n-j+1 aircraft that need it.
    # Here runway costs 10, 10, 40, 70, 100: segments 10 (5 ways), 30 (3 ways), 30 (2 ways), 30 (1 way):
    # phi = 2, 2, 2+10, 2+10+15, 2+10+15+30 = 2, 2, 12, 27, 57.
    runway = [10.0, 10.0, 40.0, 70.0, 100.0]
    n = len(runway)
    costs = np.array([max((runway[i] for i in range(n) if m >> i & 1), default=0.0) for m in range(1 << n)])
    game = TableGame(tuple("ABCDE"), costs)
    assert np.allclose(shapley_allocation(game).shares, [2, 2, 12, 27, 57])
    # The airport cost game is concave, so its core is non-empty and holds both Shapley and nucleolus.
    assert core_check(game, shapley_allocation(game).shares).in_core
    assert core_check(game, nucleolus(game).shares).in_core


def test_it_reproduces_a_911_hybrid_formula_worked_by_hand() -> None:
    # Shared 911 centre, pooled cost $1,000,000: 54% by calls for service averaged over the last eight
    # quarters, 23% by assessed value, 23% by population; consoles billed at $10,000 each on top.
    # Calls (A has a ninth, older quarter that must be ignored):
    #   A: 1000 1100 900 1000 1050 950 1000 1000 -> 8000/8 = 1000
    #   B: 400 600 500 500 450 550 520 480      -> 4000/8 = 500
    #   C: 2500 x 8                             -> 2500          total 4000: 0.25, 0.125, 0.625
    # Assessed value 2.0e9, 1.0e9, 1.0e9 -> 0.5, 0.25, 0.25. Population 40k, 20k, 140k -> 0.2, 0.1, 0.7.
    # A: 0.54*0.25 + 0.23*0.5 + 0.23*0.2   = 0.135  + 0.115  + 0.046 = 0.296 -> 296,000 + 2 consoles = 316,000
    # B: 0.54*0.125 + 0.23*0.25 + 0.23*0.1 = 0.0675 + 0.0575 + 0.023 = 0.148 -> 148,000 + 1 console  = 158,000
    # C: 0.54*0.625 + 0.23*0.25 + 0.23*0.7 = 0.3375 + 0.0575 + 0.161 = 0.556 -> 556,000 + 3 consoles = 586,000
    calls = {
        "A": [5000, 1000, 1100, 900, 1000, 1050, 950, 1000, 1000],
        "B": [400, 600, 500, 500, 450, 550, 520, 480],
        "C": [2500] * 8,
    }
    components = [
        DriverComponent("calls for service", 0.54, calls, periods=8),
        DriverComponent("assessed value", 0.23, {"A": 2.0e9, "B": 1.0e9, "C": 1.0e9}),
        DriverComponent("population", 0.23, {"A": 40_000, "B": 20_000, "C": 140_000}),
    ]
    consoles = {"A": 2, "B": 1, "C": 3}
    bill = hybrid(["A", "B", "C"], 1_000_000, components, {p: 10_000 * k for p, k in consoles.items()})
    assert bill.in_cents() == {
        "A": Decimal("316000.00"),
        "B": Decimal("158000.00"),
        "C": Decimal("586000.00"),
    }
    assert bill.total == 1_060_000


# A billion-dollar budget with cents, on which the unscaled LPs reported "infeasible". Stand-alone and grand
# coalition costs are those of the issue; the pair costs are subadditive and below the grand coalition's.
BILLION = {
    "A": "2615881579.47",
    "B": "2030651122.08",
    "C": "1107861404.76",
    "A+B": "3073198812.52",
    "A+C": "2948424221.53",
    "B+C": "2998427269.23",
    "A+B+C": "3722529288.26",
}


def _billion_nucleolus_by_hand() -> list[Fraction]:
    # Stage 1: C and A+B save least, equally: x_C = c(C) - e1 and x_A + x_B = c(AB) - e1 with x(N) = c(N), so
    # e1 = (c(AB) + c(C) - c(N)) / 2 = 458,530,929.02 / 2 = 229,265,464.51 and x_C = 878,595,940.25.
    # Stage 2: B and A+C next, equally: x_B = c(B) - e2 and x_A + x_C = c(AC) - e2 with x_A + x_B = c(AB) - e1,
    # so e2 = (c(AC) - x_C + c(B) - c(AB) + e1) / 2 = 628,273,027.675, x_B = 1,402,378,094.405 and
    # x_A = 1,441,555,253.605 (half cents: the nucleolus is exact before rounding to cents).
    c = {k: Fraction(v) for k, v in BILLION.items()}
    e1 = (c["A+B"] + c["C"] - c["A+B+C"]) / 2
    x_c = c["C"] - e1
    e2 = (c["A+C"] - x_c + c["B"] - c["A+B"] + e1) / 2
    x_b = c["B"] - e2
    x_a = c["A+B"] - e1 - x_b
    return [x_a, x_b, x_c]


def _sorted_savings(x: list[Fraction]) -> list[Fraction]:
    c = {k: Fraction(v) for k, v in BILLION.items()}
    names = ["A", "B", "C"]
    out = []
    for key, cost in c.items():
        if key != "A+B+C":
            out.append(cost - sum(x[names.index(p)] for p in key.split("+")))
    return sorted(out)


def test_it_finds_the_nucleolus_of_a_billion_dollar_budget_with_cents() -> None:
    want = _billion_nucleolus_by_hand()
    assert want == [Fraction("1441555253.605"), Fraction("1402378094.405"), Fraction("878595940.25")]
    # Independent check of the hand result, in exact arithmetic: no step inside the imputation set (nobody
    # above stand-alone) in any of 48 directions, from a cent to $10M, gives a lexicographically larger
    # sorted savings vector, as the nucleolus must.
    base = _sorted_savings(want)
    alone = [Fraction(BILLION[p]) for p in "ABC"]
    for d1, d2 in itertools.product(range(-3, 4), repeat=2):
        if d1 == d2 == 0:
            continue
        for step in (Fraction(1, 100), Fraction(1000), Fraction(10**7)):
            y = [want[0] + d1 * step, want[1] + d2 * step, want[2] - (d1 + d2) * step]
            if all(v <= a for v, a in zip(y, alone, strict=True)):
                assert _sorted_savings(y) < base, (d1, d2, step)
    game = TableGame.from_named(["A", "B", "C"], {k: float(v) for k, v in BILLION.items()})
    res = nucleolus(game)
    assert np.allclose(res.shares, [float(v) for v in want], rtol=0, atol=1e-4)
    assert res.detail.certificate.ok
    assert res.in_cents() == {
        "A": Decimal("1441555253.61"),
        "B": Decimal("1402378094.40"),
        "C": Decimal("878595940.25"),
    }
    assert res.detail.certificate.levels == pytest.approx([229265464.51, 628273027.675], abs=1e-4)
    lc = least_core(game).detail
    assert lc.epsilon == pytest.approx(-229265464.51, abs=1e-4) and not lc.core_empty
    try:
        import coopgame  # the Rust peer of bench/costshare.py, installed with the [bench] extra
    except ImportError:
        return
    costs = np.asarray(game.costs[1:])
    assert np.allclose(coopgame.cost_nucleolus(coopgame.Game(costs)), res.shares, rtol=0, atol=1e-3)


def test_it_solves_the_billion_dollar_game_at_every_scale_from_a_dollar_to_a_trillion() -> None:
    # Scaled by 10^-9 .. 10^2.5 and rounded to cents: totals from about $3.72 to $1.2e12.
    for power in np.arange(-9.0, 3.0, 0.5):
        costs = {k: round(float(v) * 10 ** float(power), 2) for k, v in BILLION.items()}
        game = TableGame.from_named(["A", "B", "C"], costs)
        for method in (nucleolus, least_core):
            alloc = method(game)
            cert = (alloc.detail if method is nucleolus else alloc.detail.nucleolus).certificate
            assert cert.ok, (power, method.__name__)
            assert sum(alloc.in_cents().values()) == Decimal(repr(costs["A+B+C"])).quantize(Decimal("0.01"))
            assert core_check(game, alloc.shares).in_core, (power, method.__name__)
