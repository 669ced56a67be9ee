"""The demonstration region, built from the seeds' facts; invented records say so."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from interlocal.agreements import actions as agreements
from interlocal.agreements.models import AgreementVersion, LegislativeMatter
from interlocal.assessments.demo import load_assessments_demo
from interlocal.collaboratives import actions as collaboratives
from interlocal.collaboratives.models import Collaborative
from interlocal.costshare.demo import load_costshare_demo
from interlocal.governments import actions as governments
from interlocal.governments.models import Government, Person
from interlocal.initiatives import actions as initiatives
from interlocal.initiatives.models import Initiative
from interlocal.reports.demo import load_plans_demo
from interlocal.tracking import actions as tracking
from interlocal.vocab import (
    AgreementKind,
    Direction,
    GovernmentKind,
    InitiativeStatus,
    MembershipRole,
    PartnerRole,
    Role,
    Stage,
    TermKind,
    TimelineBand,
    VersionKind,
)

DEMO_SLUG = "eastern-jackson-county"
DEMO_PASSWORD = "interlocal-demo"
INVENTED = "Demonstration record: invented for the demo, not an official record."

_CENSUS_2020 = "2020 Census (P1), U.S. Census Bureau"
_CITIES = [
    # name, slug, GEOID, 2020 population, land area m2 (TIGER 2019), OCD place id
    ("Independence", "independence", "2935000", 123011, 201996556, "independence"),
    ("Lee's Summit", "lees-summit", "2941348", 101108, 165289711, "lees_summit"),
    ("Blue Springs", "blue-springs", "2906652", 58603, 58059373, "blue_springs"),
    ("Grandview", "grandview", "2928324", 26029, 38146072, "grandview"),
    ("Raytown", "raytown", "2960788", 30012, 25717424, "raytown"),
]
# Shared boundary edges among the five, from Census TIGER/Line 2019 place polygons.
_ADJACENT = [("independence", "blue-springs"), ("independence", "lees-summit"), ("independence", "raytown")]

PURPOSE_2018 = """The cities of Independence, Lee's Summit and Blue Springs, Missouri, are working with the \
Mid-America Regional Council (MARC) to explore and advance collaborative strategies aimed to benefit all three \
communities by expanding local government innovation that enhances public service, benefits employees, and \
optimizes customer service.

With assistance from MARC, the jurisdictions seek to:

- Cooperatively identify and explore innovative, high-capacity solutions, strategies and practices.
- Develop initial organizing principles for definition, evaluation, and advancement of desired initiatives.
- Advance solutions for proposal, including cooperative agreements and shared services, that streamline \
business functions and help deliver robust, high-quality citizen services.
- Complete the Nationwide Cyber Security Review self-assessment; then discuss individual results and explore \
joint solutions to address identified deficiencies.
- Work with the Government Training Institute (GTI) to assess training and safety programming needs.
- Expand the reach and influence of new and developing technologies.

In 2021 the cities of Grandview and Raytown formally joined, and the five cities adopted a Statement of Common \
Purpose to renew and expand the partnership."""

# Seed 001's text as the legistar-detail importer reads it: Markdown sections, paragraphs and lists.
RES_21_08_TEXT = """A Resolution adopting a Statement of Common Purpose to renew and expand the Eastern Jackson County \
Shared Service Collaborative Partnership.

### Issue/Request

In 2018 the cities of Independence, Lee's Summit and Blue Springs, Missouri, began working with the \
Mid-America Regional Council (MARC) to explore and advance collaborative strategies aimed to benefit all \
three communities by expanding local government innovation that enhances public service, benefits \
employees, and optimizes customer service. These partners have completed successful collaborative \
programs including supervisory training, employee exit interviews, fraud reporting hotline, and a \
federal grant for police mental health co-responders.

The cities of Grandview and Raytown, Missouri, have begun to engage in the work and desire to formally \
join the collaborative partnership.

### Proposed City Council Motion

I move for adoption of a Resolution adoption a Statement of Common Purpose to renew and expand the \
Eastern Jackson County Shared Service Collaborative Partnership.

### Background

Today, cities face increasing pressures to deliver quality services that meet growing citizen \
expectations with limited, finite resources. They value the public they serve and place great importance \
upon their staff, striving to support the public and their teams using "best in class" technology and \
principles. Funding mechanisms that have traditionally supported municipal services delivery continue to \
decline, yet cities' challenges often transcend municipal boundaries. Common pain points include \
workforce and recruitment issues, public safety, infrastructure maintenance, and modernization of legacy \
systems and policies. Now more than ever, city leaders are focused upon good government. Out of \
necessity, they must look to ingenuity for imaginative, yet feasible solutions and must pursue strategic \
partnerships to fulfill fundamental needs and deliver best practices that drive innovation, employee \
excellence, and fiscal sustainability.

