"""Who may see and change what: every predicate once, registered as django-rules permissions.

Everything else asks `user.has_perm("<app>.<verb>_<model>", obj)` (or `require()` below); no role literal
appears outside this module. Facts about the user (current memberships, coordinated collaboratives) are
memoized on the user object, so many checks on one page cost no extra queries.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from typing import Any

import rules
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from interlocal.vocab import MembershipStatus, PartnerRole, Role

# Bumped by every write that changes memberships or facilitators, so memoized facts never go stale in-process.
_generation = 0


def facts_changed() -> None:
    """Forget every memoized fact (called by membership and collaborative writes)."""
    global _generation
    _generation += 1


def today() -> dt.date:
    """The local date, for membership and deadline checks."""
    return timezone.localdate()


def current_memberships(day: dt.date | None = None) -> Q:
    """Filter for memberships that grant anything: accepted and covering the day."""
    day = day or today()
    return Q(status=MembershipStatus.ACCEPTED, joined_on__lte=day) & (
        Q(left_on__isnull=True) | Q(left_on__gte=day)
    )


def current_member_ids(collaborative: Any) -> set[int]:
    """Governments that may be named in a collaborative's records: its facilitator and accepted, current members."""
    from interlocal.collaboratives.models import Membership

    ids = set(
        Membership.objects.filter(current_memberships(), collaborative_id=collaborative.pk).values_list(
            "government_id", flat=True
        )
    )
    ids.add(collaborative.facilitator_id)
    return ids


@dataclass
class _Facts:
    key: tuple[Any, ...]
    member: frozenset[int]  # collaboratives the user's government facilitates or currently belongs to
    coordinated: frozenset[int]  # collaboratives the user coordinates
    fellow_governments: frozenset[int] | None = None  # current members and facilitators of those, on demand


def _government_id(user: Any) -> int | None:
    return getattr(user, "government_id", None) if getattr(user, "is_authenticated", False) else None


def _facts(user: Any) -> _Facts:
    from interlocal.collaboratives.models import Collaborative, Membership

    gov = _government_id(user)
    role = getattr(user, "role", None)
    key = (_generation, today(), gov, role)
    cached: _Facts | None = getattr(user, "_interlocal_facts", None)
    if cached is not None and cached.key == key:
        return cached
    member: frozenset[int] = frozenset()
    coordinated: frozenset[int] = frozenset()
    if gov is not None:
        facilitated = set(Collaborative.objects.filter(facilitator_id=gov).values_list("id", flat=True))
        joined = set(
            Membership.objects.filter(current_memberships(), government_id=gov).values_list(
                "collaborative_id", flat=True
            )
        )
        member = frozenset(facilitated | joined)
        if role == Role.COORDINATOR:
            coordinated = frozenset(facilitated)
    facts = _Facts(key, member, coordinated)
    if user is not None:
        # A user object that refuses attributes just pays the queries again.
        with contextlib.suppress(AttributeError):
            user._interlocal_facts = facts
    return facts


def member_collaborative_ids(user: Any) -> frozenset[int]:
    """Collaboratives the user's government facilitates or currently belongs to (accepted memberships)."""
    return _facts(user).member


def fellow_government_ids(user: Any) -> frozenset[int]:
    """Governments that facilitate or currently belong to the user's collaboratives (memoized on first use)."""
    from interlocal.collaboratives.models import Collaborative, Membership

    facts = _facts(user)
    if facts.fellow_governments is None:
        members = Membership.objects.filter(current_memberships(), collaborative_id__in=facts.member)
        ids = set(members.values_list("government_id", flat=True))
        ids |= set(Collaborative.objects.filter(pk__in=facts.member).values_list("facilitator_id", flat=True))
        facts.fellow_governments = frozenset(ids)
    return facts.fellow_governments


def coordinated_collaborative_ids(user: Any) -> frozenset[int]:
    """Collaboratives the user coordinates: a coordinator on the staff of their facilitator."""
    return _facts(user).coordinated


