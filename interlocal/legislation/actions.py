"""Writes to council records. Imports and sync store them through `ingest.ingest_batch`; people only decide
whether a record is shown on the public portal."""

from __future__ import annotations

from django.db import transaction

from interlocal import access
from interlocal.audit.actions import audit_record
from interlocal.governments.models import Person
from interlocal.legislation.ingest import Counts, ingest_batch
from interlocal.legislation.models import Event, Official

__all__ = ["Counts", "council_record_publish", "ingest_batch"]


@transaction.atomic
def council_record_publish(*, acting_user: Person, record: Event | Official, is_published: bool) -> None:
    """Show or hide a meeting or an official on the public portal (its government's people always see it)."""
    access.require(
        acting_user,
        "agreements.add_legislativematter",
        record.government,
        "You may not publish this council's records.",
    )
    locked = type(record)._default_manager.select_for_update().get(pk=record.pk)
    if locked.is_published == is_published:
        return
    type(record)._default_manager.filter(pk=record.pk).update(is_published=is_published)
    record.is_published = is_published
    audit_record(
        acting_user=acting_user,
        verb="council_record_publish",
        obj=record,
        government=record.government,
        changes={"is_published": (not is_published, is_published)},
    )