By sharing ideas and common systems, collaborative initiatives in the region have historically resulted \
in efficient solutions with positive impacts. Examples include the Regional 911 System, which has \
harnessed innovation and technology to benefit local communities and public safety.

The cities of Independence, Blue Springs, Grandview, Raytown and Lee's Summit (all located in eastern \
Jackson County, Missouri, sharing common borders) have well-established, cooperative relationships among \
both professional staff and their governing bodies. These jurisdictions also work closely with the \
Mid-America Regional Council (MARC) as members of its Board of Directors, standing policy committees and \
participants in regional stakeholder initiatives.

Recently, deliberate conversations have occurred among these five local governments to identify and \
explore collaborative strategies and solutions aimed to improve excellence and innovation, for the \
benefit of employees, residents and visitors. The cities have requested assistance from MARC to \
facilitate discussion of potential initiatives and advancement steps.

### Impact/Analysis

With assistance from MARC, the five jurisdictions seek to continue their efforts to:

- Cooperatively identify and explore innovative, high-capacity solutions, strategies and practices.
- Develop initial organizing principles for definition, evaluation, and advancement of desired \
initiatives.
- Advance solutions for proposal, including cooperative agreements and shared services, that streamline \
business functions and help deliver robust, high-quality citizen services.
- Work with the Government Training Institute (GTI) to assess training and safety programming needs and \
determine feasibility of a customized solution to serve all five communities.
- Expand the reach and influence of new and developing technologies.

Christal Weber, City Manager"""

LR33_DESCRIPTION = (
    "Develop a 5-year Action Plan for shared services, and intergovernmental cooperation and collaboration with "
    "aim of promoting efficiency, reducing costs, and improving service delivery through collaboration between "
    "different levels of government and municipalities within the County."
)
# Seed 000 prints both considerations under "Equity Considerations"; the second is the sustainability one.
LR33_EQUITY = (
    "- Shared services / intergovernmental cooperation and collaboration has the opportunity to provide a more "
    "equitable and equivalent level of service to all communities"
)
LR33_SUSTAINABILITY = (
    "- Shared services / intergovernmental cooperation and collaboration has the opportunity to improve public "
    "services with a greater economic efficiency"
)
STL_SUPPORTING = [
    (
        "St. Louis County Department of Human Services -Office of Community Development",
        GovernmentKind.DEPARTMENT,
    ),
    ("St. Louis Economic Development Partnership", GovernmentKind.INSTITUTE),
    ("St. Louis County Department of Parks and Recreation", GovernmentKind.DEPARTMENT),
    ("St Louis County Office of Emergency Management", GovernmentKind.DEPARTMENT),
    ("St. Louis County Department of Transportation and Public Works", GovernmentKind.DEPARTMENT),
]

_IDEAS: list[dict[str, Any]] = [
    {
        "code": "EJC-1",
        "title": "Radio equipment maintenance/management",
        "status": InitiativeStatus.IN_PROGRESS,
        "is_partnership": True,
        "lead": "blue-springs",
        "topics": ["Public Safety"],
        "timeline_band": TimelineBand.NEAR,
        "services": "Public-safety radio maintenance",
    },
    {
        "code": "EJC-2",
        "title": "Back-office operations: human resources and information technology",
        "description": "Back-office operations (such as human resources and information technology, including "
        "cybersecurity management and electronic data storage solutions).",
        "status": InitiativeStatus.NEW,
        "is_partnership": True,
        "lead": "independence",
        "topics": ["Back-office Operations", "Technology"],
        "timeline_band": TimelineBand.MEDIUM,
        "services": "Human resources; information technology; data storage",
    },
    {
        "code": "EJC-3",
        "title": "Cybersecurity self-assessment (NCSR) and joint remediation",
        "description": "Complete the Nationwide Cyber Security Review self-assessment; then discuss individual "
        "results and explore joint solutions to address identified deficiencies.",
        "status": InitiativeStatus.ONGOING,
        "is_project": True,
        "lead": "lees-summit",
        "topics": ["Technology"],
        "timeline_band": TimelineBand.ONGOING,
        "services": "Cybersecurity",
    },
    {
        "code": "EJC-4",
        "title": "Risk management, training and safety programming",
        "description": "Work with the Government Training Institute (GTI) to assess training and safety "
        "programming needs and determine feasibility of a customized solution to serve all five communities.",
        "status": InitiativeStatus.IN_PROGRESS,
        "is_partnership": True,
        "lead": "lees-summit",
        "supporting": ["government-training-institute"],
        "topics": ["Workforce"],
        "timeline_band": TimelineBand.NEAR,
        "services": "Supervisory training; safety programming; risk management",
    },
    {
        "code": "EJC-5",
        "title": "Recycling initiatives",
        "status": InitiativeStatus.NEW,
        "is_project": True,
        "lead": "raytown",
        "topics": ["Environment"],
        "timeline_band": TimelineBand.NEAR,
        "services": "Recycling",
    },
]


def demo_loaded() -> bool:
    """Whether the demonstration region is already in the database."""
    return Collaborative.objects.filter(slug=DEMO_SLUG).exists()


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Load the demonstration region in one transaction; does nothing when it is there already."""
    if demo_loaded():
        return {}
    admin = governments.person_create(
        acting_user=None,
        username="admin",
        government=None,
        role=Role.COORDINATOR,
        password=DEMO_PASSWORD,
        first_name="Site",
        last_name="Administrator",
        is_superuser=True,
    )
    govs = _governments(admin)
    people = _people(admin, govs)
    collab = _eastern_jackson(admin, govs, people)
    _pipeline(govs, people, collab)
    load_costshare_demo(
        coordinator=people["coordinator"],
        version=AgreementVersion.objects.get(
            agreement__collaborative=collab, title="Statement of Common Purpose (2021)"
        ),
    )
    _st_louis(admin, govs, people)
    # Lee's Summit's Legistar sync, set up and off: its clerk turns it on at /governments/lees-summit/legistar/.
    from interlocal.importers.actions import legistar_sync_configure

    legistar_sync_configure(acting_user=admin, government=govs["lees-summit"], client="leessummit")
    _lees_summit_council(admin, govs)
    load_assessments_demo(coordinator=people["coordinator"], collaborative=collab)
    load_plans_demo(
        coordinator=people["coordinator"],
        planner=people["stl-planner"],
        collaborative=collab,
        stl_collaborative=Collaborative.objects.get(slug="st-louis-county"),
    )
    return {
        "governments": Government.objects.count(),
        "people": Person.objects.count(),
        "collaborative": collab.pk,
    }


