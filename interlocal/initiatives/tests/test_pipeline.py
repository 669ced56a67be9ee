import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from interlocal.agreements.actions import agreement_adopt, agreement_link_initiatives, matter_create
from interlocal.audit.models import AuditEvent
from interlocal.initiatives import pipeline
from interlocal.initiatives.actions import (
    ConfirmationRequired,
    GateRefused,
    gate_configure,
    initiative_advance,
    initiative_report_progress,
    initiative_set_partners,
    initiative_update,
)
from interlocal.testkit import World
from interlocal.tracking.actions import kpi_create
from interlocal.vocab import PartnerRole, Stage
from interlocal.vocab_core import Stage as CoreStage


def _advance(world: World, stage: str, user=None, confirmed=False):  # type: ignore[no-untyped-def]
    return initiative_advance(
        acting_user=user or world.coordinator,
        initiative=world.initiative,
        to_stage=stage,
        reason="Agreed",
        confirmed=confirmed,
    )


ID, EX, PR, AP, IM, OP, EV = (
    Stage.IDEA,
    Stage.EXPLORING,
    Stage.PROPOSED,
    Stage.APPROVED,
    Stage.IMPLEMENTING,
    Stage.OPERATING,
    Stage.EVALUATED,
)
HO, WD = Stage.ON_HOLD, Stage.WITHDRAWN
FW, BK = pipeline.Move.FORWARD, pipeline.Move.BACKWARD

# (from, stage it left, to) -> (kind of move or None if refused, the stages whose gates it passes)
TABLE_CASES = [
    (ID, None, EX, FW, (EX,)),
    (ID, None, IM, FW, (EX, PR, AP, IM)),
    (ID, None, EV, FW, (EX, PR, AP, IM, OP, EV)),
    (PR, None, AP, FW, (AP,)),
    (OP, None, EX, BK, ()),
    (OP, None, ID, BK, ()),
    (EV, None, OP, BK, ()),
    (ID, None, HO, pipeline.Move.HOLD, ()),
    (EV, None, HO, None, ()),
    (OP, None, WD, pipeline.Move.WITHDRAW, ()),
    (EV, None, WD, pipeline.Move.WITHDRAW, ()),
    (HO, OP, OP, pipeline.Move.RESUME, (OP,)),
    (HO, OP, EX, BK, ()),
    (HO, OP, EV, None, ()),
    (HO, EX, PR, None, ()),
    (HO, OP, WD, pipeline.Move.WITHDRAW, ()),
    (HO, None, ID, pipeline.Move.RESUME, (ID,)),
    (HO, None, EX, None, ()),
    (WD, IM, IM, pipeline.Move.REOPEN, (IM,)),
    (WD, IM, PR, pipeline.Move.REOPEN, (PR,)),
    (WD, IM, OP, None, ()),
    (WD, IM, HO, None, ()),
    (WD, None, ID, pipeline.Move.REOPEN, (ID,)),
    (ID, None, ID, None, ()),
]


@pytest.mark.parametrize(("current", "left", "target", "move", "gated"), TABLE_CASES)
def test_it_allows_exactly_the_moves_in_the_table(current, left, target, move, gated) -> None:  # type: ignore[no-untyped-def]
    found = pipeline.transition(current, target, left)
    assert (found.move if found else None) == move
    assert (found.gated if found else ()) == gated


@pytest.mark.parametrize(
    ("move", "confirm"),
    [
        (FW, False),
        (BK, True),
        (pipeline.Move.HOLD, False),
        (pipeline.Move.RESUME, False),
        (pipeline.Move.WITHDRAW, True),
        (pipeline.Move.REOPEN, True),
    ],
)
def test_it_asks_confirmation_for_moves_that_undo_progress(move, confirm) -> None:  # type: ignore[no-untyped-def]
    assert pipeline.Transition(CoreStage.IDEA, CoreStage.EXPLORING, move, ()).needs_confirmation is confirm


@pytest.mark.parametrize(
    ("current", "left", "default"),
    [(ID, None, EX), (OP, None, EV), (EV, None, None), (HO, OP, OP), (HO, None, ID), (WD, OP, None)],
)
def test_it_defaults_to_the_next_stage_never_backward(current, left, default) -> None:  # type: ignore[no-untyped-def]
    assert pipeline.default_target(pipeline.transitions(current, left)) == default


def test_it_offers_every_move_of_a_stage_in_pipeline_order() -> None:
    assert [(t.target, t.move) for t in pipeline.transitions(PR)] == [
        (ID, BK),
        (EX, BK),
        (AP, FW),
        (IM, FW),
        (OP, FW),
        (EV, FW),
        (HO, pipeline.Move.HOLD),
        (WD, pipeline.Move.WITHDRAW),
    ]


