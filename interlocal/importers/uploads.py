"""Uploads waiting between preview and apply: kept under var/imports/, owned by their uploader, expiring."""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

TOKEN = re.compile(r"[0-9a-f]{32}")


def upload_dir() -> Path:
    """Where uploads wait between preview and apply."""
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def lifetime() -> dt.timedelta:
    """How long an unapplied upload is kept (INTERLOCAL_IMPORT_TTL_HOURS)."""
    return dt.timedelta(hours=settings.IMPORT_UPLOAD_TTL_HOURS)


@dataclass(frozen=True)
class PendingUpload:
    """A previewed upload: its file, who uploaded it, with which source and options, and when."""

    token: str
    uploader_id: int
    source: str
    options: dict[str, str | None]
    label: str
    suffix: str
    created: str

    @property
    def path(self) -> Path:
        """The uploaded file."""
        return upload_dir() / f"{self.token}{self.suffix}"

    @property
    def expires(self) -> dt.datetime:
        """When the upload is deleted unless applied."""
        return dt.datetime.fromisoformat(self.created) + lifetime()

    def expired(self, now: dt.datetime | None = None) -> bool:
        """True once the upload has outlived its lifetime."""
        return (now or timezone.now()) >= self.expires


def _meta_path(token: str) -> Path:
    # Not ".json": uploads themselves may be JSON files named <token>.json.
    return upload_dir() / f"{token}.pending"


def save_upload(
    chunks: Iterable[bytes], *, uploader_id: int, source: str, options: dict[str, Any], label: str
) -> PendingUpload:
    """Store an upload's bytes and who sent it; the file is named by a random token, never by the user."""
    pending = PendingUpload(
        token=secrets.token_hex(16),
        uploader_id=uploader_id,
        source=source,
        options=options,
        label=label,
        suffix=Path(label).suffix.lower(),
        created=timezone.now().isoformat(),
    )
    with pending.path.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
    _meta_path(pending.token).write_text(json.dumps(asdict(pending)))
    return pending


def load_upload(token: str) -> PendingUpload | None:
    """The pending upload of a token, or None when the token is malformed or unknown."""
    if not TOKEN.fullmatch(token):
        return None
    try:
        return PendingUpload(**json.loads(_meta_path(token).read_text()))
    except (OSError, ValueError, TypeError):
        return None


def discard_upload(pending: PendingUpload) -> None:
    """Delete an upload's file and record."""
    pending.path.unlink(missing_ok=True)
    _meta_path(pending.token).unlink(missing_ok=True)


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete every expired upload, and files left without a record longer than the lifetime; how many."""
    now = now or timezone.now()
    removed = 0
    for meta in upload_dir().glob("*.pending"):
        pending = load_upload(meta.stem)
        if pending is None or pending.expired(now):
            if pending is not None:
                pending.path.unlink(missing_ok=True)
            meta.unlink(missing_ok=True)
            removed += 1
    cutoff = (now - lifetime()).timestamp()
    for path in upload_dir().iterdir():
        # Files from before uploads had records, or whose record was lost, go by their age.
        orphan = path.is_file() and path.suffix != ".pending" and not _meta_path(path.stem).exists()
        if orphan and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
