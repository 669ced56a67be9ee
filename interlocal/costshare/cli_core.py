"""Django-free core of `interlocal costshare`: read a problem object, run methods, return or render results."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from .engine import (
    ENGINE_VERSION,
    Allocation,
    CostShareError,
    DriverComponent,
    FormulaGame,
    Game,
    ShapleyResult,
    TableGame,
    core_check,
    core_check_cost,
    equal,
    fixed_variable,
    hybrid_for_game,
    least_core,
    nucleolus,
    proportional,
    round_to_cents,
    scrb,
    shapley_allocation,
)
from .engine_games import _number, per_partner

INPUT_SCHEMA = """
Input object (JSON):

  partners   list of partner names (unique, non-empty, no '+').
  costs      EITHER every non-empty coalition's cost, keyed by member names joined by '+'
             in any order: {"A": 10, "B": 12, "A+B": 17}. At most 20 partners.
  model      OR a formula, c(S) = fixed + coefficient * D^exponent + ceil(D / capacity) * unit_cost
             + sum of members' dedicated costs, where D is the sum of members' drivers:
               fixed        cost charged once to any non-empty group (default 0)
               coefficient  b in b * D^exponent (default 0)
               exponent     k; below 1 means economies of scale (default 1)
               capacity     driver units one capacity step serves, e.g. calls per console (optional)
               unit_cost    cost of one capacity step (default 0; needs capacity)
               drivers      {"A": 5200, ...}, one non-negative number per partner (required)
               dedicated    {"A": 15000, ...}, cost of equipment only that partner uses (optional)
  weights    optional {"A": 3, ...} for method "proportional" (default: model drivers, else stand-alone costs).
  hybrid     needed for method "hybrid": {"components": [{"name": "calls", "weight": 0.54, "periods": 8,
             "values": {"A": [q1, ..., q8], ...}}, {"name": "population", "weight": 0.23,
             "values": {"A": 52000, ...}}, ...]}. Weights sum to 1; "periods" averages the last
             that many values. The model's dedicated costs are billed directly on top.

Methods: equal, proportional, hybrid, fixed_variable, scrb, shapley, nucleolus, least_core.
Amounts (costs, drivers) are finite numbers of at most 1e13; nesting is at most 32 levels deep.
"""

DEFAULT_METHODS = ("equal", "proportional", "scrb", "shapley", "nucleolus")

CORE_CHECK_MODES = ("auto", "always", "never")
# A problem object is a few levels deep; anything deeper is a mistake or an attack on the parser.
MAX_DEPTH = 32

_MODEL_KEYS = {"fixed", "coefficient", "exponent", "capacity", "unit_cost", "drivers", "dedicated"}
_TOP_KEYS = {"partners", "costs", "model", "weights", "hybrid", "name", "description"}


def load_problem(text: str) -> Any:
    """Parse a JSON problem text; any malformed, oversized or over-deep input becomes a one-line CostShareError."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CostShareError(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise CostShareError(f"not a problem object: nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        reason = "a number has too many digits" if "digits" in str(exc) else str(exc).splitlines()[0][:80]
        raise CostShareError(f"not valid JSON ({reason})") from None
    _check_depth(data)
    return data


