"""Benchmark the cost-sharing engine against coopgame-py (Rust) in one process: `python bench/costshare.py [--quick]`."""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Single thread for both engines, set before NumPy or the peer load their thread pools.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "RAYON_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from interlocal.costshare.engine import FormulaGame, TableGame, core_check  # noqa: E402
from interlocal.costshare.engine_lp import least_core as lc_result  # noqa: E402
from interlocal.costshare.engine_lp import sequential_nucleolus  # noqa: E402
from interlocal.costshare.engine_shapley import shapley_formula_exact, shapley_from_table  # noqa: E402

try:
    import coopgame
except ImportError:  # the peer is optional: every peer column then reads n/a
    coopgame = None


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def measure(fn: Callable[[], Any], repeats: int = 5) -> tuple[float, float, Any]:
    """Median wall time over repeats, and peak extra resident memory (MB) of one call (RSS high-water mark).

    The best time is kept in BEST[-1] and the median CPU time of this process in CPU[-1], for the report: a busy
    machine inflates the median wall time, less the best one, and the CPU time least (it excludes waiting).
    """
    gc.collect()
    times = []
    cpu = []
    out = None
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    BEST.append(min(times))
    CPU.append(statistics.median(cpu))
    gc.collect()
    base = _status_kb("VmRSS")
    if _reset_peak():
        fn()
        peak = max(0, _status_kb("VmHWM") - base) / 1024
    else:
        peak = 0.0
    # tracemalloc sees every NumPy buffer, including ones recycled from the heap that RSS cannot show.
    return statistics.median(times), max(peak, traced_peak(fn)), out


BEST: list[float] = []
CPU: list[float] = []


def traced_peak(fn: Callable[[], Any]) -> float:
    """Peak Python/NumPy allocation (MB) of one call, by tracemalloc."""
    gc.collect()
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return peak


@dataclass
class Row:
    case: str
    ours_s: float
    peer_s: float | None
    ours_mb: float
    peer_mb: float | None
    goal: str
    met: bool
    note: str = ""
    ours_best: float | None = None
    ours_cpu: float | None = None


def formula(n: int, seed: int, high: int = 1000, unit: float = 20000.0, cap: float = 2500.0) -> FormulaGame:
    rng = np.random.default_rng(seed)
    drivers = rng.integers(1, high + 1, n).astype(np.float64)
    return FormulaGame(
        tuple(f"P{i}" for i in range(n)),
        drivers,
        fixed=50_000.0,
        coefficient=400.0,
        exponent=0.8,
        capacity=cap,
        unit_cost=unit,
        dedicated=rng.integers(0, 3, n) * 5000.0,
    )


def readonly_table(game: FormulaGame) -> TableGame:
    t = game.table()
    return t


def peer_game(table: TableGame) -> Any:
    return coopgame.Game(np.asarray(table.costs[1:]))


