"""Spreadsheets (CSV or XLSX) of governments, memberships or initiatives, headed by the records' labels."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import models
from django.utils.text import capfirst, slugify

from interlocal.collaboratives import actions as collab_actions
from interlocal.collaboratives.models import Collaborative, Membership
from interlocal.csvsafe import SafeCsvWriter, safe_row
from interlocal.governments import actions as gov_actions
from interlocal.governments.models import Government
from interlocal.importers.base import (
    CHANGED,
    NEW,
    UNCHANGED,
    Option,
    Report,
    Source,
    differences,
    row_guard,
)
from interlocal.importers.parsers.records import ParseProblem
from interlocal.importers.parsers.xlsx import iter_xlsx_rows
from interlocal.initiatives import actions as initiative_actions
from interlocal.initiatives.models import Initiative

BATCH = 1000
TRUE, FALSE = {"yes", "y", "true", "1", "x"}, {"no", "n", "false", "0", ""}


@dataclass(frozen=True)
class RecordType:
    """A record type a spreadsheet can hold: its model, columns (field names) and example row."""

    model: type[models.Model]
    fields: tuple[str, ...]
    required: tuple[str, ...]
    example: dict[str, str]

    def label(self, name: str) -> str:
        """The column heading: the field's verbose name."""
        field = self.model._meta.get_field(name)
        assert isinstance(field, models.Field)
        return capfirst(str(field.verbose_name))

    def headers(self) -> list[str]:
        """The template's header row."""
        return [self.label(f) for f in self.fields]


RECORD_TYPES: dict[str, RecordType] = {
    "governments": RecordType(
        Government,
        (
            "kind", "name", "slug", "state", "county_name", "parent", "ocd_division_id", "geoid",
            "population", "population_year", "population_source", "land_area_m2", "website", "is_published",
        ),
        ("kind", "name"),
        {
            "kind": "city", "name": "Grandview", "slug": "grandview", "state": "MO",
            "county_name": "Jackson County", "ocd_division_id": "ocd-division/country:us/state:mo/place:grandview",
            "geoid": "2928324", "population": "25941", "population_year": "2020",
            "population_source": "2020 Census", "website": "https://www.grandview.org/", "is_published": "yes",
        },
    ),
    "memberships": RecordType(
        Membership,
        ("collaborative", "government", "role", "joined_on", "left_on"),
        ("collaborative", "government", "joined_on"),
        {"collaborative": "eastern-jackson-county", "government": "grandview", "role": "member", "joined_on": "2021-04-13"},
    ),
    "initiatives": RecordType(
        Initiative,
        (
            "collaborative", "plan", "plan_position", "code", "title", "description", "status", "is_project",
            "is_partnership", "is_policy", "equity_considerations", "sustainability_considerations",
            "cost_band", "cost_estimate", "timeline_band", "start_on", "end_on", "tracking_implementation",
            "tracking_success", "if_overperforming", "if_underperforming", "services", "is_published",
        ),
        ("collaborative", "title"),
        {
            "collaborative": "eastern-jackson-county", "code": "EJC-9", "title": "Shared cybersecurity monitoring",
            "status": "new", "is_partnership": "yes", "cost_band": "low", "timeline_band": "near",
            "start_on": "2025-01-01", "tracking_success": "Every member completes the review.",
        },
    ),
}  # fmt: skip


def template_rows(record_type: str) -> list[list[str]]:
    """Header and example row of a record type's template."""
    spec = RECORD_TYPES[record_type]
    return [spec.headers(), [spec.example.get(f, "") for f in spec.fields]]


def template_csv(record_type: str) -> str:
    """The template as CSV text."""
    out = io.StringIO()
    SafeCsvWriter(out).writerows(template_rows(record_type))
    return out.getvalue()


def template_xlsx(record_type: str) -> bytes:
    """The template as an XLSX workbook."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = record_type
    for row in template_rows(record_type):
        sheet.append(safe_row(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class CellError(ValueError):
    """A cell that cannot become the field's value."""


