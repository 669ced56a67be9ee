"""Engine-independent backup and restore of every record: one gzip'd JSON-lines file with a checked header."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import gzip
import hashlib
import json
import os
import shutil
import tempfile
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.utils import timezone
from django.utils.duration import duration_iso_string

from interlocal.bulk import insert_rows
from interlocal.pagecache import bump_generation

FORMAT = "interlocal-backup"
FORMAT_VERSION = 1
# Migrate creates content types and permissions itself, with ids that differ between databases, so they are
# not copied; references to them travel as natural keys. Sessions are transient and are never copied.
NATURAL_KEY_MODELS = frozenset({"contenttypes.contenttype", "auth.permission"})
# Not backed up: sessions; the task queue and background jobs (issue 12), whose results are made again on
# request and whose queued or running rows would start or hang after a restore.
TRANSIENT_MODELS = frozenset({"sessions.session", "django_tasks_database.dbtaskresult", "jobs.job"})
BATCH = 2000
# bulk.insert_rows writes through the default connection, so backups read and restores write that one too.
ALIAS = DEFAULT_DB_ALIAS


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message is one line naming the file and the problem."""


@dataclass
class Header:
    """The first line of a backup: what wrote it, when, and what it holds."""

    app_version: str
    created_at: str
    engine: str
    sha256: str
    tables: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Rows per model label."""
        return {t["model"]: t["count"] for t in self.tables}


def app_version() -> str:
    """Interlocal's installed version."""
    try:
        return version("interlocal")
    except PackageNotFoundError:
        return "unknown"


def backed_up_models() -> list[type[models.Model]]:
    """Every model with its own table that a backup holds, many-to-many tables included, in registry order."""
    out = []
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if not opts.managed or opts.proxy or opts.swapped:
            continue
        if opts.label_lower in NATURAL_KEY_MODELS | TRANSIENT_MODELS:
            continue
        out.append(model)
    return out


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    # Local fields only: a child of multi-table inheritance keeps its parent's columns in the parent's table.
    return list(model._meta.local_concrete_fields)


def _natural_target(f: models.Field[Any, Any]) -> type[models.Model] | None:
    """The model a foreign key points at when that model travels by natural key."""
    target = f.related_model if f.is_relation else None
    if isinstance(target, type) and target._meta.label_lower in NATURAL_KEY_MODELS:
        return target
    return None


def _encode(f: models.Field[Any, Any], value: Any) -> Any:
    """A column's value as JSON, exactly (no rounding of datetimes or decimals)."""
    if value is None or isinstance(f, models.JSONField):
        return value
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise BackupError(
        f"{f.model._meta.label}.{f.name}: cannot back up a value of type {type(value).__name__}"
    )


