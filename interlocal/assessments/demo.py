"""Demonstration self-assessments: NCSR 2024 and 2025 rounds and a GTI training needs round, answers invented.

Call `load_assessments_demo(coordinator=..., collaborative=...)` from `interlocal.demo.load_demo` once the five
cities are members. Every level, head-count and delivery preference is invented (from a seeded random generator)
and each round's description says so. Idempotent: a round already there is left alone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np

from interlocal.assessments import actions, queries
from interlocal.assessments.models import Framework, Round, RoundMember
from interlocal.collaboratives.models import Collaborative
from interlocal.governments.models import Government, Person
from interlocal.tracking import actions as tracking
from interlocal.vocab import DeliveryMode

INVENTED = (
    "**Demonstration round: every answer is invented** (from a seeded random generator) for the demo; "
    "no city reported these levels."
)
CITIES = ["Blue Springs", "Grandview", "Independence", "Lee's Summit", "Raytown"]
# Invented overall maturity per city, and the items most of them find hard (the common gaps the demo shows).
MATURITY_2024 = {
    "Blue Springs": 4.6,
    "Grandview": 4.1,
    "Independence": 5.2,
    "Lee's Summit": 5.4,
    "Raytown": 4.3,
}
HARD_ITEMS = {
    "PR.AT-01": -2.0,
    "PR.AT-02": -2.2,
    "GV.SC-07": -1.8,
    "GV.SC-08": -1.7,
    "ID.AM-08": -1.6,
    "RS.CO-02": -1.6,
    "DE.CM-06": -1.5,
    "RC.RP-03": -1.4,
}
# The 2024 gap turned into a joint initiative: security awareness and role-based training.
INITIATIVE_ITEMS = ["PR.AT-01", "PR.AT-02"]


def _editor(member: RoundMember, admin: Person) -> Person:
    """The city's own editor, or the site administrator where the demo gives the city no editor."""
    staff = Person.objects.filter(government=member.government_id, is_active=True).order_by("pk")
    return next((p for p in staff if p.has_perm("assessments.change_roundmember", member)), admin)


def _levels(rng: np.random.Generator, codes: list[str], maturity: float, lift: float) -> dict[str, int]:
    out = {}
    for code in codes:
        raw = maturity + lift + 0.4 + HARD_ITEMS.get(code, 0.0) + rng.normal(0, 0.7)
        if code in INITIATIVE_ITEMS:
            raw += 2.5 * lift  # the joint training initiative paid off most where it worked
        out[code] = int(np.clip(np.rint(raw), 1, 7))
    return out


def _round(
    *,
    coordinator: Person,
    admin: Person,
    collaborative: Collaborative,
    framework: Framework,
    title: str,
    year: int,
    members: list[Government],
    answers: dict[str, dict[str, int]],
    head_counts: dict[str, dict[str, int]] | None = None,
    deliveries: dict[str, dict[str, str]] | None = None,
    description: str = "",
) -> Round:
    existing = Round.objects.filter(collaborative=collaborative, title=title).first()
    if existing is not None:
        return existing
    rnd = actions.round_open(
        acting_user=coordinator,
        collaborative=collaborative,
        framework=framework,
        title=title,
        year=year,
        deadline=dt.date(year, 11, 30),
        members=members,
        description=f"{description}\n\n{INVENTED}".strip(),
    )
    for member in rnd.members.select_related("government"):
        name = member.government.name
        editor = _editor(member, admin)
        actions.answers_save(
            acting_user=editor,
            round_member=member,
            levels=answers[name],
            head_counts=(head_counts or {}).get(name),
            deliveries=(deliveries or {}).get(name),
        )
        member.refresh_from_db()
        actions.round_member_submit(acting_user=editor, round_member=member)
    rnd.refresh_from_db()
    return actions.round_close(acting_user=coordinator, round=rnd)


def load_assessments_demo(*, coordinator: Person, collaborative: Collaborative) -> list[Round]:
    """The built-in frameworks, two NCSR rounds (one gap already an initiative) and a GTI training round."""
    admin = Person.objects.filter(is_superuser=True, is_active=True).order_by("pk").first() or coordinator
    csf, training = actions.builtin_frameworks_ensure(acting_user=coordinator)
    members = list(Government.objects.filter(name__in=CITIES).order_by("name"))
    rng = np.random.default_rng(2024_11)
    codes = [i.code for i in actions.active_items(csf)]
    answers_2024 = {g.name: _levels(rng, codes, MATURITY_2024[g.name], 0.0) for g in members}
    answers_2025 = {g.name: _levels(rng, codes, MATURITY_2024[g.name], 0.3) for g in members}
    ncsr_2024 = _round(
        coordinator=coordinator,
        admin=admin,
        collaborative=collaborative,
        framework=csf,
        title="NCSR 2024",
        year=2024,
        members=members,
        answers=answers_2024,
        description="The Nationwide Cybersecurity Review for 2024, answered together as the collaborative agreed.",
    )
    ncsr_2025 = _round(
        coordinator=coordinator,
        admin=admin,
        collaborative=collaborative,
        framework=csf,
        title="NCSR 2025",
        year=2025,
        members=members,
        answers=answers_2025,
        description="The Nationwide Cybersecurity Review for 2025: compare with 2024.",
    )
    if not ncsr_2024.gap_initiatives.exists():
        link = actions.common_gap_to_initiative(
            acting_user=coordinator,
            round=ncsr_2024,
            items=INITIATIVE_ITEMS,
            title="Joint security awareness and role-based training",
            reason="The 2024 NCSR showed awareness training below target in most cities.",
        )
        kpi = link.initiative.kpis.first()
        if kpi is not None:
            after = queries.gap_items_mean(coordinator, ncsr_2025, INITIATIVE_ITEMS)
            tracking.measurement_record(
                acting_user=coordinator,
                kpi=kpi,
                measured_on=kpi.baseline_on or dt.date.today(),
                value=Decimal(str(round(after, 2))),
                note="From the NCSR 2025 round (invented answers).",
            )
    topics = [i.code for i in actions.active_items(training)]
    need = {g.name: {t: int(rng.integers(0, 4)) for t in topics} for g in members}
    heads = {
        g.name: {t: (int(rng.integers(2, 16)) if need[g.name][t] else 0) for t in topics} for g in members
    }
    modes = list(DeliveryMode.values)
    prefer = {g.name: {t: modes[int(rng.integers(0, len(modes)))] for t in topics} for g in members}
    gti = _round(
        coordinator=coordinator,
        admin=admin,
        collaborative=collaborative,
        framework=training,
        title="GTI training and safety needs 2025",
        year=2025,
        members=members,
        answers=need,
        head_counts=heads,
        deliveries=prefer,
        description="With the Government Training Institute: which training and safety topics to deliver jointly.",
    )
    return [ncsr_2024, ncsr_2025, gti]
