"""Bad input raises CostShareError naming the culprit; the CLI core returns and renders plain results."""

from __future__ import annotations

import math

import numpy as np
import pytest

from interlocal.costshare.cli_core import compute, render_text
from interlocal.costshare.engine import (
    ENGINE_VERSION,
    CostShareError,
    DriverComponent,
    FormulaGame,
    TableGame,
    core_check,
    fixed_variable,
    hybrid,
    nucleolus,
    round_to_cents,
    scrb,
    shapley_allocation,
)

TABLE = {"A": 10, "B": 12, "C": 14, "A+B": 17, "A+C": 20, "B+C": 22, "A+B+C": 27}
MODEL = {
    "fixed": 1000,
    "coefficient": 50,
    "exponent": 0.8,
    "capacity": 400,
    "unit_cost": 300,
    "drivers": {"A": 120, "B": 300, "C": 45},
    "dedicated": {"A": 20, "B": 0, "C": 15},
}


def test_it_names_a_missing_coalition() -> None:
    costs = dict(TABLE)
    del costs["B+C"]
    with pytest.raises(CostShareError, match=r"missing coalition 'B\+C'"):
        TableGame.from_named(["A", "B", "C"], costs)


def test_it_names_a_coalition_whose_cost_is_not_a_number() -> None:
    with pytest.raises(CostShareError, match=r"coalition 'A\+B'"):
        TableGame.from_named(["A", "B", "C"], {**TABLE, "A+B": "lots"})
    with pytest.raises(CostShareError, match="coalition 'C'"):
        TableGame.from_named(["A", "B", "C"], {**TABLE, "C": float("nan")})


def test_it_names_unknown_and_repeated_partners() -> None:
    with pytest.raises(CostShareError, match="unknown partner 'D'"):
        TableGame.from_named(["A", "B", "C"], {**TABLE, "A+D": 3})
    with pytest.raises(CostShareError, match="partner 'A' is listed twice"):
        TableGame.from_named(["A", "A"], {"A": 1})


def test_it_rejects_negative_or_missing_drivers_naming_the_partner() -> None:
    with pytest.raises(CostShareError, match="driver of partner 'B' is negative"):
        FormulaGame(("A", "B"), {"A": 1, "B": -2}, coefficient=1)  # type: ignore[arg-type]
    with pytest.raises(CostShareError, match="driver is missing for partner 'B'"):
        FormulaGame(("A", "B"), {"A": 1}, coefficient=1)  # type: ignore[arg-type]
    with pytest.raises(CostShareError, match=r"partner 'C'.*3 periods; 8 are needed"):
        hybrid(["C"], 10, [DriverComponent("calls", 1.0, {"C": [1, 2, 3]}, periods=8)])


def test_it_refuses_scrb_and_nucleolus_when_costs_are_not_subadditive() -> None:
    game = FormulaGame(("A", "B", "C"), np.array([10.0, 20.0, 30.0]), coefficient=1, exponent=2)
    with pytest.raises(CostShareError, match="partner 'A'"):
        scrb(game)
    with pytest.raises(CostShareError, match="not subadditive"):
        nucleolus(game)


def test_it_rejects_hybrid_weights_that_do_not_sum_to_one() -> None:
    comps = [DriverComponent("pop", 0.5, {"A": 1, "B": 1}), DriverComponent("av", 0.4, {"A": 1, "B": 2})]
    with pytest.raises(CostShareError, match=r"sum to 0\.9"):
        hybrid(["A", "B"], 100, comps)


def test_it_splits_fixed_and_variable_costs() -> None:
    game = FormulaGame(
        ("A", "B"), np.array([100.0, 300.0]), fixed=1000, coefficient=2, dedicated=np.array([50.0, 0.0])
    )
    # Total 1000 + 2*400 + 50 = 1850: fixed 500 each, variable 800 split 1:3, dedicated 50 to A.
    assert np.allclose(fixed_variable(game).shares, [500 + 200 + 50, 500 + 600])


