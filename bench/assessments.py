"""Benchmark the self-assessment analysis: `python bench/assessments.py [--members 300]`.

A round of 300 governments x 106 CSF items (22 categories, 6 functions) on the NCSR scale: the heat maps by
category and function, item aggregates, common gaps and every member's percentile, by `analysis` (NumPy)
beside a plain-Python loop implementation of the same figures (the peer), which must agree. Goal: <= 0.5 s.
Then the same through `assessments.queries.round_summary` (the permission check, the k and differencing guards,
loading the 31,800 answers from PostgreSQL, and the analysis) on a scratch database, unless --no-db.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from interlocal.assessments import analysis  # noqa: E402
from interlocal.assessments import frameworks_data as data  # noqa: E402

GOAL_S = 0.5
LEVELS = list(range(1, 8))
TARGET = data.NCSR_TARGET
K = 3


def structure() -> tuple[np.ndarray, int, np.ndarray, int]:
    """Item -> category and item -> function indices of CSF 2.0."""
    cats = [c for c, _ in data.CSF_CATEGORIES]
    fns = [f for f, _ in data.CSF_FUNCTIONS]
    items = [c for c, _ in data.CSF_SUBCATEGORIES]
    item_cat = np.array([cats.index(code.split("-")[0]) for code in items], dtype=np.intp)
    item_fn = np.array([fns.index(code.split(".")[0]) for code in items], dtype=np.intp)
    return item_cat, len(cats), item_fn, len(fns)


def ours(
    levels: np.ndarray, item_cat: np.ndarray, n_cat: int, item_fn: np.ndarray, n_fn: int
) -> dict[str, Any]:
    """The whole analysis of a round by the NumPy engine."""
    return {
        "heat": analysis.heat_map(levels, item_cat, n_cat, LEVELS, K),
        "heat_fn": analysis.heat_map(levels, item_fn, n_fn, LEVELS, K),
        "items": analysis.item_stats(levels, TARGET, K),
        "gaps": analysis.common_gaps(levels, TARGET, K),
        "pct": analysis.percentiles(analysis.overall_scores(levels)),
    }


def peer(
    rows: list[list[float]], item_cat: list[int], n_cat: int, item_fn: list[int], n_fn: int
) -> dict[str, Any]:
    """The same figures by plain Python loops over lists."""

    def heat(
        groups: list[int], n_groups: int
    ) -> tuple[list[int], list[float | None], list[list[int | None]]]:
        ns, means, counts = [], [], []
        for g in range(n_groups):
            scores = []
            for row in rows:
                vals = [v for v, gg in zip(row, groups, strict=True) if gg == g and not math.isnan(v)]
                if vals:
                    scores.append(sum(vals) / len(vals))
            ns.append(len(scores))
            if len(scores) < K:
                means.append(None)
                counts.append([None] * len(LEVELS))
                continue
            means.append(sum(scores) / len(scores))
            c = [0] * len(LEVELS)
            for s in scores:
                idx = max(i for i, lv in enumerate(LEVELS) if lv <= s + 1e-9)
                c[idx] += 1
            counts.append([x if x == 0 or x >= K else None for x in c])
        return ns, means, counts

    n_items = len(rows[0])
    items = []
    for j in range(n_items):
        col = [row[j] for row in rows if not math.isnan(row[j])]
        if len(col) < K:
            items.append((j, len(col), None, None, None))
            continue
        below = sum(1 for v in col if v < TARGET)
        short = sum(max(0.0, TARGET - v) for v in col) / len(col)
        items.append((j, len(col), sum(col) / len(col), below, short))
    gaps = sorted(
        [it for it in items if it[3] is not None and it[3] >= K],
        key=lambda it: (-it[3], -round(it[4], 9), it[0]),
    )
    overall = []
    for row in rows:
        vals = [v for v in row if not math.isnan(v)]
        overall.append(sum(vals) / len(vals))
    pct = []
    for i, s in enumerate(overall):
        lower = sum(1 for j, o in enumerate(overall) if j != i and o < s)
        equal = sum(1 for j, o in enumerate(overall) if j != i and o == s)
        pct.append(100.0 * (lower + 0.5 * equal) / (len(overall) - 1))
    return {
        "heat": heat(item_cat, n_cat),
        "heat_fn": heat(item_fn, n_fn),
        "items": items,
        "gaps": [g[0] for g in gaps],
        "pct": pct,
    }


def agree(a: dict[str, Any], b: dict[str, Any]) -> None:
    """Fail loudly when the engine and the peer disagree."""
    for key in ("heat", "heat_fn"):
        ns, means, counts = b[key]
        assert a[key].n == ns and a[key].counts == counts, key
        assert all(
            (x is None and y is None) or abs(x - y) < 1e-9 for x, y in zip(a[key].mean, means, strict=True)
        )
    assert [g.item for g in a["gaps"]] == b["gaps"]
    assert np.allclose(a["pct"], b["pct"])


def measure(fn: Callable[[], Any], repeats: int) -> tuple[float, float]:
    """Median and best wall time of repeats."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times)