class Converter:
    """Turns cells into field values, caching foreign-key lookups by slug."""

    def __init__(self, spec: RecordType) -> None:
        self.spec = spec
        self.cache: dict[tuple[str, str], Any] = {}
        self.fields: dict[str, tuple[models.Field[Any, Any], dict[str, Any] | None]] = {}

    def _field(self, name: str) -> tuple[models.Field[Any, Any], dict[str, Any] | None]:
        # Each column's field and its choices (by lower-case value and label) are looked up once per import.
        if name not in self.fields:
            field = self.spec.model._meta.get_field(name)
            assert isinstance(field, models.Field)
            choices: dict[str, Any] | None = None
            if field.choices:
                choices = {}
                for value, label in field.flatchoices:
                    choices.setdefault(str(label).lower(), value)
                    choices[str(value).lower()] = value
            self.fields[name] = (field, choices)
        return self.fields[name]

    def value(self, name: str, raw: Any) -> Any:
        """The field value of one cell, or CellError with the reason."""
        field, choices = self._field(name)
        text = "" if raw is None else str(raw).strip()
        if isinstance(field, models.ForeignKey):
            if not text:
                return None
            key = (name, text)
            if key not in self.cache:
                related = field.related_model
                assert isinstance(related, type)
                found = related._default_manager.filter(slug=text).first()  # type: ignore[attr-defined]
                if found is None:
                    raise CellError(f"no {related._meta.verbose_name} with slug {text!r}")
                self.cache[key] = found
            return self.cache[key]
        if isinstance(field, models.BooleanField):
            if text.lower() in TRUE:
                return True
            if text.lower() in FALSE:
                return False
            raise CellError(f"not yes or no: {text!r}")
        if choices is not None:
            if not text:
                return field.get_default() if not field.blank else ""
            try:
                return choices[text.lower()]
            except KeyError:
                raise CellError(
                    f"unknown code {text!r}; one of {', '.join(str(v) for v, _ in field.flatchoices)}"
                ) from None
        if isinstance(field, models.DateField):
            return self.date(raw, text)
        if isinstance(field, models.DecimalField):
            if not text:
                return None
            try:
                return Decimal(text.replace(",", "").lstrip("$"))
            except InvalidOperation:
                raise CellError(f"not a number: {text!r}") from None
        if isinstance(field, models.IntegerField):
            if not text:
                return None
            try:
                return int(text.replace(",", "").removesuffix(".0"))
            except ValueError:
                raise CellError(f"not a whole number: {text!r}") from None
        if isinstance(field, models.JSONField):
            return [line.strip() for line in text.splitlines() if line.strip()]
        return text

    @staticmethod
    def date(raw: Any, text: str) -> dt.date | None:
        """ISO or U.S. dates; XLSX cells may already be dates."""
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        if not text:
            return None
        try:
            if "/" in text:
                month, day, year = (int(p) for p in text.split("/"))
                return dt.date(year, month, day)
            return dt.date.fromisoformat(text)
        except ValueError as exc:
            raise CellError(f"impossible or unreadable date {text!r} ({exc})") from None


def iter_rows(path: Path, report: Report) -> Iterator[tuple[int, dict[str, Any]]]:
    """Stream (line, {heading: cell}) from CSV or XLSX; unreadable files become problems."""
    if path.suffix.lower() == ".xlsx":
        yield from _xlsx_rows(path, report)
        return
    line = 1
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                report.reject(None, "<file>", "empty file")
                return
            header = [h.strip() for h in header]
            for cells in reader:
                line = reader.line_num
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) > len(header):
                    report.reject(line, "<row>", f"{len(cells)} cells but {len(header)} headings")
                    continue
                yield line, dict(zip(header, cells, strict=False))
    except UnicodeDecodeError as exc:
        report.reject(line + 1, "<encoding>", f"not UTF-8 text: {exc.reason} at byte {exc.start} of a block")
    except csv.Error as exc:
        report.reject(line, "<file>", f"malformed CSV: {exc}")


