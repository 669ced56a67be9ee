"""The initiative and KPI work screens: every plan-page field, partners, owner, terms, KPIs, by role."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.test import Client
from django.utils import timezone

from interlocal.initiatives.actions import initiative_advance, initiative_create, plan_create
from interlocal.initiatives.models import Initiative, Term
from interlocal.portal.templatetags.portal import money
from interlocal.portal.tests.formdata import as_posted, initiative_post
from interlocal.testkit import World
from interlocal.tracking.actions import kpi_create
from interlocal.tracking.models import Kpi, Measurement
from interlocal.vocab import Stage, TermKind


def _as(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _new(world: World, **values: Any) -> dict[str, Any]:
    # What a browser posts from a filled-in new-initiative page.
    return as_posted(
        {"title": "Shared fleet maintenance", "status": "new", "update_every_days": 90, **values}
    )


def _lr33(world: World) -> dict[str, Any]:
    return _new(
        world,
        code="LR.33",
        title="Develop a 5-year Action Plan for shared services",
        description="Develop a 5-year Action Plan for shared services.",
        status="in_progress",
        types=["policy"],
        new_topic_area="Infrastructure Cost-burden\nEconomic Development",
        new_geographic_scale="Countywide",
        new_key_issue="Population Stagnation",
        new_funding_source="General operating revenue",
        equity_considerations="A more equitable level of service to all communities.",
        sustainability_considerations="Greater economic efficiency.",
        cost_band="low",
        cost_estimate="250000",
        timeline_band="near",
        tracking_implementation="Hire consultant to complete plan with County Task Force oversight.",
        tracking_success="Publish the Action Plan.\r\n\r\n  Adopt it in every member council.  \r\n",
        if_overperforming="Publish updates and educate.",
        if_underperforming="Ask the task force why.",
        lead=[world.lees_summit],
        supporting=[world.marc],
        participating=[world.blue_springs],
        owner=world.clerk,
        services="Planning",
        is_published=True,
    )


def test_it_lets_the_coordinator_create_an_initiative_with_every_plan_page_field(world: World) -> None:
    response = _as(world.coordinator).post("/initiatives/new/", _lr33(world))
    assert response.status_code == 302
    made = Initiative.objects.get(code="LR.33")
    assert response["Location"] == f"/initiatives/{made.pk}/"
    assert (made.status, made.is_policy, made.is_project, made.cost_estimate) == (
        "in_progress",
        True,
        False,
        Decimal("250000.00"),
    )
    assert made.tracking_success == ["Publish the Action Plan.", "Adopt it in every member council."]
    assert made.owner == world.clerk and made.is_published and made.collaborative == world.collaborative
    assert sorted((t.kind, t.name) for t in made.terms.all()) == [
        ("funding_source", "General operating revenue"),
        ("geographic_scale", "Countywide"),
        ("key_issue", "Population Stagnation"),
        ("topic_area", "Economic Development"),
        ("topic_area", "Infrastructure Cost-burden"),
    ]
    assert sorted((p.role, p.government.name) for p in made.partners.all()) == [
        ("lead", "Lee's Summit"),
        ("participating", "Blue Springs"),
        ("supporting", "MARC"),
    ]
    page = _as(world.coordinator).get(f"/initiatives/{made.pk}/edit/").content.decode()
    assert "Publish the Action Plan.\nAdopt it in every member council.</textarea>" in page


def test_it_makes_the_proposed_gate_passable_from_the_form(world: World) -> None:
    _as(world.coordinator).post("/initiatives/new/", _lr33(world))
    made = Initiative.objects.get(code="LR.33")
    for stage in (Stage.EXPLORING, Stage.PROPOSED):
        initiative_advance(acting_user=world.coordinator, initiative=made, to_stage=stage, reason="Ready")
    assert Initiative.objects.get(pk=made.pk).stage == Stage.PROPOSED


def test_it_refuses_the_new_initiative_page_to_outsiders_and_the_public(world: World, client: Client) -> None:
    assert _as(world.outsider).get("/initiatives/new/").status_code == 403
    assert _as(world.outsider).post("/initiatives/new/", _new(world)).status_code == 403
    assert client.get("/initiatives/new/").status_code == 302
    assert not Initiative.objects.filter(title="Shared fleet maintenance").exists()


def test_it_lets_a_member_editor_propose_with_their_government_leading(world: World) -> None:
    clerk = _as(world.clerk)
    page = clerk.get("/initiatives/new/").content.decode()
    assert re.search(rf'name="lead" id="[^"]+" value="{world.lees_summit.pk}" checked', page)
    assert 'name="is_published"' not in page and 'name="new_topic_area"' not in page
    # A member editor neither publishes nor extends vocabularies: those fields are not theirs to send.
    response = clerk.post(
        "/initiatives/new/",
        _new(world, lead=[world.lees_summit], is_published=True, new_topic_area="Clerk's own topic"),
    )
    assert response.status_code == 302
    made = Initiative.objects.get(title="Shared fleet maintenance")
    assert not made.is_published and not Term.objects.filter(name="Clerk's own topic").exists()
    assert clerk.get(f"/initiatives/{made.pk}/edit/").status_code == 200


def test_it_lets_a_coordinator_choose_an_existing_term_and_add_one_inline(world: World) -> None:
    public_safety = Term.objects.get(kind=TermKind.TOPIC_AREA, name="Public Safety")
    coordinator = _as(world.coordinator)
    page = coordinator.get("/initiatives/new/").content.decode()
    assert 'name="new_topic_area"' in page and f'value="{public_safety.pk}"' in page
    coordinator.post("/initiatives/new/", _new(world, topic_area=[public_safety], new_topic_area="Broadband"))
    made = Initiative.objects.get(title="Shared fleet maintenance")
    assert sorted(t.name for t in made.terms.all()) == ["Broadband", "Public Safety"]


def test_it_marks_each_failing_field(world: World) -> None:
    response = _as(world.coordinator).post(
        "/initiatives/new/",
        _new(world, title="", cost_estimate="-5", participating=[world.kansas_city], owner=world.outsider),
    )
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("title", "cost_estimate", "owner"):
        assert re.search(
            rf'usa-form-group--error">\s*<label class="usa-label usa-label--error" for="id_{name}"', page
        ), name
        assert f'id="id_{name}-error"' in page
        assert re.search(rf'id="id_{name}" [^>]*aria-describedby="[^"]*id_{name}-error"', page), name
    assert 'id="participating-group" aria-describedby="participating-hint participating-error"' in page
    assert "Select a valid choice" in page
    assert not Initiative.objects.filter(title="").exists()


def test_it_offers_as_owners_only_the_staff_of_the_collaboratives_governments(world: World) -> None:
    page = _as(world.coordinator).get(f"/initiatives/{world.initiative.pk}/edit/").content.decode()
    owners = re.search(r'<select[^>]*name="owner".*?</select>', page, re.S).group(0)  # type: ignore[union-attr]
    assert f'value="{world.clerk.pk}"' in owners and f'value="{world.coordinator.pk}"' in owners
    assert f'value="{world.outsider.pk}"' not in owners


def test_it_edits_every_field_partners_and_terms_as_one_new_version(world: World) -> None:
    before = Initiative.objects.get(pk=world.initiative.pk).lock_version
    response = _as(world.coordinator).post(
        f"/initiatives/{world.initiative.pk}/edit/",
        initiative_post(
            world.initiative,
            description="One shop for five cities",
            participating=[world.blue_springs, world.lees_summit],
            tracking_success="Repairs within 10 days",
            new_funding_source="Member dues",
        ),
    )
    assert response.status_code == 302
    stored = Initiative.objects.get(pk=world.initiative.pk)
    assert stored.lock_version == before + 1 and stored.tracking_success == ["Repairs within 10 days"]
    assert {p.government.name for p in stored.partners_of("participating")} == {
        "Blue Springs",
        "Lee's Summit",
    }
    assert {t.name for t in stored.terms.all()} == {"Public Safety", "Member dues"}


def test_it_keeps_imported_partners_and_owner_from_outside_the_collaborative(world: World) -> None:
    # A plan page names outside agencies; editing its description must not drop them or its owner.
    imported = initiative_create(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        title="Imported",
        partners={"supporting": [world.kansas_city]},
    )
    Initiative.objects.filter(pk=imported.pk).update(owner=world.outsider)
    response = _as(world.coordinator).post(
        f"/initiatives/{imported.pk}/edit/", initiative_post(imported, description="Edited")
    )
    assert response.status_code == 302
    stored = Initiative.objects.get(pk=imported.pk)
    assert stored.owner == world.outsider and stored.description == "Edited"
    assert [p.government for p in stored.partners_of("supporting")] == [world.kansas_city]


def test_it_refuses_editing_to_outsiders_and_to_members_who_do_not_lead(world: World) -> None:
    assert _as(world.outsider).get(f"/initiatives/{world.initiative.pk}/edit/").status_code == 403
    hidden = world.hidden_initiative
    assert _as(world.clerk).get(f"/initiatives/{hidden.pk}/edit/").status_code == 403
    assert (
        _as(world.clerk).post(f"/initiatives/{hidden.pk}/edit/", initiative_post(hidden)).status_code == 403
    )


def test_it_keeps_a_member_editors_government_leading_what_they_edit(world: World) -> None:
    response = _as(world.clerk).post(
        f"/initiatives/{world.initiative.pk}/edit/",
        initiative_post(world.initiative, lead=[world.blue_springs]),
    )
    assert response.status_code == 200
    assert 'id="lead-group" aria-describedby="lead-hint lead-error"' in response.content.decode()
    assert [p.government for p in Initiative.objects.get(pk=world.initiative.pk).partners_of("lead")] == [
        world.lees_summit
    ]


def test_it_says_recommendation_only_for_a_plans_recommendations(world: World) -> None:
    page = _as(world.coordinator).get(f"/initiatives/{world.initiative.pk}/").content.decode()
    assert "<h1>EJC-1: Radio equipment maintenance</h1>" in page and "Recommendation" not in page
    plan = plan_create(acting_user=world.coordinator, collaborative=world.collaborative, name="Work plan")
    _as(world.coordinator).post(
        f"/initiatives/{world.initiative.pk}/edit/", initiative_post(world.initiative, plan=plan)
    )
    page = _as(world.coordinator).get(f"/initiatives/{world.initiative.pk}/").content.decode()
    assert "<h1>Recommendation EJC-1</h1>" in page


# --- KPIs ------------------------------------------------------------------------------------------


def _kpi_post(**values: Any) -> dict[str, Any]:
    today = timezone.localdate()
    base = {
        "name": "Net cost of the shared shop",
        "unit": "dollars",
        "direction": "lower",
        "baseline": "-10000",
        "baseline_on": today - dt.timedelta(days=30),
        "target": "-20000",
        "target_on": today + dt.timedelta(days=335),
        "owner": "",
        "update_every_days": "30",
    }
    return as_posted({**base, **values})


def test_it_lets_the_lead_add_and_edit_a_kpi_and_enter_a_measurement(world: World) -> None:
    clerk = _as(world.clerk)
    pk = world.initiative.pk
    assert clerk.post(f"/initiatives/{pk}/kpis/new/", _kpi_post(owner=world.clerk)).status_code == 302
    kpi = Kpi.objects.get(initiative=world.initiative)
    assert (kpi.baseline, kpi.update_every_days, kpi.owner) == (Decimal("-10000.00"), 30, world.clerk)
    page = clerk.get(f"/initiatives/{pk}/").content.decode()
    assert "\u2212$10,000.00" in page and "$-10,000.00" not in page
    assert f'href="/kpis/{kpi.pk}/edit/"' in page and 'id="add-kpi"' in page
    response = clerk.post(
        f"/kpis/{kpi.pk}/edit/", _kpi_post(target="-25000", owner=world.clerk, lock_version=kpi.lock_version)
    )
    assert response.status_code == 302
    assert Kpi.objects.get(pk=kpi.pk).target == Decimal("-25000.00")
    measured = {"measured_on": timezone.localdate(), "value": "-12000", "note": ""}
    assert clerk.post(f"/kpis/{kpi.pk}/measure/", as_posted(measured)).status_code == 302
    assert Measurement.objects.get(kpi=kpi).value == Decimal("-12000.00")


def test_it_refuses_kpi_pages_to_outsiders_and_members_who_do_not_lead(world: World) -> None:
    kpi = kpi_create(
        acting_user=world.coordinator, initiative=world.hidden_initiative, name="Tons", unit="tons"
    )
    # The outsider cannot see the unpublished initiative at all; the member sees it but Blue Springs leads it.
    for user, status in ((world.outsider, 404), (world.clerk, 403)):
        assert _as(user).get(f"/initiatives/{world.hidden_initiative.pk}/kpis/new/").status_code == status
        assert _as(user).post(f"/kpis/{kpi.pk}/edit/", _kpi_post()).status_code == status
    assert Kpi.objects.get(pk=kpi.pk).name == "Tons"


def test_it_marks_a_missing_unit_and_a_baseline_without_its_date(world: World) -> None:
    url = f"/initiatives/{world.initiative.pk}/kpis/new/"
    page = _as(world.coordinator).post(url, _kpi_post(unit="")).content.decode()
    assert 'id="id_unit-error"' in page and re.search(
        r'id="id_unit" [^>]*aria-describedby="[^"]*id_unit-error"', page
    )
    response = _as(world.coordinator).post(url, _kpi_post(baseline_on=""))
    page = response.content.decode()
    assert response.status_code == 200 and not Kpi.objects.exists()
    assert 'id="id_baseline_on-error"' in page and "A baseline needs both a value and a date." in page


def test_it_shows_both_versions_of_a_kpi_edited_by_two_people(world: World) -> None:
    kpi = kpi_create(acting_user=world.coordinator, initiative=world.initiative, name="Radios", unit="radios")
    first = _kpi_post(name="Radios repaired", lock_version=kpi.lock_version)
    assert _as(world.coordinator).post(f"/kpis/{kpi.pk}/edit/", first).status_code == 302
    second = _kpi_post(name="Radios serviced", lock_version=kpi.lock_version)
    response = _as(world.clerk).post(f"/kpis/{kpi.pk}/edit/", second)
    assert response.status_code == 409
    page = response.content.decode()
    row = re.search(r'data-field="name">(.*?)</tr>', page, re.S).group(1)  # type: ignore[union-attr]
    assert "Radios serviced" in row and "Radios repaired" in row and "differs" in row
    assert f'name="lock_version" value="{kpi.lock_version + 1}"' in page
    assert Kpi.objects.get(pk=kpi.pk).name == "Radios repaired"


def test_it_labels_kpis_and_their_cadence_as_people_write_them(world: World) -> None:
    admin_index = _as(world.admin).get("/admin/").content.decode()
    assert "KPIs" in admin_index and "Kpis" not in admin_index
    page = _as(world.coordinator).get(f"/initiatives/{world.initiative.pk}/kpis/new/").content.decode()
    assert "Update every N days" in page and "Update every days" not in page
    assert str(Kpi._meta.get_field("update_every_days").verbose_name) == "update every N days"


def test_it_writes_negative_money_with_a_minus_sign_before_the_dollar() -> None:
    assert money(Decimal("-10000")) == "\u2212$10,000.00"
    assert money(Decimal("1234.565")) == "$1,234.57"
    assert money(None) == ""
