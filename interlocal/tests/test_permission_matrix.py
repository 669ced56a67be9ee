"""Every URL pattern and API operation, for every role, by GET and form POST, on published and unpublished records.

The expectations follow /work/notes/rules.md (issue 8). Each row of the tables below names a URL pattern (or an
API operation, as "METHOD /path") and gives, per method, the outcome for each role; one line per column of
objects, usually the published record and then the unpublished one (the row's `args` say which; the records are
described in interlocal/testkit.py, build_matrix_world).

Outcomes:
  ok      GET: 200. POST: accepted and nothing written (an incomplete form shown again, a refused gate...)
  write   POST: accepted and written (a new audit event, since every write goes through an action; or, for a
          row with a guard, a change to the guarded fields)
  login   302 to a sign-in page (the portal's or the admin's)
  index   302 to the admin index: how the admin answers a missing or hidden object
  moved   any other redirect
  400 403 404 405 500  that status
  a/b     either
Every refused POST must also have written nothing. Every 200 page is searched for the markers of records the
role must not see (interlocal.testkit.HIDDEN_*), so a list, feed, filter or picker that shows one fails.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client, RequestFactory, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse

from interlocal import urls as root_urls
from interlocal.api.api import api
from interlocal.audit.models import AuditEvent
from interlocal.portal.tests.formdata import initiative_post
from interlocal.testkit import (
    HIDDEN_ANSWER_BS,
    HIDDEN_ANSWER_LS,
    HIDDEN_GOV,
    HIDDEN_LS,
    HIDDEN_OURS,
    HIDDEN_THEIRS,
    MATRIX_SUMMARY,
    MatrixWorld,
    build_matrix_world,
)

W = MatrixWorld

ROLES = ("public", "viewer", "member", "outsider", "other_coordinator", "coordinator", "admin")
# public: not signed in. viewer: Blue Springs (member of ours), role viewer. member: Lee's Summit's clerk (member
# editor; Lee's Summit is a member of ours and left St. Louis County's collaborative in 2017). outsider: Kansas
# City's editor (a member of theirs only). other_coordinator: St. Louis County's planner, coordinating theirs.
# coordinator: MARC's coordinator of ours (and of the unpublished pilot). admin: site administrator.

# The hidden markers each role may see; every other marker on a page it reads is a leak.
MAY_SEE: dict[str, set[str]] = {
    "public": set(),
    "viewer": {HIDDEN_OURS, HIDDEN_ANSWER_BS},
    "member": {HIDDEN_OURS, HIDDEN_LS, HIDDEN_ANSWER_LS},
    "outsider": {HIDDEN_THEIRS},
    "other_coordinator": {HIDDEN_THEIRS},
    "coordinator": {HIDDEN_OURS, HIDDEN_ANSWER_LS, HIDDEN_ANSWER_BS},
    "admin": {HIDDEN_OURS, HIDDEN_THEIRS, HIDDEN_LS, HIDDEN_GOV, HIDDEN_ANSWER_LS, HIDDEN_ANSWER_BS},
}
MARKERS = (HIDDEN_OURS, HIDDEN_THEIRS, HIDDEN_LS, HIDDEN_GOV, HIDDEN_ANSWER_LS, HIDDEN_ANSWER_BS)


Spec = str | tuple[str, ...]  # the outcomes of one column, or a tuple of columns


def _groups(spec: Spec) -> tuple[str, ...]:
    return (spec,) if isinstance(spec, str) else spec


@dataclass(frozen=True)
class Url:
    """One row: outcomes per role for GET and POST, and how to build the request."""

    get: Spec | None = None
    post: Spec | None = None
    # One tuple of reverse() arguments per column; None means a single column with no arguments.
    args: Callable[[W], tuple[tuple[Any, ...], ...]] | None = None
    # The POST data: one dict for every column, or a tuple with one per column.
    payload: Callable[[W], dict[str, Any] | tuple[dict[str, Any], ...]] | None = None
    # What a write must not change, where that is narrower than "any audit event": a snapshot of the record.
    guard: Callable[[W, int], Any] | None = None
    query: str = ""
    fresh_client: bool = False  # the request ends the session, so each check gets its own client


def _pub(attr: str) -> Callable[[W], tuple[tuple[Any, ...], ...]]:
    """Columns: the published record's pk, then the unpublished one's (attribute hidden_<attr>)."""
    return lambda w: ((getattr(w, attr).pk,), (getattr(w, f"hidden_{attr}").pk,))


def _collab(w: W) -> tuple[tuple[Any, ...], ...]:
    return ((w.ours.slug,), (w.pilot.slug,))


def _government(w: W) -> tuple[tuple[Any, ...], ...]:
    return ((w.lees_summit.slug,), (w.grain_valley.slug,))


def _history_row(w: W, matter: Any) -> Any:
    """The matter's first action-history row, added through the action if it has none."""
    from interlocal.agreements.actions import matter_action_add

    admin_user: Any = w.users["admin"]
    return matter.actions.first() or matter_action_add(
        acting_user=admin_user, matter=matter, action_date=dt.date(2021, 4, 13), action_name="adopted"
    )


def _kansas_city() -> Any:
    from interlocal.governments.models import Government

    return Government.objects.get(name="Kansas City")


# The read API's outcomes by role, one column each (public viewer member outsider other_coordinator coordinator
# admin): what every role reads; an unpublished record of ours (MARC's collaboratives, of which the viewer's and
# the member's governments are members); Lee's Summit's own unpublished council record; a record of ours that only
# members read, published or not; a record no one but the administrator reads.
API_ALL = "ok ok ok ok ok ok ok"
API_OURS = "404 ok ok 404 404 ok ok"
API_LS = "404 404 ok 404 404 404 ok"
API_MEMBERS = "404 ok ok 404 404 ok ok"
API_ADMIN_ONLY = "404 404 404 404 404 404 ok"


def _memberships(w: W) -> tuple[tuple[Any, ...], ...]:
    """Lee's Summit's membership of ours, then of the unpublished pilot."""
    return tuple((w.lees_summit.memberships.get(collaborative=c).pk,) for c in (w.ours, w.pilot))


def _parties(w: W) -> tuple[tuple[Any, ...], ...]:
    """Lee's Summit as party to the published version, then to the unpublished one."""
    return tuple((v.party_rows.get(government=w.lees_summit).pk,) for v in (w.version, w.hidden_version))


def _actions(w: W) -> tuple[tuple[Any, ...], ...]:
    """A history row of the published matter, then of the unpublished one."""
    return tuple((_history_row(w, m).pk,) for m in (w.matter, w.hidden_matter))


def _measurements(w: W) -> tuple[tuple[Any, ...], ...]:
    """A measurement of the published KPI, then of the unpublished initiative's, entered through the action."""
    from interlocal.tracking.actions import measurement_record

    def one(kpi: Any) -> Any:
        return kpi.measurements.first() or measurement_record(
            acting_user=w.users["admin"],  # type: ignore[arg-type]
            kpi=kpi,
            measured_on=dt.date(2024, 1, 1),
            value=15,  # type: ignore[arg-type]
        )

    return tuple((one(k).pk,) for k in (w.kpi, w.hidden_kpi))


def _offices(w: W) -> tuple[tuple[Any, ...], ...]:
    """An office of the published official, then of the unpublished one."""
    return tuple((o.offices.get().pk,) for o in (w.official, w.hidden_official))


def _council_item(w: W) -> Any:
    """An agenda item of the unpublished session with Dana Whitfield's vote, synced once as Legistar sends it."""
    from interlocal.importers.parsers.legistar_api import parse_legistar_json
    from interlocal.legislation.ingest import ingest_batch

    session = w.hidden_meeting
    if not session.items.exists():
        row = {
            "EventId": session.event_id, "EventBodyId": 1, "EventBodyName": "City Council",
            "EventDate": f"{session.date}T00:00:00", "EventTime": session.time, "EventLocation": session.location,
            "EventAgendaStatusName": "Draft",
            "EventItems": [{"EventItemId": 9002, "EventItemAgendaSequence": 1, "EventItemTitle": "Closed item",
                            "EventItemRollCallFlag": 1,
                            "EventItemVotes": [{"VoteId": 79999, "VotePersonId": 101, "VoteSort": 0,
                                                "VotePersonName": "Dana Whitfield", "VoteValueName": "Aye"}]}],
        }  # fmt: skip
        records = parse_legistar_json([row], session.client)
        ingest_batch(
            government=session.government, client=session.client, batch=records.value.records,
            acting_user=w.users["member"],  # type: ignore[arg-type]
        )  # fmt: skip
    return session.items.get()


def _items(w: W) -> tuple[tuple[Any, ...], ...]:
    """The published meeting's agenda item, then one of the unpublished session."""
    return ((w.meeting.items.get().pk,), (_council_item(w).pk,))


def _plan_versions(w: W) -> tuple[tuple[Any, ...], ...]:
    """Version 1 of ours's action plan, then of the pilot's."""
    return tuple((p.versions.get(number=1).pk,) for p in (w.action_plan, w.hidden_action_plan))


def _plan_update(w: W) -> tuple[tuple[Any, ...], ...]:
    """The update on ours's version 1 (the pilot's has none)."""
    return ((w.action_plan.versions.get(number=1).updates.get().pk,),)


def _votes(w: W) -> tuple[tuple[Any, ...], ...]:
    """The published meeting's vote, then one on the unpublished session's item."""
    return ((w.meeting.items.get().votes.get().pk,), (_council_item(w).votes.get().pk,))


