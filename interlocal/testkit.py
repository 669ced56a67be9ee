"""The shared test world: named users and records, all made through actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import authenticate
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory

from interlocal.agreements import actions as agreements
from interlocal.agreements.models import (
    Adoption,
    AdoptionProposal,
    Agreement,
    AgreementVersion,
    LegislativeMatter,
    MatterAttachment,
)
from interlocal.audit.models import AuditEvent
from interlocal.collaboratives import actions as collaboratives
from interlocal.collaboratives.models import Collaborative, Membership
from interlocal.costshare import actions as costshare
from interlocal.costshare.models import SavingsEntry, Scenario
from interlocal.governments import actions as governments
from interlocal.governments.models import Government, Person
from interlocal.initiatives import actions as initiatives
from interlocal.initiatives.models import CriteriaSet, Initiative, Plan, StageGate, Term
from interlocal.legislation.models import Event, Official
from interlocal.legislation.samples import build_council_sample
from interlocal.tracking import actions as tracking
from interlocal.tracking.models import Kpi
from interlocal.vocab import AgreementKind, GovernmentKind, PartnerRole, Role, TermKind, VersionKind

PASSWORD = "correct-horse-battery"


@dataclass
class World:
    """Named people and records every test can rely on."""

    admin: Person
    coordinator: Person  # MARC staff coordinating the collaborative
    clerk: Person  # Lee's Summit's city clerk, a member editor
    outsider: Person  # an editor at Kansas City, not a member
    public: AnonymousUser
    marc: Government
    lees_summit: Government
    blue_springs: Government
    kansas_city: Government
    collaborative: Collaborative
    initiative: Initiative  # published, led by Lee's Summit
    hidden_initiative: Initiative  # unpublished, led by Blue Springs
    matter: LegislativeMatter  # Lee's Summit's resolution
    agreement: Agreement
    version: AgreementVersion  # parties Lee's Summit and Blue Springs; only Lee's Summit adopted


def build_world() -> World:
    """Create the named users and records through the actions."""
    admin = governments.person_create(
        acting_user=None,
        username="admin",
        government=None,
        role=Role.COORDINATOR,
        password=PASSWORD,
        is_superuser=True,
    )

    def gov(name: str, kind: str = GovernmentKind.CITY) -> Government:
        return governments.government_create(acting_user=admin, kind=kind, name=name, state="MO")

    marc, ls, bs, kc = (
        gov("MARC", GovernmentKind.REGIONAL_COUNCIL),
        gov("Lee's Summit"),
        gov("Blue Springs"),
        gov("Kansas City"),
    )

    def person(username: str, government: Government, role: str) -> Person:
        return governments.person_create(
            acting_user=admin, username=username, government=government, role=role, password=PASSWORD
        )

    coordinator = person("coordinator", marc, Role.COORDINATOR)
    clerk = person("clerk", ls, Role.MEMBER_EDITOR)
    outsider = person("outsider", kc, Role.MEMBER_EDITOR)
    collab = collaboratives.collaborative_create(
        acting_user=coordinator, name="Eastern Jackson County", facilitator=marc, is_published=True
    )
    # Joining takes the member's consent: Lee's Summit's clerk accepts; Blue Springs has no staff here, so
    # the site administrator accepts for it.
    for member, accepter in ((ls, clerk), (bs, admin)):
        proposal = collaboratives.membership_propose(
            acting_user=coordinator, collaborative=collab, government=member, joined_on=dt.date(2018, 9, 1)
        )
        collaboratives.membership_accept(acting_user=accepter, membership=proposal)
    initiative = initiatives.initiative_create(
        acting_user=coordinator,
        collaborative=collab,
        code="EJC-1",
        title="Radio equipment maintenance",
        is_published=True,
        is_partnership=True,
        terms={TermKind.TOPIC_AREA: ["Public Safety"]},
        partners={PartnerRole.LEAD: [ls], PartnerRole.SUPPORTING: [bs]},
    )
    hidden = initiatives.initiative_create(
        acting_user=coordinator,
        collaborative=collab,
        code="EJC-2",
        title="Draft recycling idea",
        partners={PartnerRole.LEAD: [bs]},
    )
    matter = agreements.matter_create(
        acting_user=clerk,
        government=ls,
        file_number="RES. NO. 21-08",
        type_name="Resolution",
        title="A Resolution adopting a Statement of Common Purpose.",
        intro_date=dt.date(2021, 3, 31),
    )
    agreement = agreements.agreement_create(
        acting_user=coordinator,
        collaborative=collab,
        kind=AgreementKind.STATEMENT_OF_COMMON_PURPOSE,
        title="Statement of Common Purpose",
        is_published=True,
    )
    version = agreements.agreement_version_create(
        acting_user=coordinator,
        agreement=agreement,
        kind=VersionKind.ORIGINAL,
        title="2021 text",
        parties=[ls, bs],
    )
    agreements.agreement_adopt(
        acting_user=clerk, version=version, government=ls, matter=matter, adopted_on=dt.date(2021, 4, 13)
    )
    version.refresh_from_db()
    return World(
        admin=admin,
        coordinator=coordinator,
        clerk=clerk,
        outsider=outsider,
        public=AnonymousUser(),
        marc=marc,
        lees_summit=ls,
        blue_springs=bs,
        kansas_city=kc,
        collaborative=collab,
        initiative=initiative,
        hidden_initiative=hidden,
        matter=matter,
        agreement=agreement,
        version=version,
    )


# --- The permission matrix's world ---------------------------------------------------------------------

# Every record a role must not see carries the marker of its scope in its name, so a page that shows it leaks.
HIDDEN_OURS = "HIDDEN-OURS"  # unpublished records of the collaboratives MARC facilitates
HIDDEN_THEIRS = "HIDDEN-THEIRS"  # unpublished records of St. Louis County's collaborative
HIDDEN_LS = "HIDDEN-LS"  # Lee's Summit's own unpublished legislation
HIDDEN_GOV = "HIDDEN-GOV"  # an unpublished government that belongs to nothing yet
# A member's self-assessment answers: its own staff's and its collaborative's coordinators' only (issue 11).
HIDDEN_ANSWER_LS = "HIDDEN-ANSWER-LS"  # Lee's Summit's evidence notes and file
HIDDEN_ANSWER_BS = "HIDDEN-ANSWER-BS"  # Blue Springs's evidence notes and file
# Where the permission matrix leaves its counts for the session summary (conftest.py prints them).
MATRIX_SUMMARY = pytest.StashKey[list[str]]()


@dataclass
class MatrixWorld:
    """Users of every role and, for each kind of record, a published and an unpublished one."""

    users: dict[str, Person | AnonymousUser]  # by role name, see interlocal/tests/test_permission_matrix.py
    ours: Collaborative  # published, facilitated by MARC; Lee's Summit and Blue Springs are members
    pilot: Collaborative  # unpublished, facilitated by MARC, same members
    theirs: Collaborative  # published, facilitated by St. Louis County; Kansas City is a member
    lees_summit: Government  # the member editor's; it left St. Louis County's collaborative in 2017
    proposal: Membership  # Lee's Summit proposed again to St. Louis County's collaborative, undecided
    sign_in_attempt: AccessAttempt  # a failed sign-in, as django-axes records it
    sign_in: AccessLog  # the administrator's sign-in, as django-axes logs it
    blue_springs: Government  # the viewer's government
    blue_springs_matter: LegislativeMatter  # published; Blue Springs has not adopted anything with it
    grain_valley: Government  # unpublished
    initiative: Initiative  # published, ours, led by Lee's Summit
    hidden_initiative: Initiative  # unpublished, ours, led by Blue Springs
    matter: LegislativeMatter  # Lee's Summit's, published
    hidden_matter: LegislativeMatter  # Lee's Summit's, unpublished
    attachment: MatterAttachment  # a file of matter
    hidden_attachment: MatterAttachment  # a file of hidden_matter
    agreement: Agreement  # published, ours
    hidden_agreement: Agreement  # unpublished, ours
    version: AgreementVersion  # of agreement; parties Lee's Summit (adopted) and Blue Springs (not yet)
    hidden_version: AgreementVersion  # of hidden_agreement; Lee's Summit adopted it
    adoption: Adoption  # Lee's Summit adopting version
    hidden_adoption: Adoption  # Lee's Summit adopting hidden_version
    kpi: Kpi  # on initiative
    hidden_kpi: Kpi  # on hidden_initiative
    scenario: Scenario  # ours, for version, computed
    hidden_scenario: Scenario  # ours, for hidden_initiative, a draft
    savings: SavingsEntry  # Lee's Summit's, on initiative, uncertified with evidence
    hidden_savings: SavingsEntry  # Blue Springs's, on hidden_initiative, uncertified with evidence
    plan: Plan  # ours
    hidden_plan: Plan  # pilot's
    gate: StageGate  # ours
    hidden_gate: StageGate  # pilot's
    criteria: CriteriaSet  # ours, current
    hidden_criteria: CriteriaSet  # pilot's, current
    term: Term
    event: AuditEvent  # a public audit event of ours
    hidden_event: AuditEvent  # a private audit event of ours
    meeting: Event  # Lee's Summit's council meeting adopting matter, with an agenda item and a roll call
    hidden_meeting: Event  # Lee's Summit's, unpublished
    official: Official  # Lee's Summit's council member who voted on matter
    hidden_official: Official  # Lee's Summit's, unpublished
    # Adoptions found for Lee's Summit (issue 10), both open: its published resolution matching a published
    # dispatch agreement of ours by title, and its unpublished one linked by the coordinator to a pilot agreement.
    found: AdoptionProposal
    hidden_found: AdoptionProposal
    # Self-assessments (issue 11), see _matrix_assessments: ours closed with MARC, Lee's Summit and Blue Springs
    # submitted; the pilot's open, MARC submitted and Lee's Summit drafting.
    assessment: Any = None  # ours's round, closed
    hidden_assessment: Any = None  # the pilot's round, open, titled with HIDDEN_OURS
    round_ls: Any = None  # Lee's Summit in ours's round; its evidence carries HIDDEN_ANSWER_LS
    round_bs: Any = None  # Blue Springs in ours's round; its evidence carries HIDDEN_ANSWER_BS
    hidden_round_ls: Any = None  # Lee's Summit in the pilot's round, a draft
    hidden_round_marc: Any = None  # MARC in the pilot's round, submitted
    assessment_items: Any = None  # the small framework's item codes -> pk
    # Background jobs (issue 12), see _matrix_jobs: the member's finished job with a result to download.
    job: Any = None
    # Action plans (issue 12), see _matrix_plans: ours's plan published as v1 with an update, then its draft given
    # the hidden initiative and a section carrying HIDDEN_OURS (never in v1); the pilot's plan, titled with
    # HIDDEN_OURS, published as v1 (public only once the pilot is).
    action_plan: Any = None
    hidden_action_plan: Any = None
    plan_section: Any = None  # ours's draft section, HIDDEN_OURS in its text
    hidden_plan_section: Any = None  # the pilot's


def build_matrix_world() -> MatrixWorld:
    """Two collaboratives with published and unpublished records of every kind, made through the actions."""
    admin = governments.person_create(
        acting_user=None, username="admin", government=None, role=Role.COORDINATOR, password=PASSWORD,
        is_superuser=True,
    )  # fmt: skip

    def gov(name: str, kind: str = GovernmentKind.CITY, **fields: Any) -> Government:
        return governments.government_create(acting_user=admin, kind=kind, name=name, state="MO", **fields)

    marc = gov("MARC", GovernmentKind.REGIONAL_COUNCIL)
    stl = gov("St. Louis County", GovernmentKind.COUNTY)
    ls, bs, kc = gov("Lee's Summit"), gov("Blue Springs"), gov("Kansas City")
    gv = gov(f"Grain Valley {HIDDEN_GOV}", slug="grain-valley", is_published=False)

    def person(username: str, government: Government, role: str) -> Person:
        return governments.person_create(
            acting_user=admin, username=username, government=government, role=role, password=PASSWORD
        )

    coordinator = person("coordinator", marc, Role.COORDINATOR)
    other_coordinator = person("stl-planner", stl, Role.COORDINATOR)
    users: dict[str, Person | AnonymousUser] = {
        "public": AnonymousUser(),
        "viewer": person("bs-finance", bs, Role.VIEWER),
        "member": person("clerk", ls, Role.MEMBER_EDITOR),
        "outsider": person("kc-editor", kc, Role.MEMBER_EDITOR),
        "other_coordinator": other_coordinator,
        "coordinator": coordinator,
        "admin": admin,
    }
    clerk = cast(Person, users["member"])

    def collaborative(by: Person, name: str, facilitator: Government, published: bool) -> Collaborative:
        return collaboratives.collaborative_create(
            acting_user=by, name=name, facilitator=facilitator, is_published=published
        )

    # Joining takes the member's consent: the coordinator proposes, the member's own editor accepts (the
    # administrator, for governments with no editor here).
    editors = {editor.government_id: editor for editor in (clerk, cast(Person, users["outsider"]))}

    def join(by: Person, collab: Collaborative, member: Government, left_on: dt.date | None = None) -> None:
        proposal = collaboratives.membership_propose(
            acting_user=by, collaborative=collab, government=member, joined_on=dt.date(2015, 1, 1)
        )
        accepter = editors.get(member.pk, admin)
        membership = collaboratives.membership_accept(acting_user=accepter, membership=proposal)
        if left_on is not None:
            collaboratives.membership_end(acting_user=by, membership=membership, left_on=left_on)

    ours = collaborative(coordinator, "Eastern Jackson County", marc, True)
    pilot = collaborative(coordinator, f"Cyber Pilot {HIDDEN_OURS}", marc, False)
    theirs = collaborative(other_coordinator, "North County", stl, True)
    for collab in (ours, pilot):
        join(coordinator, collab, ls)
        join(coordinator, collab, bs)
    join(other_coordinator, theirs, kc)
    join(other_coordinator, theirs, ls, left_on=dt.date(2017, 12, 31))  # an ended membership grants nothing
    # Proposed again, not yet accepted: a proposal grants nothing either.
    proposal = collaboratives.membership_propose(
        acting_user=other_coordinator, collaborative=theirs, government=ls, joined_on=dt.date(2026, 1, 1)
    )

    def initiative(
        by: Person, collab: Collaborative, title: str, lead: Government, **fields: Any
    ) -> Initiative:
        return initiatives.initiative_create(
            acting_user=by, collaborative=collab, title=title, partners={PartnerRole.LEAD: [lead]}, **fields
        )

    published = initiative(
        coordinator, ours, "Radio maintenance", ls, code="EJC-1", is_published=True,
        terms={TermKind.TOPIC_AREA: ["Public Safety"]},
    )  # fmt: skip
    hidden = initiative(coordinator, ours, f"Draft recycling {HIDDEN_OURS}", bs, code="EJC-2")
    # A published initiative of an unpublished collaborative is still hidden.
    initiative(coordinator, pilot, f"Pilot idea {HIDDEN_OURS}", ls, is_published=True)
    initiative(other_coordinator, theirs, "Shared permits", kc, is_published=True)
    theirs_hidden = initiative(other_coordinator, theirs, f"Draft fleet {HIDDEN_THEIRS}", kc)

    matter = agreements.matter_create(
        acting_user=clerk, government=ls, file_number="RES. NO. 21-08", title="Adopting a Statement.",
        intro_date=dt.date(2021, 3, 31), is_published=True,
    )  # fmt: skip
    hidden_matter = agreements.matter_create(
        acting_user=clerk, government=ls, file_number="RES. NO. 21-99", title=f"Draft {HIDDEN_LS}",
        is_published=False,
    )  # fmt: skip

    def attach(on: LegislativeMatter, name: str) -> MatterAttachment:
        return agreements.matter_attachment_add(
            acting_user=clerk, matter=on, name=name, file_name="text.txt", content=f"{name}\n".encode()
        )

    attachment = attach(matter, "Adopted text")
    hidden_attachment = attach(hidden_matter, f"Draft text {HIDDEN_LS}")

    def agreement(
        by: Person, collab: Collaborative, title: str, published: bool, parties: list[Government]
    ) -> AgreementVersion:
        created = agreements.agreement_create(
            acting_user=by, collaborative=collab, kind=AgreementKind.INTERLOCAL, title=title,
            is_published=published,
        )  # fmt: skip
        return agreements.agreement_version_create(
            acting_user=by,
            agreement=created,
            kind=VersionKind.ORIGINAL,
            title=f"{title} text",
            parties=parties,
        )

    version = agreement(coordinator, ours, "Radio agreement", True, [ls, bs])
    hidden_version = agreement(coordinator, ours, f"Recycling agreement {HIDDEN_OURS}", False, [ls, bs])
    agreement(other_coordinator, theirs, f"Fleet agreement {HIDDEN_THEIRS}", False, [kc])
    adoption = agreements.agreement_adopt(
        acting_user=clerk, version=version, government=ls, matter=matter, adopted_on=dt.date(2021, 4, 13)
    )
    blue_springs_matter = agreements.matter_create(
        acting_user=admin, government=bs, file_number="R-2021-7", title="Adopting the radio agreement.",
        is_published=True,
    )  # fmt: skip
    hidden_adoption = agreements.agreement_adopt(
        acting_user=clerk, version=hidden_version, government=ls, matter=hidden_matter,
        adopted_on=dt.date(2021, 5, 1),
    )  # fmt: skip

    def kpi(by: Person, on: Initiative, name: str) -> Kpi:
        return tracking.kpi_create(
            acting_user=by, initiative=on, name=name, unit="calls", baseline=Decimal(10),
            baseline_on=dt.date(2020, 1, 1), target=Decimal(20), target_on=dt.date(2030, 1, 1),
        )  # fmt: skip

    published_kpi = kpi(coordinator, published, "Calls answered")
    hidden_kpi = kpi(coordinator, hidden, f"Tonnes {HIDDEN_OURS}")
    kpi(other_coordinator, theirs_hidden, f"Vehicles {HIDDEN_THEIRS}")

    scenario = costshare.scenario_create(
        acting_user=coordinator, name="FY2025 radio", fiscal_year=2025, agreement_version=version,
        partners=[ls, bs], methods=["equal", "proportional"], total_cost=Decimal("300000.00"),
        standalone_costs={ls: Decimal(250000), bs: Decimal(90000)},
    )  # fmt: skip
    scenario = costshare.scenario_compute(acting_user=coordinator, scenario=scenario)
    hidden_scenario = costshare.scenario_create(
        acting_user=coordinator, name=f"FY2026 {HIDDEN_OURS}", fiscal_year=2026, initiative=hidden,
        partners=[ls, bs], methods=["equal"], total_cost=Decimal("1000.00"),
        standalone_costs={ls: Decimal(800), bs: Decimal(600)},
    )  # fmt: skip
    costshare.scenario_create(
        acting_user=other_coordinator, name=f"FY2026 {HIDDEN_THEIRS}", fiscal_year=2026,
        initiative=theirs_hidden, partners=[kc], methods=["equal"], total_cost=Decimal("1000.00"),
    )  # fmt: skip

    def savings(on: Initiative, government: Government, note: str) -> SavingsEntry:
        return costshare.savings_entry_create(
            acting_user=coordinator, initiative=on, government=government, fiscal_year=2025,
            recurrence="recurring", baseline_cost=Decimal(1000), projected_saving=Decimal(100),
            actual_saving=Decimal(90), evidence_url="https://example.gov/audit.pdf", note=note,
        )  # fmt: skip

    savings_entry = savings(published, ls, "Radio savings")
    hidden_savings = savings(hidden, bs, f"Recycling savings {HIDDEN_OURS}")

    plan = initiatives.plan_create(acting_user=coordinator, collaborative=ours, name="Ours plan")
    hidden_plan = initiatives.plan_create(
        acting_user=coordinator, collaborative=pilot, name=f"Plan {HIDDEN_OURS}"
    )
    gate = initiatives.gate_configure(
        acting_user=coordinator, collaborative=ours, stage="proposed", conditions=["description"]
    )
    hidden_gate = initiatives.gate_configure(
        acting_user=coordinator, collaborative=pilot, stage="proposed", conditions=["description"]
    )
    weights = [("Cost", Decimal(1), "Saves money")]
    criteria = initiatives.criteria_set_create(
        acting_user=coordinator, collaborative=ours, name="2025 criteria", criteria=weights
    )
    hidden_criteria = initiatives.criteria_set_create(
        acting_user=coordinator, collaborative=pilot, name=f"Criteria {HIDDEN_OURS}", criteria=weights
    )
    term = initiatives.term_ensure(acting_user=coordinator, kind=TermKind.TOPIC_AREA, name="Public Safety")
    # A failed sign-in, through the authentication backends as the sign-in page makes it.
    authenticate(RequestFactory().post("/accounts/login/"), username="matrix-intruder", password="guess")
    sign_in_attempt = AccessAttempt.objects.get(username="matrix-intruder")
    Client().force_login(admin)
    sign_in = AccessLog.objects.filter(username=admin.username).latest("pk")
    council = build_council_sample(
        acting_user=clerk, government=ls, client="leessummit", hidden_marker=HIDDEN_LS,
        action=agreements.matter_action_add(
            acting_user=clerk, matter=matter, action_date=dt.date(2021, 4, 13), action_name="adopted",
            passed_flag_name="Pass",
        ),
    )  # fmt: skip
    event = AuditEvent.objects.get(verb="initiative_create", object_id=str(published.pk))
    hidden_event = AuditEvent.objects.get(verb="initiative_create", object_id=str(hidden.pk))
    found, hidden_found = _matrix_proposals(clerk, coordinator, ours, pilot, ls, bs)
    return MatrixWorld(
        users=users, ours=ours, pilot=pilot, theirs=theirs, lees_summit=ls, proposal=proposal,
        sign_in_attempt=sign_in_attempt, sign_in=sign_in, blue_springs=bs,
        blue_springs_matter=blue_springs_matter, grain_valley=gv,
        initiative=published, hidden_initiative=hidden, matter=matter, hidden_matter=hidden_matter,
        attachment=attachment, hidden_attachment=hidden_attachment,
        agreement=version.agreement, hidden_agreement=hidden_version.agreement, version=version,
        hidden_version=hidden_version, adoption=adoption, hidden_adoption=hidden_adoption, kpi=published_kpi,
        hidden_kpi=hidden_kpi, scenario=scenario, hidden_scenario=hidden_scenario, savings=savings_entry,
        hidden_savings=hidden_savings, plan=plan, hidden_plan=hidden_plan, gate=gate, hidden_gate=hidden_gate,
        criteria=criteria, hidden_criteria=hidden_criteria, term=term, event=event, hidden_event=hidden_event,
        meeting=council.meeting, hidden_meeting=council.session, official=council.official,
        hidden_official=council.other,
        found=found, hidden_found=hidden_found,
        **_matrix_assessments(admin, coordinator, users, ours, pilot, marc, ls, bs),
        **_matrix_jobs(users),
        **_matrix_plans(coordinator, ours, pilot, published, hidden),
    )  # fmt: skip


def _matrix_proposals(
    clerk: Person,
    coordinator: Person,
    ours: Collaborative,
    pilot: Collaborative,
    ls: Government,
    bs: Government,
) -> tuple[AdoptionProposal, AdoptionProposal]:
    """Two open adoption proposals for Lee's Summit: one found by title words, one by the coordinator's link."""

    def dispatch(collab: Collaborative, title: str, published: bool) -> AgreementVersion:
        created = agreements.agreement_create(
            acting_user=coordinator, collaborative=collab, kind=AgreementKind.INTERLOCAL, title=title,
            is_published=published,
        )  # fmt: skip
        return agreements.agreement_version_create(
            acting_user=coordinator,
            agreement=created,
            kind=VersionKind.ORIGINAL,
            title="Text",
            parties=[ls, bs],
        )

    def passed(file_number: str, title: str, published: bool) -> LegislativeMatter:
        matter = agreements.matter_create(
            acting_user=clerk, government=ls, file_number=file_number, title=title, type_name="Resolution",
            is_published=published,
        )  # fmt: skip
        agreements.matter_action_add(
            acting_user=clerk, matter=matter, action_date=dt.date(2022, 5, 3), action_name="Adopted",
            action_body_name="City Council", passed_flag_name="Pass", tally="8:0",
        )  # fmt: skip
        return matter

    version = dispatch(ours, "Regional Dispatch Services Agreement", True)
    matter = passed("RES. NO. 22-05", "Approving the Regional Dispatch Services Agreement.", True)
    agreements.propose_adoptions(acting_user=clerk, government=ls, matter_ids=[matter.pk])
    hidden_version = dispatch(pilot, f"Pilot console sharing {HIDDEN_OURS}", False)
    hidden_matter = passed("RES. NO. 22-98", f"Consent agenda {HIDDEN_LS}", False)
    party = hidden_version.party_rows.get(government=ls)
    agreements.agreement_party_expect(
        acting_user=coordinator, party=party, file_number=hidden_matter.file_number
    )
    return (
        AdoptionProposal.objects.get(version=version, matter=matter),
        AdoptionProposal.objects.get(version=hidden_version, matter=hidden_matter),
    )


def _matrix_jobs(users: dict[str, Any]) -> dict[str, Any]:
    """A member's finished background job with a result to download."""
    # Finished without a worker: the test transaction never commits, so nothing is enqueued.
    from interlocal.jobs.actions import job_create, job_finish
    from interlocal.jobs.runners import Result

    member = users["member"]
    job = job_create(acting_user=member, kind="selftest", title="Matrix job")
    job_finish(acting_user=member, job=job, result=Result(b"done", "done.txt", "text/plain"))
    return {"job": job}


