"""Store parsed Legistar records in bulk: matters with their histories, sponsors, indexes and attachments, and
bodies, persons, office records, events, event items and roll-call votes.

`ingest_batch` is the one write path for the `legistar-api` importer and for live sync. It reads what is stored
for the batch's ids in a few queries, compares in Python (a digest for the legislation tables, the fields for
matters and their rows), then writes with bulk_create / bulk_update: an unchanged batch costs reads only.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection, models, transaction

from interlocal import access
from interlocal.agreements.models import LegislativeMatter, MatterAction, MatterAttachment
from interlocal.audit.actions import audit_record
from interlocal.governments.models import Government, Person
from interlocal.importers.parsers.legistar_api import dedupe_histories, matter_outcome
from interlocal.importers.parsers.records import (
    LegistarAttachment,
    LegistarBody,
    LegistarEvent,
    LegistarEventItem,
    LegistarMatter,
    LegistarMatterHistory,
    LegistarMatterIndex,
    LegistarOfficeRecord,
    LegistarPerson,
    LegistarRecord,
    LegistarSponsor,
    LegistarVote,
)
from interlocal.legislation.models import Body, Event, EventItem, OfficeRecord, Official, Vote

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
# The preview lists this many records one by one; beyond it only the counts grow.
MAX_LISTED = 1000
BATCH = 1000
# LegislativeMatter.enactment_date arrived with the legistar-web work; store it whenever the field exists.
_MATTER_HAS_ENACTMENT_DATE = any(f.name == "enactment_date" for f in LegislativeMatter._meta.get_fields())


class IngestRefused(Exception):
    """The batch cannot be stored as given; nothing of it was written."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{where}: {why}" for where, why in self.problems[:5]))


@dataclass
class Counts:
    """What a batch did, per record kind: {"matters": Counter(new=3, unchanged=7), ...}."""

    kinds: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    listed: list[tuple[str, str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, status: str, kind: str, key: str, detail: str = "") -> None:
        """Count one record, listing the first MAX_LISTED."""
        self.kinds[kind][status] += 1
        if len(self.listed) < MAX_LISTED:
            self.listed.append((status, kind, key, detail))

    def total(self, status: str) -> int:
        """Records of every kind with this status."""
        return sum(c[status] for c in self.kinds.values())

    @property
    def changes(self) -> int:
        """Records created or changed."""
        return self.total(NEW) + self.total(CHANGED)

    def merge(self, other: Counts) -> None:
        """Add another batch's counts to these."""
        for kind, counter in other.kinds.items():
            self.kinds[kind].update(counter)
        room = MAX_LISTED - len(self.listed)
        self.listed.extend(other.listed[: max(room, 0)])
        self.notes.extend(other.notes)

    def summary(self) -> dict[str, dict[str, int]]:
        """Plain counts for the audit log."""
        return {kind: dict(counter) for kind, counter in sorted(self.kinds.items())}


def _digest(values: dict[str, Any]) -> str:
    return hashlib.md5(repr(tuple(values.values())).encode(), usedforsecurity=False).hexdigest()


_LIMITS: dict[type[models.Model], list[tuple[str, int]]] = {}


def _limits(model: type[models.Model]) -> list[tuple[str, int]]:
    if model not in _LIMITS:
        _LIMITS[model] = [
            (f.name, f.max_length)
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField) and f.max_length and not f.choices
        ]
    return _LIMITS[model]


def _too_long(model: type[models.Model], values: dict[str, Any]) -> tuple[str, int] | None:
    for name, limit in _limits(model):
        value = values.get(name)
        if isinstance(value, str) and len(value) > limit:
            return name, limit
    return None


def _chunks(items: Sequence[Any], size: int = 900) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- raw bulk writes ------------------------------------------------------------------------------
# Django's bulk_create builds a model instance and prepares every value through the field for each row; at
# tens of thousands of rows that is most of the time. These write the same columns with one executemany.

_COLUMNS: dict[type[models.Model], list[tuple[str, str, Any, Any]]] = {}


def _identity(value: Any) -> Any:
    return value