# fmt: off
# Role columns: public, viewer, member, outsdr = outsider, o-crd = other_coordinator, coord = coordinator, admin.
PAGES: dict[str, Url] = {
    "portal:home": Url(
        #            public viewer member outsdr o-crd  coord  admin
        get=        "ok     ok     ok     ok     ok     ok     ok",
    ),
    "portal:initiatives": Url(
        #            public viewer member outsdr o-crd  coord  admin
        get=        "ok     ok     ok     ok     ok     ok     ok",
    ),
    # Index pages and the search list only what each role may see: the markers check every row they show.
    "portal:collaboratives": Url(
        #            public viewer member outsdr o-crd  coord  admin
        get=        "ok     ok     ok     ok     ok     ok     ok",
    ),
    "portal:governments": Url(
        #            public viewer member outsdr o-crd  coord  admin
        get=        "ok     ok     ok     ok     ok     ok     ok",
    ),
    "portal:agreements": Url(
        #            public viewer member outsdr o-crd  coord  admin
        get=        "ok     ok     ok     ok     ok     ok     ok",
    ),
    "portal:matters": Url(
        #            public viewer member outsdr o-crd  coord  admin
        get=        "ok     ok     ok     ok     ok     ok     ok",
    ),
    "portal:search": Url(
        query="?q=hidden",
        #            public viewer member outsdr o-crd  coord  admin
        get=        "ok     ok     ok     ok     ok     ok     ok",
    ),
    "portal:collaborative": Url(
        args=_collab,
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("ok     ok     ok     ok     ok     ok     ok",
                    "404    ok     ok     404    404    ok     ok"),
    ),
    "portal:initiative": Url(
        args=_pub("initiative"),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("ok     ok     ok     ok     ok     ok     ok",
                    "404    ok     ok     404    404    ok     ok"),
    ),
    # The member's government leads the published initiative; Blue Springs leads the unpublished one.
    "portal:initiative_edit": Url(
        args=_pub("initiative"),
        payload=lambda w: tuple(
            initiative_post(i, description="Edited by the matrix") for i in (w.initiative, w.hidden_initiative)
        ),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  403    ok     403    403    ok     ok",
                    "login  403    403    404    404    ok     ok"),
        post=      ("login  403    write  403    403    write  write",
                    "login  403    403    404    404    write  write"),
    ),
    # Asked for ours: the other collaborative's people may add only to theirs, so ours is not found for them.
    "portal:initiative_new": Url(
        query="?collaborative=eastern-jackson-county",
        payload=lambda w: {"title": "Matrix initiative", "status": "new", "update_every_days": "90"},
        #            public viewer member outsdr o-crd  coord  admin
        get=        "login  403    ok     404    404    ok     ok",
        post=       "login  403    write  404    404    write  write",
    ),
    "portal:kpi_new": Url(
        args=_pub("initiative"),
        payload=lambda w: {"name": "Matrix KPI", "unit": "calls", "direction": "higher", "update_every_days": "90"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  403    ok     403    403    ok     ok",
                    "login  403    403    404    404    ok     ok"),
        post=      ("login  403    write  403    403    write  write",
                    "login  403    403    404    404    write  write"),
    ),
    "portal:kpi_edit": Url(
        args=_pub("kpi"),
        payload=lambda w: {"name": "Matrix KPI", "unit": "calls", "direction": "higher", "update_every_days": "90"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  403    ok     403    403    ok     ok",
                    "login  403    403    404    404    ok     ok"),
        post=      ("login  403    write  403    403    write  write",
                    "login  403    403    404    404    write  write"),
    ),
    "portal:initiative_advance": Url(
        args=_pub("initiative"),
        payload=lambda w: {"to_stage": "exploring", "reason": "Matrix"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  405    405    405    405    405    405",
                    "login  405    405    405    405    405    405"),
        post=      ("login  403    write  403    403    write  write",
                    "login  403    403    404    404    write  write"),
    ),
    "portal:initiative_progress": Url(
        args=_pub("initiative"),
        payload=lambda w: {"text": "Matrix progress"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  405    405    405    405    405    405",
                    "login  405    405    405    405    405    405"),
        post=      ("login  403    write  403    403    write  write",
                    "login  403    403    404    404    write  write"),
    ),
    # Scores are given for the signed-in person's own member government: the coordinator's (MARC) is not a
    # member, so its form is refused with an error; an administrator has no government to score for.
    "portal:initiative_score": Url(
        args=_pub("initiative"),
        payload=lambda w: {f"c{w.criteria.criteria.get().pk}": "3"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  403    ok     403    403    ok     403",
                    "login  403    ok     404    404    ok     403"),
        post=      ("login  403    write  403    403    ok     403",
                    "login  403    write  404    404    ok     403"),
    ),
    # The member's government partners the published initiative only.
    "portal:kpi_measure": Url(
        args=_pub("kpi"),
        payload=lambda w: {"measured_on": "2024-01-01", "value": "15"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  403    ok     403    403    ok     ok",
                    "login  403    403    404    404    ok     ok"),
        post=      ("login  403    write  403    403    write  write",
                    "login  403    403    404    404    write  write"),
    ),
    # Rankings are members' working papers; the public is told scores are hidden (rules.md is silent).
    "portal:ranking": Url(
        args=_collab,
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("403    ok     ok     ok     ok     ok     ok",
                    "404    ok     ok     404    404    ok     ok"),
    ),
    "portal:ranking_action": Url(
        args=_collab,
        payload=lambda w: {"do": "hide"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  405    405    405    405    405    405",
                    "login  405    405    405    405    405    405"),
        post=      ("login  403    403    403    403    write  write",
                    "login  403    403    404    404    write  write"),
    ),
    # Stage gates and organizing principles: read with the collaborative, changed by its coordinators.
    "portal:gates": Url(
        args=_collab,
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("ok     ok     ok     ok     ok     ok     ok",
                    "404    ok     ok     404    404    ok     ok"),
    ),
    "portal:gate_edit": Url(
        args=lambda w: ((w.ours.slug, "proposed"), (w.pilot.slug, "proposed")),
        payload=lambda w: {"conditions": ["owner"], "lock_version": "1"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  403    403    403    403    ok     ok",
                    "login  403    403    404    404    ok     ok"),
        post=      ("login  403    403    403    403    write  write",
                    "login  403    403    404    404    write  write"),
    ),
    "portal:criteria": Url(
        args=_collab,
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("ok     ok     ok     ok     ok     ok     ok",
                    "404    ok     ok     404    404    ok     ok"),
    ),
    "portal:criteria_new": Url(
        args=_collab,
        payload=lambda w: tuple(
            {"name": "Matrix criteria", "scale_min": "1", "scale_max": "5", "replacing": str(c.pk),
             "lock_version": str(c.lock_version), "criteria-TOTAL_FORMS": "1", "criteria-INITIAL_FORMS": "1",
             "criteria-0-name": "Cost", "criteria-0-weight": "2"}
            for c in (w.criteria, w.hidden_criteria)
        ),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  403    403    403    403    ok     ok",
                    "login  403    403    404    404    ok     ok"),
        post=      ("login  403    403    403    403    write  write",
                    "login  403    403    404    404    write  write"),
    ),
    "portal:my_work": Url(
        #            public viewer member outsdr o-crd  coord  admin
        get=        "login  ok     ok     ok     ok     ok     ok",
    ),
    # A proposal of Lee's Summit to St. Louis County's collaborative, accepted, then declined: Lee's Summit's own
    # editor decides (or a site administrator); the coordinator who proposed it may not, and nobody else sees it.
    "portal:membership_decide": Url(
        args=lambda w: ((w.proposal.pk,), (w.proposal.pk,)),
        payload=lambda w: ({"do": "accept"}, {"do": "decline"}),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  405    405    405    405    405    405",
                    "login  405    405    405    405    405    405"),
        post=      ("login  404    write  404    404    404    write",
                    "login  404    write  404    404    404    write"),
    ),
    "portal:changes_feed": Url(
        #            public viewer member outsdr o-crd  coord  admin
        get=        "ok     ok     ok     ok     ok     ok     ok",
    ),
    "portal:agreement": Url(
        args=_pub("agreement"),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("ok     ok     ok     ok     ok     ok     ok",
                    "404    ok     ok     404    404    ok     ok"),
    ),
    # A government's unpublished legislation is read by its own staff only.
    "portal:matter": Url(
        args=_pub("matter"),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("ok     ok     ok     ok     ok     ok     ok",
                    "404    404    ok     404    404    404    ok"),
    ),
    # An attachment's file is read by whoever reads its matter. The third column asks for the unpublished matter's
    # file through the published matter's address.
    "portal:matter_attachment": Url(
        args=lambda w: ((w.matter.pk, w.attachment.pk), (w.hidden_matter.pk, w.hidden_attachment.pk),
                        (w.matter.pk, w.hidden_attachment.pk)),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("ok     ok     ok     ok     ok     ok     ok",
                    "404    404    ok     404    404    404    ok",
                    "404    404    404    404    404    404    404"),
    ),
    # An unpublished government is seen by its own staff (none here) and administrators.
    "portal:government": Url(
        args=_government,
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("ok     ok     ok     ok     ok     ok     ok",
                    "404    404    404    404    404    404    ok"),
    ),
    "portal:government_edit": Url(
        args=_government,
        payload=lambda w: {"website": "https://matrix.example.gov", "population": "7"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  403    ok     403    403    403    ok",
                    "login  404    404    404    404    404    ok"),
        post=      ("login  403    write  403    403    403    write",
                    "login  404    404    404    404    404    write"),
    ),
    # Agreement, legislation and membership work screens (issue 9).
    "portal:agreement_new": Url(
        args=_collab,
        payload=lambda w: {"kind": "mou", "title": "Matrix agreement"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  403    403    403    403    ok     ok",
                    "login  403    403    404    404    ok     ok"),
        post=      ("login  403    403    403    403    write  write",
                    "login  403    403    404    404    write  write"),
    ),
    "portal:version_new": Url(
        args=_pub("agreement"),
        payload=lambda w: {"kind": "renewal", "title": "Matrix version", "parties": [str(w.lees_summit.pk)]},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  403    403    403    403    ok     ok",
                    "login  403    403    404    404    ok     ok"),
        post=      ("login  403    403    403    403    write  write",
                    "login  403    403    404    404    write  write"),
    ),
    # Only Blue Springs has yet to adopt, and it has no editor here: its adoption is the administrator's to record.
    "portal:adoption_new": Url(
        args=lambda w: ((w.version.pk,), (w.hidden_version.pk,)),
        payload=lambda w: {"government": w.blue_springs.pk, "matter": w.blue_springs_matter.pk,
                           "adopted_on": "2021-06-01"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  403    403    403    403    403    ok",
                    "login  403    403    404    404    403    ok"),
        post=      ("login  403    403    403    403    403    write",
                    "login  403    403    404    404    403    write"),
    ),
    "portal:matter_new": Url(
        args=_government,
        payload=lambda w: {"file_number": "MATRIX-1", "title": "Matrix matter"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  403    ok     403    403    403    ok",
                    "login  404    404    404    404    404    ok"),
        post=      ("login  403    write  403    403    403    write",
                    "login  404    404    404    404    404    write"),
    ),
    "portal:matter_edit": Url(
        args=_pub("matter"),
        payload=lambda w: tuple({"file_number": m.file_number, "title": "Edited by the matrix"}
                                for m in (w.matter, w.hidden_matter)),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  403    ok     403    403    403    ok",
                    "login  404    ok     404    404    404    ok"),
        post=      ("login  403    write  403    403    403    write",
                    "login  404    write  404    404    404    write"),
    ),
    "portal:matter_action_add": Url(
        args=_pub("matter"),
        payload=lambda w: {"action_date": "2021-04-13", "action_name": "matrix"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  403    ok     403    403    403    ok",
                    "login  404    ok     404    404    404    ok"),
        post=      ("login  403    write  403    403    403    write",
                    "login  404    write  404    404    404    write"),
    ),
    "portal:matter_attachment_add": Url(
        args=_pub("matter"),
        payload=lambda w: {"name": "Matrix report", "url": "https://example.org/matrix.pdf"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  403    ok     403    403    403    ok",
                    "login  404    ok     404    404    404    ok"),
        post=      ("login  403    write  403    403    403    write",
                    "login  404    write  404    404    404    write"),
    ),
    "portal:matter_action_edit": Url(
        args=lambda w: tuple((_history_row(w, m).pk,) for m in (w.matter, w.hidden_matter)),
        payload=lambda w: {"passed_flag_name": "Matrix"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  403    ok     403    403    403    ok",
                    "login  404    ok     404    404    404    ok"),
        post=      ("login  403    write  403    403    403    write",
                    "login  404    write  404    404    404    write"),
    ),
    "portal:membership_new": Url(
        args=_collab,
        payload=lambda w: {"government": _kansas_city().pk, "role": "member", "joined_on": "2025-01-01"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  403    403    403    403    ok     ok",
                    "login  403    403    404    404    ok     ok"),
        post=      ("login  403    403    403    403    write  write",
                    "login  403    403    404    404    write  write"),
    ),
    "portal:membership_end": Url(
        args=lambda w: tuple((w.blue_springs.memberships.get(collaborative=c).pk,) for c in (w.ours, w.pilot)),
        payload=lambda w: {"left_on": "2030-06-30"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  403    403    403    403    ok     ok",
                    "login  403    403    404    404    ok     ok"),
        post=      ("login  403    403    403    403    write  write",
                    "login  403    403    404    404    write  write"),
    ),
    "portal:login": Url(
        fresh_client=True,
        #            public viewer member outsdr o-crd  coord  admin
        get=        "ok     ok     ok     ok     ok     ok     ok",
        post=       "ok     ok     ok     ok     ok     ok     ok",
    ),
    "portal:logout": Url(
        fresh_client=True,
        #            public viewer member outsdr o-crd  coord  admin
        get=        "405    405    405    405    405    405    405",
        post=       "ok     ok     ok     ok     ok     ok     ok",
    ),
    # Cost sharing: scenarios and the ledger are the members' working papers.
    "costshare:my_bill": Url(
        #            public viewer member outsdr o-crd  coord  admin
        get=        "login  ok     ok     ok     ok     ok     ok",
    ),
    "costshare:scenario": Url(
        args=_pub("scenario"),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  ok     ok     404    404    ok     ok",
                    "login  ok     ok     404    404    ok     ok"),
    ),
    "costshare:scenario_csv": Url(
        args=_pub("scenario"),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  ok     ok     404    404    ok     ok",
                    "login  ok     ok     404    404    ok     ok"),
    ),
    "costshare:scenario_inputs": Url(
        args=_pub("scenario"),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  ok     ok     404    404    ok     ok",
                    "login  ok     ok     404    404    ok     ok"),
    ),
    "costshare:scenario_compute": Url(
        args=_pub("scenario"),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  405    405    405    405    405    405",
                    "login  405    405    405    405    405    405"),
        post=      ("login  403    403    404    404    write  write",
                    "login  403    403    404    404    write  write"),
    ),
    # The published column's scenario is computed and can be adopted; the draft cannot, and says so.
    "costshare:scenario_adopt": Url(
        args=_pub("scenario"),
        payload=lambda w: {"method": "equal"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  405    405    405    405    405    405",
                    "login  405    405    405    405    405    405"),
        post=      ("login  403    403    404    404    write  write",
                    "login  403    403    404    404    ok     ok"),
    ),
    # Lee's Summit's entry, then Blue Springs's: each government's own editors certify its figures.
    "costshare:savings_certify": Url(
        args=_pub("savings"),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  405    405    405    405    405    405",
                    "login  405    405    405    405    405    405"),
        post=      ("login  403    write  404    404    write  write",
                    "login  403    403    404    404    write  write"),
    ),
    "costshare:scenarios": Url(
        args=_collab,
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  ok     ok     404    404    ok     ok",
                    "login  ok     ok     404    404    ok     ok"),
    ),
    # No valid scenario is posted: accepted means the form came back with its errors.
    "costshare:scenario_create": Url(
        args=_collab,
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  403    403    404    404    ok     ok",
                    "login  403    403    404    404    ok     ok"),
        post=      ("login  403    403    404    404    ok     ok",
                    "login  403    403    404    404    ok     ok"),
    ),
    # The entry is for the published initiative and Lee's Summit, so it is valid in ours only. A viewer has no
    # form, and what it posts is shown again unwritten.
    "costshare:savings": Url(
        args=_collab,
        payload=lambda w: {"initiative": w.initiative.pk, "government": w.lees_summit.pk, "fiscal_year": 2026,
                           "recurrence": "recurring", "baseline_cost": "100", "projected_saving": "10"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  ok     ok     404    404    ok     ok",
                    "login  ok     ok     404    404    ok     ok"),
        post=      ("login  ok     write  404    404    write  write",
                    "login  ok     ok     404    404    ok     ok"),
    ),
    # Imports: editors, coordinators and administrators (each row is checked again by the action that writes
    # it). No file is posted, so an allowed upload answers 400 and an allowed apply finds no preview (404).
    "importers:upload": Url(
        #            public viewer member outsdr o-crd  coord  admin
        get=        "login  403    ok     ok     ok     ok     ok",
        post=       "login  403    400    400    400    400    400",
    ),
    "importers:apply": Url(
        #            public viewer member outsdr o-crd  coord  admin
        get=        "login  405    405    405    405    405    405",
        post=       "login  403    404    404    404    404    404",
    ),
    # A preview waits for its uploader alone; none waits here, so the token is unknown to everyone.
    "importers:pending": Url(
        args=lambda w: (("0" * 32,),),
        #            public viewer member outsdr o-crd  coord  admin
        get=        "login  403    404    404    404    404    404",
    ),
    "importers:template": Url(
        args=lambda w: (("governments", "csv"),),
        #            public viewer member outsdr o-crd  coord  admin
        get=        "login  403    ok     ok     ok     ok     ok",
    ),
    # The read API, and its schema and docs.
    "api:openapi-json": Url(
        #            public viewer member outsdr o-crd  coord  admin
        get=        "ok     ok     ok     ok     ok     ok     ok",
    ),
    "api:openapi-view": Url(
        #            public viewer member outsdr o-crd  coord  admin
        get=        "ok     ok     ok     ok     ok     ok     ok",
    ),
    "api:api-root": Url(
        #            public viewer member outsdr o-crd  coord  admin
        get=        "404    404    404    404    404    404    404",
    ),
    "GET /api/v1/initiatives": Url(
        #            public viewer member outsdr o-crd  coord  admin
        get=        "ok     ok     ok     ok     ok     ok     ok",
    ),
    "GET /api/v1/initiatives/{initiative_id}": Url(
        args=_pub("initiative"),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("ok     ok     ok     ok     ok     ok     ok",
                    "404    ok     ok     404    404    ok     ok"),
    ),
    "GET /api/v1/agreements/{agreement_id}": Url(
        args=_pub("agreement"),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("ok     ok     ok     ok     ok     ok     ok",
                    "404    ok     ok     404    404    ok     ok"),
    ),
    # Council records kept from Legistar: scoped like legislation (published, or the government's own people).
    "portal:meeting": Url(
        args=_pub("meeting"),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("ok     ok     ok     ok     ok     ok     ok",
                    "404    404    ok     404    404    404    ok"),
    ),
    "portal:meetings": Url(
        args=_government,
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("ok     ok     ok     ok     ok     ok     ok",
                    "404    404    404    404    404    404    ok"),
    ),
    "portal:official": Url(
        args=_pub("official"),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("ok     ok     ok     ok     ok     ok     ok",
                    "404    404    ok     404    404    404    ok"),
    ),
    # The admin's own pages. Only staff enter the admin: the public and viewers are sent to its sign-in.
    "admin:index": Url(
        #            public viewer member outsdr o-crd  coord  admin
        get=        "login  login  ok     ok     ok     ok     ok",
    ),
    "admin:login": Url(
        #            public viewer member outsdr o-crd  coord  admin
        get=        "ok     ok     index  index  index  index  index",
    ),
    "admin:logout": Url(
        fresh_client=True,
        #            public viewer member outsdr o-crd  coord  admin
        get=        "index  index  405    405    405    405    405",
        post=       "index  index  ok     ok     ok     ok     ok",
    ),
    "admin:password_change": Url(
        #            public viewer member outsdr o-crd  coord  admin
        get=        "login  login  ok     ok     ok     ok     ok",
        post=       "login  login  ok     ok     ok     ok     ok",
    ),
    "admin:password_change_done": Url(
        #            public viewer member outsdr o-crd  coord  admin
        get=        "login  login  ok     ok     ok     ok     ok",
    ),
    "admin:jsi18n": Url(
        #            public viewer member outsdr o-crd  coord  admin
        get=        "login  login  ok     ok     ok     ok     ok",
    ),
    # The governments picker (e.g. a collaborative's facilitator) offers only governments the user may see.
    "admin:autocomplete": Url(
        query="?app_label=collaboratives&model_name=collaborative&field_name=facilitator",
        #            public viewer member outsdr o-crd  coord  admin
        get=        "login  login  ok     ok     ok     ok     ok",
    ),
    "admin:view_on_site": Url(
        args=lambda w: ((ContentType.objects.get_for_model(w.initiative).pk, w.initiative.pk),
                        (ContentType.objects.get_for_model(w.initiative).pk,
                         w.hidden_initiative.pk)),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  login  404    404    404    404    404",
                    "login  login  404    404    404    404    404"),
    ),
    # Columns: an app every staff member uses, the audit log's app (coordinators'), and the accounts app.
    "admin:app_list": Url(
        args=lambda w: (("initiatives",), ("audit",), ("auth",)),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  login  ok     ok     ok     ok     ok",
                    "login  login  404    404    ok     ok     ok",
                    "login  login  404    404    404    404    ok"),
    ),
    "admin/(?P<url>.*)$": Url(
        args=lambda w: (("no-such-page",),),
        #            public viewer member outsdr o-crd  coord  admin
        get=        "login  login  404    404    404    404    404",
    ),
    # A government's Legistar sync (issue 10): its own editors and coordinators, and administrators.
    "portal:legistar_sync": Url(
        args=_government,
        payload=lambda w: {"client": "matrix", "enabled": "on", "interval_minutes": "60"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  403    ok     403    403    403    ok",
                    "login  404    404    404    404    404    ok"),
        post=      ("login  403    write  403    403    403    write",
                    "login  404    404    404    404    404    write"),
    ),
    # Adoptions found in council legislation (issue 10): Lee's Summit's, on a published agreement of ours (confirmed)
    # and on the pilot's (dismissed). Its own editor and the coordinators decide; nobody else even finds them.
    "portal:adoption_proposal_decide": Url(
        args=lambda w: ((w.found.pk,), (w.hidden_found.pk,)),
        payload=lambda w: ({"do": "confirm"}, {"do": "dismiss"}),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  405    405    405    405    405    405",
                    "login  405    405    405    405    405    405"),
        post=      ("login  404    write  404    404    write  write",
                    "login  404    write  404    404    write  write"),
    ),
    # Blue Springs's party row of each: the coordinators name the matter expected to adopt it.
    "portal:party_expect": Url(
        args=lambda w: tuple((v.party_rows.get(government=w.blue_springs).pk,)
                             for v in (w.found.version, w.hidden_found.version)),
        payload=lambda w: {"expected_file_number": "R-2021-7"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  403    403    403    403    ok     ok",
                    "login  403    403    404    404    ok     ok"),
        post=      ("login  403    403    403    403    write  write",
                    "login  403    403    404    404    write  write"),
    ),
    # The read API for every public record type (issue 13): each list shows only what the role may see (the
    # hidden markers check every row); each detail is a 404 for a record the role may not see. Columns as on the
    # portal's pages for the same records.
    "GET /api/v1/governments":                         Url(get=API_ALL),
    "GET /api/v1/governments/{slug}":                  Url(args=_government, get=(API_ALL, API_ADMIN_ONLY)),
    "GET /api/v1/collaboratives":                      Url(get=API_ALL),
    "GET /api/v1/collaboratives/{slug}":               Url(args=_collab, get=(API_ALL, API_OURS)),
    "GET /api/v1/memberships":                         Url(get=API_ALL),
    "GET /api/v1/memberships/{membership_id}":         Url(args=_memberships, get=(API_ALL, API_OURS)),
    "GET /api/v1/initiatives/list":                    Url(get=API_ALL),
    "GET /api/v1/terms":                               Url(get=API_ALL),
    "GET /api/v1/terms/{term_id}":                     Url(args=lambda w: ((w.term.pk,),), get=API_ALL),
    "GET /api/v1/plans":                               Url(get=API_ALL),
    "GET /api/v1/plans/{plan_id}":                     Url(args=_pub("plan"), get=(API_ALL, API_OURS)),
    "GET /api/v1/agreements":                          Url(get=API_ALL),
    "GET /api/v1/versions":                            Url(get=API_ALL),
    "GET /api/v1/versions/{version_id}":               Url(args=_pub("version"), get=(API_ALL, API_OURS)),
    "GET /api/v1/parties":                             Url(get=API_ALL),
    "GET /api/v1/parties/{party_id}":                  Url(args=_parties, get=(API_ALL, API_OURS)),
    "GET /api/v1/adoptions":                           Url(get=API_ALL),
    "GET /api/v1/adoptions/{adoption_id}":             Url(args=_pub("adoption"), get=(API_ALL, API_OURS)),
    "GET /api/v1/matters":                             Url(get=API_ALL),
    "GET /api/v1/matters/{matter_id}":                 Url(args=_pub("matter"), get=(API_ALL, API_LS)),
    "GET /api/v1/matter-actions":                      Url(get=API_ALL),
    "GET /api/v1/matter-actions/{action_id}":          Url(args=_actions, get=(API_ALL, API_LS)),
    "GET /api/v1/attachments":                         Url(get=API_ALL),
    "GET /api/v1/attachments/{attachment_id}":         Url(args=_pub("attachment"), get=(API_ALL, API_LS)),
    "GET /api/v1/kpis":                                Url(get=API_ALL),
    "GET /api/v1/kpis/{kpi_id}":                       Url(args=_pub("kpi"), get=(API_ALL, API_OURS)),
    "GET /api/v1/measurements":                        Url(get=API_ALL),
    "GET /api/v1/measurements/{measurement_id}":       Url(args=_measurements, get=(API_ALL, API_OURS)),
    # Cost sharing is for the collaborative's members, published or not (as its portal pages).
    "GET /api/v1/scenarios":                           Url(get=API_ALL),
    "GET /api/v1/scenarios/{scenario_id}":             Url(args=_pub("scenario"), get=(API_MEMBERS, API_MEMBERS)),
    "GET /api/v1/savings":                             Url(get=API_ALL),
    "GET /api/v1/savings/{entry_id}":                  Url(args=_pub("savings"), get=(API_MEMBERS, API_MEMBERS)),
    "GET /api/v1/bodies":                              Url(get=API_ALL),
    "GET /api/v1/bodies/{body_id}":                    Url(args=lambda w: ((w.meeting.body_id,),), get=API_ALL),
    "GET /api/v1/officials":                           Url(get=API_ALL),
    "GET /api/v1/officials/{official_id}":             Url(args=_pub("official"), get=(API_ALL, API_LS)),
    "GET /api/v1/office-records":                      Url(get=API_ALL),
    "GET /api/v1/office-records/{record_id}":          Url(args=_offices, get=(API_ALL, API_LS)),
    "GET /api/v1/events":                              Url(get=API_ALL),
    "GET /api/v1/events/{event_id}":                   Url(args=_pub("meeting"), get=(API_ALL, API_LS)),
    "GET /api/v1/event-items":                         Url(get=API_ALL),
    "GET /api/v1/event-items/{item_id}":               Url(args=_items, get=(API_ALL, API_LS)),
    "GET /api/v1/votes":                               Url(get=API_ALL),
    "GET /api/v1/votes/{vote_id}":                     Url(args=_votes, get=(API_ALL, API_LS)),
    # Action plans (issue 12): published versions are public once their collaborative is; drafts are members'.
    "GET /api/v1/plan-versions":                       Url(get=API_ALL),
    "GET /api/v1/plan-versions/{version_id}":          Url(args=_plan_versions, get=(API_ALL, API_OURS)),
    "GET /api/v1/plan-updates":                        Url(get=API_ALL),
    "GET /api/v1/plan-updates/{update_id}":            Url(args=_plan_update, get=API_ALL),
    "GET /api/v1/action-plans":                        Url(get=API_ALL),
    "GET /api/v1/action-plans/{plan_id}":              Url(args=_pub("action_plan"), get=(API_MEMBERS, API_MEMBERS)),
    # Bulk downloads (issue 13): a collaborative's data package, for whoever may read the collaborative.
    "portal:data_package": Url(
        args=_collab,
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("ok     ok     ok     ok     ok     ok     ok",
                    "404    ok     ok     404    404    ok     ok"),
    ),
    # Self-assessments (issue 11). A member's answers (evidence markers HIDDEN_ANSWER_*) are its own staff's and
    # the coordinators'; rounds and their k-guarded results are the collaborative's members'. Columns of rounds:
    # ours (closed, three members submitted) and the pilot's (open). Columns of members: Lee's Summit and Blue
    # Springs in ours, then Lee's Summit in the pilot (a draft: the only one whose answers may still change).
    "portal:assessment_rounds": Url(
        args=_collab,
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  ok     ok     403    403    ok     ok",
                    "login  ok     ok     404    404    ok     ok"),
    ),
    "portal:assessment_round_new": Url(
        args=_collab,
        payload=lambda w: {"framework": w.assessment.framework_id, "title": "Matrix round", "year": "2026",
                           "deadline": "2099-12-31", "k": "3",
                           "members": [w.assessment.collaborative.facilitator_id, w.lees_summit.pk,
                                       w.blue_springs.pk]},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  403    403    403    403    ok     ok",
                    "login  403    403    404    404    ok     ok"),
        post=      ("login  403    403    403    403    write  write",
                    "login  403    403    404    404    write  write"),
    ),
    "portal:assessment_round": Url(
        args=_pub("assessment"),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  ok     ok     404    404    ok     ok",
                    "login  ok     ok     404    404    ok     ok"),
    ),
    # An open round's results are the coordinators' (provisional); the page tells members why it shows none.
    "portal:assessment_results": Url(
        args=_pub("assessment"),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  ok     ok     404    404    ok     ok",
                    "login  ok     ok     404    404    ok     ok"),
    ),
    "portal:assessment_results_pdf": Url(
        args=_pub("assessment"),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  ok     ok     404    404    ok     ok",
                    "login  ok     ok     404    404    ok     ok"),
    ),
    # A gap becomes an initiative only from a closed round: the pilot's is refused with a message, nothing written.
    "portal:assessment_gap_initiative": Url(
        args=_pub("assessment"),
        payload=lambda w: {"item": "GV.OC-01"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  405    405    405    405    405    405",
                    "login  405    405    405    405    405    405"),
        post=      ("login  403    403    404    404    write  write",
                    "login  403    403    404    404    ok     ok"),
    ),
    "portal:assessment_close": Url(
        args=_pub("assessment"),
        payload=lambda w: {},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  405    405    405    405    405    405",
                    "login  405    405    405    405    405    405"),
        post=      ("login  403    403    404    404    ok     ok",
                    "login  403    403    404    404    write  write"),
    ),
    # Answers: read by the member's staff (the viewer is Blue Springs's) and the coordinators; changed by the
    # member's editors while the round is open and the answers unsubmitted (administrators may too).
    "portal:assessment_answer": Url(
        args=lambda w: ((w.round_ls.pk,), (w.round_bs.pk,), (w.hidden_round_ls.pk,)),
        payload=lambda w: {f"level_{w.assessment_items['GV.OC-01']}": "4", "do": "save"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  404    ok     404    404    ok     ok",
                    "login  ok     404    404    404    ok     ok",
                    "login  404    ok     404    404    ok     ok"),
        post=      ("login  404    403    404    404    403    403",
                    "login  403    404    404    404    403    403",
                    "login  404    write  404    404    403    write"),
    ),
    "portal:assessment_attachment": Url(
        args=lambda w: ((w.round_ls.pk, w.assessment_items["GV.OC-01"]),
                        (w.round_bs.pk, w.assessment_items["GV.OC-01"]),
                        (w.round_ls.pk, w.assessment_items["GV.OC-02"])),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  404    ok     404    404    ok     ok",
                    "login  ok     404    404    404    ok     ok",
                    "login  404    404    404    404    404    404"),
    ),
    "portal:assessment_member_report": Url(
        args=lambda w: ((w.round_ls.pk,), (w.round_bs.pk,)),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  404    ok     404    404    ok     ok",
                    "login  ok     404    404    404    ok     ok"),
    ),
    "portal:assessment_member_report_pdf": Url(
        args=lambda w: ((w.round_ls.pk,), (w.round_bs.pk,)),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  404    ok     404    404    ok     ok",
                    "login  ok     404    404    404    ok     ok"),
    ),
    # Reopening needs a submitted member of an open round (MARC in the pilot's); ours is closed: refused, unwritten.
    "portal:assessment_reopen": Url(
        args=lambda w: ((w.hidden_round_marc.pk,), (w.round_ls.pk,)),
        payload=lambda w: {"reason": "Matrix reopening"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  405    405    405    405    405    405",
                    "login  405    405    405    405    405    405"),
        post=      ("login  404    404    404    404    write  write",
                    "login  404    403    404    404    ok     ok"),
    ),
    # Action plans (issue 12). Columns: ours's plan (published v1; its draft holds the hidden initiative and a
    # HIDDEN_OURS section) and the pilot's (published v1 of an unpublished collaborative). Drafts are the members';
    # a published version is public when its collaborative is; coordinators write.
    "portal:plans": Url(
        args=_collab,
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("ok     ok     ok     ok     ok     ok     ok",
                    "404    ok     ok     404    404    ok     ok"),
    ),
    "portal:plan_new": Url(
        args=_collab,
        payload=lambda w: {"title": "Matrix plan", "start_year": "2026", "end_year": "2030"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  403    403    403    403    ok     ok",
                    "login  403    403    404    404    ok     ok"),
        post=      ("login  403    403    403    403    write  write",
                    "login  403    403    404    404    write  write"),
    ),
    "portal:plan": Url(
        args=_pub("action_plan"),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  ok     ok     404    404    ok     ok",
                    "login  ok     ok     404    404    ok     ok"),
    ),
    "portal:plan_edit": Url(
        args=_pub("action_plan"),
        payload=lambda w: {"title": "Matrix plan edited", "start_year": "2026", "end_year": "2030"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  405    405    405    405    405    405",
                    "login  405    405    405    405    405    405"),
        post=      ("login  403    403    404    404    write  write",
                    "login  403    403    404    404    write  write"),
    ),
    "portal:plan_section_new": Url(
        args=_pub("action_plan"),
        payload=lambda w: {"new-title": "Matrix section", "new-body": "Text"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  405    405    405    405    405    405",
                    "login  405    405    405    405    405    405"),
        post=      ("login  403    403    404    404    write  write",
                    "login  403    403    404    404    write  write"),
    ),
    "portal:plan_section_edit": Url(
        args=lambda w: ((w.action_plan.pk, w.plan_section.pk), (w.hidden_action_plan.pk, w.hidden_plan_section.pk)),
        payload=lambda w: ({f"s{w.plan_section.pk}-title": "Edited", f"s{w.plan_section.pk}-body": "New"},
                           {f"s{w.hidden_plan_section.pk}-title": "Edited", f"s{w.hidden_plan_section.pk}-body": "New"}),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  405    405    405    405    405    405",
                    "login  405    405    405    405    405    405"),
        post=      ("login  403    403    404    404    write  write",
                    "login  403    403    404    404    write  write"),
    ),
    # Ours's draft changed since v1 (a new section): published as v2. The pilot's did not: refused, unwritten.
    "portal:plan_publish": Url(
        args=_pub("action_plan"),
        payload=lambda w: {"note": "Matrix version"},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  405    405    405    405    405    405",
                    "login  405    405    405    405    405    405"),
        post=      ("login  403    403    404    404    write  write",
                    "login  403    403    404    404    ok     ok"),
    ),
    "portal:plan_version": Url(
        args=lambda w: ((w.action_plan.pk, 1), (w.hidden_action_plan.pk, 1)),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("ok     ok     ok     ok     ok     ok     ok",
                    "404    ok     ok     404    404    ok     ok"),
    ),
    "portal:plan_version_download": Url(
        args=lambda w: ((w.action_plan.pk, 1, "csv"), (w.hidden_action_plan.pk, 1, "json")),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("ok     ok     ok     ok     ok     ok     ok",
                    "404    ok     ok     404    404    ok     ok"),
    ),
    "portal:plan_update_new": Url(
        args=lambda w: ((w.action_plan.pk, 1), (w.hidden_action_plan.pk, 1)),
        payload=lambda w: {"on": "2026-09-01", "title": "Matrix update", "changed": "Something changed."},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  403    403    403    403    ok     ok",
                    "login  403    403    404    404    ok     ok"),
        post=      ("login  403    403    403    403    write  write",
                    "login  403    403    404    404    write  write"),
    ),
    "portal:annual_report": Url(
        args=lambda w: ((w.ours.slug, 2026), (w.pilot.slug, 2026)),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("ok     ok     ok     ok     ok     ok     ok",
                    "404    ok     ok     404    404    ok     ok"),
    ),
    "portal:annual_report_download": Url(
        args=lambda w: ((w.ours.slug, 2026, "csv"), (w.pilot.slug, 2026, "json")),
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("ok     ok     ok     ok     ok     ok     ok",
                    "404    ok     ok     404    404    ok     ok"),
    ),
    # Issue 12, charts and map: the members map reads like the collaborative page it comes from.
    "portal:collaborative_map": Url(
        args=_collab,
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("ok     ok     ok     ok     ok     ok     ok",
                    "404    ok     ok     404    404    ok     ok"),
    ),
    # Background jobs: a job, its progress and its result are its owner's (the member's) alone.
    "jobs:job": Url(
        args=lambda w: ((w.job.pk,),),
        #            public viewer member outsdr o-crd  coord  admin
        get=        "login  404    ok     404    404    404    404",
    ),
    "jobs:progress": Url(
        args=lambda w: ((w.job.pk,),),
        #            public viewer member outsdr o-crd  coord  admin
        get=        "login  404    ok     404    404    404    404",
    ),
    "jobs:download": Url(
        args=lambda w: ((w.job.pk,),),
        #            public viewer member outsdr o-crd  coord  admin
        get=        "login  404    ok     404    404    404    404",
    ),
    # A published plan version made into a file in the background: anyone signed in who may read the version.
    "portal:plan_version_prepare": Url(
        args=lambda w: ((w.action_plan.pk, 1, "docx"), (w.hidden_action_plan.pk, 1, "docx")),
        payload=lambda w: {},
        #            public viewer member outsdr o-crd  coord  admin
        get=       ("login  405    405    405    405    405    405",
                    "login  405    405    405    405    405    405"),
        post=      ("login  write  write  write  write  write  write",
                    "login  write  write  404    404    write  write"),
    ),
    # Writes for programs (issue 13): the portal's actions, so the portal's outcomes, with 401 for "login" (no
    # token and no session) and JSON bodies; 201 counts as a write.
    "api_not_found": Url(
        args=lambda w: (("v1/initiatives/-1",),),
        #            public viewer member outsdr o-crd  coord  admin
        get=        "404    404    404    404    404    404    404",
        post=       "404    404    404    404    404    404    404",
    ),
    "api_tokens:list": Url(
        payload=lambda w: {"name": "Matrix token"},
        #            public viewer member outsdr o-crd  coord  admin
        get=        "login  ok     ok     ok     ok     ok     ok",
        post=       "login  write  write  write  write  write  write",
    ),
    # Nobody's token has this id: revoking another's token is the same 404 as a missing one.
    "api_tokens:revoke": Url(
        args=lambda w: ((999999,),),
        #            public viewer member outsdr o-crd  coord  admin
        get=        "login  405    405    405    405    405    405",
        post=       "login  404    404    404    404    404    404",
    ),
    "POST /api/v1/kpis/{kpi_id}/measurements": Url(
        args=_pub("kpi"),
        payload=lambda w: {"measured_on": "2024-01-01", "value": "15"},
        #            public viewer member outsdr o-crd  coord  admin
        post=      ("401    403    write  403    403    write  write",
                    "401    403    403    404    404    write  write"),
    ),
    "POST /api/v1/initiatives/{initiative_id}/progress-notes": Url(
        args=_pub("initiative"),
        payload=lambda w: {"text": "Matrix progress"},
        #            public viewer member outsdr o-crd  coord  admin
        post=      ("401    403    write  403    403    write  write",
                    "401    403    403    404    404    write  write"),
    ),
    "POST /api/v1/initiatives": Url(
        payload=lambda w: {"collaborative": w.ours.slug, "title": "Matrix initiative"},
        #            public viewer member outsdr o-crd  coord  admin
        post=       "401    403    write  404    404    write  write",
    ),
    "PATCH /api/v1/initiatives/{initiative_id}": Url(
        args=_pub("initiative"),
        payload=lambda w: tuple(
            {"lock_version": i.lock_version, "description": "Edited by the matrix"}
            for i in (w.initiative, w.hidden_initiative)
        ),
        #            public viewer member outsdr o-crd  coord  admin
        post=      ("401    403    write  403    403    write  write",
                    "401    403    403    404    404    write  write"),
    ),
    "POST /api/v1/initiatives/{initiative_id}/savings": Url(
        args=_pub("initiative"),
        payload=lambda w: {"government": w.lees_summit.slug, "fiscal_year": 2026, "recurrence": "recurring",
                           "baseline_cost": "100", "projected_saving": "10"},
        #            public viewer member outsdr o-crd  coord  admin
        post=      ("401    403    write  403    403    write  write",
                    "401    403    write  404    404    write  write"),
    ),
    "POST /api/v1/adoption-proposals/{proposal_id}/confirm": Url(
        args=lambda w: ((w.found.pk,), (w.hidden_found.pk,)),
        payload=lambda w: tuple({"lock_version": p.lock_version} for p in (w.found, w.hidden_found)),
        #            public viewer member outsdr o-crd  coord  admin
        post=      ("401    404    write  404    404    write  write",
                    "401    404    write  404    404    write  write"),
    ),
}