def run(quick: bool) -> list[Row]:
    rows: list[Row] = []
    have_peer = coopgame is not None

    def shapley_case(n: int, goal_s: float) -> None:
        table = readonly_table(formula(n, n))
        table_mb = table.costs.nbytes / 2**20
        t, mb, ours = measure(lambda: shapley_from_table(np.asarray(table.costs), n))
        best, cpu = BEST[-1], CPU[-1]
        traced = traced_peak(lambda: shapley_from_table(np.asarray(table.costs), n))
        ok = t <= goal_s and traced <= table_mb + 16
        peer_t = peer_mb = None
        note = f"table {table_mb:.0f} MB; ours traced extra {traced:.1f} MB"
        if have_peer:
            g = peer_game(table)
            peer_t, peer_mb, theirs = measure(lambda: coopgame.shapley(g), 5 if n < 24 else 1)
            note += f"; max |diff| {np.abs(np.asarray(theirs) - ours).max():.1e}"
            del g
        rows.append(
            Row(
                f"shapley table N={n}",
                t,
                peer_t,
                mb,
                peer_mb,
                f"<= {goal_s:g} s, mem <= table+c",
                ok,
                note,
                best,
                cpu,
            )
        )

    shapley_case(22, 0.05)
    if not quick:
        shapley_case(26, 1.0)

    for n, goal_s in ((88, 0.1), (200, 1.0)) if not quick else ((88, 0.1),):
        game = formula(n, n, cap=25_000.0)
        t, mb, phi = measure(lambda game=game: shapley_formula_exact(game))
        best, cpu = BEST[-1], CPU[-1]
        assert phi is not None and abs(phi.sum() - game.total) < 1e-6 * game.total
        rows.append(
            Row(
                f"shapley formula N={n} (drivers<=1000)",
                t,
                None,
                mb,
                None,
                f"<= {goal_s:g} s",
                t <= goal_s,
                "peer n/a: exact Shapley needs a 2^n table (Game caps at 30 players); it only samples FunctionGame",
                best,
                cpu,
            )
        )

    for n, goal_s in ((14, 0.010), (20, 0.5)) if not quick else ((14, 0.010),):
        rng = np.random.default_rng(3)
        drivers = rng.integers(1, 100, n).astype(np.float64)
        names = tuple(f"P{i}" for i in range(n))
        # Capacity steps make this game non-convex, so the nucleolus needs several LP stages.
        table = FormulaGame(
            names, drivers, fixed=50, coefficient=10, exponent=0.8, capacity=150, unit_cost=30
        ).table()
        t, mb, res = measure(lambda table=table: sequential_nucleolus(table))
        best, cpu = BEST[-1], CPU[-1]
        peer_t = peer_mb = None
        note = f"certificate ok={res.certificate.ok}, LPs={res.lp_solves}"
        if have_peer:
            g = peer_game(table)
            peer_t, peer_mb, theirs = measure(lambda g=g: coopgame.cost_nucleolus(g))
            note += f"; max |diff| {np.abs(np.asarray(theirs) - res.shares).max():.1e}"
        rows.append(
            Row(
                f"nucleolus N={n}",
                t,
                peer_t,
                mb,
                peer_mb,
                f"<= {goal_s * 1000:g} ms",
                t <= goal_s,
                note,
                best,
                cpu,
            )
        )

    n = 22
    game = formula(n, 7)
    table = game.table()
    x = np.asarray(shapley_from_table(np.asarray(table.costs), n)) * 1.0
    # Overcharge one partner so a coalition is violated and must be reported.
    x[0] += 0.2 * table.total
    x[1:] -= 0.2 * table.total / (n - 1)
    t, mb, chk = measure(lambda: core_check(table, x))
    best, cpu = BEST[-1], CPU[-1]
    peer_t = peer_mb = None
    note = f"in_core={chk.in_core}, worst={chk.worst_names(table)[:4]}... excess {chk.worst_excess:.2f}"
    if have_peer:
        g = coopgame.Game(-np.asarray(table.costs[1:]))
        peer_t, peer_mb, theirs = measure(lambda: g.is_in_core(list(-x), 1e-9 * table.total), 5)
        note += f"; peer in_core={theirs} (no coalition reported)"
    rows.append(Row("core check table N=22", t, peer_t, mb, peer_mb, "<= 20 ms", t <= 0.020, note, best, cpu))

    game28 = formula(28, 28)
    x28 = np.asarray(shapley_formula_exact(game28))
    x28[3] += 20000.0
    x28[5] -= 20000.0
    t, mb, chk = measure(lambda: core_check(game28, x28))
    best, cpu = BEST[-1], CPU[-1]
    traced = traced_peak(lambda: core_check(game28, x28))
    rows.append(
        Row(
            "core check formula N=28",
            t,
            None,
            mb,
            None,
            "<= 3 s, < 100 MB",
            t <= 3.0 and max(mb, traced) < 100,
            f"worst coalition size {len(chk.worst_coalition)}, excess {chk.worst_excess:.2f}; "
            "peer n/a: would need a 2^28 table (2 GiB)",
            best,
            cpu,
        )
    )

    rows.append(stress(have_peer, 12 if quick else 18))
    return rows


