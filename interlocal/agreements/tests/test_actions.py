import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from interlocal.agreements.actions import (
    agreement_adopt,
    agreement_version_create,
    matter_action_add,
    matter_create,
)
from interlocal.agreements.models import AgreementVersion
from interlocal.agreements.queries import overdue_adoptions
from interlocal.audit.models import AuditEvent
from interlocal.collaboratives.actions import membership_accept, membership_propose
from interlocal.testkit import World
from interlocal.vocab import VersionKind


def _bs_matter(world: World):  # type: ignore[no-untyped-def]
    # Blue Springs has no staff in the test world; a site administrator records for it.
    return matter_create(
        acting_user=world.admin,
        government=world.blue_springs,
        file_number="R-2021-31",
        title="Adopting the statement",
        type_name="Resolution",
    )


def test_it_is_not_in_force_while_a_party_has_not_adopted(world: World) -> None:
    assert world.version.in_force_at is None
    assert not world.version.is_in_force


def test_it_comes_into_force_exactly_when_the_last_party_adopts(world: World) -> None:
    agreement_adopt(
        acting_user=world.admin,
        version=world.version,
        government=world.blue_springs,
        matter=_bs_matter(world),
        adopted_on=dt.date(2021, 4, 5),
    )
    world.version.refresh_from_db()
    assert world.version.is_in_force
    assert (
        AuditEvent.objects.filter(verb="agreement_version_in_force", object_id=str(world.version.pk)).count()
        == 1
    )


def test_it_refuses_a_clerk_adopting_for_another_city(world: World) -> None:
    matter = _bs_matter(world)
    with pytest.raises(PermissionDenied):
        agreement_adopt(
            acting_user=world.clerk,
            version=world.version,
            government=world.blue_springs,
            matter=matter,
            adopted_on=dt.date(2021, 4, 5),
        )


def test_it_refuses_a_second_adoption_and_a_non_party(world: World) -> None:
    with pytest.raises(ValidationError, match="already adopted"):
        agreement_adopt(
            acting_user=world.clerk,
            version=world.version,
            government=world.lees_summit,
            matter=world.matter,
            adopted_on=dt.date(2021, 4, 14),
        )
    kc_matter = matter_create(
        acting_user=world.outsider, government=world.kansas_city, file_number="1", title="t"
    )
    with pytest.raises(ValidationError, match="not a party"):
        agreement_adopt(
            acting_user=world.outsider,
            version=world.version,
            government=world.kansas_city,
            matter=kc_matter,
            adopted_on=dt.date(2021, 4, 14),
        )


def test_it_refuses_adoption_by_another_governments_legislation(world: World) -> None:
    with pytest.raises(ValidationError, match="legislation of Lee's Summit"):
        agreement_adopt(
            acting_user=world.admin,
            version=world.version,
            government=world.blue_springs,
            matter=world.matter,
            adopted_on=dt.date(2021, 4, 14),
        )


def test_it_numbers_versions_and_keeps_expansion_parties(world: World) -> None:
    parties = [world.lees_summit, world.blue_springs, world.kansas_city]
    proposal = membership_propose(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        government=world.kansas_city,
        joined_on=dt.date(2021, 1, 1),
    )
    # Until Kansas City consents, the coordinator may not name it as a party.
    with pytest.raises(ValidationError, match="Not current members"):
        agreement_version_create(
            acting_user=world.coordinator,
            agreement=world.agreement,
            kind=VersionKind.EXPANSION,
            title="x",
            parties=parties,
        )
    membership_accept(acting_user=world.outsider, membership=proposal)
    v2 = agreement_version_create(
        acting_user=world.coordinator,
        agreement=world.agreement,
        kind=VersionKind.EXPANSION,
        title="Five cities",
        parties=parties,
    )
    assert v2.number == 2
    assert sorted(g.name for g in v2.parties.all()) == ["Blue Springs", "Kansas City", "Lee's Summit"]


def test_it_refuses_a_clerk_recording_another_councils_matter(world: World) -> None:
    with pytest.raises(PermissionDenied):
        matter_create(acting_user=world.clerk, government=world.blue_springs, file_number="X", title="t")
    with pytest.raises(PermissionDenied):
        matter_action_add(
            acting_user=world.outsider,
            matter=world.matter,
            action_date=dt.date(2021, 4, 13),
            action_name="adopted",
        )


def _adopt_all(world: World, version, ls_on: dt.date, bs_on: dt.date) -> None:  # type: ignore[no-untyped-def]
    agreement_adopt(
        acting_user=world.clerk,
        version=version,
        government=world.lees_summit,
        matter=world.matter,
        adopted_on=ls_on,
    )
    agreement_adopt(
        acting_user=world.admin,
        version=version,
        government=world.blue_springs,
        matter=_bs_matter(world),
        adopted_on=bs_on,
    )
    version.refresh_from_db()