@dataclass(frozen=True)
class AdminModel:
    """A registered ModelAdmin's outcomes for the staff roles: member, outsider, other_coordinator, coordinator,
    admin (the public and viewers are always sent to the admin's sign-in). Columns as in PAGES."""

    objects: Callable[[W], tuple[Any, ...]]
    changelist: Spec  # GET the list
    add: Spec  # GET the add form; POST it empty (refused, or shown again with its errors)
    view: Spec  # GET the change form and the history
    change: Spec  # POST the change form: empty, unless change_payload gives the form as it stands, changed
    add_post: Spec | None = None  # POST the add form, when it differs from GET (default: as `add`)
    payload: Callable[[W], dict[str, Any]] | None = None  # a valid add form, where a write must be checked
    history: Spec | None = None  # GET the history, when it differs from `view`
    delete: Spec | None = None  # GET and POST the delete page, when it differs from refusing every role
    change_payload: Callable[[W], tuple[dict[str, Any], ...]] | None = None
    guard: Callable[[W, int], Any] | None = None  # see Url.guard


def _objs(attr: str) -> Callable[[W], tuple[Any, ...]]:
    return lambda w: (getattr(w, attr), getattr(w, f"hidden_{attr}"))


# Role columns: the staff roles of PAGES (the public and viewers are sent to the admin's sign-in everywhere).
ADMIN_MODELS: dict[str, AdminModel] = {
    # No group exists (no action makes one): the column is a missing group.
    "auth.group": AdminModel(
        objects=lambda w: (None,),
        #            member outsdr o-crd  coord  admin
        changelist= "403    403    403    403    ok",
        add=        "403    403    403    403    ok",
        view=       "403    403    403    403    index",
        change=     "403    403    403    403    index",
        history=    "index  index  index  index  index",
    ),
    # django-axes' sign-in records: site administrators read them; nobody adds, changes or deletes them.
    "axes.accessattempt": AdminModel(
        objects=lambda w: (w.sign_in_attempt,),
        #            member outsdr o-crd  coord  admin
        changelist= "403    403    403    403    ok",
        add=        "403    403    403    403    403",
        view=       "403    403    403    403    ok",
        change=     "403    403    403    403    403",
    ),
    "axes.accesslog": AdminModel(
        objects=lambda w: (w.sign_in,),
        #            member outsdr o-crd  coord  admin
        changelist= "403    403    403    403    ok",
        add=        "403    403    403    403    403",
        view=       "403    403    403    403    ok",
        change=     "403    403    403    403    403",
    ),
    # The admin's audit log is the coordinators': each reads their own collaboratives' events only (not even
    # others' public ones). Everyone else reads the public events on the portal (feed, collaborative pages).
    "audit.auditevent": AdminModel(
        objects=_objs("event"),
        #            member outsdr o-crd  coord  admin
        changelist= "403    403    ok     ok     ok",
        add=        "403    403    403    403    403",
        view=      ("403    403    index  ok     ok",
                    "403    403    index  ok     ok"),
        history=   ("index  index  index  ok     ok",
                    "index  index  index  ok     ok"),
        change=    ("403    403    403    403    403",
                    "403    403    403    403    403"),
    ),
    # A coordinator never edits a member government's record; an unpublished government is the admin's.
    "governments.government": AdminModel(
        objects=lambda w: (w.lees_summit, w.grain_valley),
        #            member outsdr o-crd  coord  admin
        changelist= "ok     ok     ok     ok     ok",
        add=        "403    403    ok     ok     ok",
        view=      ("ok     ok     ok     ok     ok",
                    "index  index  index  index  ok"),
        change=    ("ok     403    403    403    ok",
                    "index  index  index  index  ok"),
    ),
    "governments.person": AdminModel(
        objects=lambda w: (w.users["member"],),
        #            member outsdr o-crd  coord  admin
        changelist= "403    403    403    403    ok",
        add=        "403    403    403    403    ok",
        view=       "403    403    403    403    ok",
        change=     "403    403    403    403    ok",
    ),
    "collaboratives.collaborative": AdminModel(
        objects=lambda w: (w.ours, w.pilot),
        #            member outsdr o-crd  coord  admin
        changelist= "ok     ok     ok     ok     ok",
        add=        "403    403    ok     ok     ok",
        view=      ("ok     ok     ok     ok     ok",
                    "ok     index  index  ok     ok"),
        change=    ("403    403    403    ok     ok",
                    "403    index  index  ok     ok"),
    ),
    # The change form is posted whole, moving the initiative into the pilot and flipping its publication: only
    # coordinators publish or move initiatives, so the member's post must leave both as they were (or be refused).
    "initiatives.initiative": AdminModel(
        objects=_objs("initiative"),
        change_payload=lambda w: tuple(
            admin_form_data(w, i, collaborative=w.pilot.pk, is_published=not i.is_published)
            for i in (w.initiative, w.hidden_initiative)
        ),
        guard=lambda w, column: type(w.initiative).objects.filter(
            pk=(w.initiative, w.hidden_initiative)[column].pk).values_list("collaborative", "is_published").get(),
        #            member outsdr o-crd  coord  admin
        changelist= "ok     ok     ok     ok     ok",
        add=        "ok     ok     ok     ok     ok",
        view=      ("ok     ok     ok     ok     ok",
                    "ok     index  index  ok     ok"),
        change=    ("ok/403 403    403    write  write",
                    "403    index  index  write  write"),
    ),
    "initiatives.plan": AdminModel(
        objects=_objs("plan"),
        #            member outsdr o-crd  coord  admin
        changelist= "ok     ok     ok     ok     ok",
        add=        "403    403    ok     ok     ok",
        view=      ("ok     ok     ok     ok     ok",
                    "ok     index  index  ok     ok"),
        change=    ("403    403    403    ok     ok",
                    "403    index  index  ok     ok"),
    ),
    "initiatives.term": AdminModel(
        objects=lambda w: (w.term,),
        #            member outsdr o-crd  coord  admin
        changelist= "ok     ok     ok     ok     ok",
        add=        "403    403    ok     ok     ok",
        view=       "ok     ok     ok     ok     ok",
        change=     "403    403    ok     ok     ok",
    ),
    "initiatives.stagegate": AdminModel(
        objects=_objs("gate"),
        #            member outsdr o-crd  coord  admin
        changelist= "ok     ok     ok     ok     ok",
        add=        "403    403    ok     ok     ok",
        view=      ("ok     ok     ok     ok     ok",
                    "ok     index  index  ok     ok"),
        change=    ("403    403    403    ok     ok",
                    "403    index  index  ok     ok"),
    ),
    # New criteria versions come only from the action, never from the admin's add form.
    "initiatives.criteriaset": AdminModel(
        objects=_objs("criteria"),
        #            member outsdr o-crd  coord  admin
        changelist= "ok     ok     ok     ok     ok",
        add=        "403    403    403    403    403",
        view=      ("ok     ok     ok     ok     ok",
                    "ok     index  index  ok     ok"),
        change=    ("403    403    403    ok     ok",
                    "403    index  index  ok     ok"),
    ),
    "agreements.agreement": AdminModel(
        objects=_objs("agreement"),
        #            member outsdr o-crd  coord  admin
        changelist= "ok     ok     ok     ok     ok",
        add=        "403    403    ok     ok     ok",
        view=      ("ok     ok     ok     ok     ok",
                    "ok     index  index  ok     ok"),
        change=    ("403    403    403    ok     ok",
                    "403    index  index  ok     ok"),
    ),
    "agreements.agreementversion": AdminModel(
        objects=_objs("version"),
        #            member outsdr o-crd  coord  admin
        changelist= "ok     ok     ok     ok     ok",
        add=        "403    403    ok     ok     ok",
        view=      ("ok     ok     ok     ok     ok",
                    "ok     index  index  ok     ok"),
        change=    ("403    403    403    ok     ok",
                    "403    index  index  ok     ok"),
    ),
    # Legislation is kept by its own government's staff: Lee's Summit's, here.
    "agreements.legislativematter": AdminModel(
        objects=_objs("matter"),
        #            member outsdr o-crd  coord  admin
        changelist= "ok     ok     ok     ok     ok",
        add=        "ok     ok     ok     ok     ok",
        view=      ("ok     ok     ok     ok     ok",
                    "ok     index  index  index  ok"),
        change=    ("ok     403    403    403    ok",
                    "ok     index  index  index  ok"),
    ),
    # Adoptions stand as history once recorded. The add form is posted valid: Blue Springs adopting the
    # published version, which only Blue Springs's own staff (none here) or an administrator may record; the
    # others are refused, or shown the form again with nothing written.
    "agreements.adoption": AdminModel(
        objects=_objs("adoption"),
        payload=lambda w: {"version": w.version.pk, "government": w.blue_springs.pk,
                           "matter": w.blue_springs_matter.pk, "adopted_on": "2021-06-01"},
        #            member outsdr o-crd  coord  admin
        changelist= "ok     ok     ok     ok     ok",
        add=        "ok     ok     ok     ok     ok",
        add_post=   "403/ok 403/ok 403/ok 403/ok write",
        view=      ("ok     ok     ok     ok     ok",
                    "ok     index  index  ok     ok"),
        change=    ("403    403    403    403    403/ok",
                    "403    index  index  403    403/ok"),
    ),
    "tracking.kpi": AdminModel(
        objects=_objs("kpi"),
        #            member outsdr o-crd  coord  admin
        changelist= "ok     ok     ok     ok     ok",
        add=        "ok     ok     ok     ok     ok",
        view=      ("ok     ok     ok     ok     ok",
                    "ok     index  index  ok     ok"),
        change=    ("ok     403    403    ok     ok",
                    "403    index  index  ok     ok"),
    ),
}
# fmt: on