def _governments(admin: Person) -> dict[str, Government]:
    g: dict[str, Government] = {}
    g["jackson-county"] = governments.government_create(
        acting_user=admin,
        kind=GovernmentKind.COUNTY,
        name="Jackson County",
        slug="jackson-county",
        state="MO",
        geoid="29095",
        ocd_division_id="ocd-division/country:us/state:mo/county:jackson",
        population=717204,
        population_year=2020,
        population_source=_CENSUS_2020,
    )
    for name, slug, geoid, pop, area, ocd in _CITIES:
        g[slug] = governments.government_create(
            acting_user=admin,
            kind=GovernmentKind.CITY,
            name=name,
            slug=slug,
            state="MO",
            county_name="Jackson County",
            parent=g["jackson-county"],
            geoid=geoid,
            ocd_division_id=f"ocd-division/country:us/state:mo/place:{ocd}",
            population=pop,
            population_year=2020,
            population_source=_CENSUS_2020,
            land_area_m2=area,
        )
    for a, b in _ADJACENT:
        governments.government_set_neighbours(
            acting_user=admin, government=g[a], neighbours=[*g[a].neighbours.all(), g[b]]
        )
    g["marc"] = governments.government_create(
        acting_user=admin,
        kind=GovernmentKind.REGIONAL_COUNCIL,
        name="Mid-America Regional Council",
        slug="marc",
        state="MO",
        website="https://www.marc.org/",
    )
    g["government-training-institute"] = governments.government_create(
        acting_user=admin,
        kind=GovernmentKind.INSTITUTE,
        name="Government Training Institute",
        slug="government-training-institute",
        state="MO",
        parent=g["marc"],
    )
    g["st-louis-county"] = governments.government_create(
        acting_user=admin,
        kind=GovernmentKind.COUNTY,
        name="St. Louis County",
        slug="st-louis-county",
        state="MO",
        geoid="29189",
        ocd_division_id="ocd-division/country:us/state:mo/county:st._louis",
        population=1004125,
        population_year=2020,
        population_source=_CENSUS_2020,
    )
    g["stl-planning"] = governments.government_create(
        acting_user=admin,
        kind=GovernmentKind.DEPARTMENT,
        name="St. Louis County Department of Planning",
        slug="st-louis-county-department-of-planning",
        state="MO",
        parent=g["st-louis-county"],
    )
    for name, kind in STL_SUPPORTING:
        gov = governments.government_create(
            acting_user=admin, kind=kind, name=name, state="MO", parent=g["st-louis-county"]
        )
        g[gov.slug] = gov
    return g


def _join(*, acting_user: Person, **proposal: Any) -> None:
    """Propose a membership, then accept it as the joining government's own editor (or the administrator)."""
    membership = collaboratives.membership_propose(acting_user=acting_user, **proposal)
    staff = Person.objects.filter(government=membership.government, is_active=True).order_by("pk")
    accepter = next(
        (p for p in staff if p.has_perm("collaboratives.accept_membership", membership)),
        Person.objects.filter(is_superuser=True, is_active=True).order_by("pk").first(),
    )
    collaboratives.membership_accept(acting_user=accepter, membership=membership)  # type: ignore[arg-type]


