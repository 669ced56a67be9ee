"""A five-city self-assessment world on top of the shared test world, built through the actions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from interlocal.assessments import actions
from interlocal.assessments.models import Framework, Round, RoundMember
from interlocal.collaboratives import actions as collaboratives
from interlocal.governments import actions as governments
from interlocal.governments.models import Government, Person
from interlocal.testkit import PASSWORD, World
from interlocal.vocab import GovernmentKind, Role


@dataclass
class AssessWorld:
    """The shared world plus Independence, Grandview and Raytown as members, one editor per city."""

    world: World
    cities: list[Government]  # five members, in name order
    editors: dict[int, Person]  # government id -> its member editor
    viewer: Person  # a viewer at Lee's Summit
    csf: Framework
    training: Framework


def build_assess_world(world: World) -> AssessWorld:
    """Add three more member cities with editors and the built-in frameworks."""
    admin = world.admin
    extra = []
    for name in ("Independence", "Grandview", "Raytown"):
        gov = governments.government_create(
            acting_user=admin, kind=GovernmentKind.CITY, name=name, state="MO"
        )
        proposal = collaboratives.membership_propose(
            acting_user=world.coordinator,
            collaborative=world.collaborative,
            government=gov,
            joined_on=dt.date(2021, 4, 1),
        )
        collaboratives.membership_accept(acting_user=admin, membership=proposal)
        extra.append(gov)
    cities = sorted([world.lees_summit, world.blue_springs, *extra], key=lambda g: g.name)
    editors = {world.lees_summit.pk: world.clerk}
    for gov in cities:
        if gov.pk not in editors:
            editors[gov.pk] = governments.person_create(
                acting_user=admin,
                username=f"editor-{gov.slug}",
                government=gov,
                role=Role.MEMBER_EDITOR,
                password=PASSWORD,
            )
    viewer = governments.person_create(
        acting_user=admin,
        username="ls-viewer",
        government=world.lees_summit,
        role=Role.VIEWER,
        password=PASSWORD,
    )
    csf, training = actions.builtin_frameworks_ensure(acting_user=world.coordinator)
    return AssessWorld(world, cities, editors, viewer, csf, training)


def open_round(aw: AssessWorld, *, framework: Framework | None = None, year: int = 2025, k: int = 3) -> Round:
    """A round of the CSF (or another framework) for all five cities."""
    return actions.round_open(
        acting_user=aw.world.coordinator,
        collaborative=aw.world.collaborative,
        framework=framework or aw.csf,
        title=f"NCSR {year}",
        year=year,
        deadline=dt.date(year, 12, 31),
        members=aw.cities,
        k=k,
    )


def member_of(rnd: Round, gov: Government) -> RoundMember:
    """The government's place in the round."""
    return rnd.members.get(government=gov)


def answer_all(
    aw: AssessWorld,
    rnd: Round,
    gov: Government,
    levels: dict[str, int],
    default: int = 5,
    submit: bool = True,
    head_counts: dict[str, int] | None = None,
) -> RoundMember:
    """Answer every item as given (default for the rest) through answer_save, and submit."""
    member = member_of(rnd, gov)
    editor = aw.editors[gov.pk]
    codes = [item.code for item in actions.active_items(rnd.framework)]
    actions.answers_save(
        acting_user=editor,
        round_member=member,
        levels={c: levels.get(c, default) for c in codes},
        head_counts=head_counts,
    )
    if submit:
        member.refresh_from_db()
        actions.round_member_submit(acting_user=editor, round_member=member)
    member.refresh_from_db()
    return member


def closed_round(
    aw: AssessWorld, answers: Sequence[dict[str, int]], *, year: int = 2025, k: int = 3
) -> Round:
    """A closed CSF round where city i answered answers[i] (default level 5 elsewhere)."""
    rnd = open_round(aw, year=year, k=k)
    for gov, levels in zip(aw.cities, answers, strict=False):
        answer_all(aw, rnd, gov, levels)
    rnd.refresh_from_db()
    return actions.round_close(acting_user=aw.world.coordinator, round=rnd)