# Where the code breaks rules.md: (row, role, method) checks expected to fail until the code is fixed. A listed
# check that passes fails the suite too, so the list never goes stale. Empty: the code follows the rules.
KNOWN_HOLES: set[tuple[str, str, str]] = set()


def _download_rows() -> dict[str, Url]:
    """Each list page's ?format=csv and ?format=json: the page's own row, so exactly the page's outcomes; every
    download body is searched for hidden markers like a page."""
    from interlocal.portal.downloads import FORMATS, REGISTRY

    rows = {}
    for name in sorted(REGISTRY):
        page = PAGES[name]
        for fmt in FORMATS:
            query = f"{page.query}{'&' if page.query else '?'}format={fmt}"
            rows[f"{name} ?format={fmt}"] = replace(page, query=query, post=None, payload=None)
    return rows


# Downloads of list pages (issue 13): "NAME ?format=FMT" rows, run by their own test below.
DOWNLOADS: dict[str, Url] = _download_rows()


def _admin_rows() -> dict[str, Url]:
    """Rows for every registered ModelAdmin's pages, from ADMIN_MODELS."""
    rows: dict[str, Url] = {}
    for label, spec in ADMIN_MODELS.items():
        app, model = label.split(".")
        prefix = f"admin:{app}_{model}"

        def staff(outcomes: Spec) -> tuple[str, ...]:
            return tuple(f"login login {group}" for group in _groups(outcomes))

        def object_args(w: W, spec: AdminModel = spec) -> tuple[tuple[Any, ...], ...]:
            return tuple((0 if obj is None else obj.pk,) for obj in spec.objects(w))

        refused = staff(tuple("403 403 403 403 403" for _ in _groups(spec.view)))
        rows[f"{prefix}_changelist"] = Url(get=staff(spec.changelist))
        rows[f"{prefix}_add"] = Url(
            get=staff(spec.add), post=staff(spec.add_post or spec.add), payload=spec.payload
        )
        rows[f"{prefix}_change"] = Url(
            args=object_args,
            get=staff(spec.view),
            post=staff(spec.change),
            payload=spec.change_payload,
            guard=spec.guard,
        )
        rows[f"{prefix}_history"] = Url(args=object_args, get=staff(spec.history or spec.view))
        # Nobody hard-deletes: records are unpublished, memberships ended.
        delete = staff(spec.delete) if spec.delete else refused
        rows[f"{prefix}_delete"] = Url(args=object_args, get=delete, post=delete)
        # The old object address redirects to the change form, to staff.
        moved = staff(tuple("moved moved moved moved moved" for _ in _groups(spec.view)))
        rows[f"admin/{app}/{model}/<path:object_id>/"] = Url(args=object_args, get=moved)
    rows["admin:auth_user_password_change"] = Url(
        args=lambda w: ((w.users["member"].pk,),),
        get="login login 403 403 403 403 ok",
        post="login login 403 403 403 403 ok",
    )
    return rows