def test_it_evaluates_the_formula_with_capacity_steps() -> None:
    game = FormulaGame(("A", "B"), np.array([300.0, 200.0]), fixed=100, capacity=400, unit_cost=1000)
    assert game.cost(0b01) == 1100 and game.cost(0b10) == 1100 and game.cost(0b11) == 2100
    assert np.allclose(game.table().costs, [0, 1100, 1100, 2100])


def test_it_reports_the_most_violated_coalition() -> None:
    game = TableGame.from_named(["A", "B", "C"], TABLE)
    check = core_check(game, np.array([2.0, 20.0, 5.0]))
    # B pays 20 alone-cost 12 (excess 8), B+C pays 25 vs 22 (3), A+B pays 22 vs 17 (5): worst is B.
    assert not check.in_core and check.worst_names(game) == ["B"] and math.isclose(check.worst_excess, 8)


def test_it_gives_monte_carlo_shapley_with_a_confidence_interval_for_fractional_drivers() -> None:
    rng = np.random.default_rng(5)
    n = 30
    game = FormulaGame(
        tuple(f"P{i}" for i in range(n)), rng.random(n) * 100, fixed=50, coefficient=10, exponent=0.7
    )
    res = shapley_allocation(game, samples=4000).detail
    assert res.method == "monte_carlo" and res.ci_halfwidth is not None
    assert math.isclose(res.shares.sum(), game.total, rel_tol=1e-9)
    scaled = FormulaGame(
        game.partners, np.round(game.drivers * 100), fixed=50, coefficient=10 / 100**0.7, exponent=0.7
    )
    exact = shapley_allocation(scaled).shares
    assert np.mean(np.abs(res.shares - exact) <= res.ci_halfwidth * 1.01 + 0.05) >= 0.8


def test_it_rounds_cents_by_largest_remainder() -> None:
    assert [str(c) for c in round_to_cents([1 / 3, 1 / 3, 1 / 3], 1.0)] == ["0.34", "0.33", "0.33"]
    assert [str(c) for c in round_to_cents([12.35, 7.65])] == ["12.35", "7.65"]


def test_it_computes_a_plain_result_dict_from_a_table() -> None:
    out = compute(
        {"partners": ["A", "B", "C"], "costs": TABLE}, ["equal", "shapley", "nucleolus", "least_core"]
    )
    assert out["engine_version"] == ENGINE_VERSION
    assert out["partners"] == ["A", "B", "C"] and out["total"] == 27
    for method, shares in out["allocations"].items():
        assert round(sum(shares.values()), 2) == 27, method
        assert out["savings"][method]["A"] == round(10 - shares["A"], 2)
    assert out["in_core"]["nucleolus"] is True
    text = render_text(out)
    assert "nucleolus" in text and "in core?" in text and "A " in text


def test_it_computes_from_a_formula_model_with_hybrid() -> None:
    problem = {
        "partners": ["A", "B", "C"],
        "model": MODEL,
        "hybrid": {
            "components": [
                {
                    "name": "calls",
                    "weight": 0.6,
                    "periods": 2,
                    "values": {"A": [1, 3], "B": [2, 2], "C": [5, 5]},
                },
                {"name": "population", "weight": 0.4, "values": {"A": 10, "B": 10, "C": 20}},
            ]
        },
    }
    out = compute(problem, ["hybrid", "scrb", "proportional", "fixed_variable"])
    assert set(out["allocations"]) == {"hybrid", "scrb", "proportional", "fixed_variable"}
    assert math.isclose(sum(out["allocations"]["hybrid"].values()), out["total"], abs_tol=0.005)


def test_it_names_bad_cli_input() -> None:
    with pytest.raises(CostShareError, match="unknown method 'magic'"):
        compute({"partners": ["A", "B", "C"], "costs": TABLE}, ["magic"])
    with pytest.raises(CostShareError, match="exactly one of 'costs'"):
        compute({"partners": ["A"]}, ["equal"])
    with pytest.raises(CostShareError, match="unknown key 'capacty' in 'model'"):
        compute({"partners": ["A", "B", "C"], "model": {**MODEL, "capacty": 3}}, ["equal"])
    with pytest.raises(CostShareError, match="needs key 'hybrid'"):
        compute({"partners": ["A", "B", "C"], "model": MODEL}, ["hybrid"])
