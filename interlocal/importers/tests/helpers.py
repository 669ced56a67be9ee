"""Shared helpers of the importer tests: the ../shared folder and a database fingerprint."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from interlocal.audit.models import AuditEvent

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared"


def shared(*parts: str) -> Path:
    """A file under ../shared, skipping the test when the folder is absent."""
    path = SHARED.joinpath(*parts)
    if not SHARED.is_dir():
        pytest.skip(f"../shared is absent: {SHARED} holds the real input files")
    return path


def fingerprint() -> dict[str, Any]:
    """Row counts of every model and the audit log's ids, to show nothing changed."""
    # Sign-ins create sessions and sign-in logs (django-axes); they are not records.
    models = [
        m for m in apps.get_models() if m._meta.label != "sessions.Session" and m._meta.app_label != "axes"
    ]
    counts: dict[str, Any] = {m._meta.label: m._default_manager.count() for m in models}
    counts["audit"] = list(AuditEvent.objects.order_by("id").values_list("id", "verb"))
    return counts


def run(*args: str) -> tuple[int, str]:
    """Run `interlocal import ...`; return the exit code and the printed report."""
    out = io.StringIO()
    try:
        call_command("import", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()