def _matrix_assessments(
    admin: Person,
    coordinator: Person,
    users: dict[str, Any],
    ours: Collaborative,
    pilot: Collaborative,
    marc: Government,
    ls: Government,
    bs: Government,
) -> dict[str, Any]:
    """Self-assessment rounds for the matrix: a closed one in ours with private evidence, an open one in the pilot."""
    from interlocal.assessments import actions as assessments
    from interlocal.assessments.actions import LevelSpec, NodeSpec
    from interlocal.vocab import FrameworkKind, NodeKind

    scale = assessments.scale_ensure(
        acting_user=admin, key="matrix-ncsr", name="Maturity",
        levels=[LevelSpec(v, f"Level {v}") for v in range(1, 8)], target_value=5,
    )  # fmt: skip
    nodes = [
        NodeSpec("GV", "Govern", NodeKind.FUNCTION),
        NodeSpec("GV.OC", "Context", NodeKind.CATEGORY, "GV"),
    ]
    nodes += [NodeSpec(f"GV.OC-0{i}", f"Mission {i}", NodeKind.ITEM, "GV.OC") for i in (1, 2, 3)]
    framework = assessments.framework_load(
        acting_user=admin, key="matrix-csf", version="1", title="Matrix framework", kind=FrameworkKind.CYBER,
        scale=scale, nodes=nodes,
    ).framework  # fmt: skip
    items = {n.code: n for n in framework.nodes.filter(kind=NodeKind.ITEM)}

    def open_round(collaborative: Collaborative, title: str) -> Any:
        return assessments.round_open(
            acting_user=coordinator, collaborative=collaborative, framework=framework, title=title, year=2025,
            deadline=dt.date(2099, 12, 31), members=[marc, ls, bs],
        )  # fmt: skip

    def answer(rnd: Any, gov: Government, by: Any, marker: str, submit: bool = True) -> Any:
        member = rnd.members.get(government=gov)
        for code, item in items.items():
            assessments.answer_save(
                acting_user=by, round_member=member, item=item, level=2 if code != "GV.OC-03" else 6,
                evidence=f"Evidence {marker} {code}",
                attachment=(f"{marker}.txt", marker.encode()) if code == "GV.OC-01" else None,
            )  # fmt: skip
        member.refresh_from_db()
        if submit:
            assessments.round_member_submit(acting_user=by, round_member=member)
        member.refresh_from_db()
        return member

    clerk = users["member"]
    rnd = open_round(ours, "NCSR 2025")
    answer(rnd, marc, coordinator, "MARC-EVIDENCE")
    round_ls = answer(rnd, ls, clerk, HIDDEN_ANSWER_LS)
    round_bs = answer(rnd, bs, admin, HIDDEN_ANSWER_BS)
    rnd = assessments.round_close(acting_user=coordinator, round=rnd)
    hidden = open_round(pilot, f"Pilot review {HIDDEN_OURS}")
    hidden_marc = answer(hidden, marc, coordinator, "MARC-EVIDENCE")
    hidden_ls = answer(hidden, ls, clerk, HIDDEN_ANSWER_LS, submit=False)
    return {
        "assessment": rnd, "hidden_assessment": hidden, "round_ls": round_ls, "round_bs": round_bs,
        "hidden_round_ls": hidden_ls, "hidden_round_marc": hidden_marc,
        "assessment_items": {code: item.pk for code, item in items.items()},
    }  # fmt: skip


