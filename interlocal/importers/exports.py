"""Every record type to CSV or JSON, and matters and actions in Open Civic Data's bill/action shape."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Protocol

from django.apps import apps
from django.db import models

from interlocal.agreements.models import LegislativeMatter, MatterAction
from interlocal.csvsafe import SafeCsvWriter
from interlocal.legislation.models import Event


class Writer(Protocol):
    """Anything text can be written to (a file, a response, a command's stdout)."""

    def write(self, text: str, /) -> Any: ...


# Secrets and session state never leave through an export. Attachment files leave through their download
# view and the backup: a table export names them (file_name) rather than carrying megabytes in a cell.
EXCLUDED_FIELDS = {
    "governments.person": {"password", "last_login"},
    "agreements.matterattachment": {"content"},
    # An answer's evidence file (issue 11), like an attachment: named by its file name, not carried in a cell.
    "assessments.answer": {"content"},
    # A background job's file (issue 12): named by result_name, downloaded from its job page by its owner.
    "jobs.job": {"result"},
}


def record_types() -> dict[str, type[models.Model]]:
    """Export names (plural, dashed) of every model of the Interlocal apps."""
    out: dict[str, type[models.Model]] = {}
    for model in apps.get_models():
        if not model.__module__.startswith("interlocal."):
            continue
        name = str(model._meta.verbose_name_plural).replace(" ", "-").lower()
        if name.endswith("ys") and name[-3] not in "aeiou":
            # Django's default plural of "agreement party" is "agreement partys".
            name = name[:-2] + "ies"
        out[name] = model
    return dict(sorted(out.items()))


def columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The concrete fields of a model, foreign keys as their ids."""
    excluded = EXCLUDED_FIELDS.get(model._meta.label_lower, set())
    return [f for f in model._meta.concrete_fields if f.name not in excluded]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def rows(model: type[models.Model]) -> Iterator[dict[str, Any]]:
    """Stream a model's rows as {column: value}, in primary-key order."""
    fields = columns(model)
    names = [f.attname for f in fields]
    for values in model._default_manager.order_by("pk").values_list(*names).iterator(chunk_size=2000):
        yield {name: _plain(v) for name, v in zip(names, values, strict=True)}


def write_csv(model: type[models.Model], out: Writer) -> int:
    """Write a CSV with one header row; lists and objects become JSON in their cell; formulas become text."""
    fields = columns(model)
    writer = SafeCsvWriter(out)
    writer.writerow([f.attname for f in fields])
    count = 0
    for row in rows(model):
        writer.writerow(
            [json.dumps(v) if isinstance(v, list | dict) else ("" if v is None else v) for v in row.values()]
        )
        count += 1
    return count


def write_json_array(items: Iterator[Any], out: Writer) -> int:
    """Write a JSON array one element at a time, so big tables stream."""
    out.write("[")
    count = 0
    for item in items:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(item, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def ocd_action(action: MatterAction) -> dict[str, Any]:
    """A matter action in OCD's bill action shape."""
    classification = []
    result = action.passed_flag_name.lower()
    if result.startswith("pass"):
        classification.append("passage")
    elif result.startswith("fail"):
        classification.append("failure")
    return {
        "description": action.action_name,
        "date": action.action_date.isoformat(),
        "organization": {"name": action.action_body_name},
        "classification": classification,
        "extras": {"version": action.version, "result": action.passed_flag_name, "tally": action.tally},
    }


def _ocd_jurisdiction(government: Any) -> str:
    """OCD's jurisdiction id for a government: its division id recast, as OCD names the governing body."""
    division = government.ocd_division_id
    if not division.startswith("ocd-division/"):
        return government.name
    return "ocd-jurisdiction/" + division.removeprefix("ocd-division/") + "/government"


def ocd_bill(matter: LegislativeMatter) -> dict[str, Any]:
    """A legislative matter in OCD's bill shape, with its actions and documents."""
    return {
        "identifier": matter.file_number,
        "title": matter.title,
        "classification": [matter.type_name.lower()] if matter.type_name else [],
        "jurisdiction": _ocd_jurisdiction(matter.government),
        "from_organization": {"name": matter.body_name},
        "subject": list(matter.indexes),
        "sponsorships": [
            {
                "name": name,
                "primary": i == 0,
                "entity_type": "person",
                "classification": "Primary" if i == 0 else "Regular",
            }
            for i, name in enumerate(matter.sponsors)
        ],
        "actions": [ocd_action(a) for a in matter.actions.all()],
        "documents": [
            {"note": a.name, "links": [{"url": a.url, "media_type": ""}] if a.url else []}
            for a in matter.attachments.all()
        ],
        "sources": [],
        "extras": {
            "legistar_client": matter.client,
            "legistar_matter_id": matter.matter_id,
            "status": matter.status_name,
            "intro_date": _plain(matter.intro_date),
            "agenda_date": _plain(matter.agenda_date),
            "passed_date": _plain(matter.passed_date),
            "version": matter.version,
        },
    }


def ocd_event(event: Event) -> dict[str, Any]:
    """A meeting in OCD's event shape: its agenda items, each with the bill it considers and its roll call."""
    documents = [
        {"note": note, "links": [{"url": url, "media_type": ""}]}
        for note, url in (("Agenda", event.agenda_file), ("Minutes", event.minutes_file))
        if url
    ]
    return {
        "name": event.body_name,
        "start_date": _plain(event.date),
        "jurisdiction": _ocd_jurisdiction(event.government),
        "location": {"name": event.location},
        "classification": "committee-meeting" if "committee" in event.body_name.lower() else "meeting",
        "participants": [{"name": event.body_name, "entity_type": "organization", "note": "host"}],
        "documents": documents,
        "sources": [{"url": event.in_site_url, "note": "Legistar"}] if event.in_site_url else [],
        "agenda": [
            {
                "description": item.title,
                "order": str(item.agenda_sequence if item.agenda_sequence is not None else ""),
                "related_entities": [{"entity_type": "bill", "name": item.matter_file}]
                if item.matter_file
                else [],
                "extras": {
                    "action": item.action_name,
                    "result": item.passed_flag_name,
                    "tally": item.tally,
                    "version": item.version,
                    "votes": [
                        {"voter_name": v.person_name, "option": v.value_name} for v in item.votes.all()
                    ],
                },
            }
            for item in event.items.all()
        ],
        "extras": {
            "legistar_client": event.client,
            "legistar_event_id": event.event_id,
            "time": event.time,
            "agenda_status": event.agenda_status_name,
            "minutes_status": event.minutes_status_name,
        },
    }


def ocd_items(model: type[models.Model]) -> Iterator[dict[str, Any]]:
    """Matters as OCD bills, actions as OCD bill actions naming their bill, meetings as OCD events."""
    if model is LegislativeMatter:
        matters = LegislativeMatter.objects.select_related("government").prefetch_related(
            "actions", "attachments"
        )
        for matter in matters.order_by("pk").iterator(chunk_size=500):
            yield ocd_bill(matter)
        return
    if model is MatterAction:
        for action in MatterAction.objects.select_related("matter").order_by("pk").iterator(chunk_size=2000):
            yield {**ocd_action(action), "bill": action.matter.file_number}
        return
    if model is Event:
        events = Event.objects.select_related("government").prefetch_related("items__votes")
        for event in events.order_by("pk").iterator(chunk_size=200):
            yield ocd_event(event)
        return
    raise ValueError("the ocd format covers legislative matters, their actions and meetings (events) only")
