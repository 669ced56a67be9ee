"""Scoped reads of the importers: a pending upload is its uploader's alone."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class OptionField:
    """One option of a source as an upload form field, with the values the user may pick."""

    name: str
    flag: str
    help: str
    required: bool
    value: str
    error: str
    choices: list[tuple[str, str]] | None


def option_choices(user: Any, dest: str) -> list[tuple[str, str]] | None:
    """The values a user may give an option, or None where it is free text."""
    from interlocal.collaboratives.queries import visible_collaboratives
    from interlocal.governments.queries import visible_governments
    from interlocal.importers.sources.spreadsheet import RECORD_TYPES

    if dest == "collaborative":
        # Plans, statements and initiative rows go to collaboratives the user may add initiatives to.
        return [
            (c.slug, c.name)
            for c in visible_collaboratives(user).order_by("name")
            if user.has_perm("initiatives.add_initiative", c)
        ]
    if dest == "government":
        # Legislation is imported for a government by its own staff.
        return [
            (g.slug, g.name)
            for g in visible_governments(user).order_by("name")
            if user.has_perm("agreements.add_legislativematter", g)
        ]
    if dest == "type":
        return [(t, t) for t in RECORD_TYPES]
    return None


def source_fields(
    user: Any, source: Any, values: dict[str, str], errors: dict[str, str]
) -> list[OptionField]:
    """The upload form's fields for one source's options."""
    fields = []
    for option in source.options:
        name = f"{source.name}__{option.dest}"
        fields.append(
            OptionField(
                name=name,
                flag=option.flag,
                help=option.help,
                required=option.required,
                value=values.get(option.dest, ""),
                error=errors.get(name, ""),
                choices=option_choices(user, option.dest),
            )
        )
    return fields