def is_admin(user: Any) -> bool:
    """Whether the user is an active site administrator."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def works_in_backoffice(role: str) -> bool:
    """Editors and coordinators use the back office; viewers only read the portal."""
    return role != Role.VIEWER


def require(user: Any, perm: str, obj: Any = None, message: str = "You may not make this change.") -> None:
    """Raise PermissionDenied unless the user has the permission (on the object)."""
    if user is None or not user.has_perm(perm, obj):
        raise PermissionDenied(message)


def collaborative_of(obj: Any) -> Any:
    """The collaborative a record belongs to (itself for a collaborative)."""
    from interlocal.collaboratives.models import Collaborative

    if obj is None or isinstance(obj, Collaborative):
        return obj
    for path in ("collaborative", "agreement", "initiative", "criteria_set"):
        if hasattr(obj, f"{path}_id") or hasattr(obj, path):
            inner = getattr(obj, path, None)
            if inner is not None:
                return collaborative_of(inner)
    return None


def _collab_id(obj: Any) -> int | None:
    collab = collaborative_of(obj)
    return None if collab is None else collab.pk


def _government_of(obj: Any) -> int | None:
    from interlocal.governments.models import Government

    if isinstance(obj, Government):
        return obj.pk
    return getattr(obj, "government_id", None)


# --- predicates: each rule stated once ---

is_superuser = rules.is_superuser


@rules.predicate
def is_coordinator(user: Any) -> bool:
    """A coordinator on some government's staff."""
    return _government_id(user) is not None and getattr(user, "role", None) == Role.COORDINATOR


@rules.predicate
def is_member_editor(user: Any) -> bool:
    """A member editor on some government's staff."""
    return _government_id(user) is not None and getattr(user, "role", None) == Role.MEMBER_EDITOR


is_editor = is_coordinator | is_member_editor


@rules.predicate
def is_staff_member(user: Any) -> bool:
    """Signed in as staff of a government (any role)."""
    return _government_id(user) is not None


@rules.predicate
def coordinates(user: Any, obj: Any) -> bool:
    """The record's collaborative is one the user coordinates."""
    cid = _collab_id(obj)
    return cid is not None and cid in coordinated_collaborative_ids(user)


@rules.predicate
def belongs_to(user: Any, obj: Any) -> bool:
    """The user's government facilitates or currently (accepted) belongs to the record's collaborative."""
    cid = _collab_id(obj)
    return cid is not None and cid in member_collaborative_ids(user)


@rules.predicate
def is_published(user: Any, obj: Any) -> bool:
    """The record, and its collaborative if it has one, are published."""
    if obj is None or not getattr(obj, "is_published", True):
        return False
    collab = collaborative_of(obj)
    return collab is None or bool(collab.is_published)


@rules.predicate
def own_government(user: Any, obj: Any) -> bool:
    """The record is the user's own government (or one of its departments), or belongs to it."""
    from interlocal.governments.models import Government

    gov = _government_id(user)
    if gov is None or obj is None:
        return False
    target: Any
    if isinstance(obj, Government):
        target = obj
    else:  # a record of a government, or a collaborative (its facilitator)
        target = getattr(obj, "government", None) or getattr(obj, "facilitator", None)
    if target is None:
        return False
    return target.pk == gov or getattr(target, "parent_id", None) == gov


@rules.predicate
def is_fellow_government(user: Any, government: Any) -> bool:
    """The government facilitates or currently belongs to one of the user's collaboratives."""
    return government is not None and government.pk in fellow_government_ids(user)


@rules.predicate
def is_joining_government(user: Any, membership: Any) -> bool:
    """The membership is of the user's own government."""
    gov = _government_id(user)
    return gov is not None and membership is not None and membership.government_id == gov


@rules.predicate
def leads(user: Any, obj: Any) -> bool:
    """The user's government leads the initiative (of a KPI, entry or score)."""
    from interlocal.initiatives.models import Initiative

    initiative = obj if isinstance(obj, Initiative) else getattr(obj, "initiative", None)
    gov = _government_id(user)
    if gov is None or initiative is None or initiative.pk is None:
        return False
    return any(p.role == PartnerRole.LEAD and p.government_id == gov for p in initiative.partners.all())


@rules.predicate
def is_partner(user: Any, kpi: Any) -> bool:
    """The user's government is a partner (any role) of the KPI's initiative."""
    gov = _government_id(user)
    return gov is not None and any(p.government_id == gov for p in kpi.initiative.partners.all())