PG_ADMIN = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def db_round_summary(members: int, levels: np.ndarray) -> tuple[float, float] | str:
    """Median and best time of round_summary on a scratch PostgreSQL database holding the round; or why not."""
    try:
        import psycopg
    except ImportError:
        return "psycopg missing"
    name = f"interlocal_bench_assess_{os.getpid()}"
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"CREATE DATABASE {name}")
    except psycopg.Error as exc:
        return f"PostgreSQL unreachable: {exc}".strip()
    try:
        os.environ["DATABASE_URL"] = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interlocal.settings")
        import django
        from django.conf import settings

        django.setup()
        from django.apps import apps
        from django.core.management import call_command
        from django.utils import timezone

        settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
        call_command("migrate", run_syncdb=True, verbosity=0)
        import datetime as dt

        from interlocal.assessments import actions, queries
        from interlocal.assessments.models import Answer, Round, RoundMember
        from interlocal.collaboratives.actions import collaborative_create
        from interlocal.collaboratives.models import Membership
        from interlocal.governments.actions import government_create, person_create
        from interlocal.governments.models import Government

        admin = person_create(
            acting_user=None, username="bench", government=None, role="coordinator", is_superuser=True
        )
        council = government_create(
            acting_user=admin, kind="regional_council", name="Bench Council", state="MO"
        )
        collab = collaborative_create(acting_user=admin, name="Bench Collaborative", facilitator=council)
        csf, _ = actions.builtin_frameworks_ensure(acting_user=admin)
        # The bench measures reading a round, so the round itself is written in bulk.
        govs = Government.objects.bulk_create(
            Government(kind="city", name=f"Bench City {i:03d}", slug=f"bench-city-{i:03d}", state="MO")
            for i in range(members)
        )
        Membership.objects.bulk_create(
            Membership(collaborative=collab, government=g, status="accepted", joined_on=dt.date(2020, 1, 1))
            for g in govs
        )
        rnd = Round.objects.create(
            collaborative=collab, framework=csf, title="Bench", year=2025, deadline=dt.date(2025, 12, 31),
            status="closed", opened_by=admin, opened_at=timezone.now(), closed_at=timezone.now(),
        )  # fmt: skip
        rms = RoundMember.objects.bulk_create(
            RoundMember(round=rnd, government=g, status="submitted", in_aggregate=True) for g in govs
        )
        items = actions.active_items(csf)
        now = timezone.now()
        Answer.objects.bulk_create(
            (
                Answer(round_member=rm, item=item, level=int(levels[i, j]), updated_by=admin, updated_at=now)
                for i, rm in enumerate(rms)
                for j, item in enumerate(items)
            ),
            batch_size=5000,
        )
        summary = queries.round_summary(admin, rnd)
        assert summary.n_members == members and summary.gaps is not None
        return measure(lambda: queries.round_summary(admin, rnd), 5)
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--no-db", action="store_true", help="skip the PostgreSQL round_summary case")
    args = parser.parse_args()
    rng = np.random.default_rng(11)
    item_cat, n_cat, item_fn, n_fn = structure()
    # Members differ in overall maturity; items differ in difficulty.
    base = rng.normal(4.2, 0.9, size=(args.members, 1)) + rng.normal(0, 0.6, size=(1, len(item_cat)))
    levels = np.clip(np.rint(base + rng.normal(0, 1.0, size=base.shape)), 1, 7)
    rows = levels.tolist()
    cat_list, fn_list = item_cat.tolist(), item_fn.tolist()
    agree(ours(levels, item_cat, n_cat, item_fn, n_fn), peer(rows, cat_list, n_cat, fn_list, n_fn))
    before = os.getloadavg()
    ours_med, ours_best = measure(lambda: ours(levels, item_cat, n_cat, item_fn, n_fn), 7)
    peer_med, _peer_best = measure(lambda: peer(rows, cat_list, n_cat, fn_list, n_fn), 3)
    after = os.getloadavg()
    case = f"{args.members} members x {len(item_cat)} items"
    head = ["case", "ours s", "ours best s", "peer s (Python loops)", "ratio ours/peer", "goal", "met"]
    row = [
        case,
        f"{ours_med:.4f}",
        f"{ours_best:.4f}",
        f"{peer_med:.3f}",
        f"{ours_med / peer_med:.4f}",
        f"<= {GOAL_S} s",
        "yes" if ours_med <= GOAL_S else "NO",
    ]
    widths = [max(len(a), len(b)) for a, b in zip(head, row, strict=True)]
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    if not args.no_db:
        db = db_round_summary(args.members, levels)
        if isinstance(db, str):
            print(f"{case} via round_summary (PostgreSQL): skipped, {db}")
        else:
            print(
                f"{case} via round_summary (PostgreSQL): median {db[0]:.3f} s, best {db[1]:.3f} s "
                f"(goal <= {GOAL_S} s: {'yes' if db[0] <= GOAL_S else 'NO'})"
            )
    print()
    print(
        "Analysis = heat maps by category and function, item aggregates, common gaps, percentiles (k = 3), "
        f"analysis engine {analysis.ENGINE_VERSION}; the peer computes the same figures in plain Python and the two "
        "are checked to agree first. Times are the median of 7 runs (peer: 3); ratio below 1: ours faster."
    )
    print(
        f"Load average (1/5/15 min) {before[0]:.2f}/{before[1]:.2f}/{before[2]:.2f} before, "
        f"{after[0]:.2f}/{after[1]:.2f}/{after[2]:.2f} after, on {os.cpu_count()} CPUs."
    )


if __name__ == "__main__":
    main()
