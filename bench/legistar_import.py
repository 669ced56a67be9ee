"""Benchmark the Legistar JSON import: matters/s and peak memory on SQLite and PostgreSQL.

`python bench/legistar_import.py [--matters 50000]` builds a synthetic client from real records (the Metro matter
in ../shared/data/legistar/lametro_matter_candidates.json, Chicago's history rows, New York-style sponsors),
varying ids, file numbers, dates and titles, each matter carrying its histories and sponsors. It imports it
with `interlocal import legistar-api` (first run, then an unchanged re-import) and compares with a named peer:
a plain `json.load` of the whole file plus one `executemany` INSERT per table, the floor a raw loader reaches
with no checks, no comparison and no streaming. Each figure comes from a fresh process on a fresh schema.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "legistar"
PG_ADMIN = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_NAME = os.environ.get("BENCH_PG_NAME", "interlocal_legrec_bench")  # a scratch database of your own


def vm_kb(field: str) -> int:
    """A /proc/self/status figure in kB (VmHWM is the resident high-water mark)."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def shapes() -> tuple[dict[str, object], list[dict[str, object]]]:
    """A real matter and real history rows to copy."""
    matter = json.loads((SHARED / "lametro_matter_candidates.json").read_text())[0]
    histories = json.loads((SHARED / "chicago_no_dupe_event.json").read_text())
    return matter, histories


def write_client(path: Path, matters: int) -> None:
    """A /matters response of `matters` records, each with its MatterHistories and MatterSponsors nested."""
    matter, histories = shapes()
    start = dt.date(2010, 1, 1)
    sponsors = ["Corey D. Johnson", "Margaret S. Chin", "Ben Kallos", "Helen K. Rosenthal"]
    with path.open("w") as handle:
        handle.write("[")
        for i in range(matters):
            day = start + dt.timedelta(days=i % 5000)
            row = copy.copy(matter)
            row.update(
                {
                    "MatterId": 100000 + i,
                    "MatterGuid": f"5E324116-B670-49F2-AB53-{i:012d}",
                    "MatterFile": f"Int {i:05d}-{day.year}",
                    "MatterTitle": f"A Local Law to amend the administrative code, in relation to item {i}.",
                    "MatterIntroDate": f"{day}T00:00:00",
                    "MatterAgendaDate": f"{day}T00:00:00",
                    "MatterPassedDate": None,
                    "MatterEnactmentDate": f"{day}T00:00:00" if i % 3 == 0 else None,
                    "MatterVersion": "*" if i % 2 else "A",
                }
            )
            nested = []
            for j, history in enumerate(histories):
                h = copy.copy(history)
                h["MatterHistoryId"] = 10_000_000 + i * 10 + j
                h["MatterHistoryActionDate"] = f"{day + dt.timedelta(days=7 * j)}T00:00:00"
                h["MatterHistoryVersion"] = row["MatterVersion"]
                nested.append(h)
            row["MatterHistories"] = nested
            row["MatterSponsors"] = [
                {
                    "MatterSponsorId": 20_000_000 + i * 10 + k,
                    "MatterSponsorMatterId": 100000 + i,
                    "MatterSponsorMatterVersion": row["MatterVersion"],
                    "MatterSponsorNameId": 7700 + k,
                    "MatterSponsorBodyId": None,
                    "MatterSponsorName": sponsors[(i + k) % len(sponsors)],
                    "MatterSponsorSequence": k,
                    "MatterSponsorLastModifiedUtc": "2018-01-31T16:40:38.75",
                }
                for k in range(2)
            ]
            handle.write(("," if i else "") + json.dumps(row))
        handle.write("]")


def setup_django(database_url: str) -> object:
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
    from interlocal.governments.actions import government_create, person_create

    admin = person_create(
        acting_user=None, username="bench", government=None, role="coordinator", is_superuser=True
    )
    government_create(acting_user=admin, kind="city", name="Bench City", state="NY")
    return admin


def child_ours(database_url: str, path: str) -> dict[str, object]:
    """Import the file, then import it again unchanged."""
    admin = setup_django(database_url)
    from interlocal.importers.base import run_import
    from interlocal.importers.sources import SOURCES

    figures: dict[str, object] = {}
    for run in ("first", "again"):
        source = SOURCES["legistar-api"](acting_user=admin, government="bench-city", client="bench")
        start, cpu = time.perf_counter(), time.process_time()
        report = run_import(source, Path(path))
        seconds = time.perf_counter() - start
        figures[f"{run}_cpu"] = round(time.process_time() - cpu, 2)
        if not report.ok:
            return {"ok": False, "problems": [str(p) for p in report.problems[:3]]}
        figures[run] = round(seconds, 2)
        figures[f"{run}_counts"] = dict(report.counts)
    figures.update(ok=True, peak_mb=round(vm_kb("VmHWM") / 1024))
    return figures


