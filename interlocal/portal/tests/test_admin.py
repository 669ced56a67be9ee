from django.test import Client

from interlocal.audit.models import AuditEvent
from interlocal.testkit import World


def _login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _government_form(world: World, government, **changes) -> dict:  # type: ignore[no-untyped-def]
    data = {
        "kind": government.kind,
        "name": government.name,
        "slug": government.slug,
        "state": government.state,
        "website": "",
        "county_name": "",
        "parent": "",
        "land_area_m2": "",
        "ocd_division_id": "",
        "geoid": "",
        "population": "",
        "population_year": "",
        "population_source": "",
        "is_published": "on",
    }
    data.update(changes)
    return data


def test_it_lets_a_clerk_change_their_own_city_in_the_admin(world: World) -> None:
    url = f"/admin/governments/government/{world.lees_summit.pk}/change/"
    response = _login(world.clerk).post(url, _government_form(world, world.lees_summit, population="101108"))
    assert response.status_code == 302, response.content.decode()[:2000]
    world.lees_summit.refresh_from_db()
    assert world.lees_summit.population == 101108
    event = AuditEvent.objects.filter(verb="government_update_admin").get()
    assert event.actor == world.clerk and event.changes == {"population": [None, 101108]}


def test_it_refuses_a_clerk_changing_another_city_in_the_admin(world: World) -> None:
    url = f"/admin/governments/government/{world.blue_springs.pk}/change/"
    response = _login(world.clerk).post(url, _government_form(world, world.blue_springs, population="1"))
    assert response.status_code == 403
    world.blue_springs.refresh_from_db()
    assert world.blue_springs.population is None


def test_it_never_offers_deletion(world: World) -> None:
    url = f"/admin/governments/government/{world.lees_summit.pk}/delete/"
    assert _login(world.admin).post(url, {"post": "yes"}).status_code == 403
    assert world.lees_summit.__class__.objects.filter(pk=world.lees_summit.pk).exists()


def test_it_hides_unpublished_initiatives_of_other_collaboratives_in_the_admin(world: World) -> None:
    url = f"/admin/initiatives/initiative/{world.hidden_initiative.pk}/change/"
    assert _login(world.outsider).get(url).status_code == 302  # admin redirects missing objects to the list
    assert _login(world.clerk).get(url).status_code == 200


def test_it_keeps_the_public_and_viewers_out_of_the_back_office(world: World, client: Client) -> None:
    assert client.get("/admin/").status_code == 302
    assert _login(world.clerk).get("/admin/").status_code == 200
    assert _login(world.clerk).get("/admin/audit/auditevent/").status_code == 403
    assert _login(world.coordinator).get("/admin/audit/auditevent/").status_code == 200


def test_it_lists_records_in_the_admin_for_coordinators(world: World) -> None:
    client = _login(world.coordinator)
    for path in [
        "governments/government",
        "collaboratives/collaborative",
        "initiatives/initiative",
        "agreements/agreement",
        "agreements/agreementversion",
        "agreements/legislativematter",
        "agreements/adoption",
        "initiatives/term",
        "initiatives/plan",
        "initiatives/stagegate",
        "initiatives/criteriaset",
        "tracking/kpi",
    ]:
        assert client.get(f"/admin/{path}/").status_code == 200, path


def test_it_audits_many_to_many_changes_made_in_the_admin(world: World) -> None:
    url = f"/admin/governments/government/{world.lees_summit.pk}/change/"
    form = _government_form(world, world.lees_summit, neighbours=[str(world.blue_springs.pk)])
    assert _login(world.clerk).post(url, form).status_code == 302
    assert list(world.lees_summit.neighbours.all()) == [world.blue_springs]
    event = AuditEvent.objects.filter(verb="government_relations_admin").get()
    assert event.actor == world.clerk and event.changes == {"neighbours": [[], ["Blue Springs"]]}


