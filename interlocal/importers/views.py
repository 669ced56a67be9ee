"""The back-office upload page: choose a source, upload, preview new/changed/unchanged/rejected, apply."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from interlocal.importers.base import Report, run_import, sniff_kind
from interlocal.importers.queries import get_pending_upload_for_user, source_fields
from interlocal.importers.sources import SOURCES
from interlocal.importers.sources.spreadsheet import RECORD_TYPES, template_csv, template_xlsx
from interlocal.importers.uploads import PendingUpload, discard_upload, purge_expired, save_upload
from interlocal.jobs.actions import job_create

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# The first bytes each kind of file must start with; text files must simply hold no NUL byte.
MAGIC = {".xlsx": b"PK\x03\x04", ".pdf": b"%PDF-"}


def require_importer(request: HttpRequest) -> None:
    """Only editors (coordinators, member editors) and administrators import."""
    if not request.user.has_perm("importers.import_records"):
        raise PermissionDenied("Only editors and administrators may import records.")


def check_upload(upload: Any, extensions: tuple[str, ...]) -> str | None:
    """The reason an upload is refused before parsing: size, extension or content type."""
    suffix = Path(upload.name or "").suffix.lower()
    if upload.size > MAX_UPLOAD_BYTES:
        return f"{upload.name} is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB."
    head = next(upload.chunks(8192), b"")
    upload.seek(0)
    if suffix not in extensions:
        # A page saved as "LegislationDetail.aspx?ID=1" or an API response without extension: its content.
        suffix = sniff_kind(head) or suffix
    if suffix not in extensions:
        return f"{upload.name}: this source takes {', '.join(extensions)} files."
    magic = MAGIC.get(suffix)
    if magic is not None and not head.startswith(magic):
        return f"{upload.name} is not a {suffix} file."
    if magic is None and b"\x00" in head:
        return f"{upload.name} is not a text file."
    return None


def _context(**extra: Any) -> dict[str, Any]:
    return {"sources": SOURCES, "record_types": RECORD_TYPES, **extra}


def _upload_page(
    request: HttpRequest,
    name: str,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    cls = SOURCES.get(name)
    fields = source_fields(request.user, cls, values or {}, errors or {}) if cls else []
    context = _context(source=cls, source_name=name if cls else "", fields=fields, errors=errors or {})
    return render(request, "importers/upload.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """Show the form for the chosen source; on upload, preview the import without changing anything."""
    require_importer(request)
    if request.method == "GET":
        return _upload_page(request, request.GET.get("source", ""))
    # Each upload clears away the previews nobody applied in time.
    purge_expired()
    name = request.POST.get("source", "")
    cls = SOURCES.get(name)
    if cls is None:
        return _upload_page(request, "", errors={"source": "Choose a source."}, status=400)
    values = {o.dest: request.POST.get(f"{name}__{o.dest}", "").strip() for o in cls.options}
    errors = {
        f"{name}__{o.dest}": f"{o.flag} is required for a {name} import."
        for o in cls.options
        if o.required and not values[o.dest]
    }
    upload_file = request.FILES.get("file")
    if upload_file is None:
        errors["file"] = "Choose a file to upload."
    else:
        refused = check_upload(upload_file, cls.extensions)
        if refused:
            errors["file"] = refused
    if errors or upload_file is None:
        return _upload_page(request, name, values=values, errors=errors, status=400)
    options = {dest: value or None for dest, value in values.items()}
    pending = save_upload(
        upload_file.chunks(),
        uploader_id=int(request.user.pk or 0),
        source=name,
        options=options,
        label=upload_file.name or "upload",
    )
    if (upload_file.size or 0) > settings.IMPORT_BACKGROUND_BYTES:
        return _in_background(request, pending, dry_run=True)
    report = _preview(request, pending)
    if not (report.ok and report.changes):
        discard_upload(pending)
    return _render_report(request, report, pending if report.ok and report.changes else None)


@login_required
def pending(request: HttpRequest, token: str) -> HttpResponse:
    """Show an upload's preview again; only to its uploader, until it expires."""
    require_importer(request)
    found = get_pending_upload_for_user(request.user, token)
    return _render_report(request, _preview(request, found), found)


@login_required
@require_POST
def apply(request: HttpRequest) -> HttpResponse:
    """Apply the previewed import in one transaction."""
    require_importer(request)
    found = get_pending_upload_for_user(request.user, request.POST.get("token", ""))
    cls = SOURCES.get(found.source)
    if cls is None:
        raise Http404("That source no longer exists; upload the file again.")
    if found.path.stat().st_size > settings.IMPORT_BACKGROUND_BYTES:
        return _in_background(request, found, dry_run=False)
    try:
        report = run_import(
            cls(acting_user=request.user, **found.options),  # type: ignore[arg-type]
            found.path,
            label=found.label,
        )
    finally:
        discard_upload(found)
    return _render_report(request, report, None)


def _in_background(request: HttpRequest, found: PendingUpload, *, dry_run: bool) -> HttpResponse:
    # A large file is checked, then applied, by the worker; its page shows the progress and the report.
    job = job_create(
        acting_user=request.user,  # type: ignore[arg-type]
        kind="import",
        title=f"{'Check' if dry_run else 'Apply'} the {found.source} import of {found.label}",
        params={"token": found.token, "dry_run": dry_run},
    )
    return redirect("jobs:job", pk=job.pk)


def _preview(request: HttpRequest, found: PendingUpload) -> Report:
    cls = SOURCES[found.source]
    source = cls(acting_user=request.user, **found.options)  # type: ignore[arg-type]
    return run_import(source, found.path, dry_run=True, label=found.label)


def _render_report(request: HttpRequest, report: Report, found: PendingUpload | None) -> HttpResponse:
    return render(
        request,
        "importers/preview.html",
        _context(report=report, by_status=_by_status(report), pending=found),
    )


def _by_status(report: Report) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {"new": [], "changed": [], "unchanged": []}
    for row in report.rows:
        out.setdefault(row.status, []).append(row)
    return out


@login_required
def template(request: HttpRequest, record_type: str, fmt: str) -> HttpResponse:
    """Download the spreadsheet template of a record type."""
    require_importer(request)
    if record_type not in RECORD_TYPES:
        raise Http404("No template for that record type.")
    if fmt == "xlsx":
        response = HttpResponse(
            template_xlsx(record_type),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(template_csv(record_type), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{record_type}-template.{fmt}"'
    return response
