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


def test_it_grants_nothing_until_the_joining_government_accepts(world: World) -> None:
    from interlocal import access
    from interlocal.collaboratives.actions import membership_accept, membership_decline
    from interlocal.initiatives.actions import initiative_create

    collab = collaborative_create(acting_user=world.coordinator, name="Western", facilitator=world.marc)
    proposal = membership_propose(
        acting_user=world.coordinator,
        collaborative=collab,
        government=world.kansas_city,
        joined_on=dt.date(2020, 1, 1),
    )
    assert proposal.status == "proposed" and collab.pk not in access.member_collaborative_ids(world.outsider)
    with pytest.raises(PermissionDenied):
        initiative_create(acting_user=world.outsider, collaborative=collab, title="Too early")
    # Only the joining government's own editor (or an administrator) decides; not the coordinator who proposed.
    for other in (world.coordinator, world.clerk):
        with pytest.raises(PermissionDenied):
            membership_accept(acting_user=other, membership=proposal)
    membership_accept(acting_user=world.outsider, membership=proposal)
    assert collab.pk in access.member_collaborative_ids(world.outsider)
    initiative_create(acting_user=world.outsider, collaborative=collab, title="Now a member")
    with pytest.raises(ValidationError, match="already accepted"):
        membership_decline(acting_user=world.outsider, membership=proposal)


def test_it_grants_nothing_for_declined_or_ended_memberships(world: World) -> None:
    from interlocal import access
    from interlocal.collaboratives.actions import membership_accept, membership_decline

    collab = collaborative_create(acting_user=world.coordinator, name="Western", facilitator=world.marc)
    declined = membership_propose(
        acting_user=world.coordinator,
        collaborative=collab,
        government=world.kansas_city,
        joined_on=dt.date(2020, 1, 1),
    )
    membership_decline(acting_user=world.outsider, membership=declined)
    assert collab.pk not in access.member_collaborative_ids(world.outsider)
    again = membership_propose(
        acting_user=world.coordinator,
        collaborative=collab,
        government=world.kansas_city,
        joined_on=dt.date(2020, 1, 1),
    )
    membership_accept(acting_user=world.admin, membership=again)
    assert collab.pk in access.member_collaborative_ids(world.outsider)
    membership_end(acting_user=world.coordinator, membership=again, left_on=dt.date(2021, 1, 1))
    assert collab.pk not in access.member_collaborative_ids(world.outsider)
    assert not world.outsider.has_perm("initiatives.add_initiative", collab)