def _rival(world: World, *, published: bool = False):  # type: ignore[no-untyped-def]
    """St. Louis County's planner with a collaborative of their own, and an unpublished idea in it."""
    from interlocal.collaboratives.actions import collaborative_create
    from interlocal.governments.actions import government_create, person_create
    from interlocal.initiatives.actions import initiative_create

    stl = government_create(acting_user=world.admin, kind="county", name="St. Louis County", state="MO")
    planner = person_create(
        acting_user=world.admin, username="stl-planner", government=stl, role="coordinator"
    )
    secret = collaborative_create(
        acting_user=planner, name="Secret STL", slug="secret-stl", facilitator=stl, is_published=published
    )
    initiative_create(acting_user=planner, collaborative=secret, code="STL-9", title="Secret idea")
    return planner, secret


def test_it_shows_a_coordinator_only_their_own_collaboratives_audit_log(world: World) -> None:
    planner, _ = _rival(world)
    client = _login(planner)
    listing = client.get("/admin/audit/auditevent/?all=")
    assert listing.status_code == 200
    assert "Secret idea" in listing.content.decode()
    assert "Draft recycling idea" not in listing.content.decode()
    event = AuditEvent.objects.filter(object_repr__contains="Draft recycling idea").first()
    assert event is not None
    assert client.get(f"/admin/audit/auditevent/{event.pk}/change/").status_code == 302  # as if missing


def _initiative_form(initiative, **changes) -> dict:  # type: ignore[no-untyped-def]
    data = {
        "collaborative": initiative.collaborative_id,
        "plan": "",
        "plan_position": "",
        "code": initiative.code,
        "title": initiative.title,
        "description": initiative.description,
        "status": initiative.status,
        "stage": initiative.stage,
        "update_every_days": initiative.update_every_days,
        "cost_band": initiative.cost_band,
        "cost_estimate": "",
        "timeline_band": initiative.timeline_band,
        "start_on": "",
        "end_on": "",
        "equity_considerations": "",
        "sustainability_considerations": "",
        "tracking_implementation": "",
        "tracking_success": "[]",
        "if_overperforming": "",
        "if_underperforming": "",
        "owner": "",
        "services": "[]",
        "partners-TOTAL_FORMS": "0",
        "partners-INITIAL_FORMS": "0",
        "partners-MIN_NUM_FORMS": "0",
        "partners-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_it_refuses_a_member_editor_moving_or_publishing_an_initiative_in_the_admin(world: World) -> None:
    from interlocal.initiatives.actions import initiative_create
    from interlocal.initiatives.models import Initiative

    _, secret = _rival(world, published=True)
    led = initiative_create(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        code="EJC-3",
        title="Clerk's draft",
        partners={"lead": [world.lees_summit]},
    )
    url = f"/admin/initiatives/initiative/{led.pk}/change/"
    client = _login(world.clerk)
    assert client.get(url).status_code == 200  # the clerk's government leads it
    moved = client.post(url, _initiative_form(led, collaborative=secret.pk, is_published="on"))
    assert moved.status_code in (302, 403)  # the fields are read-only for the clerk, or the save is refused
    led.refresh_from_db()
    assert (led.collaborative_id, led.is_published) == (world.collaborative.pk, False)
    response = client.post(url, _initiative_form(led, description="Clearer"))
    assert response.status_code == 302
    assert Initiative.objects.get(pk=led.pk).description == "Clearer"


def test_it_offers_only_the_collaboratives_own_initiatives_on_the_agreement_form(world: World) -> None:
    _rival(world)
    page = _login(world.coordinator).get("/admin/agreements/agreement/add/").content.decode()
    assert "Draft recycling idea" in page
    assert "Secret idea" not in page


def test_it_hides_unpublished_governments_and_collaboratives_in_the_admin(world: World) -> None:
    from interlocal.governments.actions import government_create

    _, secret = _rival(world)
    hidden = government_create(
        acting_user=world.admin, kind="city", name="Hidden Town", state="MO", is_published=False
    )
    client = _login(world.outsider)
    assert client.get(f"/admin/governments/government/{hidden.pk}/change/").status_code == 302
    assert client.get(f"/admin/collaboratives/collaborative/{secret.pk}/change/").status_code == 302
    assert "Hidden Town" not in client.get("/admin/governments/government/").content.decode()
    assert "Secret STL" not in client.get("/admin/initiatives/initiative/").content.decode()
    picker = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "agreements",
            "model_name": "legislativematter",
            "field_name": "government",
            "term": "Hid",
        },
    )
    assert picker.status_code == 200 and "Hidden Town" not in picker.content.decode()
    assert "Hidden Town" in _login(world.admin).get("/admin/governments/government/").content.decode()