def _check_depth(data: Any) -> None:
    """Refuse structures deeper than MAX_DEPTH, iteratively (recursion is what such input would break)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise CostShareError(f"not a problem object: nested more than {MAX_DEPTH} levels deep")
        if isinstance(item, Mapping):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


def build_game(problem: Mapping[str, Any]) -> Game:
    """Cost game described by a parsed input object."""
    if not isinstance(problem, Mapping):
        raise CostShareError("the input must be a JSON object")
    unknown = sorted(set(problem) - _TOP_KEYS)
    if unknown:
        raise CostShareError(f"unknown key {unknown[0]!r} in the input")
    partners = problem.get("partners")
    if not isinstance(partners, list) or not partners:
        raise CostShareError("key 'partners' must be a non-empty list of names")
    has_costs, has_model = "costs" in problem, "model" in problem
    if has_costs == has_model:
        raise CostShareError("give exactly one of 'costs' (a coalition table) or 'model' (a formula)")
    if has_costs:
        costs = problem["costs"]
        if not isinstance(costs, Mapping):
            raise CostShareError("key 'costs' must map coalition names like 'A+B' to costs")
        return TableGame.from_named(partners, costs)
    model = problem["model"]
    if not isinstance(model, Mapping):
        raise CostShareError("key 'model' must be an object")
    unknown = sorted(set(model) - _MODEL_KEYS)
    if unknown:
        raise CostShareError(f"unknown key {unknown[0]!r} in 'model'")
    if "drivers" not in model:
        raise CostShareError("key 'model' needs 'drivers' (one number per partner)")
    for key in ("drivers", "dedicated"):
        if key in model and not isinstance(model[key], Mapping):
            raise CostShareError(f"model key {key!r} must map partner names to numbers")
    drivers = per_partner(partners, model["drivers"], "driver")
    dedicated = (
        per_partner(partners, model["dedicated"], "dedicated cost") if "dedicated" in model else np.zeros(0)
    )
    cap = model.get("capacity")
    return FormulaGame(
        tuple(partners),
        drivers,
        fixed=_number(model.get("fixed", 0), "model 'fixed'"),
        coefficient=_number(model.get("coefficient", 0), "model 'coefficient'"),
        exponent=_number(model.get("exponent", 1), "model 'exponent'"),
        capacity=None if cap is None else _number(cap, "model 'capacity'"),
        unit_cost=_number(model.get("unit_cost", 0), "model 'unit_cost'"),
        dedicated=dedicated,
    )


def _hybrid_components(problem: Mapping[str, Any]) -> list[DriverComponent]:
    spec = problem.get("hybrid")
    if not isinstance(spec, Mapping) or not isinstance(spec.get("components"), list):
        raise CostShareError("method 'hybrid' needs key 'hybrid' with a list 'components'")
    out = []
    for k, comp in enumerate(spec["components"]):
        if not isinstance(comp, Mapping):
            raise CostShareError(f"hybrid component {k + 1} must be an object")
        name = str(comp.get("name", f"component {k + 1}"))
        for key in ("weight", "values"):
            if key not in comp:
                raise CostShareError(f"hybrid component {name!r} needs key {key!r}")
        if not isinstance(comp["values"], Mapping):
            raise CostShareError(f"hybrid component {name!r}: 'values' must map partner names to drivers")
        periods = comp.get("periods")
        if periods is not None and (not isinstance(periods, int) or isinstance(periods, bool)):
            raise CostShareError(f"hybrid component {name!r}: 'periods' must be a whole number")
        out.append(
            DriverComponent(name, _number(comp["weight"], f"weight of {name!r}"), comp["values"], periods)
        )
    return out


def _run(method: str, game: Game, problem: Mapping[str, Any]) -> Allocation:
    runners: dict[str, Callable[[], Allocation]] = {
        "equal": lambda: equal(game),
        "proportional": lambda: proportional(game, problem.get("weights"), "weight"),
        "hybrid": lambda: hybrid_for_game(game, _hybrid_components(problem)),
        "fixed_variable": lambda: fixed_variable(game),  # type: ignore[arg-type]
        "scrb": lambda: scrb(game),
        "shapley": lambda: shapley_allocation(game),
        "nucleolus": lambda: nucleolus(game),
        "least_core": lambda: least_core(game),
    }
    if method not in runners:
        raise CostShareError(f"unknown method {method!r}; choose from {', '.join(runners)}")
    return runners[method]()


def _note(alloc: Allocation) -> str | None:
    detail = alloc.detail
    if isinstance(detail, ShapleyResult) and detail.ci_halfwidth is not None:
        return (
            f"Monte Carlo estimate from {detail.samples} orders; {100 * (detail.confidence or 0):.0f}% "
            f"confidence half-width up to {float(detail.ci_halfwidth.max()):.2f}"
        )
    if alloc.method == "least_core" and detail is not None:
        eps = float(detail.epsilon)
        state = "empty" if detail.core_empty else "non-empty"
        return f"core is {state}; least-core epsilon {eps:.2f}"
    if alloc.method == "nucleolus" and detail is not None:
        return "optimality certified (Kohlberg)" if detail.certificate.ok else "certificate check FAILED"
    return None


def compute(
    problem: Mapping[str, Any], methods: Sequence[str] | None = None, core: str = "auto"
) -> dict[str, Any]:
    """Run the named methods on the problem and return a plain, JSON-ready dict of results.

    `core` is "always" (check every split, refusing if the check would not fit in memory), "never", or "auto"
    (check when the estimate says it is cheap). An unchecked split has in_core None.
    """
    try:
        with np.errstate(all="ignore"):
            return _compute(problem, methods, core)
    except RecursionError:
        raise CostShareError(f"the input is nested too deeply (at most {MAX_DEPTH} levels)") from None
    except MemoryError:
        raise CostShareError("the problem is too large for this machine's memory") from None
    except (OverflowError, FloatingPointError, ZeroDivisionError) as exc:
        raise CostShareError(f"a number in the problem is out of range ({exc})") from None


def _compute(problem: Mapping[str, Any], methods: Sequence[str] | None, core: str) -> dict[str, Any]:
    if core not in CORE_CHECK_MODES:
        raise CostShareError(f"core check must be one of {', '.join(CORE_CHECK_MODES)}, got {core!r}")
    if methods is not None and (
        isinstance(methods, (str, bytes)) or not all(isinstance(m, str) for m in methods)
    ):
        raise CostShareError("methods must be a list of method names")
    _check_depth(problem)
    game = build_game(problem)
    chosen = list(methods) if methods else list(DEFAULT_METHODS)
    seen = set()
    for m in chosen:
        if m in seen:
            raise CostShareError(f"method {m!r} is requested twice")
        seen.add(m)
    cost = core_check_cost(game)
    check = core == "always" or (core == "auto" and cost.cheap)
    alone = game.standalone()
    result: dict[str, Any] = {
        "engine_version": ENGINE_VERSION,
        "partners": list(game.partners),
        "total": _cents(game.total),
        "standalone": {p: _cents(a) for p, a in zip(game.partners, alone, strict=True)},
        "allocations": {},
        "in_core": {},
        "savings": {},
        "notes": {},
        "core_check": "done" if check else ("not asked for" if core == "never" else _skip_reason(cost)),
    }
    for m in chosen:
        alloc = _run(m, game, problem)
        cents = alloc.in_cents()
        result["allocations"][m] = {p: float(v) for p, v in cents.items()}
        result["in_core"][m] = core_check(game, alloc.shares).in_core if check else None
        result["savings"][m] = {
            p: round(float(a) - float(cents[p]), 2) for p, a in zip(game.partners, alone, strict=True)
        }
        note = _note(alloc)
        if note:
            result["notes"][m] = note
    return result


def _cents(value: float) -> float:
    """A dollar amount rounded to cents the way round_to_cents rounds totals (half up on the shortest repr)."""
    return float(round_to_cents([float(value)])[0])


def _skip_reason(cost: Any) -> str:
    if cost.impossible:
        return f"skipped: {cost.impossible}"
    return (
        f"skipped: it would need about {cost.bytes / 2**20:,.0f} MiB and {cost.steps:.1e} steps "
        "(ask for it with --core-check always)"
    )


def _money(v: float) -> str:
    return f"{v:,.2f}"


def render_text(result: Mapping[str, Any]) -> str:
    """Human-readable aligned table of a `compute` result."""
    partners: list[str] = list(result["partners"])
    methods: list[str] = list(result["allocations"])
    head = ["partner", "stand-alone", *methods]
    rows = [head]
    for p in partners:
        rows.append(
            [p, _money(result["standalone"][p])] + [_money(result["allocations"][m][p]) for m in methods]
        )
    rows.append(
        ["total", _money(sum(result["standalone"].values()))] + [_money(result["total"]) for _ in methods]
    )
    rows.append(["in core?", ""] + [_core_cell(result["in_core"][m]) for m in methods])
    rows.append([""] * len(head))
    rows.append(["savings", "vs alone"] + ["" for _ in methods])
    for p in partners:
        alone = result["standalone"][p]
        cells = []
        for m in methods:
            s = result["savings"][m][p]
            pct = f" ({100 * s / alone:.1f}%)" if alone else ""
            cells.append(_money(s) + pct)
        rows.append([p, "", *cells])
    widths = [max(len(r[c]) for r in rows) for c in range(len(head))]
    lines = [f"Total cost to share: {_money(result['total'])}"]
    for r in rows:
        first = r[0].ljust(widths[0])
        lines.append(
            "  ".join([first] + [cell.rjust(widths[c + 1]) for c, cell in enumerate(r[1:])]).rstrip()
        )
    for m, note in result.get("notes", {}).items():
        lines.append(f"note ({m}): {note}")
    if result.get("core_check", "done") != "done":
        lines.append(f"core check {result['core_check']}")
    return "\n".join(lines)


def _core_cell(value: bool | None) -> str:
    return "not checked" if value is None else ("yes" if value else "NO")
