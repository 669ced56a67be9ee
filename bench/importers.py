"""Benchmark the importers: rows/s and peak memory on SQLite and PostgreSQL: `python bench/importers.py [--rows N]`."""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def vm_kb(field: str) -> int:
    """A /proc/self/status figure in kB (VmHWM is the resident high-water mark)."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def write_initiatives_csv(path: Path, rows: int) -> None:
    """A spreadsheet of initiatives with the template's headings, one collaborative, unique codes."""
    sys.path.insert(0, str(ROOT))
    headings = [
        "Collaborative", "Code", "Title", "Description", "Status", "Is partnership", "Cost band",
        "Timeline band", "Start on", "Tracking success",
    ]  # fmt: skip
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headings)
        for i in range(rows):
            writer.writerow(
                [
                    "bench-collaborative",
                    f"B-{i}",
                    f"Shared service idea {i}",
                    "Pool staff and equipment across member cities. " * 3,
                    "new",
                    "yes" if i % 2 else "no",
                    ("low", "medium", "high")[i % 3],
                    ("near", "medium", "long")[i % 3],
                    "2025-01-01",
                    "Members report savings.",
                ]
            )


def write_matters_json(path: Path, matters: int) -> None:
    """A Legistar /matters response with the Web API's field names."""
    with path.open("w") as handle:
        handle.write("[")
        for i in range(matters):
            row = {
                "MatterId": 100000 + i,
                "MatterGuid": f"00000000-0000-0000-0000-{i:012d}",
                "MatterLastModifiedUtc": "2024-12-13T01:07:23.667",
                "MatterFile": f"2024-{i:05d}",
                "MatterName": None,
                "MatterTitle": f"APPROVE item {i} of the consent calendar.",
                "MatterTypeId": 62,
                "MatterTypeName": "Resolution",
                "MatterStatusId": 72,
                "MatterStatusName": "Passed",
                "MatterBodyId": 138,
                "MatterBodyName": "City Council",
                "MatterIntroDate": "2024-11-01T00:00:00",
                "MatterAgendaDate": "2024-12-05T00:00:00",
                "MatterPassedDate": "2024-12-05T00:00:00",
                "MatterEnactmentDate": None,
                "MatterEnactmentNumber": None,
                "MatterRequester": None,
                "MatterNotes": None,
                "MatterVersion": "1",
                "MatterRestrictViewViaWeb": False,
            }
            handle.write(("," if i else "") + json.dumps(row))
        handle.write("]")


def child(database_url: str, workload: str, path: str) -> None:
    """Run one import in a fresh process on a fresh schema and print its figures as JSON."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interlocal.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    from django.apps import apps
    from django.core.management import call_command

    # A scratch schema straight from the models, so the bench also runs while a migration is pending.
    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    call_command("migrate", run_syncdb=True, verbosity=0)

    from interlocal.collaboratives.actions import collaborative_create
    from interlocal.governments.actions import government_create, person_create
    from interlocal.importers.base import run_import
    from interlocal.importers.sources import SOURCES

    admin = person_create(
        acting_user=None, username="bench", government=None, role="coordinator", is_superuser=True
    )
    council = government_create(acting_user=admin, kind="regional_council", name="Bench Council", state="MO")
    government_create(acting_user=admin, kind="city", name="Bench City", state="MO")
    collaborative_create(acting_user=admin, name="Bench Collaborative", facilitator=council)
    if workload == "csv":
        source = SOURCES["spreadsheet"](acting_user=admin, type="initiatives")
    else:
        source = SOURCES["legistar-api"](acting_user=admin, government="bench-city", client="bench")
    baseline = vm_kb("VmRSS")
    start = time.perf_counter()
    report = run_import(source, Path(path))
    seconds = time.perf_counter() - start
    rows = report.counts.total()
    print(
        json.dumps(
            {
                "ok": report.ok,
                "problems": [str(p) for p in report.problems[:3]],
                "rows": rows,
                "seconds": round(seconds, 2),
                "rows_per_s": round(rows / seconds),
                "peak_mb": round(vm_kb("VmHWM") / 1024),
                "baseline_mb": round(baseline / 1024),
            }
        )
    )


def postgres_scratch() -> tuple[str, str] | None:
    """Create a scratch PostgreSQL database; None when the server is not reachable."""
    try:
        import psycopg
    except ImportError:
        return None
    name = f"interlocal_bench_{os.getpid()}"
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"CREATE DATABASE {name}")
    except psycopg.Error as exc:
        print(f"PostgreSQL skipped: {exc}".strip())
        return None
    return name, PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def drop_postgres(name: str) -> None:
    """Remove the scratch database."""
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def run_child(database_url: str, workload: str, path: Path, var_dir: str) -> dict[str, object]:
    env = {**os.environ, "INTERLOCAL_VAR_DIR": var_dir}
    done = subprocess.run(
        [sys.executable, __file__, "--child", database_url, workload, str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return {"ok": False, "problems": [done.stderr.strip().splitlines()[-1:]]}
    return dict(json.loads(lines[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000, help="initiatives in the CSV")
    parser.add_argument("--matters", type=int, default=10_000, help="matters in the Legistar JSON")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        csv_path, json_path = Path(tmp) / "initiatives.csv", Path(tmp) / "matters.json"
        write_initiatives_csv(csv_path, args.rows)
        write_matters_json(json_path, args.matters)
        print(
            f"inputs: {csv_path.stat().st_size / 1e6:.1f} MB CSV, {json_path.stat().st_size / 1e6:.1f} MB JSON"
        )
        databases = []
        pg = postgres_scratch()
        try:
            for workload, path, label in (
                ("csv", csv_path, f"{args.rows:,} initiatives CSV"),
                ("json", json_path, f"{args.matters:,} Legistar matters JSON"),
            ):
                sqlite_url = f"sqlite:///{tmp}/bench-{workload}.sqlite3"
                databases = [("SQLite", sqlite_url)]
                if pg is not None:
                    # A fresh schema per workload: drop and recreate the scratch database.
                    drop_postgres(pg[0])
                    pg = postgres_scratch()
                    if pg is not None:
                        databases.append(("PostgreSQL", pg[1]))
                for db_label, url in databases:
                    result = run_child(url, workload, path, tmp)
                    if not result.get("ok"):
                        print(f"{label:32} {db_label:10} FAILED {result.get('problems')}")
                        continue
                    goal = ""
                    if workload == "csv":
                        met = int(result["rows_per_s"]) >= 5000 and int(result["peak_mb"]) < 300  # type: ignore[call-overload]
                        goal = " (goal >= 5,000 rows/s, < 300 MB: " + ("met)" if met else "NOT met)")
                    print(
                        f"{label:32} {db_label:10} {result['rows_per_s']:>7} rows/s  {result['seconds']:>7} s  "
                        f"peak {result['peak_mb']} MB (Django baseline {result['baseline_mb']} MB){goal}"
                    )
        finally:
            if pg is not None:
                drop_postgres(pg[0])


if __name__ == "__main__":
    main()