def _people(admin: Person, g: dict[str, Government]) -> dict[str, Person]:
    def make(username: str, gov: str, role: str, first: str, last: str, title: str) -> Person:
        return governments.person_create(
            acting_user=admin,
            username=username,
            government=g[gov],
            role=role,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            title=title,
            email=f"{username}@example.org",
        )

    return {
        "coordinator": make("coordinator", "marc", Role.COORDINATOR, "Casey", "Morgan", "Program Director"),
        "ls-clerk": make("ls-clerk", "lees-summit", Role.MEMBER_EDITOR, "Lee", "Summers", "City Clerk"),
        "ind-editor": make(
            "ind-editor", "independence", Role.MEMBER_EDITOR, "Indira", "Pruitt", "Deputy City Manager"
        ),
        "bs-finance": make("bs-finance", "blue-springs", Role.VIEWER, "Blair", "Spring", "Finance Director"),
        "stl-planner": make("stl-planner", "stl-planning", Role.COORDINATOR, "Sam", "Louis", "Planner"),
    }


def _eastern_jackson(admin: Person, g: dict[str, Government], people: dict[str, Person]) -> Collaborative:
    coord = people["coordinator"]
    collab = collaboratives.collaborative_create(
        acting_user=coord,
        name="Eastern Jackson County Shared Service Collaborative Partnership",
        slug=DEMO_SLUG,
        short_name="EJC Collaborative",
        facilitator=g["marc"],
        purpose=PURPOSE_2018,
        formed_on=dt.date(2018, 9, 1),
        is_published=True,
    )
    _join(
        acting_user=coord,
        collaborative=collab,
        government=g["marc"],
        role=MembershipRole.FACILITATOR,
        joined_on=dt.date(2018, 9, 1),
    )
    _join(
        acting_user=coord,
        collaborative=collab,
        government=g["government-training-institute"],
        role=MembershipRole.SUPPORTING_PARTNER,
        joined_on=dt.date(2018, 9, 1),
    )
    for slug in ("independence", "lees-summit", "blue-springs"):
        _join(acting_user=coord, collaborative=collab, government=g[slug], joined_on=dt.date(2018, 9, 1))

    # Lee's Summit's RES. NO. 21-08 is the real record (seed 001); the other councils' matters are invented.
    res_21_08 = agreements.matter_create(
        acting_user=admin,
        government=g["lees-summit"],
        client="leessummit",
        file_number="RES. NO. 21-08",
        type_name="Resolution",
        status_name="Agenda Ready",
        title="A Resolution adopting a Statement of Common Purpose to renew and expand the Eastern Jackson County "
        "Shared Service Collaborative Partnership.",
        body_name="City Council - Regular Session",
        intro_date=dt.date(2021, 3, 31),
        agenda_date=dt.date(2021, 4, 13),
        version="1",
        text=RES_21_08_TEXT,
    )
    agreements.matter_action_add(
        acting_user=admin,
        matter=res_21_08,
        action_date=dt.date(2021, 4, 13),
        version="1",
        action_body_name="City Council - Regular Session",
        action_name="adopted",
        passed_flag_name="Pass",
    )
    for name, file_name, content in _res_21_08_attachments(res_21_08):
        agreements.matter_attachment_add(
            acting_user=admin,
            matter=res_21_08,
            name=name,
            file_name=file_name,
            content=content.encode(),
            note=RENDITION_NOTE,
        )
    invented: dict[str, Any] = {}
    for slug, number, day in [
        ("independence", "RES-6701", dt.date(2021, 4, 19)),
        ("blue-springs", "R-2021-31", dt.date(2021, 4, 5)),
        ("grandview", "R-21-14", dt.date(2021, 4, 27)),
        ("raytown", "R-3190-21", dt.date(2021, 5, 4)),
    ]:
        matter = agreements.matter_create(
            acting_user=admin,
            government=g[slug],
            file_number=number,
            type_name="Resolution",
            status_name="Passed",
            title="A Resolution adopting a Statement of Common Purpose to renew and expand the Eastern Jackson "
            "County Shared Service Collaborative Partnership.",
            body_name="City Council",
            intro_date=day,
            agenda_date=day,
            passed_date=day,
            version="1",
            text=INVENTED,
        )
        agreements.matter_action_add(
            acting_user=admin,
            matter=matter,
            action_date=day,
            version="1",
            action_body_name="City Council",
            action_name="adopted",
            passed_flag_name="Pass",
            tally="7:0",
        )
        invented[slug] = matter
    for slug in ("grandview", "raytown"):
        _join(
            acting_user=coord,
            collaborative=collab,
            government=g[slug],
            joined_on=invented[slug].passed_date,
            authorising_matter=invented[slug],
        )

    statement = agreements.agreement_create(
        acting_user=coord,
        collaborative=collab,
        kind=AgreementKind.STATEMENT_OF_PURPOSE,
        title="Eastern Jackson County Shared Service Collaborative: Statement of Purpose",
        summary="The partners' shared purpose and proposed action steps, facilitated by MARC.",
        is_published=True,
    )
    three = [g["independence"], g["lees-summit"], g["blue-springs"]]
    v1 = agreements.agreement_version_create(
        acting_user=coord,
        agreement=statement,
        kind=VersionKind.ORIGINAL,
        title="Statement of Purpose (2018)",
        parties=three,
        text=PURPOSE_2018.split("\n\nIn 2021")[0],
        effective_on=dt.date(2018, 9, 1),
    )
    for i, gov in enumerate(three):
        matter = agreements.matter_create(
            acting_user=admin,
            government=gov,
            file_number=f"DEMO-2018-{i + 1}",
            type_name="Resolution",
            status_name="Passed",
            title="A Resolution endorsing the Statement of Purpose of the Eastern Jackson "
            "County shared services collaborative.",
            body_name="City Council",
            intro_date=dt.date(2018, 8, 20),
            passed_date=dt.date(2018, 8, 27 + i),
            text=INVENTED,
        )
        agreements.agreement_adopt(
            acting_user=admin, version=v1, government=gov, matter=matter, adopted_on=dt.date(2018, 8, 27 + i)
        )
    five = [g[s] for s in ("independence", "lees-summit", "blue-springs", "grandview", "raytown")]
    v2 = agreements.agreement_version_create(
        acting_user=coord,
        agreement=statement,
        kind=VersionKind.RENEWAL_AND_EXPANSION,
        title="Statement of Common Purpose (2021)",
        parties=five,
        effective_on=dt.date(2021, 5, 4),
        term_months=72,
        renewal_on=dt.date(2027, 5, 4),
        notice_days=120,
        documents=[("Statement of Common Purpose", "")],
        exit_terms="A city may withdraw by written notice to the other parties and MARC. " + INVENTED,
    )
    agreements.agreement_adopt(
        acting_user=people["ls-clerk"],
        version=v2,
        government=g["lees-summit"],
        matter=res_21_08,
        adopted_on=dt.date(2021, 4, 13),
    )
    for slug, matter in invented.items():
        agreements.agreement_adopt(
            acting_user=admin, version=v2, government=g[slug], matter=matter, adopted_on=matter.passed_date
        )

    radio = agreements.agreement_create(
        acting_user=coord,
        collaborative=collab,
        kind=AgreementKind.INTERLOCAL,
        title="Radio Equipment Maintenance Cooperative Agreement",
        is_published=True,
        summary="Blue Springs' radio shop maintains the partners' portable and mobile radios at cost. "
        + INVENTED,
    )
    radio_v1 = agreements.agreement_version_create(
        acting_user=coord,
        agreement=radio,
        kind=VersionKind.ORIGINAL,
        title="Cooperative agreement (draft 2026)",
        parties=[g["blue-springs"], g["lees-summit"], g["raytown"]],
        effective_on=dt.date(2027, 1, 1),
        term_months=36,
        adoption_due_on=timezone.localdate() - dt.timedelta(days=10),
        cost_sharing_method="Hourly shop rate per repair, plus an equal share of test-equipment calibration",
        performance_standards="Portable radios returned within 5 business days; mobile radios within 10.",
    )
    radio_matter = agreements.matter_create(
        acting_user=admin,
        government=g["blue-springs"],
        file_number="R-2026-88",
        type_name="Resolution",
        status_name="Passed",
        title="A Resolution approving a cooperative agreement for radio equipment maintenance.",
        body_name="City Council",
        intro_date=dt.date(2026, 10, 6),
        passed_date=dt.date(2026, 10, 20),
        text=INVENTED,
    )
    agreements.agreement_adopt(
        acting_user=admin,
        version=radio_v1,
        government=g["blue-springs"],
        matter=radio_matter,
        adopted_on=dt.date(2026, 10, 20),
    )
    _radio_found_for_lees_summit(people["ls-clerk"], g["lees-summit"])

    for idea in _IDEAS:
        spec = dict(idea)
        lead = spec.pop("lead")
        supporting = spec.pop("supporting", [])
        topics = spec.pop("topics")
        code = spec.pop("code")
        initiatives.initiative_create(
            acting_user=coord,
            collaborative=collab,
            code=code,
            is_published=True,
            terms={TermKind.TOPIC_AREA: topics, TermKind.GEOGRAPHIC_SCALE: ["Eastern Jackson County"]},
            partners={
                PartnerRole.LEAD: [g[lead]],
                PartnerRole.SUPPORTING: [g[s] for s in supporting],
                PartnerRole.PARTICIPATING: five,
            },
            **spec,
        )
    return collab


