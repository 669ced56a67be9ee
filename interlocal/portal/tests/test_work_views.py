import datetime as dt
import re
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from interlocal.audit.models import AuditEvent
from interlocal.initiatives.actions import criteria_set_create, gate_configure, initiative_advance
from interlocal.portal.tests.formdata import initiative_post
from interlocal.testkit import World
from interlocal.tracking.actions import kpi_create
from interlocal.tracking.models import Kpi


def _as(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _kpi(world: World) -> Kpi:
    today = timezone.localdate()
    return kpi_create(
        acting_user=world.coordinator,
        initiative=world.initiative,
        name="Radios repaired on time",
        unit="percent",
        baseline=Decimal(50),
        baseline_on=today - dt.timedelta(days=30),
        target=Decimal(90),
        target_on=today + dt.timedelta(days=300),
    )


def test_it_refuses_a_gate_with_the_missing_items_then_accepts(world: World) -> None:
    client = _as(world.coordinator)
    url = f"/initiatives/{world.initiative.pk}/advance/"
    page = client.post(url, {"to_stage": "proposed", "reason": "Ready"}, follow=True).content.decode()
    assert (
        "Cannot move to Proposed: it needs a description, participating governments, a cost estimate" in page
    )
    client.post(
        f"/initiatives/{world.initiative.pk}/edit/",
        initiative_post(
            world.initiative,
            description="Shared shop",
            cost_estimate="85000",
            participating=[world.blue_springs.pk],
        ),
    )
    page = client.post(url, {"to_stage": "proposed", "reason": "Ready"}, follow=True).content.decode()
    assert "Moved to Proposed" in page and "Idea &rarr; Proposed" in page


def test_it_refuses_moves_edits_and_reports_by_outsiders(world: World, client: Client) -> None:
    outsider = _as(world.outsider)
    pk = world.initiative.pk
    assert (
        outsider.post(f"/initiatives/{pk}/advance/", {"to_stage": "exploring", "reason": "x"}).status_code
        == 403
    )
    assert outsider.get(f"/initiatives/{pk}/edit/").status_code == 403
    assert outsider.post(f"/initiatives/{pk}/progress/", {"text": "x"}).status_code == 403
    assert (
        client.post(f"/initiatives/{pk}/advance/", {"to_stage": "exploring", "reason": "x"}).status_code
        == 302
    )
    assert (
        _as(world.clerk)
        .post(f"/initiatives/{world.hidden_initiative.pk}/advance/", {"to_stage": "exploring", "reason": "x"})
        .status_code
        == 403
    )
    assert not AuditEvent.objects.filter(verb="initiative_advance").exists()


def test_it_lets_a_member_city_enter_a_measurement(world: World) -> None:
    kpi = _kpi(world)
    response = _as(world.clerk).post(
        f"/kpis/{kpi.pk}/measure/", {"measured_on": timezone.localdate().isoformat(), "value": "56"}
    )
    assert response.status_code == 302
    assert kpi.measurements.get().value == Decimal(56)
    assert _as(world.outsider).get(f"/kpis/{kpi.pk}/measure/").status_code == 403
    bad = _as(world.clerk).post(f"/kpis/{kpi.pk}/measure/", {"measured_on": "2999-01-01", "value": "1"})
    assert "cannot be dated in the future" in bad.content.decode()


def test_it_hides_the_ranking_from_the_public_and_lets_only_coordinators_act(
    world: World, client: Client
) -> None:
    criteria_set_create(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        name="P",
        criteria=[("Savings", Decimal(1), "")],
    )
    url = f"/collaboratives/{world.collaborative.slug}/ranking/"
    assert client.get(url).status_code == 403
    assert _as(world.clerk).get(url).status_code == 200
    assert _as(world.clerk).post(url + "act/", {"do": "freeze"}).status_code == 403
    assert _as(world.coordinator).post(url + "act/", {"do": "freeze", "label": "Board"}).status_code == 302


def test_it_lets_a_member_score_and_refuses_viewers_and_outsiders(world: World) -> None:
    criteria_set = criteria_set_create(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        name="P",
        criteria=[("Savings", Decimal(1), "")],
    )
    criterion = criteria_set.criteria.get()
    url = f"/initiatives/{world.initiative.pk}/score/"
    assert _as(world.clerk).post(url, {f"c{criterion.pk}": "4"}).status_code == 302
    assert criterion.scores.get().value == 4
    assert _as(world.outsider).post(url, {f"c{criterion.pk}": "4"}).status_code == 403
    assert "less than or equal to 5" in _as(world.clerk).post(url, {f"c{criterion.pk}": "7"}).content.decode()


def test_it_shows_my_work_only_to_signed_in_people(world: World, client: Client) -> None:
    assert client.get("/me/").status_code == 302
    assert "Measurements overdue" in _as(world.clerk).get("/me/").content.decode()


def test_it_publishes_only_public_changes_in_the_atom_feed(world: World, client: Client) -> None:
    body = client.get("/feeds/changes.atom").content.decode()
    assert "<feed" in body and "Radio equipment maintenance" in body
    assert "Draft recycling idea" not in body


def _operating(world: World) -> None:
    # Waive every gate so the test can reach Operating in one forward move.
    for stage in ("proposed", "approved", "implementing", "operating", "evaluated"):
        gate_configure(
            acting_user=world.coordinator, collaborative=world.collaborative, stage=stage, conditions=[]
        )
    initiative_advance(
        acting_user=world.coordinator, initiative=world.initiative, to_stage="operating", reason="Running"
    )


def test_it_offers_only_allowed_moves_and_never_defaults_backward(world: World) -> None:
    _operating(world)
    page = _as(world.coordinator).get(f"/initiatives/{world.initiative.pk}/").content.decode()
    select = page[page.index('name="to_stage"') : page.index("</select>", page.index('name="to_stage"'))]
    assert re.findall(r'<option value="(\w+)" selected>', select) == ["evaluated"]
    back = select[
        select.index('<optgroup label="Back to an earlier stage (you will be asked to confirm)">') :
    ]
    back = back[: back.index("</optgroup>")]
    assert re.findall(r'<option value="(\w+)"', back) == [
        "idea",
        "exploring",
        "proposed",
        "approved",
        "implementing",
    ]
    assert 'value="operating"' not in select


def test_it_asks_before_moving_back_and_moves_once_confirmed(world: World) -> None:
    _operating(world)
    client = _as(world.coordinator)
    url = f"/initiatives/{world.initiative.pk}/advance/"
    world.initiative.refresh_from_db()
    version = str(world.initiative.lock_version)
    asked = client.post(url, {"to_stage": "exploring", "reason": "The vendor left", "lock_version": version})
    page = asked.content.decode()
    assert asked.status_code == 200
    assert "Move EJC-1 back from Operating to Exploring?" in page
    assert '<span id="confirm-reason">The vendor left</span>' in page
    assert ">Confirm</button>" in page and ">Cancel</a>" in page
    world.initiative.refresh_from_db()
    assert world.initiative.stage == "operating"
    assert f'name="lock_version" value="{version}"' in page
    client.post(
        url, {"to_stage": "exploring", "reason": "The vendor left", "lock_version": version, "confirmed": "1"}
    )
    world.initiative.refresh_from_db()
    assert world.initiative.stage == "exploring"
    assert world.initiative.transitions.last().reason == "The vendor left"  # type: ignore[union-attr]


def test_it_wants_a_reason_for_a_move_back(world: World) -> None:
    _operating(world)
    url = f"/initiatives/{world.initiative.pk}/advance/"
    page = _as(world.coordinator).post(url, {"to_stage": "idea", "reason": ""}, follow=True).content.decode()
    assert "a reason is required" in page and "confirm-move" not in page
    world.initiative.refresh_from_db()
    assert world.initiative.stage == "operating"


def test_it_refuses_a_stage_the_table_does_not_allow(world: World) -> None:
    url = f"/initiatives/{world.initiative.pk}/advance/"
    page = (
        _as(world.coordinator).post(url, {"to_stage": "bogus", "reason": "x"}, follow=True).content.decode()
    )
    assert "Select a valid choice" in page
    world.initiative.refresh_from_db()
    assert world.initiative.stage == "idea"


def _proposal(world: World):  # type: ignore[no-untyped-def]
    from interlocal.collaboratives.actions import collaborative_create, membership_propose

    collab = collaborative_create(
        acting_user=world.coordinator, name="Western Jackson County", facilitator=world.marc
    )
    return membership_propose(
        acting_user=world.coordinator,
        collaborative=collab,
        government=world.lees_summit,
        joined_on=dt.date(2025, 1, 1),
    )


def test_it_lets_the_joining_governments_editor_accept_a_membership_on_my_work(world: World) -> None:
    proposal = _proposal(world)
    client = _as(world.clerk)
    page = client.get("/me/").content.decode()
    assert "Western Jackson County" in page and f"/memberships/{proposal.pk}/decide/" in page
    response = client.post(f"/memberships/{proposal.pk}/decide/", {"do": "accept"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "accepted"
    event = AuditEvent.objects.filter(verb="membership_accept").latest("id")
    assert event.actor == world.clerk
    assert f"/memberships/{proposal.pk}/decide/" not in client.get("/me/").content.decode()


def test_it_lets_the_editor_decline_and_refuses_everyone_else(world: World) -> None:
    proposal = _proposal(world)
    url = f"/memberships/{proposal.pk}/decide/"
    assert Client().post(url, {"do": "accept"}).status_code == 302  # to sign-in
    for other in (world.coordinator, world.outsider):
        assert _as(other).post(url, {"do": "accept"}).status_code == 404
    assert _as(world.clerk).get(url).status_code == 405
    proposal.refresh_from_db()
    assert proposal.status == "proposed"
    assert _as(world.clerk).post(url, {"do": "decline"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "declined"
    # A declined proposal is no longer open to a decision.
    assert _as(world.clerk).post(url, {"do": "accept"}).status_code == 404