@rules.predicate
def owns_kpi(user: Any, kpi: Any) -> bool:
    """The user is the KPI's accountable owner."""
    return kpi is not None and kpi.owner_id is not None and kpi.owner_id == getattr(user, "pk", None)


@rules.predicate
def scores_open(user: Any, criteria_set: Any) -> bool:
    """The coordinator has not hidden members' scores from each other."""
    return criteria_set is not None and not criteria_set.scores_hidden


@rules.predicate
def no_object(user: Any, obj: Any) -> bool:
    """Asked about the model, not one record (module and list checks)."""
    return obj is None


# The government a savings entry or score is for must be the user's own.
@rules.predicate
def for_own_government(user: Any, obj: Any) -> bool:
    """The entry is recorded for the user's own government."""
    gov = _government_id(user)
    return gov is not None and _government_of(obj) == gov


@rules.predicate
def is_self(user: Any, person: Any) -> bool:
    """The account is the user's own."""
    return person is not None and getattr(user, "pk", None) == person.pk


# An adoption found in a council's legislation: that government's own editors, or the collaborative's coordinators.
may_decide_adoption = coordinates | (is_editor & own_government)


# Self-assessments: a member's answers are its own staff's and its collaborative's coordinators' (issue 11).
@rules.predicate
def answers_of_own_government(user: Any, obj: Any) -> bool:
    """The round member (or answer) is the user's own government's."""
    gov = _government_id(user)
    return gov is not None and obj is not None and getattr(obj, "government_id", None) == gov


# Background jobs (issue 12): a job, its progress and its result are its owner's alone.
@rules.predicate
def owns_job(user: Any, job: Any) -> bool:
    """The user asked for the job."""
    return bool(getattr(user, "is_authenticated", False) and job is not None and job.owner_id == user.pk)


# Coordinators of its collaborative; member editors of a current member that leads it.
may_change_initiative = coordinates | (is_member_editor & belongs_to & leads)

# --- permissions, with Django-style names ---

_editor_of_own = is_editor & own_government
_member_reader = belongs_to | coordinates