def _radio_found_for_lees_summit(clerk: Person, lees_summit: Government) -> None:
    """Lee's Summit's council passed the radio agreement: the matcher proposes it, the clerk has yet to confirm."""
    matter = agreements.matter_create(
        acting_user=clerk,
        government=lees_summit,
        file_number="RES. NO. 26-131",
        type_name="Resolution",
        status_name="Adopted",
        title="A Resolution approving the Radio Equipment Maintenance Cooperative Agreement with the cities of "
        "Blue Springs and Raytown.",
        body_name="City Council",
        intro_date=dt.date(2026, 10, 27),
        indexes=["Radio Equipment"],
        attachments=[("Radio Equipment Maintenance Cooperative Agreement (draft 2026)", "")],
        text=INVENTED,
    )
    for day, action, body, result, tally in (
        (dt.date(2026, 10, 27), "Referred", "Finance and Budget Committee", "", ""),
        (dt.date(2026, 11, 3), "Recommended for approval", "Finance and Budget Committee", "Pass", "3:0"),
        (dt.date(2026, 11, 10), "Adopted", "City Council", "Pass", "8:0"),
    ):
        agreements.matter_action_add(
            acting_user=clerk,
            matter=matter,
            action_date=day,
            action_name=action,
            action_body_name=body,
            passed_flag_name=result,
            tally=tally,
        )
    # What an import or a sync does once it commits a council's matters.
    agreements.propose_adoptions(acting_user=clerk, government=lees_summit, matter_ids=[matter.pk])


