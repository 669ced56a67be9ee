"""The importer skeleton: parse, validate, preview and apply in one transaction, then report."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, models, transaction
from django.utils.text import slugify

from interlocal.agreements.queries import write_mark
from interlocal.governments.models import Government, Person
from interlocal.importers.parsers import ParseProblem

NEW, CHANGED, UNCHANGED, REJECTED = "new", "changed", "unchanged", "rejected"
STATUSES = (NEW, CHANGED, UNCHANGED, REJECTED)

# The preview lists rows one by one; beyond this many only the counts grow, so 50 MB stays small.
MAX_LISTED_ROWS = 1000
# A file of bad rows gets a report a person can read: the first problems listed, the rest counted up to
# a point where the import stops rather than spend minutes and gigabytes listing the same mistake.
MAX_LISTED_PROBLEMS = 100
MAX_PROBLEMS = 1000


class TooManyProblems(Exception):
    """Raised by Report.reject when the import has met MAX_PROBLEMS problems and stops."""


@dataclass(frozen=True)
class Problem:
    """A reason the input cannot be imported, pointing at file, row and column."""

    file: str
    row: int | None
    column: str
    reason: str
    unit: str = "row"

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}, {self.unit} {self.row}"
        return f"{where}, {'field' if self.unit in ('feature', 'record') else 'column'} {self.column}: {self.reason}"


@dataclass(frozen=True)
class RowOutcome:
    """What the import does to one record."""

    status: str
    record: str
    key: str
    detail: str = ""


@dataclass
class Report:
    """Everything an import found and did; the preview page and the command print it."""

    source: str
    file: str
    dry_run: bool
    counts: Counter[str] = field(default_factory=Counter)
    rows: list[RowOutcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    applied: bool = False
    problem_count: int = 0
    stopped: bool = False

    @property
    def ok(self) -> bool:
        """True when nothing was rejected."""
        return not self.problems

    @property
    def changes(self) -> int:
        """How many records the import creates or changes."""
        return self.counts[NEW] + self.counts[CHANGED]

    def add(self, status: str, record: str, key: str, detail: str = "") -> None:
        """Count one record's outcome and keep it for the preview."""
        self.counts[status] += 1
        if len(self.rows) < MAX_LISTED_ROWS:
            self.rows.append(RowOutcome(status, record, key, detail))

    def reject(
        self, row: int | None, column: str, reason: str, file: str | None = None, unit: str = "row"
    ) -> None:
        """Reject the input because of one row's column; stop the import once there are too many problems."""
        self.counts[REJECTED] += 1
        self.problem_count += 1
        if len(self.problems) < MAX_LISTED_PROBLEMS:
            self.problems.append(Problem(file or self.file, row, column, reason, unit))
        if self.problem_count >= MAX_PROBLEMS:
            self.stopped = True
            raise TooManyProblems

    def reject_parse(self, problem: ParseProblem) -> None:
        """Reject the input because of a parser's problem."""
        self.reject(problem.row, problem.field, problem.message, problem.file or self.file, problem.unit)

    def note(self, text: str) -> None:
        """Say something the reader should know that does not stop the import."""
        self.notes.append(text)

    @property
    def unlisted_problems(self) -> str:
        """The line that follows the listed problems when there were more, or ""."""
        more = self.problem_count - len(self.problems)
        if more <= 0:
            return ""
        return f"… and {more} more problems{'; stopped' if self.stopped else ''}"

    def summary(self) -> str:
        """One line: what happened."""
        counts = ", ".join(f"{self.counts[s]} {s}" for s in STATUSES)
        if not self.ok:
            return f"Rejected {self.file}: {counts}. Nothing was changed."
        if self.changes == 0:
            return f"No changes: {self.file} matches the records ({counts})."
        verb = "Would import" if self.dry_run else "Imported"
        return f"{verb} {self.file}: {counts}."

    def lines(self) -> list[str]:
        """The report as text lines, problems first."""
        out = [f"error: {p}" for p in self.problems]
        if self.unlisted_problems:
            out.append(f"error: {self.unlisted_problems}")
        out += [f"note: {n}" for n in self.notes]
        out += [f"{r.status}: {r.record} {r.key}{f' ({r.detail})' if r.detail else ''}" for r in self.rows]
        if self.counts.total() > len(self.rows) + self.counts[REJECTED]:
            out.append(f"... {self.counts.total() - len(self.rows)} more rows, counted above")
        out.append(self.summary())
        return out


@dataclass(frozen=True)
class Option:
    """A command-line option (and upload form field) a source needs."""

    flag: str
    help: str
    required: bool = False

    @property
    def dest(self) -> str:
        """The keyword the source receives."""
        return self.flag.lstrip("-").replace("-", "_")


class Source:
    """One kind of input; subclasses parse a file and upsert its records through the actions."""

    name: ClassVar[str]
    help: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]]
    options: ClassVar[tuple[Option, ...]] = ()
    # Templates list the source classes; without this Django would call them instead of reading them.
    do_not_call_in_templates: ClassVar[bool] = True
    # Council legislation: once the import commits, its matters are matched against agreements awaiting adoption.
    proposes_adoptions: ClassVar[bool] = False

    def __init__(self, *, acting_user: Person, **options: Any) -> None:
        self.acting_user = acting_user
        self.values = options

    def parse(self, path: Path, report: Report) -> Any:
        """Read the file; problems go to the report."""
        raise NotImplementedError

    def apply(self, parsed: Any, report: Report) -> None:
        """Upsert the parsed records through the actions; rejected rows go to the report."""
        raise NotImplementedError

    def option(self, name: str, report: Report) -> str | None:
        """A required option's value, or a problem naming it."""
        value = self.values.get(name)
        if not value:
            report.reject(None, f"--{name.replace('_', '-')}", "this option is required for this source")
        return value