def _version(world: World, effective_on: dt.date | None, title: str = "Renewal"):  # type: ignore[no-untyped-def]
    return agreement_version_create(
        acting_user=world.coordinator,
        agreement=world.agreement,
        kind=VersionKind.RENEWAL,
        title=title,
        parties=[world.lees_summit, world.blue_springs],
        effective_on=effective_on,
    )


@pytest.mark.parametrize(
    ("effective_on", "ls_on", "bs_on", "in_force_from"),
    [
        (dt.date(2021, 5, 1), dt.date(2021, 4, 13), dt.date(2021, 4, 5), dt.date(2021, 5, 1)),
        (dt.date(2021, 3, 1), dt.date(2021, 4, 13), dt.date(2021, 4, 5), dt.date(2021, 4, 13)),
        (None, dt.date(2021, 4, 13), dt.date(2021, 4, 20), dt.date(2021, 4, 20)),
    ],
)
def test_it_is_in_force_from_the_later_of_effective_date_and_last_vote(  # type: ignore[no-untyped-def]
    world: World, effective_on, ls_on, bs_on, in_force_from
) -> None:
    version = _version(world, effective_on)
    _adopt_all(world, version, ls_on, bs_on)
    assert version.in_force_from == in_force_from
    assert version.in_force_on(in_force_from) and not version.in_force_on(
        in_force_from - dt.timedelta(days=1)
    )


def test_it_is_not_in_force_before_its_effective_date(world: World) -> None:
    later = timezone.localdate() + dt.timedelta(days=30)
    version = _version(world, later)
    _adopt_all(world, version, dt.date(2021, 4, 13), dt.date(2021, 4, 5))
    assert version.in_force_from == later and version.is_adopted and not version.is_in_force


def test_it_supersedes_the_earlier_version_when_a_later_comes_into_force(world: World) -> None:
    v1 = world.version
    agreement_adopt(
        acting_user=world.admin,
        version=v1,
        government=world.blue_springs,
        matter=_bs_matter(world),
        adopted_on=dt.date(2021, 4, 5),
    )
    v2 = _version(world, dt.date(2024, 1, 1))
    ls2 = matter_create(acting_user=world.clerk, government=world.lees_summit, file_number="R-24", title="t")
    bs2 = matter_create(acting_user=world.admin, government=world.blue_springs, file_number="B-24", title="t")
    agreement_adopt(
        acting_user=world.clerk,
        version=v2,
        government=world.lees_summit,
        matter=ls2,
        adopted_on=dt.date(2023, 12, 1),
    )
    v1.refresh_from_db()
    assert v1.superseded_by is None and v1.is_in_force
    agreement_adopt(
        acting_user=world.admin,
        version=v2,
        government=world.blue_springs,
        matter=bs2,
        adopted_on=dt.date(2023, 12, 5),
    )
    v1.refresh_from_db()
    assert (v1.in_force_from, v1.superseded_by, v1.superseded_on) == (
        dt.date(2021, 4, 13),
        v2,
        dt.date(2024, 1, 1),
    )
    assert v1.in_force_on(dt.date(2023, 12, 31)) and not v1.is_in_force
    assert AuditEvent.objects.filter(verb="agreement_version_supersede", object_id=str(v1.pk)).exists()
    page = Client().get(f"/agreements/{world.agreement.pk}/").content.decode()
    assert 'Superseded by <a href="#version-2">v2</a> on 1/1/2024; in force from 4/13/2021.' in page
    assert "In force since 1/1/2024: every party has adopted it." in page


def test_it_supersedes_at_once_a_version_completed_after_its_successor(world: World) -> None:
    v2 = _version(world, dt.date(2024, 1, 1))
    _adopt_all(world, v2, dt.date(2023, 12, 1), dt.date(2023, 12, 5))
    bs1 = matter_create(acting_user=world.admin, government=world.blue_springs, file_number="B-21", title="t")
    agreement_adopt(
        acting_user=world.admin,
        version=world.version,
        government=world.blue_springs,
        matter=bs1,
        adopted_on=dt.date(2021, 4, 5),
    )
    world.version.refresh_from_db()
    assert (world.version.superseded_by, world.version.superseded_on) == (v2, dt.date(2024, 1, 1))
    v2.refresh_from_db()
    assert v2.superseded_by is None