@pytest.mark.parametrize(
    ("history", "left"),
    [
        ([], None),
        ([(ID, EX), (EX, HO)], EX),
        ([(ID, EX), (EX, HO), (HO, WD)], EX),
        ([(ID, EX), (EX, HO), (HO, EX), (EX, WD)], EX),
        ([(OP, WD), (WD, PR)], OP),
    ],
)
def test_it_finds_the_stage_an_initiative_left(history, left) -> None:  # type: ignore[no-untyped-def]
    assert pipeline.stage_left(history) == left


def test_it_blocks_proposed_listing_every_unmet_condition(world: World) -> None:
    with pytest.raises(GateRefused) as refused:
        _advance(world, Stage.PROPOSED)
    assert refused.value.unmet == ["a description", "participating governments", "a cost estimate"]
    assert "needs a description, participating governments, a cost estimate" in str(refused.value.message)
    world.initiative.refresh_from_db()
    assert world.initiative.stage == Stage.IDEA


def test_it_passes_the_gate_once_the_conditions_are_met(world: World) -> None:
    initiative_update(
        acting_user=world.coordinator,
        initiative=world.initiative,
        description="Shared radio shop.",
        cost_estimate=Decimal("85000"),
    )
    initiative_set_partners(
        acting_user=world.coordinator,
        initiative=world.initiative,
        partners={PartnerRole.PARTICIPATING: [world.lees_summit, world.blue_springs]},
    )
    transition = _advance(world, Stage.PROPOSED)
    world.initiative.refresh_from_db()
    assert world.initiative.stage == Stage.PROPOSED
    assert (transition.from_stage, transition.to_stage, transition.by) == (
        Stage.IDEA,
        Stage.PROPOSED,
        world.coordinator,
    )
    assert AuditEvent.objects.filter(verb="initiative_advance", note="Agreed").exists()


def test_it_approves_only_with_an_agreement_in_force(world: World) -> None:
    _waive(world, Stage.PROPOSED)
    agreement_link_initiatives(
        acting_user=world.coordinator, agreement=world.agreement, initiatives=[world.initiative]
    )
    with pytest.raises(GateRefused) as refused:
        _advance(world, Stage.APPROVED)
    assert refused.value.unmet == ["an agreement version in force (adopted by every party)"]
    # Blue Springs has no staff in the test world; a site administrator records its adoption.
    bs_matter = matter_create(
        acting_user=world.admin, government=world.blue_springs, file_number="R-1", title="t"
    )
    agreement_adopt(
        acting_user=world.admin,
        version=world.version,
        government=world.blue_springs,
        matter=bs_matter,
        adopted_on=dt.date(2021, 4, 5),
    )
    _advance(world, Stage.APPROVED)


def _waive(world: World, *stages: str) -> None:
    for stage in stages:
        gate_configure(
            acting_user=world.coordinator, collaborative=world.collaborative, stage=stage, conditions=[]
        )


def test_it_needs_a_kpi_with_baseline_to_operate(world: World) -> None:
    _waive(world, Stage.PROPOSED, Stage.APPROVED, Stage.IMPLEMENTING)
    with pytest.raises(GateRefused, match="at least one KPI with a baseline"):
        _advance(world, Stage.OPERATING)
    kpi_create(
        acting_user=world.coordinator,
        initiative=world.initiative,
        name="Repair days",
        unit="days",
        baseline=Decimal(9),
        baseline_on=dt.date(2025, 1, 1),
        target=Decimal(5),
        target_on=dt.date(2027, 1, 1),
    )
    _advance(world, Stage.OPERATING)


def test_it_uses_the_collaboratives_own_gate(world: World) -> None:
    gate_configure(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        stage=Stage.PROPOSED,
        conditions=["owner"],
    )
    with pytest.raises(GateRefused) as refused:
        _advance(world, Stage.PROPOSED)
    assert refused.value.unmet == ["an accountable owner"]
    with pytest.raises(ValidationError, match="Unknown"):
        gate_configure(
            acting_user=world.coordinator,
            collaborative=world.collaborative,
            stage=Stage.PROPOSED,
            conditions=["magic"],
        )
    with pytest.raises(PermissionDenied):
        gate_configure(
            acting_user=world.clerk, collaborative=world.collaborative, stage=Stage.PROPOSED, conditions=[]
        )