def sniff_kind(head: bytes) -> str | None:
    """The extension a file's first bytes show it to be (".pdf", ".xlsx", ".json", ".html"), or None."""
    if head.startswith(b"%PDF-"):
        return ".pdf"
    if head.startswith(b"PK\x03\x04"):
        return ".xlsx"
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            head = head[len(bom) :].decode(encoding, errors="ignore").encode("utf-8", errors="ignore")
            break
    start = head.lstrip()[:200].lower()
    if start[:1] in (b"{", b"["):
        return ".json"
    if start.startswith((b"<!doctype html", b"<html", b"<!--", b"<?xml")) and b"<html" in head.lower():
        return ".html"
    return None


def accepts(source: Source, path: Path) -> bool:
    """True when the file's extension is one the source takes, or, for a name without a usable extension
    (a saved "LegislationDetail.aspx?ID=1", ".../matters/17071"), when its content is such a file."""
    if path.suffix.lower() in source.extensions:
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return sniff_kind(head) in source.extensions


def run_import(source: Source, path: Path, *, dry_run: bool = False, label: str | None = None) -> Report:
    """Parse and apply in one transaction; roll back on any rejection or for a preview."""
    report = Report(source=source.name, file=label or str(path), dry_run=dry_run)
    if not accepts(source, path):
        report.reject(None, "<file>", f"a {source.name} import takes {', '.join(source.extensions)} files")
        return report
    mark = write_mark() if source.proposes_adoptions and not dry_run else None
    try:
        with transaction.atomic():
            parsed = source.parse(path, report)
            if report.ok:
                source.apply(parsed, report)
            if report.ok and not dry_run:
                report.applied = True
            else:
                transaction.set_rollback(True)
    except TooManyProblems:
        # Leaving the atomic block by the exception rolled everything back.
        report.applied = False
    except DatabaseError as exc:
        # The transaction is already rolled back; say why rather than leave a traceback.
        report.applied = False
        report.reject(None, "<database>", f"the database refused a write: {exc}")
    if report.applied and mark is not None:
        propose_after_import(source.acting_user, mark, report)
    return report


def propose_after_import(acting_user: Person, mark: Any, report: Report) -> None:
    """Hand the matters the committed import wrote to the adoption matcher, and say what it found."""
    from interlocal.agreements.actions import propose_for_written

    for government, proposals in propose_for_written(acting_user=acting_user, mark=mark):
        if proposals:
            found_text = "; ".join(f"{p.matter.file_number} may adopt {p.version}" for p in proposals[:5])
            more = f" and {len(proposals) - 5} more" if len(proposals) > 5 else ""
            report.note(
                f"{government}: {len(proposals)} adoption(s) found, waiting for a person to confirm on the "
                f"work page (/me/): {found_text}{more}."
            )


@contextmanager
def row_guard(report: Report, row: int | None, column: str = "<row>") -> Iterator[None]:
    """Turn a validation or permission error of one row into a rejection of that row."""
    try:
        yield
    except ValidationError as exc:
        details = getattr(exc, "message_dict", None)
        if details:
            for col, messages in details.items():
                report.reject(row, col, "; ".join(messages))
        else:
            report.reject(row, column, "; ".join(exc.messages))
    except PermissionDenied as exc:
        report.reject(row, column, f"permission denied: {exc}")


def differences(instance: models.Model | None, values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Fields whose stored value differs from the given one."""
    if instance is None:
        return {}
    return {k: (getattr(instance, k), v) for k, v in values.items() if getattr(instance, k) != v}


def read_text(path: Path, report: Report) -> str | None:
    """Decode a text file as UTF-8, rejecting other encodings with the line and byte that fail."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.reject(None, "<file>", f"cannot read: {exc}")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        report.reject(
            line, "<encoding>", f"not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start}"
        )
        return None


def find_government(name: str) -> Government | None:
    """The government with this name, ignoring case and punctuation (St Louis = St. Louis)."""
    found = Government.objects.filter(name__iexact=name).first()
    return found or Government.objects.filter(slug=slugify(name)).first()


def partner_kind(name: str) -> str:
    """A partner named as a Department or Office is a department; anything else an institute."""
    return "department" if re.search(r"\b(Department|Office)\b", name) else "institute"


def ensure_government(
    source: Source, report: Report, name: str, kind: str, row: int | None = None, **fields: Any
) -> Government | None:
    """Match a government by name, registering it through the action when absent."""
    from interlocal.governments.actions import government_create

    found = find_government(name)
    if found is not None:
        return found
    with row_guard(report, row, "name"):
        created = government_create(acting_user=source.acting_user, kind=kind, name=name, **fields)
        report.add(NEW, "government", name, kind)
        return created
    return None


def bullets(items: Iterable[str]) -> str:
    """Markdown bullets, one item a line."""
    return "\n".join(f"- {item}" for item in items)