def _columns(model: type[models.Model]) -> list[tuple[str, str, Any, Any]]:
    """(attname, column, default, to-database converter) of every concrete non-pk field."""
    if model not in _COLUMNS:
        out = []
        ops = connection.ops
        for f in model._meta.concrete_fields:
            if f.primary_key:
                continue
            convert: Any = _identity
            if isinstance(f, models.JSONField):
                convert = json.dumps
            elif isinstance(f, models.DateTimeField):
                convert = ops.adapt_datetimefield_value
            elif isinstance(f, models.DateField):
                convert = ops.adapt_datefield_value
            out.append((f.attname, f.column, f.get_default(), convert))
        _COLUMNS[model] = out
    return _COLUMNS[model]


def _insert(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> None:
    """INSERT the rows (dicts by attname; absent fields take their default): COPY on PostgreSQL, else executemany."""
    if not rows:
        return
    cols = _columns(model)
    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for _, c, _, _ in cols)
    plain = [(att, default) for att, _, default, conv in cols if conv is _identity]
    converted = [(att, default, conv) for att, _, default, conv in cols if conv is not _identity]
    order = [att for att, _ in plain] + [att for att, _, _ in converted]
    by_position = {att: i for i, att in enumerate(order)}
    # Values in the table's column order, built with as few calls per cell as possible.
    index = [by_position[att] for att, _, _, _ in cols]
    params = []
    for row in rows:
        values = [row.get(att, default) for att, default in plain]
        values += [conv(row.get(att, default)) for att, default, conv in converted]
        params.append([values[i] for i in index])
    table = qn(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY loads rows several times faster than INSERT; psycopg adapts each value as INSERT would.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for values in params:
                    copy.write_row(values)
            return
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(cols))})"
        for part in _chunks(params, BATCH):
            cursor.executemany(sql, part)


def _update(model: type[models.Model], rows: Sequence[dict[str, Any]], fields: Sequence[str]) -> None:
    """UPDATE the named fields (attnames) of rows carrying their "pk", with executemany."""
    if not rows:
        return
    by_att = {att: (col, conv) for att, col, _, conv in _columns(model)}
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(by_att[f][0])} = %s" for f in fields)
    sql = f"UPDATE {qn(model._meta.db_table)} SET {sets} WHERE {qn(model._meta.pk.column)} = %s"  # type: ignore[union-attr]
    params = [[*(by_att[f][1](row[f]) for f in fields), row["pk"]] for row in rows]
    with connection.cursor() as cursor:
        for part in _chunks(params, BATCH):
            cursor.executemany(sql, part)


