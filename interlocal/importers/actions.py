"""Writes of the importers app: a government's Legistar sync settings and its runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from interlocal import access
from interlocal.audit.actions import apply_changes, audit_record, snapshot
from interlocal.governments.models import Government, Person
from interlocal.importers.models import LegistarSync

_SETTINGS = ("base_url", "enabled", "interval_minutes")


@transaction.atomic
def legistar_sync_configure(
    *,
    acting_user: Person,
    government: Government,
    client: str,
    base_url: str | None = None,
    enabled: bool | None = None,
    interval_minutes: int | None = None,
) -> LegistarSync:
    """Create or change a government's sync from a Legistar client (schedule, base URL)."""
    access.require(
        acting_user,
        "importers.change_legistarsync",
        government,
        "You may not change this government's Legistar sync.",
    )
    given: dict[str, Any] = {
        k: v
        for k, v in {"base_url": base_url, "enabled": enabled, "interval_minutes": interval_minutes}.items()
        if v is not None
    }
    sync = LegistarSync.objects.select_for_update().filter(government=government, client=client).first()
    if sync is None:
        sync = LegistarSync(government=government, client=client, **given)
        sync.full_clean()
        sync.save()
        audit_record(
            acting_user=acting_user,
            verb="legistar_sync_create",
            obj=sync,
            government=government,
            changes=snapshot(sync, ["client", *_SETTINGS]),
        )
        return sync
    changes = apply_changes(sync, given)
    if changes:
        sync.full_clean()
        sync.save(update_fields=list(changes))
        audit_record(
            acting_user=acting_user,
            verb="legistar_sync_update",
            obj=sync,
            government=government,
            changes=changes,
        )
    return sync


def legistar_sync_run(
    *, acting_user: Person, sync: LegistarSync, since: dt.datetime | None = None, **options: Any
) -> Any:
    """Run or resume the sync (not atomic as a whole: each page commits with its cursor)."""
    from interlocal.importers.legistar_sync import run_sync

    access.require(
        acting_user,
        "importers.change_legistarsync",
        sync.government,
        "You may not run this government's Legistar sync.",
    )
    return run_sync(sync, acting_user=acting_user, since=since, **options)