EXPECTATIONS: dict[str, Url] = {**PAGES, **_admin_rows()}


def admin_form_data(w: W, obj: Any, **changes: Any) -> dict[str, Any]:
    """The admin change form of obj as a browser would post it unchanged, with inlines, then the changes."""
    model_admin = admin.site._registry[type(obj)]
    request = RequestFactory().get("/")
    request.user = w.users["admin"]
    form = model_admin.get_form(request, obj, change=True)(instance=obj)
    data = _form_values(form, "")
    for formset_class, _inline in model_admin.get_formsets_with_inlines(request, obj):
        formset = formset_class(instance=obj, prefix=formset_class.get_default_prefix())
        data.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
        for inline_form in formset.forms:
            data.update(_form_values(inline_form, f"{inline_form.prefix}-"))
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = "on" if value is True else value
    return data


def _form_values(form: Any, prefix: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(value, list | tuple):
            value = [getattr(v, "pk", v) for v in value]
        values[f"{prefix}{name}"] = "on" if value is True else value
    return values


# --- Enumerating what exists ---------------------------------------------------------------------------------


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str | None]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace or ""]))
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name


def api_operations() -> dict[str, str]:
    """Each API operation as "METHOD /path" mapped to its path as a URL pattern route, from the OpenAPI schema."""
    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {route}": re.sub(r"\{(\w+)\}", r"<\1>", route.lstrip("/"))
        for route, operations in schema["paths"].items()
        for method in operations
    }


