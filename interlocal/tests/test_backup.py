"""Backup and restore: every record kept exactly, bad files and non-empty databases refused, nothing half-written."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError

from interlocal.backup import BackupError, backed_up_models, backup, restore
from interlocal.governments.models import Person
from interlocal.importers import exports
from interlocal.testkit import build_world


def _everything() -> dict[str, list[dict[str, Any]]]:
    """Every record type as the export writes it, plus the password hashes the export leaves out."""
    out = {name: list(exports.rows(model)) for name, model in exports.record_types().items()}
    out["password-hashes"] = [
        {"username": name, "password": hashed}
        for name, hashed in Person.objects.order_by("pk").values_list("username", "password")
    ]
    return out


def _record_count() -> int:
    return sum(m._base_manager.count() for m in backed_up_models())


def _world_with_accounts_history() -> None:
    """The test world plus a group, a permission and an admin log entry, which travel by natural key."""
    world = build_world()
    # Groups, permissions and the admin's log belong to django.contrib; the back office writes them directly.
    group = Group.objects.create(name="Clerks")
    group.permissions.add(Permission.objects.get(codename="view_government"))
    world.clerk.groups.add(group)
    world.clerk.user_permissions.add(Permission.objects.get(codename="change_initiative"))
    LogEntry.objects.create(
        user=world.admin,
        content_type=ContentType.objects.get_for_model(Person),
        object_id=str(world.clerk.pk),
        object_repr="clerk",
        action_flag=CHANGE,
        change_message="[]",
    )


def _empty_database() -> None:
    # flush also makes the content types and permissions again, under new ids.
    call_command("flush", interactive=False, verbosity=0)
    assert _record_count() == 0


def _rewrite(path: Path, edit: Callable[[dict[str, Any], list[bytes]], None], *, rehash: bool) -> None:
    """Rewrite a backup's header and body lines, optionally with a checksum that matches the edit."""
    with gzip.open(path, "rb") as stream:
        head = json.loads(stream.readline())
        body = stream.readlines()
    edit(head, body)
    if rehash:
        head["sha256"] = hashlib.sha256(b"".join(body)).hexdigest()
    path.write_bytes(gzip.compress(json.dumps(head).encode() + b"\n" + b"".join(body)))


def _last_row(head: dict[str, Any], body: list[bytes], model: str) -> tuple[dict[str, Any], int]:
    """A table's header entry and the index of its last row in the body."""
    table = next(t for t in head["tables"] if t["model"] == model)
    start = body.index(json.dumps({"model": model}, separators=(",", ":")).encode() + b"\n")
    assert table["count"] > 0
    return table, start + table["count"]


def _drop_last_row(model: str) -> Callable[[dict[str, Any], list[bytes]], None]:
    def edit(head: dict[str, Any], body: list[bytes]) -> None:
        body.pop(_last_row(head, body, model)[1])

    return edit


def _set_in_last_row(model: str, field: str, value: Any) -> Callable[[dict[str, Any], list[bytes]], None]:
    def edit(head: dict[str, Any], body: list[bytes]) -> None:
        table, line = _last_row(head, body, model)
        row = json.loads(body[line])
        row[table["fields"].index(field)] = value
        body[line] = json.dumps(row).encode() + b"\n"

    return edit


@pytest.mark.django_db(transaction=True)
def test_it_restores_every_record_with_its_keys_after_the_database_is_emptied(tmp_path: Path) -> None:
    _world_with_accounts_history()
    before = _everything()
    clerk_perms = sorted(Person.objects.get(username="clerk").get_all_permissions())
    header = backup(tmp_path / "site.jsonl.gz")
    assert header.counts()["audit.auditevent"] == len(before["audit-events"]) > 0
    assert header.counts()["governments.person_groups"] == 1
    _empty_database()

    restored = restore(tmp_path / "site.jsonl.gz")

    assert restored.sha256 == header.sha256
    assert _everything() == before
    # Permissions are referred to by natural key, so they survive the new ids flush gave them.
    assert sorted(Person.objects.get(username="clerk").get_all_permissions()) == clerk_perms
    assert LogEntry.objects.get().content_type == ContentType.objects.get_for_model(Person)


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_database_that_has_records_unless_told_to_replace_them(tmp_path: Path) -> None:
    build_world()
    backup(tmp_path / "site.jsonl.gz")
    before = _everything()
    Group.objects.create(name="Added after the backup")

    with pytest.raises(BackupError, match=r"the database is not empty .*--replace"):
        restore(tmp_path / "site.jsonl.gz")
    assert Group.objects.filter(name="Added after the backup").exists()

    restore(tmp_path / "site.jsonl.gz", replace=True)
    assert _everything() == before
    assert not Group.objects.exists()


