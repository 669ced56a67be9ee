"""Every bad number or shape is a one-line CostShareError; the core check runs only when cheap or asked for."""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc
from io import StringIO
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from interlocal.costshare.cli_core import compute, load_problem
from interlocal.costshare.engine import CostShareError, FormulaGame, core_check, core_check_cost

TABLE = {"A": 10, "B": 12, "A+B": 17}


def _problem(**costs: Any) -> dict[str, Any]:
    return {"partners": ["A", "B"], "costs": {**TABLE, **costs}}


def _one_line_error(problem_text: str, methods: list[str] | None = None, core: str = "auto") -> str:
    with pytest.raises(CostShareError) as caught:
        compute(load_problem(problem_text), methods, core)
    message = str(caught.value)
    assert "\n" not in message and len(message) < 200, message
    return message


def test_it_refuses_numbers_with_hundreds_or_thousands_of_digits() -> None:
    assert "too large" in _one_line_error('{"partners": ["A"], "costs": {"A": ' + "9" * 400 + "}}")
    assert "too many digits" in _one_line_error('{"partners": ["A"], "costs": {"A": ' + "9" * 5000 + "}}")
    assert "finite" in _one_line_error('{"partners": ["A"], "costs": {"A": 1' + "0" * 400 + ".5}}")


def test_it_refuses_huge_infinite_and_not_a_number_costs() -> None:
    every_1e308 = {"partners": ["A", "B"], "costs": {"A": 1e308, "B": 1e308, "A+B": 1e308}}
    assert "coalition 'A' is too large" in _one_line_error(json.dumps(every_1e308))
    assert "finite" in _one_line_error(json.dumps(_problem(B=float("inf"))))
    assert "finite" in _one_line_error(json.dumps(_problem(B=float("nan"))))
    assert "finite" in _one_line_error('{"partners": ["A"], "costs": {"A": -Infinity}}')


def test_it_refuses_negative_amounts_where_they_make_no_sense() -> None:
    assert "coalition B is negative" in _one_line_error(json.dumps(_problem(B=-1)))
    model = {"drivers": {"A": 1, "B": -2}, "coefficient": 1}
    assert "driver of partner 'B' is negative" in _one_line_error(
        json.dumps({"partners": ["A", "B"], "model": model})
    )
    model = {"drivers": {"A": 1, "B": 2}, "fixed": -5}
    assert "must not be negative" in _one_line_error(json.dumps({"partners": ["A", "B"], "model": model}))


def test_it_refuses_deeply_nested_json() -> None:
    assert "nested more than 32 levels" in _one_line_error("[" * 100_000 + "]" * 100_000)
    deep = '{"partners": ["A"], "costs": {"A": ' + "[" * 500 + "]" * 500 + "}}"
    assert "nested more than 32 levels" in _one_line_error(deep)
    nested: Any = 1
    for _ in range(5000):
        nested = [nested]
    with pytest.raises(CostShareError, match="nested"):
        compute({"partners": ["A"], "costs": {"A": nested}}, ["equal"])


def test_it_refuses_wrong_types_and_shapes() -> None:
    assert "must be a JSON object" in _one_line_error("[]")
    assert "'partners' must be a non-empty list" in _one_line_error('{"partners": "AB", "costs": {}}')
    assert "must be a number, got '12'" in _one_line_error(json.dumps(_problem(A="12")))
    assert "must be a number, got True" in _one_line_error(json.dumps(_problem(A=True)))
    assert "must be a number, got list" in _one_line_error(json.dumps(_problem(A=[1, 2])))
    assert "partner names must be non-empty strings" in _one_line_error('{"partners": [1, 2], "costs": {}}')
    assert "not valid JSON" in _one_line_error('{"partners": [')
    with pytest.raises(CostShareError, match="list of method names"):
        compute(_problem(), "shapley")


def test_it_names_missing_partners_and_coalitions() -> None:
    assert "missing coalition 'A+B'" in _one_line_error('{"partners": ["A", "B"], "costs": {"A": 1, "B": 2}}')
    model = {"drivers": {"A": 1}, "coefficient": 1}
    assert "driver is missing for partner 'B'" in _one_line_error(
        json.dumps({"partners": ["A", "B"], "model": model})
    )