def required_keys(urlconf: Any = None) -> set[str]:
    """Every URL pattern (by name, or by route when unnamed) and API operation that needs an expectation."""
    operations = api_operations()
    operation_routes = set(operations.values())
    keys = set(operations)
    for route, name in _walk(get_resolver(urlconf).url_patterns):
        plain = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", route)
        if plain in operation_routes:
            continue  # the operations above cover it, method by method
        keys.add(name or route)
    return keys


def coverage_problems(urlconf: Any = None) -> list[str]:
    """What has no expectation, and which expectations name nothing."""
    required = required_keys(urlconf)
    missing = sorted(required - set(EXPECTATIONS))
    stale = sorted(set(EXPECTATIONS) - required)
    registered = {m._meta.label_lower for m in admin.site._registry}
    problems = [f"no expectation for {key!r}: add it to PAGES or ADMIN_MODELS" for key in missing]
    problems += [f"expectation for {key!r} names no URL or operation: remove it" for key in stale]
    problems += [
        f"ModelAdmin {m} has no entry in ADMIN_MODELS" for m in sorted(registered - set(ADMIN_MODELS))
    ]
    return problems


# --- Running the checks --------------------------------------------------------------------------------------

LOGIN_PATHS = ("/accounts/login/", "/admin/login/")