RENDITION_NOTE = (
    "Generated by Interlocal for the demonstration from the matter's record (seed 001); "
    "not the document attached in Legistar."
)


def _res_21_08_attachments(matter: LegislativeMatter) -> list[tuple[str, str, str]]:
    """Text renditions standing in for RES. NO. 21-08's two attachments, whose files the seed lacks."""
    history = "\n".join(
        f"{a.action_date:%m/%d/%Y}  version {a.version}  {a.action_body_name}  {a.action_name}  {a.passed_flag_name}"
        for a in matter.actions.all()
    )
    record = (
        f"File #: {matter.file_number}\nType: {matter.type_name}\nStatus: {matter.status_name}\n"
        f"File created: {matter.intro_date:%m/%d/%Y}\nOn agenda: {matter.agenda_date:%m/%d/%Y}\n"
        f"In control: {matter.body_name}\nTitle: {matter.title}\n\nHistory:\n{history}\n"
    )
    sections = matter.text.split("\n\n### ")
    purpose = "\n\n### ".join(x for x in sections if x.startswith(("Background", "Impact/Analysis")))

    def label(what: str) -> str:
        return (
            f"{what}\n\nGENERATED FOR THE INTERLOCAL DEMONSTRATION. This is not the document attached to "
            f"{matter.file_number} in Lee's Summit's Legistar: the seed (Legistar's \"Legislation Details (With "
            'Text)" export) names the attachment but does not include its file. This file repeats what the '
            "record itself says.\n\n"
        )

    return [
        (
            "Resolution",
            "RES-NO-21-08-resolution-rendition.txt",
            label("Resolution: rendition of the matter record") + record + "\nText:\n\n" + matter.text + "\n",
        ),
        (
            "Statement of Common Purpose",
            "RES-NO-21-08-statement-of-common-purpose-rendition.txt",
            label("Statement of Common Purpose: what the staff report says of it") + "### " + purpose + "\n",
        ),
    ]