def child_peer(database_url: str, path: str) -> dict[str, object]:
    """The peer: json.load the whole file, then one executemany INSERT per table, no checks."""
    setup_django(database_url)
    from django.db import connection, transaction

    from interlocal.agreements.models import LegislativeMatter, MatterAction
    from interlocal.governments.models import Government

    gov = Government.objects.get(slug="bench-city").pk

    def statement(model: type[Any], given: list[str]) -> tuple[str, list[Any]]:
        """INSERT naming every column: the given ones as parameters, the others as their defaults."""
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        defaults = [f.get_default() for f in fields if f.attname not in given]
        defaults = [json.dumps(d) if isinstance(d, list | dict) else d for d in defaults]
        names = given + [f.column for f in fields if f.attname not in given]
        sql = f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})"
        return sql, defaults

    start = time.perf_counter()
    with open(path) as handle:
        data = json.load(handle)
    matter_cols = ["government_id", "client", "matter_id", "file_number", "type_name", "status_name", "title",
                   "body_name", "intro_date", "agenda_date", "version", "sponsors", "enactment_date"]  # fmt: skip
    action_cols = ["lock_version", "matter_id", "action_date", "version", "action_body_name", "action_name",
                   "passed_flag_name"]  # fmt: skip
    with transaction.atomic(), connection.cursor() as cursor:
        sql, rest = statement(LegislativeMatter, matter_cols)
        cursor.executemany(
            sql,
            [
                (
                    gov,
                    "bench",
                    m["MatterId"],
                    m["MatterFile"],
                    m["MatterTypeName"] or "",
                    m["MatterStatusName"] or "",
                    m["MatterTitle"],
                    m["MatterBodyName"] or "",
                    m["MatterIntroDate"][:10],
                    m["MatterAgendaDate"][:10],
                    m["MatterVersion"],
                    json.dumps([s["MatterSponsorName"] for s in m["MatterSponsors"]]),
                    (m["MatterEnactmentDate"] or "")[:10] or None,
                    *rest,
                )
                for m in data
            ],
        )
        cursor.execute("SELECT matter_id, id FROM agreements_legislativematter")
        pks = dict(cursor.fetchall())
        sql, rest = statement(MatterAction, action_cols)
        cursor.executemany(
            sql,
            [
                (
                    0,
                    pks[m["MatterId"]],
                    h["MatterHistoryActionDate"][:10],
                    h["MatterHistoryVersion"],
                    h["MatterHistoryActionBodyName"] or "",
                    h["MatterHistoryActionName"],
                    h["MatterHistoryPassedFlagName"] or "",
                    *rest,
                )
                for m in data
                for h in m["MatterHistories"]
            ],
        )
    seconds = time.perf_counter() - start
    return {"ok": True, "first": round(seconds, 2), "peak_mb": round(vm_kb("VmHWM") / 1024)}


def postgres_scratch() -> str | None:
    """A fresh scratch PostgreSQL database; None when the server is not reachable."""
    try:
        import psycopg
    except ImportError:
        return None
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_NAME}")
    except psycopg.Error as exc:
        print(f"PostgreSQL skipped: {exc}".strip())
        return None
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + PG_NAME


def drop_postgres() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")


def run_child(which: str, database_url: str, path: Path, var_dir: str) -> dict[str, object]:
    env = {**os.environ, "INTERLOCAL_VAR_DIR": var_dir}
    done = subprocess.run(
        [sys.executable, __file__, "--child", which, database_url, str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return {"ok": False, "problems": done.stderr.strip().splitlines()[-3:]}
    return dict(json.loads(lines[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--matters", type=int, default=50_000, help="matters in the synthetic client")
    parser.add_argument("--no-peer", action="store_true", help="skip the json.load + executemany peer")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        which, url, path = args.child
        print(json.dumps((child_ours if which == "ours" else child_peer)(url, path)))
        return
    n = args.matters
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "client.json"
        write_client(path, n)
        print(
            f"input: {n:,} matters with {3 * n:,} histories and {2 * n:,} sponsors nested, "
            f"{path.stat().st_size / 1e6:.0f} MB JSON"
        )
        print(
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall-clock figures suffer when busy)"
        )
        print(
            "peer: json.load of the whole file + one executemany INSERT per table (no checks, no comparison)"
        )
        try:
            for db_label in ("SQLite", "PostgreSQL"):
                figures = {}
                for which in ("ours", "peer")[: 1 if args.no_peer else 2]:
                    url = (
                        f"sqlite:///{tmp}/bench-{which}.sqlite3"
                        if db_label == "SQLite"
                        else postgres_scratch()
                    )
                    if url is None:
                        break
                    figures[which] = run_child(which, url, path, tmp)
                if "ours" not in figures:
                    continue
                ours = figures["ours"]
                if not ours.get("ok"):
                    print(f"{db_label:10} FAILED {ours.get('problems')}")
                    continue
                rate = n / float(ours["first"])  # type: ignore[arg-type]
                again = n / float(ours["again"])  # type: ignore[arg-type]
                met = rate >= 3000 and again >= 3000 and int(ours["peak_mb"]) < 300  # type: ignore[call-overload]
                line = (
                    f"{db_label:10} import {rate:>6,.0f} matters/s ({ours['first']} s, {ours['first_cpu']} s CPU)  "
                    f"unchanged re-import {again:>6,.0f} matters/s ({ours['again']} s, {ours['again_cpu']} s CPU)  "
                    f"peak {ours['peak_mb']} MB"
                )
                peer = figures.get("peer")
                if peer and peer.get("ok"):
                    peer_rate = n / float(peer["first"])  # type: ignore[arg-type]
                    line += (
                        f"  | peer {peer_rate:>7,.0f} matters/s, peak {peer['peak_mb']} MB: "
                        f"speed x{rate / peer_rate:.2f}, memory x{int(ours['peak_mb']) / int(peer['peak_mb']):.2f}"  # type: ignore[call-overload]
                    )
                if peer and not peer.get("ok"):
                    line += f"  | peer FAILED: {peer.get('problems')}"
                print(line + f"  (goal >= 3,000 matters/s, < 300 MB: {'met' if met else 'NOT met'})")
        finally:
            try:
                drop_postgres()
            except Exception as exc:
                print(f"scratch database not dropped: {exc}")


if __name__ == "__main__":
    main()