def outcome(response: HttpResponseBase) -> str:
    """The table's word for a response."""
    if response.status_code in (301, 302):
        where = urlsplit(response["Location"]).path
        if where in LOGIN_PATHS:
            return "login"
        return "index" if where == "/admin/" else "moved"
    return "ok" if response.status_code in (200, 201) else str(response.status_code)


def _body(response: HttpResponseBase) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    return raw.decode("utf-8", "replace")


def _columns(spec: Spec) -> list[list[str]]:
    columns = [group.split() for group in _groups(spec)]
    for column in columns:
        assert len(column) == len(ROLES), f"{spec!r}: each column needs one outcome per role"
    return columns


def _path(key: str, args: tuple[Any, ...]) -> str:
    if key.startswith(("GET ", "POST ", "PATCH ")):
        route = key.split(" ", 1)[1]
        for value in args:
            route = re.sub(r"\{\w+\}", str(value), route, count=1)
        return route
    if key.startswith("admin/"):  # an unnamed admin pattern: fill its one argument in
        return "/" + re.sub(r"(\(\?P<\w+>[^)]*\)\$|<[^>]+>/)", f"{args[0]}/" if args else "", key).rstrip("$")
    return reverse(key, args=args)


@dataclass
class Check:
    """One request and what came of it."""

    key: str
    role: str
    method: str
    column: int
    expected: str
    actual: str
    leaks: list[str]

    @property
    def passed(self) -> bool:
        return self.actual in self.expected.split("/") and not self.leaks

    def __str__(self) -> str:
        leaked = f", showing {', '.join(self.leaks)}" if self.leaks else ""
        return f"{self.method} {self.key} [column {self.column + 1}] as {self.role}: expected {self.expected}, got {self.actual}{leaked}"


