"""A collaborative's full data package: one CSV per record type the user may see, and a Frictionless
`datapackage.json` describing each file's fields (types, descriptions from help_text, keys).

Every table is the user's scoped read (the same visible_* queries as the pages), narrowed to the collaborative.
Rows that point at a government the user may not see are left out, so each declared foreign key resolves.
The zip is written to a spooled temporary file from querysets read in chunks: memory stays bounded at any size.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from interlocal.agreements.models import Adoption, AgreementParty, AgreementVersion, MatterAction
from interlocal.agreements.queries import visible_agreements, visible_matters
from interlocal.collaboratives.models import Collaborative
from interlocal.collaboratives.queries import visible_collaboratives
from interlocal.costshare.models import SavingsEntry, ScenarioPartner
from interlocal.costshare.queries import visible_scenarios
from interlocal.costshare.report import comparison
from interlocal.csvsafe import SafeCsvWriter
from interlocal.governments.queries import visible_governments
from interlocal.initiatives.models import Initiative, InitiativePartner, Plan, Term
from interlocal.initiatives.queries import visible_initiatives
from interlocal.legislation.queries import visible_events
from interlocal.tracking.models import Kpi, Measurement

# The open licence the package is offered under: public records of public bodies, dedicated to the public domain.
LICENSE = {
    "name": "ODC-PDDL-1.0",
    "path": "https://opendatacommons.org/licenses/pddl/",
    "title": "Open Data Commons Public Domain Dedication and License v1.0",
}
CHUNK = 2000
# Kept in memory up to this size, then on disk.
SPOOL_BYTES = 8 * 1024 * 1024
# Never in a package: edit bookkeeping, import fingerprints, and who (which account) did what.
SKIPPED = {"lock_version", "row_hash"}
PERSON = "governments.person"

_INTEGER = (models.AutoField, models.IntegerField)  # Big/Small/Positive variants subclass IntegerField
_NUMBER = (models.DecimalField, models.FloatField)


def field_type(f: models.Field[Any, Any]) -> str:
    """A Django field's Table Schema type."""
    target = f.target_field if f.is_relation else f  # type: ignore[attr-defined]
    if isinstance(target, models.BooleanField):
        return "boolean"
    if isinstance(target, _INTEGER):
        return "integer"
    if isinstance(target, _NUMBER):
        return "number"
    if isinstance(target, models.DateTimeField):
        return "datetime"
    if isinstance(target, models.DateField):
        return "date"
    return "string"


