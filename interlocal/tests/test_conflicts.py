"""Optimistic locking in the actions: a stale edit raises EditConflict and changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import models

from interlocal.agreements import actions as agreements
from interlocal.audit.models import AuditEvent
from interlocal.collaboratives import actions as collaboratives
from interlocal.conflicts import EditConflict
from interlocal.costshare import actions as costshare
from interlocal.costshare.tests.helpers import formula_scenario
from interlocal.governments import actions as governments
from interlocal.initiatives import actions as initiatives
from interlocal.testkit import World
from interlocal.tracking import actions as tracking
from interlocal.vocab import Stage, TermKind


def _stored(obj: models.Model) -> Any:
    return type(obj)._default_manager.get(pk=obj.pk)


def _refused(obj: models.Model, do: Any) -> EditConflict:
    """Run a stale edit; check it raised EditConflict and left the row and the audit log as they were."""
    before = {f.attname: getattr(_stored(obj), f.attname) for f in obj._meta.concrete_fields}
    events = AuditEvent.objects.count()
    with pytest.raises(EditConflict) as raised:
        do()
    after = {f.attname: getattr(_stored(obj), f.attname) for f in obj._meta.concrete_fields}
    assert after == before
    assert AuditEvent.objects.count() == events
    return raised.value


def test_it_applies_an_edit_from_the_current_version_and_counts_it(world: World) -> None:
    gov = world.lees_summit
    version = _stored(gov).lock_version
    governments.government_update(
        acting_user=world.clerk, government=gov, expected_version=version, population=101108
    )
    stored = _stored(gov)
    assert (stored.population, stored.lock_version) == (101108, version + 1)


def test_it_does_not_count_an_edit_that_changes_nothing(world: World) -> None:
    gov = world.lees_summit
    version = _stored(gov).lock_version
    governments.government_update(
        acting_user=world.clerk, government=gov, expected_version=version, name=gov.name
    )
    assert _stored(gov).lock_version == version


def test_it_refuses_a_stale_government_edit_and_carries_both_versions(world: World) -> None:
    gov = world.lees_summit
    start = _stored(gov).lock_version
    governments.government_update(
        acting_user=world.clerk, government=gov, expected_version=start, population=101108
    )
    conflict = _refused(
        gov,
        lambda: governments.government_update(
            acting_user=world.clerk, government=gov, expected_version=start, population=99999
        ),
    )
    current: Any = conflict.current
    assert (current.population, current.lock_version) == (101108, start + 1)
    assert conflict.submitted == {"population": 99999} and conflict.expected_version == start


def test_it_keeps_another_editors_field_when_a_stale_copy_is_saved_without_a_version(world: World) -> None:
    # A caller with no version (an import) still writes only its own fields, never a stale copy's others.
    stale = _stored(world.lees_summit)
    governments.government_update(
        acting_user=world.clerk, government=world.lees_summit, website="https://cityofls.net"
    )
    governments.government_update(acting_user=world.clerk, government=stale, population=101108)
    stored = _stored(world.lees_summit)
    assert (stored.website, stored.population) == ("https://cityofls.net", 101108)


def test_it_refuses_stale_neighbours(world: World) -> None:
    gov = world.lees_summit
    start = _stored(gov).lock_version
    governments.government_set_neighbours(acting_user=world.clerk, government=gov, neighbours=[world.marc])
    assert _stored(gov).lock_version == start + 1
    _refused(
        gov,
        lambda: governments.government_set_neighbours(
            acting_user=world.clerk, government=gov, neighbours=[], expected_version=start
        ),
    )
    assert list(gov.neighbours.all()) == [world.marc]


def test_it_refuses_stale_collaborative_and_membership_edits(world: World) -> None:
    collab = world.collaborative
    start = _stored(collab).lock_version
    collaboratives.collaborative_update(acting_user=world.coordinator, collaborative=collab, purpose="Radio")
    _refused(
        collab,
        lambda: collaboratives.collaborative_update(
            acting_user=world.coordinator, collaborative=collab, purpose="Other", expected_version=start
        ),
    )
    membership = collab.memberships.get(government=world.blue_springs)
    seen = membership.lock_version  # accepting the proposal already counted as a change
    collaboratives.membership_end(
        acting_user=world.coordinator,
        membership=membership,
        left_on=dt.date(2024, 1, 1),
        expected_version=seen,
    )
    _refused(
        membership,
        lambda: collaboratives.membership_end(
            acting_user=world.coordinator,
            membership=membership,
            left_on=dt.date(2025, 1, 1),
            expected_version=seen,
        ),
    )


def test_it_refuses_stale_initiative_edits_of_every_kind(world: World) -> None:
    ini = world.initiative
    start = _stored(ini).lock_version
    initiatives.initiative_update(
        acting_user=world.clerk, initiative=ini, expected_version=start, description="First"
    )
    stale = [
        lambda: initiatives.initiative_update(
            acting_user=world.clerk, initiative=ini, expected_version=start, description="Second"
        ),
        lambda: initiatives.initiative_publish(
            acting_user=world.coordinator, initiative=ini, published=False, expected_version=start
        ),
        lambda: initiatives.initiative_advance(
            acting_user=world.clerk,
            initiative=ini,
            to_stage=Stage.EXPLORING,
            reason="Go",
            expected_version=start,
        ),
        lambda: initiatives.initiative_set_terms(
            acting_user=world.clerk,
            initiative=ini,
            terms={TermKind.TOPIC_AREA: ["Radio"]},
            expected_version=start,
        ),
        lambda: initiatives.initiative_set_partners(
            acting_user=world.clerk, initiative=ini, partners={"participating": []}, expected_version=start
        ),
    ]
    for edit in stale:
        _refused(ini, edit)
    assert _stored(ini).description == "First"


def test_it_counts_stage_moves_terms_and_partners_as_versions(world: World) -> None:
    ini = world.initiative
    start = _stored(ini).lock_version
    initiatives.initiative_advance(
        acting_user=world.clerk, initiative=ini, to_stage=Stage.EXPLORING, reason="Go"
    )
    initiatives.initiative_set_terms(
        acting_user=world.coordinator, initiative=ini, terms={TermKind.TOPIC_AREA: ["Radio"]}
    )
    initiatives.initiative_set_partners(
        acting_user=world.clerk, initiative=ini, partners={"participating": [world.marc]}
    )
    assert _stored(ini).lock_version == start + 3


def test_it_refuses_stale_gates_criteria_and_scores(world: World) -> None:
    collab = world.collaborative
    gate = initiatives.gate_configure(
        acting_user=world.coordinator, collaborative=collab, stage=Stage.PROPOSED, conditions=["description"]
    )
    _refused(
        gate,
        lambda: initiatives.gate_configure(
            acting_user=world.coordinator,
            collaborative=collab,
            stage=Stage.PROPOSED,
            conditions=[],
            expected_version=gate.lock_version - 1,
        ),
    )
    criteria = initiatives.criteria_set_create(
        acting_user=world.coordinator, collaborative=collab, name="2025", criteria=[("Cost", Decimal(1), "")]
    )
    initiatives.criteria_set_hide_scores(acting_user=world.coordinator, criteria_set=criteria, hidden=True)
    _refused(
        criteria,
        lambda: initiatives.criteria_set_hide_scores(
            acting_user=world.coordinator, criteria_set=criteria, hidden=False, expected_version=0
        ),
    )
    older = criteria
    initiatives.criteria_set_create(
        acting_user=world.coordinator, collaborative=collab, name="2026", criteria=[("Cost", Decimal(1), "")]
    )
    assert _stored(older).lock_version == 2  # hidden once, then replaced as the current set
    criteria = collab.criteria_sets.get(is_current=True)
    criterion = criteria.criteria.get()
    score = initiatives.score_record(
        acting_user=world.clerk,
        initiative=world.initiative,
        criterion=criterion,
        government=world.lees_summit,
        value=3,
    )
    initiatives.score_record(
        acting_user=world.clerk,
        initiative=world.initiative,
        criterion=criterion,
        government=world.lees_summit,
        value=4,
        expected_version=0,
    )
    _refused(
        score,
        lambda: initiatives.score_record(
            acting_user=world.clerk,
            initiative=world.initiative,
            criterion=criterion,
            government=world.lees_summit,
            value=5,
            expected_version=0,
        ),
    )


def test_it_refuses_stale_legislation_edits(world: World) -> None:
    matter = world.matter
    start = _stored(matter).lock_version
    agreements.matter_update(acting_user=world.clerk, matter=matter, status_name="Passed")
    _refused(
        matter,
        lambda: agreements.matter_update(
            acting_user=world.clerk, matter=matter, status_name="Failed", expected_version=start
        ),
    )
    action = agreements.matter_action_add(
        acting_user=world.clerk, matter=matter, action_date=dt.date(2021, 4, 13), action_name="Adopted"
    )
    agreements.matter_action_update(acting_user=world.clerk, action=action, tally="7:0", expected_version=0)
    _refused(
        action,
        lambda: agreements.matter_action_update(
            acting_user=world.clerk, action=action, tally="6:1", expected_version=0
        ),
    )
    attachment = agreements.matter_attachment_add(acting_user=world.clerk, matter=matter, name="Text")
    agreements.matter_attachment_update(acting_user=world.clerk, attachment=attachment, name="Full text")
    _refused(
        attachment,
        lambda: agreements.matter_attachment_update(
            acting_user=world.clerk, attachment=attachment, name="Other", expected_version=0
        ),
    )


def test_it_refuses_stale_agreement_links_and_counts_coming_into_force(world: World) -> None:
    agreement = world.agreement
    agreements.agreement_link_initiatives(
        acting_user=world.coordinator, agreement=agreement, initiatives=[world.initiative]
    )
    _refused(
        agreement,
        lambda: agreements.agreement_link_initiatives(
            acting_user=world.coordinator, agreement=agreement, initiatives=[], expected_version=0
        ),
    )
    version = world.version
    start = _stored(version).lock_version
    matter = agreements.matter_create(
        acting_user=world.admin, government=world.blue_springs, file_number="R-1", title="Adopt"
    )
    agreements.agreement_adopt(
        acting_user=world.admin, version=version, government=world.blue_springs, matter=matter,
        adopted_on=dt.date(2021, 5, 1),
    )  # fmt: skip
    stored = _stored(version)
    assert stored.in_force_at is not None and stored.lock_version == start + 1


def test_it_counts_a_kpi_status_change_as_a_version(world: World) -> None:
    kpi = tracking.kpi_create(
        acting_user=world.clerk,
        initiative=world.initiative,
        name="Radios serviced",
        unit="radios",
        baseline=Decimal(0),
        baseline_on=dt.date(2024, 1, 1),
        target=Decimal(100),
        target_on=dt.date(2025, 1, 1),
    )
    tracking.measurement_record(
        acting_user=world.clerk, kpi=kpi, measured_on=dt.date(2024, 7, 1), value=Decimal(50)
    )
    assert (_stored(kpi).status, _stored(kpi).lock_version) == ("on_track", 1)


def test_it_refuses_stale_cost_share_writes(world: World) -> None:
    scenario = formula_scenario(world)
    seen = _stored(scenario).lock_version
    costshare.scenario_compute(acting_user=world.coordinator, scenario=scenario, expected_version=seen)
    _refused(
        scenario,
        lambda: costshare.scenario_adopt(
            acting_user=world.coordinator, scenario=scenario, method="shapley", expected_version=seen
        ),
    )
    entry = costshare.savings_entry_create(
        acting_user=world.coordinator,
        initiative=world.initiative,
        government=world.lees_summit,
        fiscal_year=2025,
        recurrence="recurring",
        baseline_cost=Decimal(1000),
        projected_saving=Decimal(100),
        actual_saving=Decimal(90),
        evidence_url="https://example.gov/audit.pdf",
    )
    _refused(
        entry,
        lambda: costshare.savings_entry_certify(
            acting_user=world.coordinator, entry=entry, expected_version=7
        ),
    )
    costshare.savings_entry_certify(acting_user=world.coordinator, entry=entry, expected_version=0)
    assert _stored(entry).lock_version == 1