def run_row(key: str, row: Url, world: W, clients: dict[str, Client]) -> list[Check]:
    """Request a row's URL as every role, for each column and method, and record the outcomes."""
    arg_sets = row.args(world) if row.args else ((),)
    payload = row.payload(world) if row.payload else {}
    payloads = payload if isinstance(payload, tuple) else tuple(payload for _ in arg_sets)
    checks = []
    # An API write ("POST /api/..." or "PATCH /api/...") is checked by its own method, with a JSON body.
    write = key.split(" ", 1)[0] if key.startswith(("POST /", "PATCH /")) else "POST"
    for method, spec in (("GET", row.get), (write, row.post)):
        if spec is None:
            continue
        columns = _columns(spec)
        assert len(columns) == len(arg_sets), (
            f"{key}: {len(arg_sets)} columns of objects, {len(columns)} of outcomes"
        )
        for column, (args, expected) in enumerate(zip(arg_sets, columns, strict=True)):
            url = _path(key, args) + row.query
            for role, want in zip(ROLES, expected, strict=True):
                client = clients[role] if not row.fresh_client else _client(world, role, like=clients[role])
                guard = (lambda row=row, column=column: row.guard(world, column)) if row.guard else None
                checks.append(_request(key, role, method, column, want, client, url, payloads[column], guard))
    return checks


def _request(
    key: str,
    role: str,
    method: str,
    column: int,
    want: str,
    client: Client,
    url: str,
    payload: dict[str, Any],
    guard: Callable[[], Any] | None,
) -> Check:
    leaks: list[str] = []
    if method == "GET":
        response = client.get(url)
        actual = outcome(response)
        if actual == "ok":
            body = _body(response)
            leaks = [m for m in MARKERS if m not in MAY_SEE[role] and m in body]
        return Check(key, role, method, column, want, actual, leaks)
    # Each POST is undone, so every check sees the same world.
    with transaction.atomic():
        before = guard() if guard else AuditEvent.objects.count()
        if url.startswith("/api/"):
            response = client.generic(method, url, json.dumps(payload), content_type="application/json")
        else:
            response = client.post(url, payload)
        wrote = (guard() if guard else AuditEvent.objects.count()) != before
        transaction.set_rollback(True)
    actual = outcome(response)
    if actual in ("ok", "moved"):
        actual = "write" if wrote else "ok"
    elif wrote:
        actual += " but wrote"
    return Check(key, role, method, column, want, actual, leaks)


def _client(world: W, role: str, like: Client | None = None) -> Client:
    client = Client(raise_request_exception=False)  # a crash is an outcome (500) like any other
    if like is not None:
        client.handler = like.handler  # loading the middleware again (WhiteNoise scans every file) is slow
    if role != "public":
        client.force_login(world.users[role])  # type: ignore[arg-type]
    return client


def verdict(key: str, checks: list[Check], holes: set[tuple[str, str, str]] = KNOWN_HOLES) -> list[str]:
    """Failures of a row's checks, given the known holes: a hole must still fail, everything else must pass."""
    problems = [str(c) for c in checks if not c.passed and (key, c.role, c.method) not in holes]
    for hole_key, role, method in sorted(holes):
        if hole_key != key:
            continue
        mine = [c for c in checks if c.role == role and c.method == method]
        if mine and all(c.passed for c in mine):
            problems.append(f"{method} {key} as {role} now follows the rules: remove it from KNOWN_HOLES")
    return problems


# --- The tests ---------------------------------------------------------------------------------------------------

STATS = {"rows": 0, "checks": 0, "holes": 0}


@pytest.fixture(scope="module")
def matrix(
    django_db_setup: None, django_db_blocker: Any, request: pytest.FixtureRequest
) -> Iterator[tuple[W, dict[str, Client]]]:
    """The world and a signed-in client per role, built once for the module and rolled back after it."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        world = build_matrix_world()
        first = _client(world, ROLES[0])
        clients = {role: _client(world, role, like=first) for role in ROLES}
        yield world, clients
        transaction.set_rollback(True)
    summary = (
        f"permission matrix: {len(list(_walk(get_resolver().url_patterns)))} URL patterns, "
        f"{len(api_operations())} API operations, {STATS['rows']} rows, {STATS['checks']} checks "
        f"({STATS['holes']} of them failing as KNOWN_HOLES)"
    )
    request.config.stash.setdefault(MATRIX_SUMMARY, []).append(summary)


@pytest.mark.parametrize("key", sorted(EXPECTATIONS))
def test_it_gives_each_role_what_the_rules_say(
    key: str, matrix: tuple[W, dict[str, Client]], db: None
) -> None:
    world, clients = matrix
    checks = run_row(key, EXPECTATIONS[key], world, clients)
    STATS["rows"] += 1
    STATS["checks"] += len(checks)
    STATS["holes"] += sum(1 for c in checks if (key, c.role, c.method) in KNOWN_HOLES and not c.passed)
    problems = verdict(key, checks)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("key", sorted(DOWNLOADS))
def test_it_gives_each_role_the_downloads_of_the_pages_it_may_read(
    key: str, matrix: tuple[W, dict[str, Client]], db: None
) -> None:
    world, clients = matrix
    name = key.split(" ", 1)[0]
    checks = run_row(name, DOWNLOADS[key], world, clients)
    STATS["rows"] += 1
    STATS["checks"] += len(checks)
    problems = verdict(name, checks)
    assert not problems, "\n".join(problems)


def test_it_has_an_expectation_for_every_url_and_api_operation() -> None:
    problems = coverage_problems()
    assert not problems, "\n".join(problems)


def test_it_has_known_holes_only_for_rows_and_roles_that_exist() -> None:
    unknown = {
        h for h in KNOWN_HOLES if h[0] not in EXPECTATIONS or h[1] not in ROLES or h[2] not in ("GET", "POST")
    }
    assert not unknown


# The real URL configuration plus one page nobody wrote an expectation for (see the test below).
urlpatterns = [
    *root_urls.urlpatterns,
    path("matrix-probe/", lambda request: HttpResponse("probe"), name="matrix_probe"),
]


def test_it_names_a_url_added_without_an_expectation() -> None:
    with override_settings(ROOT_URLCONF=__name__):
        problems = coverage_problems()
    assert problems == ["no expectation for 'matrix_probe': add it to PAGES or ADMIN_MODELS"]


def test_it_reports_a_role_given_too_much_and_a_hole_that_is_closed(
    matrix: tuple[W, dict[str, Client]], db: None
) -> None:
    world, clients = matrix
    # Wrongly expect everyone to read the unpublished initiative.
    too_generous = Url(args=_pub("initiative"), get=("ok ok ok ok ok ok ok", "ok ok ok ok ok ok ok"))
    checks = run_row("portal:initiative", too_generous, world, clients)
    assert verdict("portal:initiative", checks, holes=set()) == [
        f"GET portal:initiative [column 2] as {role}: expected ok, got 404"
        for role in ("public", "outsider", "other_coordinator")
    ]
    closed = {("portal:initiative", "admin", "GET")}
    assert verdict(
        "portal:initiative", run_row("portal:initiative", PAGES["portal:initiative"], world, clients), closed
    ) == ["GET portal:initiative as admin now follows the rules: remove it from KNOWN_HOLES"]


def test_it_finds_a_hidden_record_on_a_page_that_shows_it(
    matrix: tuple[W, dict[str, Client]], db: None
) -> None:
    world, clients = matrix
    # The coordinator's view of the unpublished pilot, judged as if the public had been shown it.
    url = reverse("portal:collaborative", args=[world.pilot.slug])
    check = _request("portal:collaborative", "public", "GET", 1, "ok", clients["coordinator"], url, {}, None)
    assert (check.actual, check.leaks, check.passed) == ("ok", [HIDDEN_OURS], False)