def _dump(item: Any) -> bytes:
    # Sorted keys make the content, and so its checksum, the same whichever engine it was read from.
    return (json.dumps(item, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode()


def _model_rows(model: type[models.Model], alias: str) -> Iterator[list[Any]]:
    """Stream a model's rows in primary-key order, encoded for JSON."""
    fields = _columns(model)
    natural: dict[int, dict[Any, list[Any]]] = {}
    for i, f in enumerate(fields):
        target = _natural_target(f)
        if target is not None:
            records: Any = target._base_manager.using(alias).select_related()
            natural[i] = {o.pk: list(o.natural_key()) for o in records}
    qs = model._base_manager.using(alias).order_by("pk").values_list(*[f.attname for f in fields])
    for values in qs.iterator(chunk_size=BATCH):
        row = []
        for i, (f, value) in enumerate(zip(fields, values, strict=True)):
            row.append(natural[i][value] if i in natural and value is not None else _encode(f, value))
        yield row


@contextlib.contextmanager
def _snapshot(alias: str) -> Iterator[None]:
    """One read transaction, so every table comes from the same snapshot (PostgreSQL: REPEATABLE READ)."""
    conn = connections[alias]
    outermost = not conn.in_atomic_block
    with transaction.atomic(using=alias):
        # Only a transaction's first statement may set its isolation; inside an outer one, that one rules.
        if conn.vendor == "postgresql" and outermost:
            with conn.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        # SQLite: one transaction reads one consistent state of the file.
        yield


def backup(path: Path) -> Header:
    """Write every record to path (gzip'd JSON lines); the file appears only once complete."""
    path, using = Path(path), ALIAS
    directory = path.resolve().parent
    if not directory.is_dir():
        raise BackupError(f"{path}: no such directory {directory}")
    digest = hashlib.sha256()
    tables: list[dict[str, Any]] = []
    # The header (with counts and checksum) comes first, so the rows go to a side file that is appended to it.
    with tempfile.TemporaryFile(dir=directory) as body_file:
        with gzip.GzipFile(fileobj=body_file, mode="wb", compresslevel=6, mtime=0) as body, _snapshot(using):
            for model in backed_up_models():
                label = model._meta.label_lower
                line = _dump({"model": label})
                digest.update(line)
                body.write(line)
                count = 0
                for row in _model_rows(model, using):
                    line = _dump(row)
                    digest.update(line)
                    body.write(line)
                    count += 1
                tables.append(
                    {"model": label, "count": count, "fields": [f.attname for f in _columns(model)]}
                )
        header = Header(
            app_version=app_version(),
            created_at=timezone.now().isoformat(),
            engine=connections[using].vendor,
            sha256=digest.hexdigest(),
            tables=tables,
        )
        head = {"format": FORMAT, "format_version": FORMAT_VERSION, **header.__dict__}
        body_file.seek(0)
        fd, partial = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".partial")
        try:
            with os.fdopen(fd, "wb") as out:
                # Two gzip members read back as one stream: the header line, then the rows.
                out.write(gzip.compress(_dump(head), compresslevel=6, mtime=0))
                shutil.copyfileobj(body_file, out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, path)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return header


@contextlib.contextmanager
def _reading(path: Path) -> Iterator[gzip.GzipFile]:
    """Open a backup, turning a missing, unreadable, truncated or non-gzip file into a one-line error."""
    try:
        with gzip.open(path, "rb") as stream:
            yield stream
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    except (OSError, EOFError, zlib.error) as exc:
        raise BackupError(f"{path}: damaged or truncated ({exc})") from None


def _read_header(path: Path, stream: gzip.GzipFile) -> Header:
    """Read and check the first line of a backup."""
    try:
        head = json.loads(stream.readline())
    except ValueError:
        head = None
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        raise BackupError(f"{path}: not an Interlocal backup (its first line is no {FORMAT} header)")
    if head.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path}: backup format version {head.get('format_version')!r} (written by interlocal "
            f"{head.get('app_version')}); this interlocal {app_version()} reads version {FORMAT_VERSION}"
        )
    try:
        tables = [
            {"model": str(t["model"]), "count": int(t["count"]), "fields": list(t["fields"])}
            for t in head["tables"]
        ]
        return Header(
            app_version=str(head["app_version"]),
            created_at=str(head["created_at"]),
            engine=str(head["engine"]),
            sha256=str(head["sha256"]),
            tables=tables,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BackupError(f"{path}: the header is incomplete ({exc!r} missing or malformed)") from None


def _records(path: Path, stream: gzip.GzipFile, header: Header) -> Iterator[tuple[str, list[Any]]]:
    """Every row after the header as (model label, values), checking order, shape, counts and checksum."""
    digest = hashlib.sha256()
    order = iter(header.tables)
    table: dict[str, Any] | None = None
    seen: dict[str, int] = {}
    for number, raw in enumerate(stream, start=2):
        digest.update(raw)
        try:
            item = json.loads(raw)
        except ValueError:
            raise BackupError(f"{path}: line {number} is not JSON (damaged or truncated)") from None
        if isinstance(item, dict):
            table = next(order, None)
            if table is None or item.get("model") != table["model"]:
                raise BackupError(f"{path}: line {number} starts an unexpected table {item.get('model')!r}")
            seen[table["model"]] = 0
            continue
        if table is None or not isinstance(item, list) or len(item) != len(table["fields"]):
            raise BackupError(f"{path}: line {number} is not a row of the table it follows (damaged)")
        seen[table["model"]] += 1
        yield table["model"], item
    missing = [t["model"] for t in order]
    if missing:
        raise BackupError(f"{path}: the file ends before {missing[0]} (truncated)")
    for label, count in header.counts().items():
        if seen[label] != count:
            raise BackupError(
                f"{path}: {label} has {seen[label]} rows where the header says {count} (damaged)"
            )
    if digest.hexdigest() != header.sha256:
        raise BackupError(
            f"{path}: checksum mismatch: the content is not what was backed up (damaged or edited)"
        )


def verify(path: Path) -> Header:
    """Read a whole backup without touching the database; its header when everything checks out."""
    with _reading(path) as stream:
        header = _read_header(path, stream)
        for _ in _records(path, stream, header):
            pass
    return header


def _target_fields(
    path: Path, header: Header
) -> dict[str, tuple[type[models.Model], list[models.Field[Any, Any]]]]:
    """Each backed-up table's model here and its fields in the backup's column order; refuses other schemas."""
    here = {m._meta.label_lower: m for m in backed_up_models()}
    out = {}
    for table in header.tables:
        model = here.get(table["model"])
        if model is None:
            raise BackupError(
                f"{path}: holds {table['model']}, which this database has no table for (backup from "
                f"interlocal {header.app_version}; restore with that version)"
            )
        by_name = {f.attname: f for f in _columns(model)}
        if set(by_name) != set(table["fields"]):
            differ = sorted(set(by_name) ^ set(table["fields"]))
            raise BackupError(
                f"{path}: {table['model']} differs from this database's in {', '.join(differ)} (backup from "
                f"interlocal {header.app_version}; restore with that version, then migrate)"
            )
        out[table["model"]] = (model, [by_name[name] for name in table["fields"]])
    return out


def _nonempty(using: str) -> list[str]:
    return [m._meta.label_lower for m in backed_up_models() if m._base_manager.using(using).exists()]


def _refuse_nonempty(using: str) -> None:
    nonempty = _nonempty(using)
    if nonempty:
        raise BackupError(
            f"the database is not empty ({', '.join(nonempty[:3])}{', ...' if len(nonempty) > 3 else ''} have "
            "records); restore into an empty, migrated database, or pass --replace to delete every record first"
        )


class _Loader:
    """Turns a backup's rows into database values for one connection."""

    def __init__(self, path: Path, using: str) -> None:
        self.path = path
        self.conn = connections[using]
        self.using = using
        self.natural: dict[tuple[type[models.Model], tuple[Any, ...]], Any] = {}

    def natural_pk(self, model: type[models.Model], key: list[Any]) -> Any:
        """The primary key here of the record a natural key names."""
        cache_key = (model, tuple(key))
        if cache_key not in self.natural:
            manager: Any = model._default_manager.db_manager(self.using)
            try:
                pk = manager.get_by_natural_key(*key).pk
            except model.DoesNotExist:  # type: ignore[attr-defined]
                if model is not ContentType:
                    raise BackupError(
                        f"{self.path}: refers to {model._meta.label_lower} {key}, which this database lacks"
                    ) from None
                # A content type of a model removed since is history, not an error: make it again.
                pk = manager.create(app_label=key[0], model=key[1]).pk
            self.natural[cache_key] = pk
        return self.natural[cache_key]

    def prepare(self, fields: list[models.Field[Any, Any]], row: list[Any]) -> list[Any]:
        """A row as values ready for this backend."""
        out = []
        for f, value in zip(fields, row, strict=True):
            target = _natural_target(f)
            if value is not None and target is not None:
                out.append(self.natural_pk(target, value))
            elif value is None or isinstance(f, models.JSONField):
                out.append(f.get_db_prep_save(value, self.conn))
            else:
                out.append(f.get_db_prep_save(f.to_python(value), self.conn))
        return out

    def insert(
        self, model: type[models.Model], fields: list[models.Field[Any, Any]], rows: list[list[Any]]
    ) -> None:
        """Insert prepared rows with their primary keys."""
        if rows:
            insert_rows(model, [f.column for f in fields], rows)


def _delete_everything(using: str) -> None:
    conn = connections[using]
    quote = conn.ops.quote_name
    tables = [m._meta.db_table for m in backed_up_models()]
    tables += [
        apps.get_model(label)._meta.db_table
        for label in TRANSIENT_MODELS
        if apps.is_installed(label.split(".")[0])
    ]
    with conn.cursor() as cursor:
        for table in tables:
            # Foreign keys are checked at commit (Django makes them deferrable), when every table is refilled.
            cursor.execute(f"DELETE FROM {quote(table)}")


def restore(path: Path, *, replace: bool = False) -> Header:
    """Load a backup into an empty database (or, with replace, instead of its records), all or nothing."""
    path, using = Path(path), ALIAS
    if not replace:
        _refuse_nonempty(using)
    header = verify(path)
    targets = _target_fields(path, header)
    conn = connections[using]
    loader = _Loader(path, using)
    try:
        with transaction.atomic(using=using), _reading(path) as stream:
            if not replace:
                _refuse_nonempty(using)
            # Sessions name users by id, and after a restore an id may be someone else: everyone signs in again.
            _delete_everything(using)
            # No cached page from before the restore may be served after it.
            transaction.on_commit(bump_generation, using=using, robust=True)
            _read_header(path, stream)
            current: str | None = None
            batch: list[list[Any]] = []
            for label, row in _records(path, stream, header):
                if label != current or len(batch) >= BATCH:
                    if current is not None:
                        loader.insert(*targets[current], batch)
                    current, batch = label, []
                batch.append(loader.prepare(targets[label][1], row))
            if current is not None:
                loader.insert(*targets[current], batch)
            for label, count in header.counts().items():
                found = targets[label][0]._base_manager.using(using).count()
                if found != count:
                    raise BackupError(f"{path}: {label} has {found} rows after the restore, not {count}")
            conn.check_constraints(table_names=[model._meta.db_table for model, _ in targets.values()])
            with conn.cursor() as cursor:
                for sql in conn.ops.sequence_reset_sql(no_style(), [model for model, _ in targets.values()]):
                    cursor.execute(sql)
    except (DatabaseError, ValidationError, ValueError, TypeError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise BackupError(f"{path}: restore failed, nothing was changed: {reason}") from None
    return header
