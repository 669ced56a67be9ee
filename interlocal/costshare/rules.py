"""Who may write cost-sharing records, built from the role rules in interlocal.access.

- Scenarios: only the collaborative's coordinators (and administrators) create, compute and adopt them;
  members of the collaborative read them.
- Savings ledger entries: a member editor enters figures for their own government in a collaborative it
  belongs to; coordinators enter them for every government in their collaborative.
- Certification: a coordinator of the initiative's collaborative, or an editor on the government's own staff
  (its finance director is given the member-editor role for this); viewers change nothing, certification included.
"""

from __future__ import annotations

from typing import Any

from interlocal import access
from interlocal.vocab import Role


def can_edit_scenarios(user: Any, collaborative: Any) -> bool:
    """Coordinators of the collaborative (and administrators) build and adopt scenarios."""
    return access.can_edit_collaborative(user, collaborative)


def can_see_scenarios(user: Any, collaborative: Any) -> bool:
    """Scenarios are working papers of the collaborative's members; the adopted split is public elsewhere."""
    return access.is_admin(user) or collaborative.pk in access.member_collaborative_ids(user)


def can_write_savings(user: Any, initiative: Any, government: Any) -> bool:
    """Coordinators for anyone in their collaborative; member editors for their own government."""
    if access.can_edit_collaborative(user, initiative.collaborative):
        return True
    return (
        getattr(user, "role", None) == Role.MEMBER_EDITOR
        and getattr(user, "government_id", None) == government.pk
        and initiative.collaborative_id in access.member_collaborative_ids(user)
    )


def is_finance_staff_of(user: Any, government_id: int) -> bool:
    """Whether the user is an editor on the government's own staff (job titles are free text, so not used)."""
    return (
        getattr(user, "is_authenticated", False)
        and getattr(user, "government_id", None) == government_id
        and getattr(user, "role", None) == Role.MEMBER_EDITOR
    )


def can_certify_savings(user: Any, entry: Any) -> bool:
    """A coordinator of the collaborative, or an editor on the entry's government's own staff."""
    if access.can_edit_collaborative(user, entry.initiative.collaborative):
        return True
    return is_finance_staff_of(user, entry.government_id) and (
        entry.initiative.collaborative_id in access.member_collaborative_ids(user)
    )


def certifiable_ids(user: Any, collaborative: Any, entries: Any) -> set[int]:
    """Ids of the uncertified entries (all of one collaborative) the user may certify, in constant queries."""
    open_entries = [e for e in entries if not e.is_certified]
    if access.can_edit_collaborative(user, collaborative):
        return {e.pk for e in open_entries}
    if collaborative.pk not in access.member_collaborative_ids(user):
        return set()
    gov = getattr(user, "government_id", None)
    return {
        e.pk
        for e in open_entries
        if gov is not None and is_finance_staff_of(user, gov) and e.government_id == gov
    }