def stress(have_peer: bool, max_n: int) -> Row:
    """Non-convex and empty-core capacity-step games: our nucleolus and least core must all be certified."""
    rng = np.random.default_rng(2024)
    games: list[tuple[str, TableGame]] = []
    for n in range(4, max_n + 1):
        for variant in range(3):
            cap = float(rng.integers(40, 200))
            g = FormulaGame(
                tuple(f"P{i}" for i in range(n)),
                rng.integers(1, 100, n).astype(np.float64),
                fixed=float(rng.integers(0, 500)),
                coefficient=float(rng.integers(0, 10)),
                exponent=[0.6, 1.0, 1.15][variant],
                capacity=cap,
                unit_cost=float(rng.integers(500, 3000)),
            )
            games.append((f"n={n}/v{variant}", g.table()))
    ours_t = 0.0
    peer_t = 0.0
    ours_fail: list[str] = []
    peer_fail: list[str] = []
    empty = 0
    for name, table in games:
        t0 = time.perf_counter()
        try:
            lc = lc_result(table)
            empty += lc.core_empty
            ok = lc.nucleolus.certificate.ok
            try:
                nuc = sequential_nucleolus(table)
                ok = ok and nuc.certificate.ok
            except ValueError:
                nuc = None  # imputation set empty: only the prenucleolus exists
            if not ok:
                ours_fail.append(name)
        except Exception as exc:
            ours_fail.append(f"{name} ({type(exc).__name__})")
            nuc = None
        ours_t += time.perf_counter() - t0
        if have_peer:
            t0 = time.perf_counter()
            try:
                g = peer_game(table)
                theirs = coopgame.cost_nucleolus(g) if nuc is not None else None
                gap = (
                    0.0
                    if theirs is None or nuc is None
                    else float(np.abs(np.asarray(theirs) - nuc.shares).max())
                )
                if gap > 1e-6 * max(1.0, table.total):
                    peer_fail.append(f"{name} (differs)")
            except Exception as exc:
                peer_fail.append(f"{name} ({type(exc).__name__}: {str(exc)[:40]})")
            peer_t += time.perf_counter() - t0
    note = (
        f"{len(games)} games, {empty} with empty core; ours uncertified: {ours_fail or 'none'}; "
        f"peer failed: {peer_fail or 'none'}"
    )
    return Row(
        f"stress N<={max_n} ({len(games)} games)",
        ours_t,
        peer_t if have_peer else None,
        0.0,
        None,
        "all solved + certified",
        not ours_fail,
        note,
    )


def render(rows: list[Row]) -> str:
    def f(v: float | None, fmt: str) -> str:
        return "n/a" if v is None else format(v, fmt)

    head = [
        "case",
        "ours s",
        "ours best s",
        "ours CPU s",
        "peer s",
        "ratio",
        "ours peak MB",
        "peer peak MB",
        "goal",
        "met?",
    ]
    table = [head]
    for r in rows:
        ratio = None if r.peer_s is None or r.peer_s == 0 else r.ours_s / r.peer_s
        table.append(
            [
                r.case,
                f(r.ours_s, ".4f"),
                f(r.ours_best, ".4f"),
                f(r.ours_cpu, ".4f"),
                f(r.peer_s, ".4f"),
                f(ratio, ".2f"),
                f(r.ours_mb, ".2f"),
                f(r.peer_mb, ".2f"),
                r.goal,
                "yes" if r.met else "NO",
            ]
        )
    widths = [max(len(row[c]) for row in table) for c in range(len(head))]
    lines = ["  ".join(cell.ljust(widths[c]) for c, cell in enumerate(row)) for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    lines.append(
        "Times are the median of 5 runs (goals are judged on it); 'best' is the fastest of the 5 and 'CPU' "
        "the median CPU time of this process. ratio = ours / peer"
    )
    lines.append("(medians; below 1: ours faster). Peak MB = resident high-water mark above the")
    lines.append(
        "starting RSS during one call (Linux clear_refs), or for ours the tracemalloc peak if larger"
    )
    lines.append(
        "(tracemalloc tracks NumPy buffers; Rust allocations of the peer are only seen through RSS)."
    )
    lines.extend(f"- {r.case}: {r.note}" for r in rows if r.note)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small cases only")
    args = parser.parse_args()
    before = os.getloadavg()
    rows = run(args.quick)
    after = os.getloadavg()
    print(render(rows))
    print(
        f"Load average (1/5/15 min) {before[0]:.2f}/{before[1]:.2f}/{before[2]:.2f} before, "
        f"{after[0]:.2f}/{after[1]:.2f}/{after[2]:.2f} after, on {os.cpu_count()} CPUs: above the CPU count, "
        "other work shared the cores and the medians are inflated."
    )


if __name__ == "__main__":
    main()