class _Ingest:
    """One batch's work: maps of Legistar ids to primary keys, filled as each kind is stored."""

    def __init__(self, government: Government, client: str) -> None:
        self.government = government
        self.client = client
        self.counts = Counts()
        self.problems: list[tuple[str, str]] = []

    def problem(self, where: str, why: str) -> None:
        self.problems.append((where, why))

    # --- the legislation tables: a digest of the imported fields decides ---------------------------

    def upsert_hashed(
        self,
        model: type[models.Model],
        id_field: str,
        kind: str,
        rows: dict[int, dict[str, Any]],
        label: str,
        placeholder: bool = False,
    ) -> dict[int, int]:
        """Create or update rows keyed by (government, client, Legistar id); return Legistar id -> pk.

        A placeholder (a row named by another before its own record comes) is stored with an empty digest;
        when its record comes it is published. Otherwise is_published is the portal's, never the import's.
        """
        if not rows:
            return {}
        manager = model._default_manager
        scope = {"government_id": self.government.pk, "client": self.client}
        stored: dict[int, tuple[int, str]] = {}
        ids = list(rows)
        for part in _chunks(ids):
            for ident, pk, digest in manager.filter(**scope, **{f"{id_field}__in": part}).values_list(
                id_field, "pk", "row_hash"
            ):
                stored[ident] = (pk, digest)
        new: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for ident, values in rows.items():
            digest = _digest(values)
            if (ident not in stored or stored[ident][1] != digest) and (over := _too_long(model, values)):
                self.problem(f"{label} {ident}", f"{over[0]} is longer than {over[1]} characters")
                continue
            if ident not in stored:
                new.append({**scope, id_field: ident, "row_hash": "" if placeholder else digest, **values})
                self.counts.add(NEW, kind, f"{label} {ident}")
            elif stored[ident][1] != digest:
                if stored[ident][1] == "" and not placeholder and hasattr(model, "is_published"):
                    values = {**values, "is_published": True}
                changed.append({"pk": stored[ident][0], "row_hash": digest, **values})
                self.counts.add(CHANGED, kind, f"{label} {ident}")
            else:
                self.counts.add(UNCHANGED, kind, f"{label} {ident}")
        if self.problems:
            return {}
        _insert(model, new)
        # A placeholder's few fields change into the full record's: update what each row carries.
        shapes: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for row in changed:
            shapes[tuple(k for k in row if k != "pk")].append(row)
        for shape, group in shapes.items():
            _update(model, group, shape)
        out = {ident: pk for ident, (pk, _) in stored.items()}
        for part in _chunks([row[id_field] for row in new]):
            out.update(manager.filter(**scope, **{f"{id_field}__in": part}).values_list(id_field, "pk"))
        return out

    def pk_map(self, model: type[models.Model], id_field: str, ids: Iterable[int]) -> dict[int, int]:
        """Legistar id -> pk of rows already stored."""
        out: dict[int, int] = {}
        wanted = list(set(ids))
        for part in _chunks(wanted):
            out.update(
                model._default_manager.filter(
                    government=self.government, client=self.client, **{f"{id_field}__in": part}
                ).values_list(id_field, "pk")
            )
        return out

    # --- matters and their rows: the fields decide ------------------------------------------------

    def matters(
        self,
        matters: list[LegistarMatter],
        histories: list[LegistarMatterHistory],
        sponsors: list[LegistarSponsor],
        indexes: list[LegistarMatterIndex],
        attachments: list[LegistarAttachment],
    ) -> dict[int, int]:
        """Upsert matters and what hangs on them; return MatterId -> pk."""
        full: dict[int, dict[str, Any]] = {}
        file_owner: dict[str, int] = {}
        for m in matters:
            if not m.file:
                self.problem(f"matter {m.matter_id}", "MatterFile is empty; a matter needs its file number")
                continue
            if file_owner.setdefault(m.file, m.matter_id) != m.matter_id:
                self.problem(
                    f"matter {m.matter_id}", f"MatterFile {m.file!r} is also MatterId {file_owner[m.file]}'s"
                )
                continue
            values: dict[str, Any] = {
                "client": self.client,
                "matter_id": m.matter_id,
                "file_number": m.file,
                "name": m.name or "",
                "type_name": m.type_name or "",
                "status_name": m.status_name or "",
                "title": m.title or m.name or m.file,
                "body_name": m.body_name or "",
                "intro_date": m.intro_date,
                "agenda_date": m.agenda_date,
                "passed_date": m.passed_date,
                "enactment_number": m.enactment_number or "",
                "version": m.version or "",
            }
            if _MATTER_HAS_ENACTMENT_DATE:
                values["enactment_date"] = m.enactment_date
            full[m.matter_id] = values
        patches: dict[int, dict[str, Any]] = defaultdict(dict)
        by_matter: dict[int, list[LegistarMatterHistory]] = defaultdict(list)
        for h in histories:
            if h.matter_id is None:
                self.problem(
                    f"history {h.history_id}", "the row does not name its matter; give --parent MatterId"
                )
            else:
                by_matter[h.matter_id].append(h)
        kept_histories: dict[int, list[LegistarMatterHistory]] = {}
        merged = 0
        for mid, rows in by_matter.items():
            kept = dedupe_histories(rows)
            merged += len(rows) - len(kept)
            kept_histories[mid] = kept
            outcome = matter_outcome(kept)
            if outcome.passed is not None:
                # The votes decide whether it passed; MatterStatusName is not trusted for this.
                patches[mid]["passed_date"] = outcome.action_date if outcome.passed else None
        if merged:
            self.counts.notes.append(f"{merged} duplicate history rows of one event action were merged")
        for kind, rows_ in (("sponsors", sponsors), ("indexes", indexes)):
            grouped: dict[int, list[Any]] = defaultdict(list)
            for row in rows_:
                if row.matter_id is None:
                    self.problem(f"{kind} row", "the row does not name its matter; give --parent MatterId")
                else:
                    grouped[row.matter_id].append(row)
            for mid, group in grouped.items():
                if kind == "sponsors":
                    ordered = sorted(group, key=lambda s: (s.sequence or 0, s.sponsor_id))
                else:
                    ordered = group
                patches[mid][kind] = [r.name for r in ordered if r.name]
        attached: dict[int, list[LegistarAttachment]] = defaultdict(list)
        for a in attachments:
            if a.matter_id is None:
                self.problem(
                    f"attachment {a.attachment_id}", "the row does not name its matter; give --parent"
                )
            else:
                attached[a.matter_id].append(a)
        if self.problems:
            return {}
        ids = set(full) | set(patches) | set(kept_histories) | set(attached)
        fields = ["pk", "lock_version", "is_published", *next(iter(full.values()), {}), "sponsors", "indexes"]
        fields = list(dict.fromkeys([*fields, "file_number", "passed_date", "client", "matter_id"]))
        stored: dict[int, dict[str, Any]] = {}
        for part in _chunks(sorted(ids)):
            for row in LegislativeMatter.objects.filter(
                government=self.government, client=self.client, matter_id__in=part
            ).values(*fields):
                stored[row["matter_id"]] = row
        # A matter first imported from a detail page has no MatterId yet: its file number finds it.
        unmatched = {values["file_number"]: mid for mid, values in full.items() if mid not in stored}
        for part in _chunks(sorted(unmatched)):
            for row in LegislativeMatter.objects.filter(
                government=self.government, file_number__in=part
            ).values(*fields):
                if (
                    row["matter_id"] not in (None, unmatched[row["file_number"]])
                    and row["client"] == self.client
                ):
                    self.problem(
                        f"matter {unmatched[row['file_number']]}",
                        f"file number {row['file_number']!r} is stored as MatterId {row['matter_id']}",
                    )
                    continue
                stored[unmatched[row["file_number"]]] = row
        if self.problems:
            return {}
        new: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        changed_fields: set[str] = set()
        for mid in sorted(ids):
            values = {**full.get(mid, {}), **patches.get(mid, {})}
            old = stored.get(mid)
            if old is None:
                if mid not in full:
                    # Nested rows may come before their matter; a hidden placeholder keeps (client, id).
                    values = {
                        "client": self.client,
                        "matter_id": mid,
                        "file_number": f"#{mid}",
                        "title": f"Legistar matter {mid} (its matter record is not imported yet)",
                        "is_published": False,
                        **values,
                    }
                if (over := _too_long(LegislativeMatter, values)) is not None:
                    self.problem(f"matter {mid}", f"{over[0]} is longer than {over[1]} characters")
                    continue
                new.append({"government_id": self.government.pk, **values})
                self.counts.add(NEW, "matters", values["file_number"], "" if mid in full else "placeholder")
                continue
            if mid in full and not old["is_published"] and old["file_number"] == f"#{mid}":
                # The placeholder made by an earlier nested import now gets its real record and is shown.
                values["is_published"] = True
            diff = [k for k, v in values.items() if old.get(k) != v]
            if not diff:
                self.counts.add(UNCHANGED, "matters", old["file_number"])
                continue
            if (over := _too_long(LegislativeMatter, values)) is not None:
                self.problem(f"matter {mid}", f"{over[0]} is longer than {over[1]} characters")
                continue
            # The same columns for every changed row, so one executemany writes them all.
            changed.append({k: old[k] for k in fields} | values | {"lock_version": old["lock_version"] + 1})
            changed_fields.update(diff)
            self.counts.add(
                CHANGED, "matters", values.get("file_number", old["file_number"]), ", ".join(diff)
            )
        if self.problems:
            return {}
        _insert(LegislativeMatter, new)
        _update(LegislativeMatter, changed, [*sorted(changed_fields), "lock_version"])
        pks = {mid: row["pk"] for mid, row in stored.items()}
        pks.update(self.pk_map(LegislativeMatter, "matter_id", [row["matter_id"] for row in new]))
        self.actions(kept_histories, pks)
        self.attachments(attached, pks)
        return pks

    def actions(self, histories: dict[int, list[LegistarMatterHistory]], pks: dict[int, int]) -> None:
        """Upsert MatterAction rows keyed by (matter, date, action, version, body), as the detail import does."""
        if not histories:
            return
        matter_pks = [pks[mid] for mid in histories]
        key_fields = ("matter_id", "action_date", "action_name", "version", "action_body_name")
        value_fields = ("passed_flag_name", "tally", "mover_name", "seconder_name")
        stored: dict[tuple[Any, ...], dict[str, Any]] = {}
        per_day: Counter[tuple[int, date]] = Counter()
        for part in _chunks(matter_pks):
            for row in MatterAction.objects.filter(matter_id__in=part).values(
                "pk", "lock_version", "sequence", *key_fields, *value_fields
            ):
                stored[tuple(row[k] for k in key_fields)] = row
                per_day[(row["matter_id"], row["action_date"])] += 1
        new: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        seen: set[tuple[Any, ...]] = set()
        for mid, rows in histories.items():
            matter_pk = pks[mid]
            for h in rows:
                if h.action_date is None or not h.action_name:
                    self.problem(f"history {h.history_id}", "an action needs a date and a name")
                    continue
                key = (matter_pk, h.action_date, h.action_name, h.version or "", h.action_body_name or "")
                if key in seen:
                    continue
                seen.add(key)
                values = {
                    "passed_flag_name": h.passed_flag_name or "",
                    "tally": h.tally or "",
                    "mover_name": h.mover_name or "",
                    "seconder_name": h.seconder_name or "",
                }
                # Only the first MAX_LISTED rows are listed: a label for each of a large client's rows cost 5%.
                label = (
                    f"#{mid} {h.action_date} {h.action_name}" if len(self.counts.listed) < MAX_LISTED else ""
                )
                old = stored.get(key)
                if (
                    old is not None
                    and old["passed_flag_name"] == values["passed_flag_name"]
                    and old["tally"] == values["tally"]
                    and old["mover_name"] == values["mover_name"]
                    and old["seconder_name"] == values["seconder_name"]
                ):
                    self.counts.add(UNCHANGED, "actions", label)
                    continue
                full = dict(zip(key_fields, key, strict=True)) | values
                if (over := _too_long(MatterAction, full)) is not None:
                    self.problem(f"history {h.history_id}", f"{over[0]} is longer than {over[1]} characters")
                    continue
                if old is None:
                    sequence = per_day[(matter_pk, h.action_date)]
                    per_day[(matter_pk, h.action_date)] += 1
                    new.append(full | {"sequence": sequence})
                    self.counts.add(NEW, "actions", label)
                else:
                    changed.append(values | {"pk": old["pk"], "lock_version": old["lock_version"] + 1})
                    self.counts.add(CHANGED, "actions", label)
        if self.problems:
            return
        _insert(MatterAction, new)
        _update(MatterAction, changed, [*value_fields, "lock_version"])

    def attachments(self, attached: dict[int, list[LegistarAttachment]], pks: dict[int, int]) -> None:
        """Upsert attachments keyed by name within the matter, in Legistar's order."""
        if not attached:
            return
        stored: dict[tuple[int, str], dict[str, Any]] = {}
        for part in _chunks([pks[mid] for mid in attached]):
            for row in MatterAttachment.objects.filter(matter_id__in=part).values(
                "pk", "matter_id", "name", "url", "position", "lock_version"
            ):
                stored[(row["matter_id"], row["name"])] = dict(row)
        new: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for mid, rows in attached.items():
            matter_pk = pks[mid]
            for position, a in enumerate(sorted(rows, key=lambda a: (a.sort or 0, a.attachment_id))):
                name, url = a.name or "", a.hyperlink or ""
                values = {"matter_id": matter_pk, "name": name, "url": url, "position": position}
                if (over := _too_long(MatterAttachment, values)) is not None:
                    self.problem(
                        f"attachment {a.attachment_id}", f"{over[0]} is longer than {over[1]} characters"
                    )
                    continue
                old = stored.get((matter_pk, name))
                label = f"#{mid}: {name}"
                if old is None:
                    new.append(values)
                    stored[(matter_pk, name)] = values | {"pk": None, "lock_version": 0}
                    self.counts.add(NEW, "attachments", label)
                elif old["url"] != url or old["position"] != position:
                    if old["pk"] is not None:
                        changed.append(values | {"pk": old["pk"], "lock_version": old["lock_version"] + 1})
                    self.counts.add(CHANGED, "attachments", label)
                else:
                    self.counts.add(UNCHANGED, "attachments", label)
        if self.problems:
            return
        _insert(MatterAttachment, new)
        _update(MatterAttachment, changed, ["url", "position", "lock_version"])

    # --- council records ---------------------------------------------------------------------------

    def bodies(self, rows: list[LegistarBody]) -> None:
        self.upsert_hashed(
            Body,
            "body_id",
            "bodies",
            {
                b.body_id: {
                    "guid": b.guid or "",
                    "last_modified_utc": b.last_modified_utc,
                    "name": b.name or f"Body {b.body_id}",
                    "type_name": b.type_name or "",
                    "type_id": b.type_id,
                    "meet_flag": bool(b.meet_flag),
                    "active_flag": b.active is not False,
                    "sort": b.sort,
                    "description": b.description or "",
                    "contact_name": b.contact_name or "",
                    "contact_email": b.contact_email or "",
                    "number_of_members": b.number_of_members,
                }
                for b in rows
            },
            "body",
        )

    def persons(self, rows: list[LegistarPerson]) -> None:
        self.upsert_hashed(
            Official,
            "person_id",
            "persons",
            {
                p.person_id: {
                    "guid": p.guid or "",
                    "last_modified_utc": p.last_modified_utc,
                    "full_name": p.full_name
                    or " ".join(x for x in (p.first_name, p.last_name) if x)
                    or f"Person {p.person_id}",
                    "first_name": p.first_name or "",
                    "last_name": p.last_name or "",
                    "email": p.email or "",
                    "www": p.www or "",
                    "active_flag": p.active is not False,
                }
                for p in rows
            },
            "person",
        )

    def office_records(self, rows: list[LegistarOfficeRecord]) -> None:
        if not rows:
            return
        people = self.pk_map(Official, "person_id", [r.person_id for r in rows if r.person_id is not None])
        absent = {
            r.person_id: r.full_name for r in rows if r.person_id is not None and r.person_id not in people
        }
        if absent:
            # The office names its holder; keep the person until /persons brings the full record.
            people.update(
                self.upsert_hashed(
                    Official,
                    "person_id",
                    "persons",
                    {
                        pid: {"full_name": name or f"Person {pid}", "is_published": True}
                        for pid, name in absent.items()
                    },
                    "person",
                )
            )
        bodies = self.pk_map(Body, "body_id", [r.body_id for r in rows if r.body_id is not None])
        values: dict[int, dict[str, Any]] = {}
        for r in rows:
            if r.person_id is None:
                self.problem(f"office record {r.office_record_id}", "OfficeRecordPersonId is empty")
                continue
            values[r.office_record_id] = {
                "guid": r.guid or "",
                "last_modified_utc": r.last_modified_utc,
                "person_id": people[r.person_id],
                "body_id": bodies.get(r.body_id) if r.body_id is not None else None,
                "body_name": r.body_name or "",
                "title": r.title or "",
                "member_type": r.member_type or "",
                "start_date": r.start_date,
                "end_date": r.end_date,
            }
        if not self.problems:
            self.upsert_hashed(OfficeRecord, "office_record_id", "office_records", values, "office record")

    def events(self, rows: list[LegistarEvent]) -> None:
        if not rows:
            return
        bodies = self.pk_map(Body, "body_id", [e.body_id for e in rows if e.body_id is not None])
        self.upsert_hashed(
            Event,
            "event_id",
            "events",
            {
                e.event_id: {
                    "guid": e.guid or "",
                    "last_modified_utc": e.last_modified_utc,
                    "body_id": bodies.get(e.body_id) if e.body_id is not None else None,
                    "body_name": e.body_name or "",
                    "date": e.date,
                    "time": e.time or "",
                    "location": e.location or "",
                    "agenda_status_name": e.agenda_status_name or "",
                    "minutes_status_name": e.minutes_status_name or "",
                    "agenda_file": e.agenda_file or "",
                    "minutes_file": e.minutes_file or "",
                    "in_site_url": e.insite_url or "",
                    "video_path": e.video_path or "",
                    "comment": e.comment or "",
                }
                for e in rows
            },
            "event",
        )

    def event_items(self, rows: list[LegistarEventItem], matters: dict[int, int]) -> None:
        if not rows:
            return
        events = self.pk_map(Event, "event_id", [i.event_id for i in rows if i.event_id is not None])
        absent = {i.event_id for i in rows if i.event_id is not None and i.event_id not in events}
        if absent:
            # Items may come before their meeting; a hidden placeholder keeps (client, EventId) until it does.
            events.update(
                self.upsert_hashed(
                    Event,
                    "event_id",
                    "events",
                    {eid: {"is_published": False} for eid in absent},
                    "event",
                    placeholder=True,
                )
            )
        wanted = {i.matter_id for i in rows if i.matter_id is not None} - set(matters)
        matter_pks = dict(matters)
        matter_pks.update(self.pk_map(LegislativeMatter, "matter_id", wanted))
        # A matter imported from a detail page has no MatterId: its file number finds it.
        files = sorted(
            {i.matter_file for i in rows if i.matter_file and matter_pks.get(i.matter_id or 0) is None}
        )
        by_file: dict[str, int] = {}
        for part in _chunks(files):
            by_file.update(
                LegislativeMatter.objects.filter(
                    government=self.government, file_number__in=part, client__in=(self.client, "")
                ).values_list("file_number", "pk")
            )
        values: dict[int, dict[str, Any]] = {}
        for i in rows:
            if i.event_id is None:
                self.problem(
                    f"event item {i.event_item_id}", "the row does not name its event; give --parent EventId"
                )
                continue
            values[i.event_item_id] = {
                "guid": i.guid or "",
                "last_modified_utc": i.last_modified_utc,
                "event_id": events[i.event_id],
                "agenda_sequence": i.agenda_sequence,
                "minutes_sequence": i.minutes_sequence,
                "agenda_number": i.agenda_number or "",
                "title": i.title or "",
                "action_name": i.action_name or "",
                "action_text": i.action_text or "",
                "passed_flag": None if i.passed_flag is None else i.passed_flag == 1,
                "passed_flag_name": i.passed_flag_name or "",
                "roll_call_flag": None if i.roll_call_flag is None else i.roll_call_flag == 1,
                "tally": i.tally or "",
                "mover_name": i.mover_name or "",
                "seconder_name": i.seconder_name or "",
                "consent": None if i.consent is None else i.consent == 1,
                "matter_legistar_id": i.matter_id,
                "matter_file": i.matter_file or "",
                "matter_name": i.matter_name or "",
                "matter_type": i.matter_type or "",
                "matter_status": i.matter_status or "",
                "version": i.version or "",
                "matter_id": matter_pks.get(i.matter_id or 0) or by_file.get(i.matter_file or ""),
            }
        if not self.problems:
            self.upsert_hashed(EventItem, "event_item_id", "event_items", values, "event item")

    def votes(self, rows: list[LegistarVote]) -> None:
        if not rows:
            return
        items = self.pk_map(
            EventItem, "event_item_id", [v.event_item_id for v in rows if v.event_item_id is not None]
        )
        people = self.pk_map(Official, "person_id", [v.person_id for v in rows if v.person_id is not None])
        values: dict[int, dict[str, Any]] = {}
        for v in rows:
            if v.event_item_id is None or v.event_item_id not in items:
                self.problem(
                    f"vote {v.vote_id}",
                    f"VoteEventItemId {v.event_item_id} is not stored; import its event items first",
                )
                continue
            values[v.vote_id] = {
                "last_modified_utc": v.last_modified_utc,
                "event_item_id": items[v.event_item_id],
                "person_id": people.get(v.person_id) if v.person_id is not None else None,
                "person_legistar_id": v.person_id,
                "person_name": v.person_name or "",
                "value_name": v.value_name or "",
                "result": v.result,
                "sort": v.sort,
            }
        if not self.problems:
            self.upsert_hashed(Vote, "vote_id", "votes", values, "vote")

    def link_actions(self) -> None:
        """Point each stored event item at the matter's history row of the same meeting day and action."""
        items = list(
            EventItem.objects.filter(
                government=self.government,
                client=self.client,
                matter__isnull=False,
                matter_action__isnull=True,
            )
            .exclude(action_name="")
            .values_list("pk", "matter_id", "event__date", "action_name")
        )
        if not items:
            return
        found: dict[tuple[int, date | None, str], int] = {}
        for part in _chunks(sorted({m for _, m, _, _ in items})):
            for pk, matter_id, day, name in MatterAction.objects.filter(matter_id__in=part).values_list(
                "pk", "matter_id", "action_date", "action_name"
            ):
                found.setdefault((matter_id, day, name), pk)
        links = [
            {"pk": pk, "matter_action_id": found[(m, d, a)]} for pk, m, d, a in items if (m, d, a) in found
        ]
        _update(EventItem, links, ["matter_action_id"])


