"""Benchmark the read API's list endpoints at 100 records a page beside the portal's HTML list pages, in one run.

`python bench/api.py [--quick] [--no-cache]` uses the PostgreSQL database bench/pages.py loads with `interlocal
synth` (state scale; created and loaded if missing), starts gunicorn with 2 workers and drives each address with
wrk, anonymous and signed in as a coordinator; it prints requests per second and p99 latency per address. The goal:
every API list at >= 300 req/s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages

GOAL_RPS = 300.0
# (name, address, is an API list held to the goal)
ADDRESSES = [
    ("initiatives HTML", "/initiatives/", False),
    ("initiatives API", "/api/v1/initiatives/list?page_size=100", True),
    ("legislation HTML", "/legislation/", False),
    ("matters API", "/api/v1/matters?page_size=100", True),
    ("governments HTML", "/governments/", False),
    ("governments API", "/api/v1/governments?page_size=100", True),
    ("adoptions API", "/api/v1/adoptions?page_size=100", True),
    ("measurements API", "/api/v1/measurements?page_size=100", True),
    ("memberships API", "/api/v1/memberships?page_size=100", True),
    ("kpis API", "/api/v1/kpis?page_size=100", True),
    ("matter history API", "/api/v1/matter-actions?page_size=100", True),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3-second runs")
    parser.add_argument(
        "--database", default="interlocal_bench", help="PostgreSQL database (created if missing)"
    )
    parser.add_argument("--governments", type=int, default=1000)
    parser.add_argument("--initiatives", type=int, default=10000)
    parser.add_argument("--matters", type=int, default=100000)
    parser.add_argument("--port", type=int, default=8110, help="gunicorn's port")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of load before each measured run")
    parser.add_argument("--duration", type=int, default=10, help="seconds per address")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--no-cache", action="store_true", help="turn the anonymous page cache off")
    parser.add_argument("--only", default="", help="measure only addresses whose name contains this")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.warmup = 3, 1
    if not shutil.which("wrk"):
        print("bench/api.py skipped: wrk is missing (apt-get install wrk)")
        return
    if not (pages.BIN / "gunicorn").exists():
        print("bench/api.py skipped: gunicorn is missing (pip install -e '.[prod]')")
        return
    try:
        import psycopg

        psycopg.connect(f"{pages.PG}/postgres", connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        print(f"bench/api.py skipped: PostgreSQL at {pages.PG} does not answer ({exc})")
        return
    scratch = Path(tempfile.mkdtemp(prefix="interlocal-bench-api-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"{pages.PG}/{args.database}",
        "DJANGO_SETTINGS_MODULE": "interlocal.settings",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
        "PAGE_CACHE_SECONDS": "0" if args.no_cache else os.environ.get("PAGE_CACHE_SECONDS", "600"),
        # Its own data generation stamp, so other servers' writes do not empty this one's cache mid-run.
        "PAGE_CACHE_STAMP_FILE": str(scratch / "data-generation"),
        "LOG_LEVEL": "ERROR",
    }
    gunicorn: subprocess.Popen[bytes] | None = None

    def stop() -> None:
        if gunicorn is not None and gunicorn.poll() is None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            try:
                gunicorn.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(gunicorn.pid, signal.SIGKILL)
        shutil.rmtree(scratch, ignore_errors=True)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(130))
    try:
        pages.ensure_database(args.database, env, args)
        setup = json.loads(
            pages.run([sys.executable, "-c", pages.CHILD], env).stdout.strip().splitlines()[-1]
        )
        cookie = f"sessionid={setup['session']}"
        command = [
            str(pages.BIN / "gunicorn"), "interlocal.wsgi:application", "--workers", str(args.workers),
            "--worker-class", "gthread", "--threads", str(args.worker_threads),
            "--bind", f"127.0.0.1:{args.port}", "--log-level", "warning",
        ]  # fmt: skip
        gunicorn = subprocess.Popen(command, env=env, cwd=pages.ROOT, start_new_session=True)
        ours = f"http://127.0.0.1:{args.port}"
        pages.wait_for(ours + "/")
        chosen = [a for a in ADDRESSES if args.only in a[0]]
        for _, path, is_api in chosen:  # each answers, and the API with a full page
            body = pages.fetch(ours + path, cookie)
            if is_api and len(json.loads(body)["results"]) < 100:
                sys.exit(f"{path} answered fewer than 100 records: not a full page")
        print(
            f"\n{setup['counts']['initiatives']:,} initiatives, {setup['counts']['matters']:,} matters; gunicorn "
            f"{args.workers} gthread workers x {args.worker_threads} threads; wrk {args.threads} threads, "
            f"{args.connections} connections, {args.duration} s per run; page cache "
            f"{'off' if args.no_cache else 'on (anonymous only)'}"
        )
        load = os.getloadavg()
        print(f"load before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (1/5/15 min)")
        header = f"{'address':<18}{'as':<13}{'req/s':>8}{'p99':>10}  goal            met  errors"
        print(header)
        print("-" * len(header))
        for role, with_cookie in (("anonymous", ""), ("coordinator", cookie)):
            for name, path, is_api in chosen:
                warm = argparse.Namespace(**{**vars(args), "duration": args.warmup})
                pages.wrk(ours + path, warm, with_cookie)
                rps, p99, errors = pages.wrk(ours + path, args, with_cookie)
                goal = f">= {GOAL_RPS:.0f} req/s" if is_api else "(beside)"
                met = ("yes" if rps >= GOAL_RPS else "NO") if is_api else "-"
                print(f"{name:<18}{role:<13}{rps:>8.0f}{p99:>8.1f}ms  {goal:<16}{met:<5}{errors}", flush=True)
        load = os.getloadavg()
        print(f"load after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (1/5/15 min)")
    finally:
        stop()


if __name__ == "__main__":
    main()
