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
