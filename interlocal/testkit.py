"""The shared test world: named users and records, all made through actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from interlocal.agreements import actions as agreements
from interlocal.agreements.models import Agreement, AgreementVersion, LegislativeMatter
from interlocal.collaboratives import actions as collaboratives
from interlocal.collaboratives.models import Collaborative
from interlocal.governments import actions as governments
from interlocal.governments.models import Government, Person
from interlocal.initiatives import actions as initiatives
from interlocal.initiatives.models import Initiative
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