PERMISSIONS: dict[str, Any] = {
    # governments
    "governments.view_government": is_published | own_government | is_fellow_government,
    "governments.add_government": is_coordinator,
    "governments.change_government": _editor_of_own,
    "governments.add_person": is_coordinator & own_government,
    "governments.view_person": rules.always_deny,
    "governments.add_superuser": rules.always_deny,
    # Accounts and privileges: site administrators only (superusers hold every permission); a password also
    # by its own holder.
    "governments.change_person": rules.always_deny,
    "governments.unlock_person": rules.always_deny,
    "governments.set_password_person": is_self,
    "auth.change_group": rules.always_deny,
    # collaboratives and consent to membership
    "collaboratives.view_collaborative": is_published | belongs_to,
    "collaboratives.add_collaborative": is_coordinator & (no_object | own_government),
    "collaboratives.change_collaborative": coordinates,
    "collaboratives.propose_membership": coordinates,
    "collaboratives.accept_membership": is_editor & is_joining_government,
    "collaboratives.decline_membership": is_editor & is_joining_government,
    "collaboratives.end_membership": coordinates,
    # initiatives and their working records
    "initiatives.view_initiative": is_published | belongs_to,
    "initiatives.add_initiative": (is_editor & no_object) | coordinates | (is_member_editor & belongs_to),
    "initiatives.change_initiative": may_change_initiative,
    "initiatives.publish_initiative": coordinates,
    "initiatives.move_initiative": coordinates,
    "initiatives.add_term": is_coordinator,
    "initiatives.change_term": is_coordinator,
    "initiatives.add_plan": is_coordinator & (no_object | coordinates),
    "initiatives.change_plan": coordinates,
    "initiatives.add_stagegate": is_coordinator & (no_object | coordinates),
    "initiatives.change_stagegate": coordinates,
    "initiatives.add_criteriaset": coordinates,
    "initiatives.change_criteriaset": coordinates,
    "initiatives.add_score": coordinates | (is_editor & belongs_to & for_own_government),
    "initiatives.score_initiative": is_editor & belongs_to,
    "initiatives.view_all_scores": coordinates | (belongs_to & scores_open),
    "initiatives.view_ranking": belongs_to,
    # agreements and legislation
    "agreements.view_agreement": is_published | belongs_to,
    "agreements.add_agreement": is_coordinator & (no_object | coordinates),
    "agreements.change_agreement": coordinates,
    "agreements.add_agreementversion": is_coordinator & (no_object | coordinates),
    "agreements.change_agreementversion": coordinates,
    "agreements.add_adoption": is_editor & (no_object | own_government),
    "agreements.view_legislativematter": is_published | own_government,
    "agreements.add_legislativematter": is_editor & (no_object | own_government),
    "agreements.change_legislativematter": _editor_of_own,
    # audit log
    # The admin's audit log is for coordinators (their own collaboratives' events); everyone reads the public
    # events on the portal (its collaborative pages and changes feed).
    "audit.view_auditevent": (is_coordinator & no_object) | coordinates,
    # cost sharing
    "costshare.view_scenario": belongs_to,
    "costshare.change_scenario": coordinates,
    "costshare.add_savingsentry": coordinates | (is_member_editor & belongs_to & for_own_government),
    "costshare.certify_savingsentry": coordinates | (is_member_editor & belongs_to & for_own_government),
    # measures
    "tracking.add_kpi": is_editor & (no_object | may_change_initiative),
    "tracking.change_kpi": may_change_initiative,
    "tracking.receive_liaison_digest": is_member_editor,
    "tracking.add_measurement": owns_kpi | may_change_initiative | (is_member_editor & is_partner),
    # imports and the back office
    # Editors import; what each row may change is checked again by the action that writes it.
    "importers.import_records": is_editor,
    "portal.use_backoffice": is_staff_member,
    "portal.load_synthetic_data": rules.always_deny,
    # Legistar sync: the government's own editors and coordinators turn it on and read its status.
    "importers.view_legistarsync": _editor_of_own,
    "importers.change_legistarsync": _editor_of_own,
    # adoptions found in council legislation (issue 10): whoever writes a government's matters has them matched;
    # its own editors and the collaborative's coordinators see, confirm and dismiss what was found.
    "agreements.add_adoptionproposal": is_editor & (no_object | own_government),
    "agreements.view_adoptionproposal": may_decide_adoption,
    "agreements.confirm_adoptionproposal": may_decide_adoption,
    "agreements.dismiss_adoptionproposal": may_decide_adoption,
    # self-assessments (issue 11): answers are seen by their member's staff and the coordinators only;
    # everyone else in the collaborative reads k-guarded aggregates (assessments/queries.py).
    "assessments.add_framework": is_coordinator,
    "assessments.change_framework": is_coordinator,
    "assessments.add_round": is_coordinator & (no_object | coordinates),
    "assessments.view_round": belongs_to | coordinates,
    "assessments.change_round": coordinates,
    "assessments.view_aggregates": belongs_to | coordinates,
    "assessments.view_roundmember": coordinates | answers_of_own_government,
    "assessments.change_roundmember": is_editor & answers_of_own_government,
    "assessments.reopen_roundmember": coordinates,
    "assessments.add_initiative_from_gap": coordinates,
    # background jobs (issue 12): any signed-in person may ask for one; only its owner follows it.
    "jobs.add_job": rules.is_authenticated,
    "jobs.view_job": owns_job,
    # action plans and progress reports (issue 12): drafts are the collaborative's members' like other unpublished
    # records; a published version is public when its collaborative is (PlanVersion has no is_published flag of its
    # own: publishing is what made it).
    "reports.view_actionplan": belongs_to | coordinates,
    "reports.add_actionplan": is_coordinator & (no_object | coordinates),
    "reports.change_actionplan": coordinates,
    "reports.publish_actionplan": coordinates,
    "reports.view_planversion": is_published | belongs_to | coordinates,
    "reports.add_planupdate": coordinates,
}

for _name, _predicate in PERMISSIONS.items():
    rules.add_perm(_name, _predicate)


class PasswordBackend(ModelBackend):
    """Signs people in by password; permissions come only from the rules above, never from groups."""

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()


def perm_name(model: Any, verb: str) -> str:
    """The permission name for a verb on a model, e.g. initiatives.change_initiative."""
    return f"{model._meta.app_label}.{verb}_{model._meta.model_name}"