def test_it_refuses_more_partners_than_a_method_supports() -> None:
    names = [f"P{i}" for i in range(30)]
    model = {"drivers": {p: i + 1 for i, p in enumerate(names)}, "coefficient": 2, "exponent": 0.8}
    problem = json.dumps({"partners": names, "model": model})
    assert "at most 24 partners, got 30" in _one_line_error(problem, ["nucleolus"])
    assert "at most 24 partners, got 30" in _one_line_error(problem, ["least_core"])
    table = {"partners": [f"P{i}" for i in range(21)], "costs": {"P0": 1}}
    assert "at most 20 partners, got 21" in _one_line_error(json.dumps(table))
    many = [f"P{i}" for i in range(2001)]
    big = {"partners": many, "model": {"drivers": dict.fromkeys(many, 1), "coefficient": 1}}
    assert "at most 2000 partners" in _one_line_error(json.dumps(big), ["equal"])


def test_it_refuses_a_formula_whose_costs_overflow() -> None:
    model = {"coefficient": 1e10, "exponent": 50, "drivers": {"A": 1000, "B": 1}}
    assert "more than 1e+13" in _one_line_error(json.dumps({"partners": ["A", "B"], "model": model}))


def _large_formula(n: int = 200) -> dict[str, Any]:
    names = [f"P{i}" for i in range(n)]
    model = {
        "fixed": 500_000,
        "coefficient": 400,
        "exponent": 0.8,
        "capacity": 25_000,
        "unit_cost": 20_000,
        "drivers": {p: 200_000 + i for i, p in enumerate(names)},
    }
    return {"partners": names, "model": model}


def test_it_runs_shapley_for_200_partners_with_large_drivers_in_bounded_memory() -> None:
    problem = _large_formula()
    tracemalloc.start()
    try:
        out = compute(problem, ["shapley"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # The knapsack core check alone would have taken n x driver sum bytes (about 8 GiB before it was packed).
    assert peak < 512 * 2**20
    assert out["in_core"] == {"shapley": None} and out["core_check"].startswith("skipped: it would need")
    assert abs(sum(out["allocations"]["shapley"].values()) - out["total"]) < 0.015


def test_it_refuses_a_core_check_that_would_not_fit_in_memory_before_allocating() -> None:
    game = FormulaGame(
        tuple(f"P{i}" for i in range(200)),
        np.arange(200, dtype=np.float64) + 200_000.0,
        fixed=500_000,
        coefficient=400,
        exponent=0.8,
    )
    cost = core_check_cost(game)
    assert cost.bytes > 2**30 and not cost.cheap
    with pytest.raises(CostShareError, match=r"would need about \d+\.\d GiB of memory \(limit 1\.0 GiB\)"):
        core_check(game, game.standalone())
    with pytest.raises(CostShareError, match="GiB of memory"):
        compute(_large_formula(), ["equal"], core="always")


def test_it_checks_the_core_of_small_games_without_being_asked() -> None:
    out = compute(_problem(), ["equal", "scrb"])
    assert out["core_check"] == "done" and out["in_core"] == {"equal": True, "scrb": True}
    out = compute(_problem(), ["equal"], core="never")
    assert out["in_core"] == {"equal": None} and out["core_check"] == "not asked for"


def _cli(tmp_path: Path, text: str, *args: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "problem.json"
    path.write_text(text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "manage.py", "costshare", str(path), *args],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
        check=False,
    )


def test_it_prints_one_line_and_exits_non_zero_on_hostile_files(tmp_path: Path) -> None:
    done = _cli(tmp_path, "[" * 100_000 + "]" * 100_000)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "nested more than 32 levels deep" in done.stderr
    path = tmp_path / "digits.json"
    path.write_text('{"partners": ["A"], "costs": {"A": ' + "9" * 5000 + "}}", encoding="utf-8")
    with pytest.raises(CommandError, match="too many digits") as caught:
        call_command("costshare", str(path), stdout=StringIO())
    assert "\n" not in str(caught.value)


def test_it_keeps_the_engine_free_of_django() -> None:
    script = (
        "import sys, json\n"
        "from interlocal.costshare import cli_core, engine\n"
        "out = cli_core.compute({'partners': ['A', 'B'], 'costs': {'A': 10, 'B': 12, 'A+B': 17}},"
        " list(engine.METHODS[:2]) + ['scrb', 'shapley', 'nucleolus', 'least_core'])\n"
        "print(json.dumps(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[3])},
        check=True,
    )
    assert json.loads(done.stdout) == []
