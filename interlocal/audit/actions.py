"""Writing audit events and applying audited field changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models, transaction

from interlocal.audit.models import AuditEvent
from interlocal.pagecache import bump_generation

_JSON_READY = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    # JSON has no dates, decimals or model instances; keep what a reader needs to see.
    if type(value) in _JSON_READY:
        return value
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.date | dt.datetime | Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def audit_record(
    *,
    acting_user: Any,
    verb: str,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
    note: str = "",
    collaborative: Any = None,
    government: Any = None,
    is_public: bool = False,
) -> AuditEvent:
    """Write one audit event for a write to obj; collaborative and government place it in activity feeds."""
    actor = acting_user if getattr(acting_user, "is_authenticated", False) else None
    event = AuditEvent.objects.create(
        actor=actor,
        verb=verb,
        model=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        changes={k: [_plain(a), _plain(b)] for k, (a, b) in (changes or {}).items()},
        note=note,
        collaborative=collaborative,
        government=government,
        is_public=is_public,
    )
    # Cached pages are keyed on the data generation: renew it once the write is visible to others (after the
    # event, which activity feeds show). Robust: a stamp that cannot be written is logged as an error rather
    # than failing a write already committed.
    transaction.on_commit(bump_generation, robust=True)
    return event


def apply_changes(instance: models.Model, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Set the given fields on instance and return {field: (old, new)} for those that changed."""
    changes: dict[str, tuple[Any, Any]] = {}
    for name, new in values.items():
        old = getattr(instance, name)
        if old != new:
            setattr(instance, name, new)
            changes[name] = (old, new)
    return changes


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, tuple[Any, Any]]:
    """Return a creation diff: every named field from None to its value."""
    return {name: (None, getattr(instance, name)) for name in fields}


def admin_save(
    *,
    acting_user: Any,
    instance: models.Model,
    changed_fields: list[str],
    created: bool,
    expected_version: int | None = None,
) -> None:
    """Save a record edited in the back office and audit exactly what the form changed.

    A versioned record must still be at expected_version (the one the form showed), else EditConflict.
    """
    from django.db import transaction

    from interlocal.conflicts import check_version

    versioned = hasattr(instance, "lock_version")
    with transaction.atomic():
        before: dict[str, Any] = {}
        if not created:
            if versioned:
                submitted = {f: getattr(instance, f, None) for f in changed_fields}
                check_version(
                    type(instance), instance.pk, expected_version=expected_version, submitted=submitted
                )
            fresh = type(instance)._default_manager.filter(pk=instance.pk).first()
            before = {f: getattr(fresh, f, None) for f in changed_fields if fresh is not None}
        concrete = {f.name for f in instance._meta.get_fields()}
        if created:
            instance.save()
        else:
            # Write only what the form changed, so a field another action set meanwhile is kept.
            written = [
                f.name
                for f in instance._meta.concrete_fields
                if f.name in changed_fields or getattr(f, "auto_now", False)
            ]
            if versioned and fresh is not None and changed_fields:
                instance.lock_version = fresh.lock_version + 1  # type: ignore[attr-defined]
                written.append("lock_version")
            if written:
                instance.save(update_fields=written)
        changes = {
            f: (before.get(f), getattr(instance, f, None))
            for f in changed_fields
            if f in concrete and not instance._meta.get_field(f).many_to_many
        }
        audit_record(
            acting_user=acting_user,
            verb=f"{instance._meta.model_name}_{'create' if created else 'update'}_admin",
            obj=instance,
            changes=changes,
        )


def audit_records_bulk(
    *,
    acting_user: Any,
    verb: str,
    objects: list[models.Model],
    changes: list[dict[str, Any]],
    collaborative: Any = None,
    government: Any = None,
    public: list[bool] | None = None,
) -> None:
    """Write one audit event per object in a single bulk insert (for imports of many records)."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.utils import timezone

    from interlocal.bulk import insert_rows, reserve_ids

    if not objects:
        return
    conn = connections[DEFAULT_DB_ALIAS]
    meta = AuditEvent._meta
    actor_id = acting_user.pk if getattr(acting_user, "is_authenticated", False) else None
    # Every event of one bulk write shares its moment, actor and context: prepare those once.
    at = meta.get_field("at").get_db_prep_save(timezone.now(), conn)  # type: ignore[union-attr]
    changes_field = meta.get_field("changes")
    label = objects[0]._meta.label_lower
    ids = reserve_ids(AuditEvent, len(objects))
    columns = ["id", "at", "actor_id", "verb", "model", "object_id", "object_repr", "changes", "note",
               "collaborative_id", "government_id", "is_public"]  # fmt: skip
    flags = public or [False] * len(objects)
    insert_rows(
        AuditEvent,
        columns,
        (
            (
                pk,
                at,
                actor_id,
                verb,
                label,
                str(obj.pk),
                str(obj)[:300],
                changes_field.get_db_prep_save(  # type: ignore[union-attr]
                    {k: [_plain(a), _plain(b)] for k, (a, b) in diff.items()}, conn
                ),
                "",
                getattr(collaborative, "pk", None),
                getattr(government, "pk", None),
                is_public,
            )
            for pk, obj, diff, is_public in zip(ids, objects, changes, flags, strict=True)
        ),
    )
    transaction.on_commit(bump_generation, robust=True)
