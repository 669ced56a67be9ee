"""Optimistic locking: every editable record carries a version, and a stale edit is refused, never applied."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F


class Versioned(models.Model):
    """A record whose every update bumps lock_version, so that an edit of a stale copy can be refused."""

    lock_version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="How many times the record was changed; an edit must start from the current one.",
    )

    class Meta:
        abstract = True


class EditConflict(Exception):
    """Someone else changed the record since the editor loaded it; nothing was written."""

    def __init__(
        self,
        *,
        current: models.Model | None,
        submitted: dict[str, Any] | None,
        expected_version: int | None,
        model: type[models.Model] | None = None,
    ) -> None:
        self.current = current
        self.submitted = dict(submitted or {})
        self.expected_version = expected_version
        self.model = model or (type(current) if current is not None else None)
        now = getattr(current, "lock_version", None)
        label = self.model._meta.verbose_name if self.model is not None else "record"
        super().__init__(
            f"This {label} was changed by someone else (version {expected_version} was edited, "
            f"version {now} is stored); nothing was saved."
        )


def check_version(
    model: type[models.Model], pk: Any, *, expected_version: int | None, submitted: Any = None
) -> None:
    """Lock the record's row and check it is still at expected_version; raise EditConflict if not."""
    rows = model._default_manager.filter(pk=pk)
    if expected_version is not None:
        rows = rows.filter(lock_version=expected_version)
    # A no-op UPDATE takes the row's write lock in the same statement as the comparison: a concurrent
    # editor waits here and then, on PostgreSQL, re-reads the row and sees the version has moved.
    if not rows.update(lock_version=F("lock_version")):
        current = model._default_manager.filter(pk=pk).first()
        raise EditConflict(
            current=current, submitted=submitted, expected_version=expected_version, model=model
        )


def lock_current(instance: models.Model, *, expected_version: int | None, submitted: Any = None) -> None:
    """Lock the record's row, check it is still at expected_version, and reload instance from it."""
    check_version(type(instance), instance.pk, expected_version=expected_version, submitted=submitted)
    # Apply the edit to the stored row, not to a copy loaded before someone else's write.
    instance.refresh_from_db()


def bump(instance: models.Model) -> None:
    """Count one more change of a locked record (the caller then saves lock_version with its fields)."""
    instance.lock_version += 1  # type: ignore[attr-defined]


def apply_versioned(
    instance: models.Model, values: dict[str, Any], *, expected_version: int | None
) -> dict[str, tuple[Any, Any]]:
    """Lock and check the record's version, set the values, and bump the version if anything changed."""
    # Imported here: models import this module for Versioned, and the audit app imports models.
    from interlocal.audit.actions import apply_changes

    lock_current(instance, expected_version=expected_version, submitted=values)
    changes = apply_changes(instance, values)
    if changes:
        bump(instance)
    return changes


def bump_rows(rows: models.QuerySet[Any], **values: Any) -> int:
    """Update many records at once, counting the change in each one's version."""
    return rows.update(lock_version=F("lock_version") + 1, **values)