def test_it_only_proposes_memberships_added_in_the_admin(world: World) -> None:
    from interlocal.collaboratives.models import Membership

    collab = world.collaborative
    rows = list(collab.memberships.order_by("pk"))
    data = {
        "name": collab.name,
        "slug": collab.slug,
        "short_name": "",
        "purpose": "",
        "facilitator": collab.facilitator_id,
        "formed_on": "",
        "is_published": "on",
        "memberships-TOTAL_FORMS": str(len(rows) + 1),
        "memberships-INITIAL_FORMS": str(len(rows)),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for i, m in enumerate(rows):
        data.update(
            {
                f"memberships-{i}-id": m.pk,
                f"memberships-{i}-collaborative": collab.pk,
                f"memberships-{i}-government": m.government_id,
                f"memberships-{i}-role": m.role,
                f"memberships-{i}-joined_on": m.joined_on.isoformat(),
                f"memberships-{i}-left_on": "",
                f"memberships-{i}-authorising_matter": "",
            }
        )
    n = len(rows)
    data.update(
        {
            f"memberships-{n}-collaborative": collab.pk,
            f"memberships-{n}-government": world.kansas_city.pk,
            f"memberships-{n}-role": "member",
            f"memberships-{n}-joined_on": "2024-01-01",
            f"memberships-{n}-left_on": "",
            f"memberships-{n}-authorising_matter": "",
        }
    )
    response = _login(world.coordinator).post(
        f"/admin/collaboratives/collaborative/{collab.pk}/change/", data
    )
    assert response.status_code == 302
    added = Membership.objects.get(collaborative=collab, government=world.kansas_city)
    assert added.status == "proposed"
    assert AuditEvent.objects.filter(verb="membership_propose", object_id=str(added.pk)).exists()


def test_it_answers_a_coordinators_adoption_in_the_admin_with_a_marked_field_not_a_500(world: World) -> None:
    from interlocal.agreements.actions import matter_create
    from interlocal.agreements.models import Adoption

    marc_matter = matter_create(
        acting_user=world.coordinator, government=world.marc, file_number="MARC-1", title="Board resolution"
    )
    client = _login(world.coordinator)
    client.raise_request_exception = False
    response = client.post(
        "/admin/agreements/adoption/add/",
        {
            "version": world.version.pk,
            "government": world.marc.pk,
            "matter": marc_matter.pk,
            "adopted_on": "2021-05-01",
        },
    )
    assert response.status_code == 200
    assert "MARC is not a party to Statement of Common Purpose v1." in response.content.decode()
    assert not Adoption.objects.filter(government=world.marc).exists()


def test_it_offers_only_the_users_own_councils_matters_on_the_admin_adoption_form(world: World) -> None:
    import re

    from interlocal.agreements.actions import matter_create

    matter_create(acting_user=world.admin, government=world.blue_springs, file_number="R-2021-31", title="BS")
    page = _login(world.clerk).get("/admin/agreements/adoption/add/").content.decode()
    select = re.search(r'<select name="matter".*?</select>', page, re.S)
    assert select is not None
    offered = re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>', select.group(0))
    assert offered == ["RES. NO. 21-08"]