def _matrix_plans(
    coordinator: Person, ours: Collaborative, pilot: Collaborative, published: Initiative, hidden: Initiative
) -> dict[str, Any]:
    """Action plans for the matrix: each collaborative's plan published as v1; ours's draft then changed."""
    from interlocal.reports import actions as reports

    plan = reports.action_plan_create(
        acting_user=coordinator,
        collaborative=ours,
        title="Ours plan 2026-2030",
        start_year=2026,
        end_year=2030,
    )
    reports.action_plan_update(acting_user=coordinator, plan=plan, initiatives=[published, hidden])
    version = reports.action_plan_publish(acting_user=coordinator, plan=plan)
    reports.plan_update_add(
        acting_user=coordinator,
        version=version,
        on=dt.date(2026, 6, 1),
        title="Half-year update",
        changed="On track.",
    )
    section = reports.plan_section_add(
        acting_user=coordinator, plan=plan, title="Draft section", body=f"Not yet public {HIDDEN_OURS}"
    )
    pilot_plan = reports.action_plan_create(
        acting_user=coordinator, collaborative=pilot, title=f"Pilot plan {HIDDEN_OURS}", start_year=2026,
        end_year=2028,
    )  # fmt: skip
    reports.action_plan_update(
        acting_user=coordinator,
        plan=pilot_plan,
        initiatives=list(pilot.initiatives.filter(is_published=True)),
    )
    pilot_section = reports.plan_section_add(acting_user=coordinator, plan=pilot_plan, title="Pilot section")
    reports.action_plan_publish(acting_user=coordinator, plan=pilot_plan)
    return {
        "action_plan": plan, "hidden_action_plan": pilot_plan, "plan_section": section,
        "hidden_plan_section": pilot_section,
    }  # fmt: skip