@pytest.mark.django_db
def test_it_says_what_the_commands_did_and_refuses_in_one_line(tmp_path: Path) -> None:
    build_world()
    out = io.StringIO()
    call_command("backup", str(tmp_path / "site.jsonl.gz"), stdout=out)
    assert out.getvalue().startswith(
        f"Backed up {_record_count()} records of {len(backed_up_models())} tables"
    )

    with pytest.raises(
        CommandError, match=r"^the database is not empty \(.*\); restore into an empty, migrated"
    ) as e:
        call_command("restore", str(tmp_path / "site.jsonl.gz"))
    assert "\n" not in str(e.value)


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])


def _garble(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8] = b"\x00" * 8
    path.write_bytes(bytes(data))


BAD_FILES: dict[str, tuple[Callable[[Path], object], str]] = {
    "truncated": (_truncate, r"damaged or truncated"),
    "garbled": (_garble, r"damaged or truncated|not JSON|checksum"),
    "not gzip": (lambda p: p.write_text("id,name\n1,Lee's Summit\n"), r"damaged or truncated"),
    "other format": (
        lambda p: p.write_bytes(gzip.compress(b'{"format": "other"}\n')),
        r"not an Interlocal backup",
    ),
    "other format version": (
        lambda p: _rewrite(p, lambda head, body: head.update(format_version=99), rehash=False),
        r"backup format version 99 \(written by interlocal .*\); this interlocal .* reads version 1",
    ),
    "edited row": (
        lambda p: _rewrite(p, _set_in_last_row("governments.government", "name", "Edited"), rehash=False),
        r"checksum mismatch",
    ),
    "row removed": (
        lambda p: _rewrite(p, _drop_last_row("audit.auditevent"), rehash=True),
        r"has \d+ rows where the header says \d+",
    ),
    "other schema": (
        lambda p: _rewrite(
            p, lambda head, body: head["tables"][0]["fields"].append("lock_version"), rehash=False
        ),
        r"differs from this database's in lock_version .*restore with that version, then migrate",
    ),
    # These pass every check of the file and fail in the database, after other tables were written.
    "dangling key": (
        lambda p: _rewrite(p, _set_in_last_row("audit.auditevent", "actor_id", 10**9), rehash=True),
        r"restore failed, nothing was changed",
    ),
    "bad value": (
        lambda p: _rewrite(
            p, _set_in_last_row("agreements.adoption", "adopted_on", "13/04/2021"), rehash=True
        ),
        r"restore failed, nothing was changed: .*13/04/2021",
    ),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("damage", BAD_FILES, ids=list(BAD_FILES))
def test_it_refuses_a_bad_file_naming_it_and_writes_nothing(tmp_path: Path, damage: str) -> None:
    build_world()
    path = tmp_path / "site.jsonl.gz"
    backup(path)
    _empty_database()
    spoil, reason = BAD_FILES[damage]
    spoil(path)

    with pytest.raises(BackupError, match=reason) as refused:
        restore(path)

    assert str(refused.value).startswith(f"{path}: ")
    assert "\n" not in str(refused.value)
    assert _record_count() == 0


@pytest.mark.django_db
def test_it_leaves_no_file_behind_when_the_backup_cannot_be_written(tmp_path: Path) -> None:
    build_world()
    with pytest.raises(BackupError, match="no such directory"):
        backup(tmp_path / "missing" / "site.jsonl.gz")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_it_backs_up_every_model_with_a_table_except_sessions_and_migrate_made_ones() -> None:
    labels = {m._meta.label_lower for m in backed_up_models()}
    every = {m._meta.label_lower for m in apps.get_models(include_auto_created=True)}

    # The task queue and background jobs (issue 12) are transient like sessions.
    assert every - labels == {
        "sessions.session",
        "contenttypes.contenttype",
        "auth.permission",
        "django_tasks_database.dbtaskresult",
        "jobs.job",
    }
    assert {"audit.auditevent", "governments.person", "admin.logentry", "governments.person_groups"} <= labels


# The round trip across engines runs the real command line against throwaway databases.

POSTGRES = os.environ.get("INTERLOCAL_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432")
EXPORT_ALL = """
import io, json
from django.core.management import call_command
from django.core.management.base import CommandError
from interlocal.importers import exports
out = {}
for name in exports.record_types():
    buffer = io.StringIO()
    call_command("export", name, format="json", stdout=buffer)
    out[name] = json.loads(buffer.getvalue())
with open(OUT, "w") as f:
    json.dump(out, f)
"""


def _missing(reason: str) -> None:
    # CI runs PostgreSQL, so there an unreachable server is a failure, not a skip.
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def _start(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "interlocal.cli", *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(process: subprocess.Popen[str]) -> str:
    stdout, stderr = process.communicate(timeout=180)
    assert process.returncode == 0, f"{' '.join(map(str, process.args))} failed:\n{stderr[-2000:]}"  # type: ignore[arg-type]
    return stdout


def _ok(env: dict[str, str], *args: str) -> str:
    return _finish(_start(env, *args))


def _env(tmp_path: Path, name: str, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY")}
    # DEBUG on: the demo region is loaded only on a development site.
    env.update(DATABASE_URL=database_url, INTERLOCAL_VAR_DIR=str(tmp_path / name), DEBUG="true")
    return env


def _exports(env: dict[str, str], path: Path) -> dict[str, Any]:
    _ok(env, "shell", "--no-imports", "-c", EXPORT_ALL.replace("OUT", repr(str(path))))
    return dict(json.loads(path.read_text()))


def _header(path: Path) -> dict[str, Any]:
    with gzip.open(path, "rb") as stream:
        return dict(json.loads(stream.readline()))


def _password_hashes(sqlite_file: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(sqlite_file) as db:
        return db.execute("SELECT username, password FROM governments_person ORDER BY id").fetchall()


def _postgres_database() -> tuple[Any, str]:
    try:
        import psycopg

        admin = psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=5)
    except Exception as exc:
        _missing(f"PostgreSQL is unreachable at {POSTGRES} ({exc})")
    name = f"interlocal_backup_rt_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    return admin, name


def test_it_round_trips_sqlite_to_postgresql_to_sqlite_with_identical_exports(tmp_path: Path) -> None:
    admin, pg_name = _postgres_database()
    first = _env(tmp_path, "first", f"sqlite:///{tmp_path / 'first.sqlite3'}")
    middle = _env(tmp_path, "middle", f"{POSTGRES}/{pg_name}")
    last = _env(tmp_path, "last", f"sqlite:///{tmp_path / 'last.sqlite3'}")
    try:
        # Both fresh databases are migrated side by side; the second SQLite is a copy of the first, empty.
        migrating = _start(middle, "migrate", "--noinput")
        _ok(first, "migrate", "--noinput")
        shutil.copyfile(tmp_path / "first.sqlite3", tmp_path / "last.sqlite3")
        _ok(first, "demo")
        _ok(first, "backup", str(tmp_path / "first.jsonl.gz"))
        _finish(migrating)

        _ok(middle, "restore", str(tmp_path / "first.jsonl.gz"))
        _ok(middle, "backup", str(tmp_path / "middle.jsonl.gz"))
        _ok(last, "restore", str(tmp_path / "middle.jsonl.gz"))
        _ok(last, "backup", str(tmp_path / "last.jsonl.gz"))

        exported = [
            _exports(env, tmp_path / f"{n}.json") for n, env in [("a", first), ("b", middle), ("c", last)]
        ]
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        admin.close()

    assert exported[0] == exported[1] == exported[2]
    assert len(exported[0]["audit-events"]) > 100
    assert sum(1 for rows in exported[0].values() if rows) > 20
    headers = [_header(tmp_path / f"{n}.jsonl.gz") for n in ("first", "middle", "last")]
    assert [h["engine"] for h in headers] == ["sqlite", "postgresql", "sqlite"]
    counts = [{t["model"]: t["count"] for t in h["tables"]} for h in headers]
    assert counts[0] == counts[1] == counts[2]
    assert counts[0]["audit.auditevent"] == len(exported[0]["audit-events"])
    # The same content byte for byte, password hashes and many-to-many tables included.
    assert headers[0]["sha256"] == headers[1]["sha256"] == headers[2]["sha256"]
    assert _password_hashes(tmp_path / "first.sqlite3") == _password_hashes(tmp_path / "last.sqlite3")
