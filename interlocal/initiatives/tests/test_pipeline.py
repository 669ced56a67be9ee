import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from interlocal.agreements.actions import agreement_adopt, agreement_link_initiatives, matter_create
from interlocal.audit.models import AuditEvent
from interlocal.initiatives.actions import (
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


def _advance(world: World, stage: str, user=None):  # type: ignore[no-untyped-def]
    return initiative_advance(
        acting_user=user or world.coordinator, initiative=world.initiative, to_stage=stage, reason="Agreed"
    )


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


def test_it_needs_a_kpi_with_baseline_to_operate(world: World) -> None:
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
    _advance(world, Stage.WITHDRAWN)


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
