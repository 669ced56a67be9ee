from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from interlocal.conflicts import EditConflict
from interlocal.initiatives.actions import (
    criteria_set_create,
    criteria_set_hide_scores,
    ranking_freeze,
    score_record,
)
from interlocal.initiatives.models import CriteriaSet
from interlocal.initiatives.queries import compute_ranking, visible_scores
from interlocal.testkit import World

CRITERIA = [("Savings", Decimal(3), ""), ("Equity", Decimal(1), "")]


def _criteria(world: World) -> CriteriaSet:
    return criteria_set_create(
        acting_user=world.coordinator, collaborative=world.collaborative, name="Principles", criteria=CRITERIA
    )


def _score_both(world: World, criteria_set: CriteriaSet) -> None:
    savings, equity = criteria_set.criteria.order_by("position")
    for criterion, ls_value, bs_value in [(savings, 5, 3), (equity, 1, 3)]:
        score_record(
            acting_user=world.clerk,
            initiative=world.initiative,
            criterion=criterion,
            government=world.lees_summit,
            value=ls_value,
        )
        score_record(
            acting_user=world.coordinator,
            initiative=world.initiative,
            criterion=criterion,
            government=world.blue_springs,
            value=bs_value,
        )


def test_it_ranks_with_the_weighted_mean_of_member_scores(world: World) -> None:
    criteria_set = _criteria(world)
    _score_both(world, criteria_set)
    top = compute_ranking(criteria_set)[0]
    # Lee's Summit: (3*1.0 + 1*0)/4 = 0.75; Blue Springs: 0.5; mean 0.625, spread 0.125.
    assert top.initiative == world.initiative
    assert top.score is not None and top.spread is not None
    assert (round(top.score, 3), round(top.spread, 3), top.missing) == (0.625, 0.125, 0)


def test_it_refuses_a_member_editor_scoring_for_another_government(world: World) -> None:
    savings = _criteria(world).criteria.get(name="Savings")
    with pytest.raises(PermissionDenied):
        score_record(
            acting_user=world.clerk,
            initiative=world.initiative,
            criterion=savings,
            government=world.blue_springs,
            value=3,
        )
    with pytest.raises(PermissionDenied):
        score_record(
            acting_user=world.outsider,
            initiative=world.initiative,
            criterion=savings,
            government=world.kansas_city,
            value=3,
        )


def test_it_refuses_scores_off_the_scale(world: World) -> None:
    savings = _criteria(world).criteria.get(name="Savings")
    with pytest.raises(ValidationError, match="between 1 and 5"):
        score_record(
            acting_user=world.clerk,
            initiative=world.initiative,
            criterion=savings,
            government=world.lees_summit,
            value=9,
        )


def test_it_keeps_old_scores_with_their_criteria_version(world: World) -> None:
    first = _criteria(world)
    _score_both(world, first)
    second = criteria_set_create(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        name="Principles 2",
        criteria=[("Feasibility", Decimal(1), "")],
    )
    first.refresh_from_db()
    assert (first.version, second.version, first.is_current, second.is_current) == (1, 2, False, True)
    assert compute_ranking(first)[0].score == pytest.approx(0.625)
    with pytest.raises(ValidationError, match="not a current criterion"):
        score_record(
            acting_user=world.clerk,
            initiative=world.initiative,
            criterion=first.criteria.get(name="Savings"),
            government=world.lees_summit,
            value=2,
        )


def test_it_hides_other_members_scores_when_the_coordinator_says(world: World) -> None:
    criteria_set = _criteria(world)
    _score_both(world, criteria_set)
    assert {s.government for s in visible_scores(world.clerk, criteria_set)} == {
        world.lees_summit,
        world.blue_springs,
    }
    criteria_set_hide_scores(acting_user=world.coordinator, criteria_set=criteria_set, hidden=True)
    assert {s.government for s in visible_scores(world.clerk, criteria_set)} == {world.lees_summit}
    assert {s.government for s in visible_scores(world.coordinator, criteria_set)} == {
        world.lees_summit,
        world.blue_springs,
    }
    client = Client()
    client.force_login(world.clerk)
    page = client.get(f"/collaboratives/{world.collaborative.slug}/ranking/").content.decode()
    assert "hidden the members" in page and "Blue Springs" not in page.split('id="scores"')[1]
    with pytest.raises(PermissionDenied):
        criteria_set_hide_scores(acting_user=world.clerk, criteria_set=criteria_set, hidden=False)


def test_it_freezes_the_ranking_with_the_engine_version(world: World) -> None:
    criteria_set = _criteria(world)
    _score_both(world, criteria_set)
    snapshot = ranking_freeze(
        acting_user=world.coordinator, criteria_set=criteria_set, label="Steering committee"
    )
    assert snapshot.engine_version == "1.0.0"
    assert snapshot.rows[0]["initiative"] == world.initiative.pk and snapshot.rows[0][
        "score"
    ] == pytest.approx(0.625)
    with pytest.raises(PermissionDenied):
        ranking_freeze(acting_user=world.clerk, criteria_set=criteria_set, label="Mine")


def test_it_refuses_a_new_version_built_on_a_superseded_or_missing_one(world: World) -> None:
    first = _criteria(world)
    second = criteria_set_create(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        name="Second",
        criteria=CRITERIA,
        replacing=first,
        expected_version=0,
    )
    # Someone still editing from the first version, or from before there were criteria, is refused.
    with pytest.raises(EditConflict) as stale:
        criteria_set_create(
            acting_user=world.coordinator,
            collaborative=world.collaborative,
            name="Stale",
            criteria=CRITERIA,
            replacing=first,
            expected_version=0,
        )
    stored: Any = stale.value.current
    assert stored == first and stored.lock_version == 1  # superseded once, so the stale version is refused
    with pytest.raises(EditConflict) as blind:
        criteria_set_create(
            acting_user=world.coordinator,
            collaborative=world.collaborative,
            name="Blind",
            criteria=CRITERIA,
            expected_version=0,
        )
    assert blind.value.current == second
    assert list(world.collaborative.criteria_sets.values_list("name", flat=True)) == ["Second", "Principles"]


@pytest.mark.parametrize(
    ("name", "criteria", "scale", "field", "message"),
    [
        ("", CRITERIA, (1, 5), "name", "Name this version"),
        ("P", CRITERIA, (5, 5), "scale_max", "The highest score must be above the lowest (5)."),
        ("P", [], (1, 5), "criteria", "at least one criterion"),
        ("P", [(" ", Decimal(1), "")], (1, 5), "criteria", "Every criterion needs a name."),
        ("P", [("Cost", Decimal(1), ""), ("COST ", Decimal(1), "")], (1, 5), "criteria", "same name"),
        ("P", [("Cost", Decimal(-1), ""), ("Equity", Decimal(2), "")], (1, 5), "criteria", "non-negative"),
    ],
)
def test_it_refuses_a_criteria_version_naming_the_field_at_fault(
    world: World,
    name: str,
    criteria: list[tuple[str, Decimal, str]],
    scale: tuple[int, int],
    field: str,
    message: str,
) -> None:
    with pytest.raises(ValidationError) as refused:
        criteria_set_create(
            acting_user=world.coordinator,
            collaborative=world.collaborative,
            name=name,
            criteria=criteria,
            scale=scale,
        )
    assert list(refused.value.error_dict) == [field] and message in refused.value.error_dict[field][0].message
    assert not CriteriaSet.objects.exists()