def test_it_lets_the_lead_citys_editor_move_but_not_others(world: World) -> None:
    _advance(world, Stage.EXPLORING, user=world.clerk)  # Lee's Summit leads EJC-1
    with pytest.raises(PermissionDenied):
        initiative_advance(
            acting_user=world.clerk,
            initiative=world.hidden_initiative,
            to_stage=Stage.EXPLORING,
            reason="Mine",
        )
    with pytest.raises(PermissionDenied):
        _advance(world, Stage.ON_HOLD, user=world.outsider)


def test_it_requires_a_reason_and_a_real_move(world: World) -> None:
    with pytest.raises(ValidationError, match="reason"):
        initiative_advance(
            acting_user=world.coordinator, initiative=world.initiative, to_stage=Stage.EXPLORING, reason=" "
        )
    with pytest.raises(ValidationError, match="already"):
        _advance(world, Stage.IDEA)


def test_it_lets_withdrawal_and_hold_through_without_gates(world: World) -> None:
    _advance(world, Stage.ON_HOLD)
    _advance(world, Stage.WITHDRAWN, confirmed=True)


def test_it_lists_the_missing_gates_of_every_stage_a_skip_passes(world: World) -> None:
    initiative_update(acting_user=world.coordinator, initiative=world.initiative, owner=world.clerk)
    with pytest.raises(GateRefused) as refused:
        _advance(world, Stage.IMPLEMENTING)
    assert refused.value.missing == [
        (Stage.PROPOSED, ["a description", "participating governments", "a cost estimate"]),
        (Stage.APPROVED, ["an agreement version in force (adopted by every party)"]),
    ]
    assert str(refused.value.message) == (
        "Cannot move to Implementing: Proposed needs a description, participating governments, a cost estimate; "
        "Approved needs an agreement version in force (adopted by every party)."
    )
    world.initiative.refresh_from_db()
    assert world.initiative.stage == Stage.IDEA


def test_it_moves_back_only_with_a_reason_and_a_confirmation(world: World) -> None:
    _advance(world, Stage.EXPLORING)
    with pytest.raises(ValidationError, match="reason"):
        initiative_advance(
            acting_user=world.coordinator,
            initiative=world.initiative,
            to_stage=Stage.IDEA,
            reason="  ",
            confirmed=True,
        )
    with pytest.raises(ConfirmationRequired) as asked:
        _advance(world, Stage.IDEA)
    assert asked.value.transition.move == pipeline.Move.BACKWARD
    world.initiative.refresh_from_db()
    assert world.initiative.stage == Stage.EXPLORING
    transition = _advance(world, Stage.IDEA, confirmed=True)
    world.initiative.refresh_from_db()
    assert (transition.from_stage, world.initiative.stage) == (Stage.EXPLORING, Stage.IDEA)


def test_it_resumes_a_held_initiative_only_to_the_stage_it_left(world: World) -> None:
    _advance(world, Stage.EXPLORING)
    _advance(world, Stage.ON_HOLD)
    with pytest.raises(ValidationError, match="cannot move from On hold to Proposed"):
        _advance(world, Stage.PROPOSED)
    _advance(world, Stage.EXPLORING)
    world.initiative.refresh_from_db()
    assert world.initiative.stage == Stage.EXPLORING


def test_it_reopens_a_withdrawn_initiative_with_a_confirmation(world: World) -> None:
    _advance(world, Stage.EXPLORING)
    _advance(world, Stage.WITHDRAWN, confirmed=True)
    with pytest.raises(ConfirmationRequired):
        _advance(world, Stage.EXPLORING)
    with pytest.raises(ValidationError, match="cannot move from Withdrawn to Proposed"):
        _advance(world, Stage.PROPOSED, confirmed=True)
    _advance(world, Stage.EXPLORING, confirmed=True)
    world.initiative.refresh_from_db()
    assert world.initiative.stage == Stage.EXPLORING


def test_it_records_progress_reports(world: World) -> None:
    note = initiative_report_progress(
        acting_user=world.clerk, initiative=world.initiative, text="Met the vendors."
    )
    world.initiative.refresh_from_db()
    assert world.initiative.last_progress_at == note.at
    with pytest.raises(PermissionDenied):
        initiative_report_progress(acting_user=world.outsider, initiative=world.initiative, text="Hello")


def test_it_records_a_first_gate_as_a_change_from_the_default(world: World) -> None:
    from interlocal.audit.models import AuditEvent

    gate = gate_configure(
        acting_user=world.coordinator, collaborative=world.collaborative, stage=Stage.PROPOSED, conditions=[]
    )
    assert (gate.conditions, gate.lock_version) == ([], 1)
    event = AuditEvent.objects.get(verb="gate_configure")
    assert event.changes["conditions"] == [["description", "lead", "participants", "cost_estimate"], []]