def _st_louis(admin: Person, g: dict[str, Government], people: dict[str, Person]) -> None:
    planner = people["stl-planner"]
    collab = collaboratives.collaborative_create(
        acting_user=planner,
        name="St. Louis County Intergovernmental Cooperation",
        slug="st-louis-county",
        short_name="STL County",
        facilitator=g["stl-planning"],
        is_published=True,
        purpose="St. Louis County's planning department coordinates shared services and intergovernmental "
        "cooperation among the county's departments and municipalities, following the comprehensive plan's "
        "recommendations.",
    )
    _join(
        acting_user=planner,
        collaborative=collab,
        government=g["stl-planning"],
        role=MembershipRole.FACILITATOR,
        joined_on=dt.date(2024, 1, 1),
    )
    _join(
        acting_user=planner,
        collaborative=collab,
        government=g["st-louis-county"],
        joined_on=dt.date(2024, 1, 1),
    )
    plan = initiatives.plan_create(
        acting_user=planner,
        collaborative=collab,
        name="St. Louis County Comprehensive Plan",
        slug="stl-county-plan",
    )
    # LR.32 and LR.34 are placeholders from LR.33's previous/next links, which give only a code and a title.
    initiatives.initiative_create(
        acting_user=planner,
        collaborative=collab,
        plan=plan,
        plan_position=32,
        code="LR.32",
        is_published=True,
        title="Collaborate with adjacent counties, city and other agencies to align maintenance sch\u2026",
        description="Collaborate with adjacent counties, city and other agencies to align maintenance sch\u2026 "
        "(the title as the plan's page abbreviates it).",
    )
    initiatives.initiative_create(
        acting_user=planner,
        collaborative=collab,
        plan=plan,
        plan_position=33,
        code="LR.33",
        title="Develop a 5-year Action Plan for shared services",
        description=LR33_DESCRIPTION,
        status=InitiativeStatus.NEW,
        is_policy=True,
        equity_considerations=LR33_EQUITY,
        sustainability_considerations=LR33_SUSTAINABILITY,
        tracking_implementation="Hire consultant to complete plan with County Task Force oversight.",
        tracking_success=["Publish the Action Plan."],
        if_overperforming="Publish updates and educate.",
        if_underperforming="",
        owner=planner,
        is_published=True,
        services="Shared services and intergovernmental cooperation",
        # As the plan-page importer reads seed 000's markers ("X" selected, "Not X" not).
        terms={
            TermKind.PLAN_GOAL: ["Inclusive Economies", "Complete Communities", "Leading the Region"],
            TermKind.KEY_ISSUE: ["Infrastructure Cost-burden", "Social & Environmental Resilience"],
            TermKind.TOPIC_AREA: ["Economic Development", "Transportation & Infrastructure"],
            TermKind.GEOGRAPHIC_SCALE: ["Countywide"],
            TermKind.FUNDING_SOURCE: ["General operating revenue"],
        },
        partners={
            PartnerRole.LEAD: [g["stl-planning"]],
            PartnerRole.SUPPORTING: [Government.objects.get(name=name) for name, _ in STL_SUPPORTING],
        },
    )
    initiatives.initiative_create(
        acting_user=planner,
        collaborative=collab,
        plan=plan,
        plan_position=34,
        code="LR.34",
        is_published=True,
        title="Organize an annual countywide meeting that encourages direct engagement between municip\u2026",
        description="Organize an annual countywide meeting that encourages direct engagement between municip\u2026 "
        "(the title as the plan's page abbreviates it).",
    )


_CRITERIA = [
    ("Savings", Decimal(3), "Lower cost for the same or better service."),
    ("Service quality", Decimal(2), "Better, faster or more reliable service for residents."),
    ("Equity", Decimal(2), "A more equal level of service across the five cities."),
    ("Feasibility", Decimal(2), "Can be done with the staff, law and money at hand."),
    ("Risk", Decimal(1), "Low legal, operational and political risk (5 = lowest risk)."),
    ("Employee impact", Decimal(1), "Good for the cities' employees."),
]
# Invented scores: rows are EJC-1..5, columns the criteria above, varied a little per city.
_BASE_SCORES = [
    [4, 4, 3, 4, 4, 3],
    [5, 3, 3, 2, 2, 3],
    [3, 5, 4, 4, 3, 3],
    [3, 4, 4, 5, 5, 5],
    [2, 3, 4, 3, 4, 3],
]