def test_it_names_the_parties_missing_from_an_overdue_adoption(world: World) -> None:
    today = timezone.localdate()
    version = agreement_version_create(
        acting_user=world.coordinator,
        agreement=world.agreement,
        kind=VersionKind.AMENDMENT,
        title="Amendment",
        parties=[world.lees_summit, world.blue_springs],
        adoption_due_on=today - dt.timedelta(days=1),
    )
    versions = AgreementVersion.objects.filter(agreement=world.agreement)
    assert [(o.version, o.missing) for o in overdue_adoptions(versions, today)] == [
        (version, [world.blue_springs, world.lees_summit])
    ]
    assert overdue_adoptions(versions, today - dt.timedelta(days=1)) == []
    agreement_adopt(
        acting_user=world.clerk,
        version=version,
        government=world.lees_summit,
        matter=world.matter,
        adopted_on=today,
    )
    assert [o.missing for o in overdue_adoptions(versions, today)] == [[world.blue_springs]]
    page = Client().get(f"/agreements/{world.agreement.pk}/").content.decode()
    assert (
        'waiting for Blue Springs to adopt. <strong class="adoption-overdue">Adoption overdue since' in page
    )


def test_it_backfills_in_force_dates_and_supersession_in_its_migration(world: World) -> None:
    migration = importlib.import_module(
        "interlocal.agreements.migrations.0006_agreement_version_in_force_from_and_superseded"
    )
    v1 = world.version
    agreement_adopt(
        acting_user=world.admin,
        version=v1,
        government=world.blue_springs,
        matter=_bs_matter(world),
        adopted_on=dt.date(2021, 4, 5),
    )
    v2 = _version(world, dt.date(2024, 1, 1))
    ls2 = matter_create(acting_user=world.clerk, government=world.lees_summit, file_number="R-24", title="t")
    bs2 = matter_create(acting_user=world.admin, government=world.blue_springs, file_number="B-24", title="t")
    agreement_adopt(
        acting_user=world.clerk,
        version=v2,
        government=world.lees_summit,
        matter=ls2,
        adopted_on=dt.date(2023, 12, 1),
    )
    agreement_adopt(
        acting_user=world.admin,
        version=v2,
        government=world.blue_springs,
        matter=bs2,
        adopted_on=dt.date(2023, 12, 5),
    )
    # As the rows stood before the migration: only the clock time of the last adoption.
    AgreementVersion.objects.update(in_force_from=None, superseded_by=None, superseded_on=None)
    migration.date_versions_in_force(django_apps, None)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.in_force_from, v1.superseded_by, v1.superseded_on) == (
        dt.date(2021, 4, 13),
        v2,
        dt.date(2024, 1, 1),
    )
    assert (v2.in_force_from, v2.superseded_by) == (dt.date(2024, 1, 1), None)


def test_it_refuses_a_coordinator_recording_a_members_legislation_or_adoption(world: World) -> None:
    # Issue 8: membership gave the coordinator power over the member's own council records.
    with pytest.raises(PermissionDenied):
        matter_create(
            acting_user=world.coordinator, government=world.blue_springs, file_number="X", title="t"
        )
    with pytest.raises(PermissionDenied):
        matter_action_add(
            acting_user=world.coordinator,
            matter=world.matter,
            action_date=dt.date(2021, 4, 13),
            action_name="adopted",
        )
    with pytest.raises(PermissionDenied):
        agreement_adopt(
            acting_user=world.coordinator,
            version=world.version,
            government=world.blue_springs,
            matter=_bs_matter(world),
            adopted_on=dt.date(2021, 4, 5),
        )


def test_it_records_an_adoption_with_a_new_matter_in_one_step(world: World) -> None:
    from interlocal.agreements.actions import adoption_record

    version = agreement_version_create(
        acting_user=world.coordinator,
        agreement=world.agreement,
        kind=VersionKind.RENEWAL,
        title="2024",
        parties=[world.lees_summit],
    )
    adoption = adoption_record(
        acting_user=world.clerk,
        version=version,
        government=world.lees_summit,
        adopted_on=dt.date(2024, 6, 4),
        new_matter={"file_number": "RES. NO. 24-11", "title": "Renewing", "type_name": "Resolution"},
    )
    assert adoption.matter.government == world.lees_summit and adoption.matter.file_number == "RES. NO. 24-11"
    assert AuditEvent.objects.filter(verb="matter_create", object_repr="RES. NO. 24-11").exists()


def test_it_refuses_an_adoption_by_another_councils_matter_and_keys_the_error(world: World) -> None:
    from interlocal.agreements.actions import adoption_record

    version = agreement_version_create(
        acting_user=world.coordinator,
        agreement=world.agreement,
        kind=VersionKind.RENEWAL,
        title="2024",
        parties=[world.lees_summit, world.blue_springs],
    )
    with pytest.raises(ValidationError) as refused:
        adoption_record(
            acting_user=world.clerk,
            version=version,
            government=world.lees_summit,
            adopted_on=dt.date(2024, 6, 4),
            matter=_bs_matter(world),
        )
    assert list(refused.value.message_dict) == ["matter"]
    with pytest.raises(PermissionDenied):
        adoption_record(
            acting_user=world.coordinator,
            version=version,
            government=world.lees_summit,
            adopted_on=dt.date(2024, 6, 4),
            matter=world.matter,
        )
    assert not version.adoptions.exists()
