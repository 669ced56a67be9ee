"""Scoped reads of the importers: a pending upload is its uploader's alone."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from interlocal.importers.uploads import PendingUpload, discard_upload, load_upload


def get_pending_upload_for_user(user: Any, token: str) -> PendingUpload:
    """The user's own unexpired pending upload; 404 when missing, expired or someone else's."""
    pending = load_upload(token)
    if pending is None or pending.uploader_id != user.pk or not pending.path.is_file():
        raise Http404("No previewed import to apply; upload the file again.")
    if pending.expired():
        discard_upload(pending)
        raise Http404("That preview has expired; upload the file again.")
    return pending