def _pipeline(g: dict[str, Government], people: dict[str, Person], collab: Collaborative) -> None:
    """Stages, organizing principles, KPIs and measurements: all invented, relative to today."""
    coord, ls_clerk, ind = people["coordinator"], people["ls-clerk"], people["ind-editor"]
    today = timezone.localdate()
    ejc = {i.code: i for i in Initiative.objects.filter(collaborative=collab)}

    def move(code: str, *stages: str) -> None:
        for stage in stages:
            initiatives.initiative_advance(
                acting_user=coord,
                initiative=ejc[code],
                to_stage=stage,
                reason=f"Steering committee agreed ({INVENTED})",
            )

    for code, cost in [("EJC-1", "85000"), ("EJC-3", "40000"), ("EJC-4", "120000")]:
        initiatives.initiative_update(
            acting_user=coord,
            initiative=ejc[code],
            cost_estimate=Decimal(cost),
            description=ejc[code].description or ejc[code].title + ".",
        )
    initiatives.initiative_update(
        acting_user=coord,
        initiative=ejc["EJC-4"],
        owner=ls_clerk,
        if_underperforming="Convene the GTI steering group to review course content and scheduling, and report to "
        "the city managers within 60 days. " + INVENTED,
        if_overperforming="Offer the programme to neighbouring cities through MARC. " + INVENTED,
    )
    initiatives.initiative_update(acting_user=coord, initiative=ejc["EJC-3"], owner=ind)
    move("EJC-2", Stage.EXPLORING)
    move("EJC-1", Stage.EXPLORING, Stage.PROPOSED)
    statement = collab.agreements.get(kind=AgreementKind.STATEMENT_OF_PURPOSE)
    agreements.agreement_link_initiatives(
        acting_user=coord, agreement=statement, initiatives=[ejc["EJC-3"], ejc["EJC-4"]]
    )
    move("EJC-3", Stage.EXPLORING, Stage.PROPOSED, Stage.APPROVED, Stage.IMPLEMENTING)
    move("EJC-4", Stage.EXPLORING, Stage.PROPOSED, Stage.APPROVED, Stage.IMPLEMENTING)

    days = dt.timedelta
    trained = tracking.kpi_create(
        acting_user=coord,
        initiative=ejc["EJC-4"],
        name="Supervisors who completed GTI supervisory training",
        unit="people",
        direction=Direction.HIGHER,
        baseline=Decimal(40),
        baseline_on=today - days(400),
        target=Decimal(160),
        target_on=today + days(330),
        owner=ls_clerk,
        update_every_days=90,
    )
    claims = tracking.kpi_create(
        acting_user=coord,
        initiative=ejc["EJC-4"],
        name="Workplace injury claims per quarter, five cities",
        unit="claims",
        direction=Direction.LOWER,
        baseline=Decimal(48),
        baseline_on=today - days(400),
        target=Decimal(30),
        target_on=today + days(330),
        owner=ls_clerk,
        update_every_days=90,
    )
    move("EJC-4", Stage.OPERATING)
    ncsr = tracking.kpi_create(
        acting_user=coord,
        initiative=ejc["EJC-3"],
        name="Average NCSR maturity score",
        unit="score (1-7)",
        direction=Direction.HIGHER,
        baseline=Decimal("3.1"),
        baseline_on=today - days(700),
        target=Decimal("5.0"),
        target_on=today + days(30),
        owner=ind,
        update_every_days=180,
    )
    for kpi, when, value in [
        (trained, 300, 62),
        (trained, 200, 81),
        (trained, 100, 99),
        (trained, 10, 110),
        (claims, 300, 47),
        (claims, 200, 47),
        (claims, 100, 46),
        (claims, 10, 45),
        (ncsr, 500, "3.6"),
        (ncsr, 320, "4.2"),
    ]:
        tracking.measurement_record(
            acting_user=ls_clerk if kpi.owner == ls_clerk else ind,
            kpi=kpi,
            measured_on=today - days(when),
            value=Decimal(str(value)),
            note=INVENTED,
        )

    criteria_set = initiatives.criteria_set_create(
        acting_user=coord, collaborative=collab, name="Organizing principles 2021", criteria=_CRITERIA
    )
    criteria = list(criteria_set.criteria.order_by("position"))
    cities = ["independence", "lees-summit", "blue-springs", "grandview", "raytown"]
    for row, code in enumerate(["EJC-1", "EJC-2", "EJC-3", "EJC-4", "EJC-5"]):
        for col, city in enumerate(cities):
            scorer = {"lees-summit": ls_clerk, "independence": ind}.get(city, coord)
            for k, criterion in enumerate(criteria):
                value = max(1, min(5, _BASE_SCORES[row][k] + ((row + col + k) % 3) - 1))
                initiatives.score_record(
                    acting_user=scorer,
                    initiative=ejc[code],
                    criterion=criterion,
                    government=g[city],
                    value=value,
                )


def _lees_summit_council(admin: Person, g: dict[str, Government]) -> None:
    """Illustrative council records for RES. NO. 21-08: the meeting that adopted it, its roll call, two members.

    The seed has no meetings, people or votes; these are invented (each meeting says so in its comment) so the
    meeting, official and roll-call pages are not empty on the demo.
    """
    from interlocal.legislation.samples import ILLUSTRATIVE, build_council_sample

    matter = LegislativeMatter.objects.get(government=g["lees-summit"], file_number="RES. NO. 21-08")
    action = matter.actions.filter(passed_flag_name="Pass").order_by("action_date").first()
    if action is None:
        return
    build_council_sample(
        acting_user=admin,
        government=g["lees-summit"],
        action=action,
        client="leessummit",
        comment=ILLUSTRATIVE,
    )


# The real TIGER/Line file of the Jackson County area, beside a checkout (../shared). It is not copied
# into the package: a user's machine without it gets the member list and a sentence instead of a map.
JACKSON_PLACES = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "missouri"
JACKSON_PLACES_FILE = JACKSON_PLACES / "jackson_county_area_incorporated_places.geojson"


def load_demo_boundaries(path: Path = JACKSON_PLACES_FILE) -> str:
    """Import the Jackson County area's place boundaries when the file is there and none are stored yet."""
    from interlocal.governments.models import Boundary
    from interlocal.importers.base import run_import
    from interlocal.importers.sources.census import CensusBoundariesSource

    if not path.is_file():
        return f"No boundaries loaded: {path} is absent (the map page lists the members instead)."
    collab = Collaborative.objects.get(slug=DEMO_SLUG)
    members = collab.memberships.values("government_id")
    if Boundary.objects.filter(government__in=members).exists():
        return "Boundaries are already loaded; nothing changed."
    admin = Person.objects.get(username="admin")
    report = run_import(CensusBoundariesSource(acting_user=admin), path)
    if not report.applied:
        return f"Boundaries were not loaded: {report.problems[0] if report.problems else 'unknown problem'}"
    return f"Loaded the place boundaries of {path.name}."