def _xlsx_rows(path: Path, report: Report) -> Iterator[tuple[int, dict[str, Any]]]:
    problems: list[ParseProblem] = []
    rows = iter_xlsx_rows(path, problems)
    first = next(rows, None)
    if first is not None:
        header = [str(h).strip() if h is not None else "" for h in first[1]]
        while header and not header[-1]:
            header.pop()
        for line, cells in rows:
            if all(c is None or str(c).strip() == "" for c in cells):
                continue
            if any(c is not None and str(c).strip() for c in cells[len(header) :]):
                report.reject(line, "<row>", f"a cell right of the last of {len(header)} headings")
                continue
            yield line, dict(zip(header, cells, strict=False))
    for problem in problems:
        report.reject(problem.row, problem.field, problem.message)


class SpreadsheetSource(Source):
    """A CSV or XLSX sheet of one record type, one record a row, headed by the template's labels."""

    name = "spreadsheet"
    help = "CSV or XLSX of governments, memberships or initiatives (see the templates)"
    extensions = (".csv", ".xlsx")
    options = (Option("--type", f"record type: {', '.join(RECORD_TYPES)}", required=True),)

    def parse(self, path: Path, report: Report) -> Iterator[tuple[int, dict[str, Any]]] | None:
        """Stream the rows; headings are checked as the first row arrives."""
        kind = self.option("type", report)
        if kind and kind not in RECORD_TYPES:
            report.reject(None, "--type", f"unknown record type {kind!r}; one of {', '.join(RECORD_TYPES)}")
            return None
        return iter_rows(path, report)

    def apply(self, parsed: Iterator[tuple[int, dict[str, Any]]], report: Report) -> None:
        """Convert each row, check headings and duplicate keys, and upsert in batches."""
        spec = RECORD_TYPES[self.values["type"]]
        convert = Converter(spec)
        labels = {spec.label(f): f for f in spec.fields}
        seen: dict[tuple[Any, ...], int] = {}
        batch: list[tuple[int, dict[str, Any]]] = []
        checked = False
        for line, cells in parsed:
            if not checked:
                checked = True
                missing = [spec.label(f) for f in spec.required if spec.label(f) not in cells]
                for heading in missing:
                    report.reject(1, heading, "column missing from the header")
                unknown = [h for h in cells if h and h not in labels]
                for heading in unknown:
                    report.reject(1, heading, "unknown column; use the template's headings")
                if missing or unknown:
                    return
            values: dict[str, Any] = {}
            unreadable: set[str] = set()
            for heading, raw in cells.items():
                name = labels[heading]
                try:
                    values[name] = convert.value(name, raw)
                except CellError as exc:
                    report.reject(line, heading, str(exc))
                    unreadable.add(name)
            if any(not values.get(f) for f in spec.required):
                for f in spec.required:
                    # A cell already reported as unreadable is not also "empty".
                    if not values.get(f) and f not in unreadable and spec.label(f) in cells:
                        report.reject(line, spec.label(f), "empty; this column is required")
                continue
            key = self.key(values)
            if key in seen:
                report.reject(line, "<row>", f"duplicate key {key_text(key)} (first on row {seen[key]})")
                continue
            seen[key] = line
            if report.ok:
                batch.append((line, values))
            if len(batch) >= BATCH:
                self.flush(batch, report)
                batch = []
        if batch and report.ok:
            self.flush(batch, report)

    def key(self, values: dict[str, Any]) -> tuple[Any, ...]:
        """The natural key of a row."""
        kind = self.values["type"]
        if kind == "governments":
            return (
                ("geoid", values["geoid"])
                if values.get("geoid")
                else ("slug", values.get("slug") or slugify(values["name"]))
            )
        if kind == "memberships":
            return (values["collaborative"].pk, values["government"].pk, values["joined_on"])
        plan = values.get("plan")
        if values.get("code"):
            return (values["collaborative"].pk, plan.pk if plan else None, "code", values["code"])
        return (values["collaborative"].pk, plan.pk if plan else None, "title", values["title"])

    def flush(self, batch: list[tuple[int, dict[str, Any]]], report: Report) -> None:
        """Upsert one batch of converted rows."""
        kind = self.values["type"]
        if kind == "initiatives":
            self._initiatives(batch, report)
            return
        for line, values in batch:
            with row_guard(report, line):
                if kind == "governments":
                    self._government(values, report)
                else:
                    self._membership(values, report)

    def _government(self, values: dict[str, Any], report: Report) -> None:
        values = {k: v for k, v in values.items() if v is not None or k in ("parent", "population")}
        values["slug"] = values.get("slug") or slugify(values["name"])
        existing = (
            Government.objects.filter(geoid=values["geoid"]).first()
            if values.get("geoid")
            else Government.objects.filter(slug=values["slug"]).first()
        )
        if existing is None:
            kind, name = values.pop("kind"), values.pop("name")
            gov_actions.government_create(acting_user=self.acting_user, kind=kind, name=name, **values)
            report.add(NEW, "government", name)
            return
        changed = differences(existing, values)
        if changed:
            gov_actions.government_update(acting_user=self.acting_user, government=existing, **values)
        report.add(CHANGED if changed else UNCHANGED, "government", existing.name, ", ".join(changed))

    def _membership(self, values: dict[str, Any], report: Report) -> None:
        collab, government = values["collaborative"], values["government"]
        key = f"{government} in {collab} from {values['joined_on']}"
        existing = Membership.objects.filter(
            collaborative=collab, government=government, joined_on=values["joined_on"]
        ).first()
        if existing is None:
            # A row only proposes: the joining government's own editors accept it (consent).
            membership = collab_actions.membership_propose(
                acting_user=self.acting_user,
                collaborative=collab,
                government=government,
                joined_on=values["joined_on"],
                role=values.get("role") or "member",
            )
            if values.get("left_on"):
                collab_actions.membership_end(
                    acting_user=self.acting_user, membership=membership, left_on=values["left_on"]
                )
            report.add(NEW, "membership", key, "proposed; it counts once the government accepts")
            return
        changed = []
        if values.get("role") and values["role"] != existing.role:
            # No action changes a membership's role; ending and re-adding is a person's decision.
            report.reject(None, "Role", f"{key}: the role differs from the record ({existing.role})")
            return
        if values.get("left_on") != existing.left_on and values.get("left_on"):
            collab_actions.membership_end(
                acting_user=self.acting_user, membership=existing, left_on=values["left_on"]
            )
            changed.append("left_on")
        report.add(CHANGED if changed else UNCHANGED, "membership", key, ", ".join(changed))

    def _initiatives(self, batch: list[tuple[int, dict[str, Any]]], report: Report) -> None:
        # One query finds the batch's existing records; new ones go through the bulk action.
        coded = [v for _, v in batch if v.get("code")]
        existing: dict[tuple[Any, ...], Initiative] = {}
        if coded:
            for i in Initiative.objects.filter(code__in={v["code"] for v in coded}):
                existing[(i.collaborative_id, i.plan_id, "code", i.code)] = i
        titled = [v for _, v in batch if not v.get("code")]
        if titled:
            for i in Initiative.objects.filter(code="", title__in={v["title"] for v in titled}):
                existing[(i.collaborative_id, i.plan_id, "title", i.title)] = i
        new: dict[Collaborative, list[tuple[int, dict[str, Any]]]] = {}
        for line, values in batch:
            found = existing.get(self.key(values))
            fields = {k: v for k, v in values.items() if k != "collaborative"}
            if found is None:
                new.setdefault(values["collaborative"], []).append((line, fields))
                continue
            changed = differences(found, fields)
            with row_guard(report, line):
                if changed:
                    initiative_actions.initiative_update(
                        acting_user=self.acting_user, initiative=found, **fields
                    )
                report.add(CHANGED if changed else UNCHANGED, "initiative", str(found), ", ".join(changed))
        for collab, rows in new.items():
            with row_guard(report, rows[0][0]):
                created = initiative_actions.initiative_bulk_create(
                    acting_user=self.acting_user,
                    collaborative=collab,
                    rows=[{k: v for k, v in fields.items() if v is not None} for _, fields in rows],
                )
                for initiative in created:
                    report.add(NEW, "initiative", str(initiative))


def key_text(key: tuple[Any, ...]) -> str:
    """A key as the reader would write it."""
    return " / ".join(str(k) for k in key if k is not None)
