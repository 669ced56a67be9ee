import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from interlocal.collaboratives.actions import collaborative_create, membership_end, membership_propose
from interlocal.testkit import World


def test_it_keeps_membership_history_when_a_member_leaves(world: World) -> None:
    membership = world.collaborative.memberships.get(government=world.blue_springs)
    membership_end(acting_user=world.coordinator, membership=membership, left_on=dt.date(2024, 12, 31))
    assert [m.government.name for m in world.collaborative.members_on(dt.date(2025, 1, 1))] == [
        "Lee's Summit"
    ]
    assert len(world.collaborative.members_on(dt.date(2020, 1, 1))) == 2
    assert world.collaborative.memberships.count() == 2


def test_it_refuses_a_double_membership_and_an_end_before_start(world: World) -> None:
    with pytest.raises(ValidationError, match="already a member"):
        membership_propose(
            acting_user=world.coordinator,
            collaborative=world.collaborative,
            government=world.lees_summit,
            joined_on=dt.date(2021, 1, 1),
        )
    membership = world.collaborative.memberships.get(government=world.lees_summit)
    with pytest.raises(ValidationError):
        membership_end(acting_user=world.coordinator, membership=membership, left_on=dt.date(2000, 1, 1))


def test_it_refuses_members_managing_membership(world: World) -> None:
    with pytest.raises(PermissionDenied):
        membership_propose(
            acting_user=world.clerk,
            collaborative=world.collaborative,
            government=world.kansas_city,
            joined_on=dt.date(2021, 1, 1),
        )
    with pytest.raises(PermissionDenied):
        collaborative_create(acting_user=world.clerk, name="Clerk's club", facilitator=world.marc)
