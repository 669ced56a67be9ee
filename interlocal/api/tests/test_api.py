from django.test import Client

from interlocal.testkit import World


def test_it_lists_published_initiatives(world: World, client: Client) -> None:
    body = client.get("/api/v1/initiatives").json()
    assert [i["code"] for i in body] == ["EJC-1"]
    assert body[0]["lead_partners"] == ["Lee's Summit"] and body[0]["types"] == ["partnership"]


def test_it_returns_404_for_hidden_and_missing_initiatives(world: World, client: Client) -> None:
    assert client.get(f"/api/v1/initiatives/{world.hidden_initiative.pk}").status_code == 404
    assert client.get("/api/v1/initiatives/999999").status_code == 404
    client.force_login(world.clerk)
    assert client.get(f"/api/v1/initiatives/{world.hidden_initiative.pk}").status_code == 200


def test_it_reports_adoption_status(world: World, client: Client) -> None:
    body = client.get(f"/api/v1/agreements/{world.agreement.pk}").json()
    version = body["versions"][0]
    assert version["in_force"] is False
    adopted = {p["government"]: p["adopted_on"] for p in version["parties"]}
    assert adopted == {"Blue Springs": None, "Lee's Summit": "2021-04-13"}


def test_it_hides_unpublished_agreements(world: World, client: Client) -> None:
    from interlocal.agreements.actions import agreement_create

    draft = agreement_create(
        acting_user=world.coordinator, collaborative=world.collaborative, kind="mou", title="Draft MOU"
    )
    assert client.get(f"/api/v1/agreements/{draft.pk}").status_code == 404
    assert client.get(f"/agreements/{draft.pk}/").status_code == 404


def test_it_publishes_an_openapi_document(db: None, client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/initiatives" in schema["paths"]