def ingest_batch(
    *,
    government: Government,
    client: str,
    batch: Iterable[LegistarRecord],
    acting_user: Person | None,
    audit: bool = True,
) -> Counts:
    """Upsert a batch of parsed Legistar records of one client in one transaction; return what it did.

    The batch may mix kinds (matters with their histories, sponsors, indexes and attachments; bodies,
    persons, office records, events, event items and votes); nested rows carry their parent's id
    (LegistarMatterHistory.matter_id, ...). Raises IngestRefused, with nothing written, when a row cannot
    be stored (a matter without a file number, a vote whose event item is unknown, a value too long).
    With audit=False the caller records the run's one audit event itself (see `ingest_audit`).
    """
    access.require(
        acting_user,
        "agreements.add_legislativematter",
        government,
        "You may not record this council's matters.",
    )
    kinds: dict[type, list[Any]] = defaultdict(list)
    for record in batch:
        kinds[type(record)].append(record)
    work = _Ingest(government, client)
    with transaction.atomic():
        work.bodies(kinds[LegistarBody])
        work.persons(kinds[LegistarPerson])
        work.office_records(kinds[LegistarOfficeRecord])
        matters = work.matters(
            kinds[LegistarMatter],
            kinds[LegistarMatterHistory],
            kinds[LegistarSponsor],
            kinds[LegistarMatterIndex],
            kinds[LegistarAttachment],
        )
        work.events(kinds[LegistarEvent])
        work.event_items(kinds[LegistarEventItem], matters)
        work.votes(kinds[LegistarVote])
        if work.problems:
            raise IngestRefused(work.problems)
        if work.counts.kinds.get("event_items") or work.counts.kinds.get("actions"):
            work.link_actions()
        if audit and work.counts.changes:
            ingest_audit(government=government, client=client, counts=work.counts, acting_user=acting_user)
    return work.counts


def ingest_audit(
    *, government: Government, client: str, counts: Counts, acting_user: Person | None, note: str = ""
) -> None:
    """One audit event for a whole import or sync run: the counts per record kind, not a row per record."""
    audit_record(
        acting_user=acting_user,
        verb="legistar_ingest",
        obj=government,
        government=government,
        changes={"records": (None, counts.summary())},
        note=note or f"Legistar client {client}",
    )