def cell(value: Any) -> Any:
    """A value as the package's CSV writes it (Table Schema's default formats)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


@dataclass
class Resource:
    """One CSV of the package: a scoped queryset and the columns written, or rows made by a function."""

    name: str
    title: str
    qs: QuerySet[Any] | None = None
    # name -> (resource, field) it references; declared only where every row's target is in the package.
    foreign_keys: dict[str, str] = field(default_factory=dict)
    # For rows not read straight from a table: the schema's fields and the rows.
    fields: list[dict[str, str]] | None = None
    rows: Callable[[], Iterator[list[Any]]] | None = None

    def columns(self) -> list[models.Field[Any, Any]]:
        assert self.qs is not None
        return [
            f
            for f in self.qs.model._meta.concrete_fields
            if f.attname not in SKIPPED
            and not (f.is_relation and f.related_model._meta.label_lower == PERSON)  # type: ignore[union-attr]
            and not isinstance(f, models.BinaryField)
        ]

    def schema(self) -> dict[str, Any]:
        if self.fields is not None:
            found = self.fields
        else:
            found = [
                {
                    "name": f.attname,
                    "type": field_type(f),
                    "description": str(f.help_text or f.verbose_name).strip(),
                }
                for f in self.columns()
            ]
        schema: dict[str, Any] = {"fields": found, "primaryKey": ["id"]}
        if self.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": name, "reference": {"resource": target, "fields": "id"}}
                for name, target in self.foreign_keys.items()
            ]
        return schema

    def header(self) -> list[str]:
        return [f["name"] for f in self.schema()["fields"]]

    def records(self) -> Iterator[list[Any]]:
        if self.rows is not None:
            yield from self.rows()
            return
        assert self.qs is not None
        names = [f.attname for f in self.columns()]
        for values in self.qs.order_by("pk").values_list(*names).iterator(chunk_size=CHUNK):
            yield [cell(v) for v in values]


def _allocation_rows(scenarios: QuerySet[Any]) -> Callable[[], Iterator[list[Any]]]:
    def rows() -> Iterator[list[Any]]:
        n = 0
        for scenario in scenarios.order_by("pk").iterator(chunk_size=200):
            table = comparison(scenario)
            if table is None:
                continue
            for row in table.rows:
                for head, c in zip(table.methods, row.cells, strict=True):
                    n += 1
                    yield [
                        n,
                        scenario.pk,
                        cell(row.government_id),
                        row.name,
                        head.code,
                        cell(c.bill),
                        cell(row.standalone),
                        cell(c.saving),
                        cell(c.percent),
                    ]

    return rows


ALLOCATION_FIELDS = [
    {"name": "id", "type": "integer", "description": "The row's number within this file."},
    {"name": "scenario_id", "type": "integer", "description": "The scenario computed."},
    {"name": "government_id", "type": "integer", "description": "The partner government, when it is one."},
    {"name": "partner", "type": "string", "description": "The partner's name."},
    {"name": "method", "type": "string", "description": "The cost-sharing method's code."},
    {"name": "bill", "type": "number", "description": "The partner's share under the method, in dollars."},
    {"name": "standalone", "type": "number", "description": "What the partner would pay alone, in dollars."},
    {"name": "saving", "type": "number", "description": "Standalone cost less the bill, in dollars."},
    {"name": "saving_percent", "type": "number", "description": "The saving as a percentage of standalone."},
]


def resources(user: Any, collaborative: Collaborative) -> list[Resource]:
    """The package's tables for this user: each the user's scoped read, narrowed to the collaborative."""
    c = collaborative
    governments_seen = visible_governments(user).values("pk")
    initiatives = visible_initiatives(user).filter(collaborative=c)
    agreements = visible_agreements(user).filter(collaborative=c)
    versions = AgreementVersion.objects.filter(agreement__in=agreements.values("pk"))
    memberships = c.memberships.filter(government__in=governments_seen)
    adoptions = Adoption.objects.filter(version__in=versions.values("pk"), government__in=governments_seen)
    matters = visible_matters(user).filter(
        Q(pk__in=adoptions.values("matter_id"))
        | Q(pk__in=memberships.values("authorising_matter_id"))
        | Q(pk__in=memberships.values("leave_matter_id"))
    )
    kpis = Kpi.objects.filter(initiative__in=initiatives.values("pk"))
    found = [
        Resource("collaboratives", "The collaborative", visible_collaboratives(user).filter(pk=c.pk)),
        Resource(
            "memberships",
            "Members over time",
            memberships,
            {"collaborative_id": "collaboratives", "government_id": "governments"},
        ),
        Resource(
            "plans", "Plans", Plan.objects.filter(collaborative=c), {"collaborative_id": "collaboratives"}
        ),
        Resource(
            "initiatives",
            "Initiatives",
            initiatives,
            {"collaborative_id": "collaboratives", "plan_id": "plans"},
        ),
        Resource(
            "initiative-partners",
            "Governments leading, supporting or taking part in each initiative",
            InitiativePartner.objects.filter(
                initiative__in=initiatives.values("pk"), government__in=governments_seen
            ),
            {"initiative_id": "initiatives", "government_id": "governments"},
        ),
        Resource(
            "terms",
            "Vocabulary terms (goals, topics, scales, funding) used by the initiatives",
            Term.objects.filter(
                pk__in=Initiative.terms.through.objects.filter(
                    initiative__in=initiatives.values("pk")
                ).values("term_id")
            ),
        ),
        Resource(
            "initiative-terms",
            "Which terms each initiative carries",
            Initiative.terms.through.objects.filter(initiative__in=initiatives.values("pk")),
            {"initiative_id": "initiatives", "term_id": "terms"},
        ),
        Resource("kpis", "Key performance indicators", kpis, {"initiative_id": "initiatives"}),
        Resource(
            "measurements",
            "Measurements of the indicators",
            Measurement.objects.filter(kpi__in=kpis.values("pk")),
            {"kpi_id": "kpis"},
        ),
        Resource("agreements", "Agreements", agreements, {"collaborative_id": "collaboratives"}),
        Resource(
            "agreement-versions",
            "Versions of the agreements",
            versions,
            {"agreement_id": "agreements", "superseded_by_id": "agreement-versions"},
        ),
        Resource(
            "agreement-parties",
            "The parties to each version",
            AgreementParty.objects.filter(version__in=versions.values("pk"), government__in=governments_seen),
            {"version_id": "agreement-versions", "government_id": "governments"},
        ),
        Resource(
            "adoptions",
            "Each party's adoption of a version",
            adoptions,
            {"version_id": "agreement-versions", "government_id": "governments"},
        ),
        Resource("legislative-matters", "Council legislation adopting agreements or memberships", matters),
        Resource(
            "matter-actions",
            "The legislation's action history",
            MatterAction.objects.filter(matter__in=matters.values("pk")),
            {"matter_id": "legislative-matters"},
        ),
        Resource(
            "meetings",
            "Council meetings that took up the legislation",
            visible_events(user).filter(items__matter__in=matters.values("pk")).distinct(),
        ),
    ]
    if user.has_perm("costshare.view_scenario", c):
        scenarios = visible_scenarios(user).filter(collaborative=c)
        found += [
            Resource(
                "scenarios", "Cost-sharing scenarios", scenarios, {"collaborative_id": "collaboratives"}
            ),
            Resource(
                "scenario-partners",
                "Each scenario's partners with their standalone and dedicated costs",
                ScenarioPartner.objects.filter(scenario__in=scenarios.values("pk")),
                {"scenario_id": "scenarios"},
            ),
            Resource(
                "allocations",
                "Each partner's bill and saving under each method of each computed scenario",
                fields=ALLOCATION_FIELDS,
                rows=_allocation_rows(scenarios),
                foreign_keys={"scenario_id": "scenarios"},
            ),
            Resource(
                "savings",
                "The savings ledger: projected, actual and certified savings",
                SavingsEntry.objects.filter(
                    initiative__in=initiatives.values("pk"), government__in=governments_seen
                ),
                {"initiative_id": "initiatives", "government_id": "governments"},
            ),
        ]
    referenced = Q(pk__in=memberships.values("government_id"))
    for r in found:
        if r.qs is not None and "government_id" in r.foreign_keys:
            referenced |= Q(pk__in=r.qs.values("government_id"))
    found.insert(
        1,
        Resource(
            "governments", "Governments named in the package", visible_governments(user).filter(referenced)
        ),
    )
    return found


def descriptor(collaborative: Collaborative, found: list[Resource]) -> dict[str, Any]:
    """The Frictionless Data Package descriptor (datapackage.json)."""
    return {
        "profile": "tabular-data-package",
        "name": f"interlocal-{collaborative.slug}",
        "title": f"{collaborative.name}: records from Interlocal",
        "description": (
            f"Everything Interlocal holds about {collaborative.name} that the downloading account may see, "
            "one CSV per record type."
        ),
        "created": timezone.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "licenses": [LICENSE],
        "resources": [
            {
                "name": r.name,
                "title": r.title,
                "path": f"{r.name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": r.schema(),
            }
            for r in found
        ],
    }


def write_package(user: Any, collaborative: Collaborative, out: IO[bytes]) -> list[str]:
    """Write the zip to out; returns the file names written."""
    found = resources(user, collaborative)
    names = []
    stamp = timezone.localtime().timetuple()[:6]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for r in found:
            entry = zipfile.ZipInfo(f"{r.name}.csv", date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with (
                zf.open(entry, "w") as raw,
                io.TextIOWrapper(raw, encoding="utf-8", newline="") as text,
            ):
                writer = SafeCsvWriter(text)
                writer.writerow(r.header())
                for row in r.records():
                    writer.writerow(row)
            names.append(f"{r.name}.csv")
        zf.writestr(
            "datapackage.json", json.dumps(descriptor(collaborative, found), indent=2, ensure_ascii=False)
        )
    names.append("datapackage.json")
    return names


def package_file(user: Any, collaborative: Collaborative) -> IO[bytes]:
    """The package as a file positioned at its start: in memory while small, on disk beyond SPOOL_BYTES."""
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (the response closes it)
    write_package(user, collaborative, out)
    out.seek(0)
    return out  # type: ignore[return-value]
