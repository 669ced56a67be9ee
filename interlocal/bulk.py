"""Fast bulk inserts for imports: primary keys reserved first, then one prepared statement for all rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models

M = TypeVar("M", bound=models.Model)
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)
_PLAIN_TYPES = frozenset({str, int, bool})


def _connection() -> Any:
    # The real connection, not django.db.connection's proxy, which costs a thread-local lookup per use.
    return connections[DEFAULT_DB_ALIAS]


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Primary keys for count new rows of model, safe against concurrent writers."""
    if count == 0:
        return []
    conn = _connection()
    table, pk = model._meta.db_table, model._meta.pk
    assert pk is not None
    quote = conn.ops.quote_name
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: transactions start IMMEDIATE (settings), so inside one no other writer can take these ids.
        if not conn.in_atomic_block:
            raise RuntimeError("reserve_ids on SQLite must run inside transaction.atomic")
        cursor.execute(f"SELECT COALESCE(MAX({quote(pk.column)}), 0) FROM {quote(table)}")
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert rows of database-ready values (already prepared for this backend) into model's table."""
    conn = _connection()
    quote = conn.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            # COPY streams every row in one round trip; executemany would send one statement per row.
            with cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({placeholders})", rows
            )


def insert_objects(objects: Sequence[M]) -> list[M]:
    """Insert unsaved instances of one model with reserved primary keys; returns them with pk set."""
    if not objects:
        return []
    conn = _connection()
    model = type(objects[0])
    for obj, pk in zip(objects, reserve_ids(model, len(objects)), strict=True):
        obj.pk = pk
    fields = list(model._meta.concrete_fields)
    # Per column: its attribute, whether pre_save must run (auto timestamps), and whether plain values of
    # text, integer, boolean and key columns may skip preparation (true on both backends); dates, decimals
    # and JSON always go through Django's field preparation.
    specs = [
        (
            f,
            f.attname,
            bool(getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)),
            isinstance(f, _PLAIN_FIELDS),
        )
        for f in fields
    ]

    def prepare(obj: models.Model) -> tuple[Any, ...]:
        values = []
        for field, attname, stamps, is_plain in specs:
            value = field.pre_save(obj, True) if stamps else getattr(obj, attname)
            if not (is_plain and (value is None or type(value) in _PLAIN_TYPES)):
                value = field.get_db_prep_save(value, conn)
            values.append(value)
        return tuple(values)

    insert_rows(model, [f.column for f in fields], [prepare(obj) for obj in objects])
    for obj in objects:
        obj._state.adding = False
        obj._state.db = conn.alias
    return list(objects)
