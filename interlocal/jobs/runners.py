"""What each kind of job does. A runner gets the job's params and a `report(progress, message)` callback,
and returns its result (bytes, file name, content type, link) or raises to fail the job."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Report = Callable[[int, str], None]


@dataclass(frozen=True)
class Result:
    data: bytes = b""
    name: str = ""
    content_type: str = ""
    link: str = ""
    message: str = "Done."


Runner = Callable[[Any, dict[str, Any], Report], Result]
RUNNERS: dict[str, Runner] = {}


def runner(kind: str) -> Callable[[Runner], Runner]:
    """Register a function as the runner of a kind of job."""

    def register(fn: Runner) -> Runner:
        RUNNERS[kind] = fn
        return fn

    return register


@runner("selftest")
def selftest(owner: Any, params: dict[str, Any], report: Report) -> Result:
    """Count to `steps`, reporting each step: checks the worker runs and the progress bar moves."""
    steps = int(params.get("steps", 4))
    for i in range(steps):
        report(int(100 * i / steps), f"Step {i + 1} of {steps}")
    text = "".join(f"step {i + 1}\n" for i in range(steps))
    return Result(text.encode(), "selftest.txt", "text/plain; charset=utf-8", message=f"Counted to {steps}.")


@runner("import")
def import_file(owner: Any, params: dict[str, Any], report: Report) -> Result:
    """Preview (dry run) or apply a large upload; the result is the report as text.

    An import is one transaction, so its progress is told by phase (checking, applying), not by row:
    a row count written from inside the transaction would not be seen until the end.
    """
    from django.urls import reverse

    from interlocal.importers.base import run_import
    from interlocal.importers.queries import get_pending_upload_for_user
    from interlocal.importers.sources import SOURCES
    from interlocal.importers.uploads import discard_upload

    found = get_pending_upload_for_user(owner, params["token"])
    dry_run = bool(params.get("dry_run", True))
    report(10, f"{'Checking' if dry_run else 'Applying'} {found.label}")
    source = SOURCES[found.source](acting_user=owner, **found.options)
    result = run_import(source, found.path, dry_run=dry_run, label=found.label)
    link = ""
    if dry_run and result.ok and result.changes:
        link = reverse("importers:pending", args=[params["token"]])
    elif not dry_run:
        discard_upload(found)
    message = result.summary() + (" Nothing is changed until you apply it." if link else "")
    name = found.label.rsplit(".", 1)[0] + ("-preview" if dry_run else "-import") + ".txt"
    return Result(
        "\n".join(result.lines()).encode(),
        name,
        "text/plain; charset=utf-8",
        link=link,
        message=message[:500],
    )


@runner("plan")
def plan_file(owner: Any, params: dict[str, Any], report: Report) -> Result:
    """A published plan version as PDF or Word, by the reports app's renderers (the same as the download)."""
    from django.utils.text import slugify

    from interlocal.reports import outputs, queries

    fmt = params["fmt"]
    if fmt not in ("pdf", "docx"):
        raise ValueError(f"a plan job makes pdf or docx, not {fmt!r}")
    version = queries.get_version_for_user(owner, int(params["plan"]), int(params["number"]))
    report(10, f"Gathering version {version.number} of {version.title}")
    if fmt == "pdf":
        report(30, "Laying out the pages and charts (WeasyPrint)")
        data, content_type = outputs.render_plan_pdf(version), "application/pdf"
    else:
        report(30, "Writing the Word document")
        data, content_type = outputs.render_plan_docx(version), outputs.DOCX_MIME
    # "2026\N{EN DASH}2030" would slugify to "20262030": keep the years apart.
    stem = slugify(version.title.replace("\N{EN DASH}", "-")) or "plan"
    name = f"{stem}-v{version.number}.{fmt}"
    size = f"{len(data) / 1024:,.0f} KB"
    return Result(data, name, content_type, message=f"{name} is ready ({size}).")
