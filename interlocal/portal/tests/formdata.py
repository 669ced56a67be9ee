"""Post data for the initiative and KPI forms, as a browser would send the page it was shown."""

from __future__ import annotations

from typing import Any

from interlocal.initiatives.models import Initiative
from interlocal.portal.forms_initiative import InitiativeForm


def as_posted(initial: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """Turn form values into what a browser posts: text, lists of ids, checked boxes present."""
    data: dict[str, Any] = {}
    for name, value in {**initial, **changes}.items():
        if value is None:
            data[name] = ""
        elif value is True:
            data[name] = "on"
        elif value is False:
            continue
        elif isinstance(value, list | tuple):
            data[name] = [str(getattr(v, "pk", v)) for v in value]
        else:
            data[name] = str(getattr(value, "pk", value))
    return data


def initiative_post(initiative: Initiative, **changes: Any) -> dict[str, Any]:
    """The edit form of a stored initiative as posted unchanged, with some fields changed."""
    fresh = Initiative.objects.prefetch_related("terms", "partners").get(pk=initiative.pk)
    return as_posted(InitiativeForm.initial_from(fresh), **changes)
