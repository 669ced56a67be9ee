import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from interlocal.agreements import actions as agreements
from interlocal.initiatives.actions import initiative_create
from interlocal.testkit import World
from interlocal.vocab import PartnerRole, TermKind


def _as(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


def test_it_shows_public_pages_with_their_records(world: World, client: Client) -> None:
    assert "Eastern Jackson County" in client.get("/").content.decode()
    page = client.get(f"/initiatives/{world.initiative.pk}/").content.decode()
    assert "EJC-1" in page and "Lee&#x27;s Summit" in page and "Not Project" in page
    matter = client.get(f"/legislation/{world.matter.pk}/").content.decode()
    assert "RES. NO. 21-08" in matter and "3/31/2021" in matter
    assert client.get("/governments/lees-summit/").status_code == 200
    assert client.get("/collaboratives/eastern-jackson-county/").status_code == 200


def test_it_hides_unpublished_initiatives_from_the_public(world: World, client: Client) -> None:
    assert client.get(f"/initiatives/{world.hidden_initiative.pk}/").status_code == 404
    assert "Draft recycling idea" not in client.get("/initiatives/").content.decode()
    assert client.get("/initiatives/999999/").status_code == 404


def test_it_shows_unpublished_initiatives_to_members_only(world: World) -> None:
    assert _as(world.clerk).get(f"/initiatives/{world.hidden_initiative.pk}/").status_code == 200
    assert _as(world.outsider).get(f"/initiatives/{world.hidden_initiative.pk}/").status_code == 404


def test_it_says_who_has_not_adopted(world: World, client: Client) -> None:
    page = client.get(f"/agreements/{world.agreement.pk}/").content.decode()
    assert "Not in force: waiting for" in page
    assert "Blue Springs" in page.split("Not in force: waiting for")[1].split("to adopt")[0]
    assert "Lee&#x27;s Summit" not in page.split("Not in force: waiting for")[1].split("to adopt")[0]


def test_it_filters_and_searches_initiatives(world: World, client: Client) -> None:
    assert "EJC-1" in client.get("/initiatives/?topic=public-safety").content.decode()
    assert "EJC-1" not in client.get("/initiatives/?type=policy").content.decode()
    assert "EJC-1" in client.get("/initiatives/?q=radio").content.decode()
    assert "EJC-1" in client.get(f"/initiatives/?partner={world.lees_summit.slug}").content.decode()
    assert "0 initiatives found" in client.get("/initiatives/?q=zebra").content.decode()


def test_it_returns_only_results_to_htmx(world: World, client: Client) -> None:
    html = client.get("/initiatives/?q=radio", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in html and "EJC-1" in html


def test_it_ignores_bad_filter_values(world: World, client: Client) -> None:
    response = client.get("/initiatives/?cost=gold&page=abc")
    assert response.status_code == 200


def test_it_lets_a_clerk_edit_their_own_city(world: World) -> None:
    response = _as(world.clerk).post("/governments/lees-summit/edit/", {"population": "101108"})
    assert response.status_code == 302
    world.lees_summit.refresh_from_db()
    assert world.lees_summit.population == 101108


def test_it_refuses_a_clerk_editing_another_city(world: World) -> None:
    response = _as(world.clerk).post("/governments/blue-springs/edit/", {"population": "1"})
    assert response.status_code == 403
    world.blue_springs.refresh_from_db()
    assert world.blue_springs.population is None


def test_it_sends_the_public_to_sign_in_before_editing(world: World, client: Client) -> None:
    response = client.get("/governments/lees-summit/edit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_shows_a_clear_error_for_a_bad_population(world: World) -> None:
    response = _as(world.clerk).post("/governments/lees-summit/edit/", {"population": "many"})
    assert response.status_code == 200 and "Enter a whole number" in response.content.decode()


def _add_initiatives(world: World, n: int) -> None:
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from interlocal.tracking.actions import kpi_create, measurement_record

    today = timezone.localdate()
    for i in range(n):
        initiative = initiative_create(
            acting_user=world.coordinator,
            collaborative=world.collaborative,
            title=f"Idea {i}",
            is_published=True,
            code=f"X-{i}",
            terms={TermKind.TOPIC_AREA: [f"Topic {i}"]},
            partners={PartnerRole.LEAD: [world.lees_summit], PartnerRole.SUPPORTING: [world.blue_springs]},
        )
        kpi = kpi_create(
            acting_user=world.coordinator,
            initiative=initiative,
            name=f"Measure {i}",
            unit="n",
            baseline=Decimal(1),
            baseline_on=today - dt.timedelta(days=10),
            target=Decimal(2),
            target_on=today + dt.timedelta(days=10),
        )
        measurement_record(acting_user=world.coordinator, kpi=kpi, measured_on=today, value=Decimal("1.5"))


@pytest.mark.parametrize(
    "path", ["/initiatives/", "/", "/collaboratives/eastern-jackson-county/", "/governments/lees-summit/"]
)
def test_it_runs_a_constant_number_of_queries_as_rows_grow(world: World, client: Client, path: str) -> None:
    _add_initiatives(world, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    _add_initiatives(world, 15)
    with CaptureQueriesContext(connection) as many:
        assert client.get(path).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_it_hides_an_unpublished_collaborative_from_the_public_and_outsiders(
    world: World, client: Client
) -> None:
    from interlocal.collaboratives.actions import collaborative_update

    collaborative_update(acting_user=world.coordinator, collaborative=world.collaborative, is_published=False)
    path = f"/collaboratives/{world.collaborative.slug}/"
    assert client.get(path).status_code == 404
    assert _as(world.outsider).get(path).status_code == 404
    assert _as(world.clerk).get(path).status_code == 200
    assert client.get(f"/initiatives/{world.initiative.pk}/").status_code == 404


def test_it_hides_unpublished_legislation_except_from_its_own_staff(world: World, client: Client) -> None:
    from interlocal.agreements.actions import matter_update

    matter_update(acting_user=world.clerk, matter=world.matter, is_published=False)
    path = f"/legislation/{world.matter.pk}/"
    assert client.get(path).status_code == 404
    assert _as(world.outsider).get(path).status_code == 404
    assert _as(world.clerk).get(path).status_code == 200
    assert client.get("/legislation/999999/").status_code == 404


def test_it_hides_an_unpublished_government(world: World, client: Client) -> None:
    from interlocal.governments.actions import government_update

    government_update(acting_user=world.admin, government=world.kansas_city, is_published=False)
    assert client.get("/governments/kansas-city/").status_code == 404
    assert _as(world.outsider).get("/governments/kansas-city/").status_code == 200
    assert client.get("/governments/nowhere/").status_code == 404


def test_it_keeps_unpublished_collaboratives_out_of_the_public_feed(world: World, client: Client) -> None:
    # Issue 8: a published initiative of an unpublished collaborative leaked through /feeds/changes.atom.
    from interlocal.collaboratives.actions import collaborative_create
    from interlocal.initiatives.actions import (
        initiative_advance,
        initiative_create,
        initiative_report_progress,
    )

    secret = collaborative_create(
        acting_user=world.coordinator, name="Secret Council", slug="secret", facilitator=world.marc
    )
    leaked = initiative_create(
        acting_user=world.coordinator,
        collaborative=secret,
        code="S-1",
        title="Quiet merger",
        is_published=True,
    )
    initiative_report_progress(acting_user=world.coordinator, initiative=leaked, text="Confidential numbers")
    initiative_advance(
        acting_user=world.coordinator, initiative=leaked, to_stage="exploring", reason="Secret why"
    )
    body = client.get("/feeds/changes.atom").content.decode()
    assert "Radio equipment maintenance" in body
    for text in ("Quiet merger", "Confidential numbers", "Secret why"):
        assert text not in body


def test_it_sends_notes_in_the_feed_as_plain_text(world: World, client: Client) -> None:
    from interlocal.initiatives.actions import initiative_advance, initiative_report_progress

    initiative_report_progress(
        acting_user=world.coordinator, initiative=world.initiative, text='<img src=x onerror="alert(1)">'
    )
    initiative_advance(
        acting_user=world.coordinator, initiative=world.initiative, to_stage="exploring", reason="<b>why</b>"
    )
    body = client.get("/feeds/changes.atom").content.decode()
    # Escaped twice in the XML: a reader decodes once and shows the text, never renders it.
    assert "&amp;lt;b&amp;gt;why" in body and "&lt;b&gt;why" not in body
    assert "&amp;lt;img src=x" in body and "&lt;img src" not in body


def _attach(world: World, matter, name: str = "Resolution"):  # type: ignore[no-untyped-def]
    return agreements.matter_attachment_add(
        acting_user=world.admin,
        matter=matter,
        name=name,
        file_name="resolution.txt",
        content=b"NOW, THEREFORE, BE IT RESOLVED",
        note="Generated for the test.",
    )


def test_it_downloads_an_attachment_of_a_matter_the_reader_may_see(world: World, client: Client) -> None:
    attachment = _attach(world, world.matter)
    page = client.get(f"/legislation/{world.matter.pk}/").content.decode()
    url = f"/legislation/{world.matter.pk}/attachments/{attachment.pk}/"
    assert f'href="{url}"' in page and "Generated for the test." in page
    response = client.get(url)
    assert response.status_code == 200
    assert response.content == b"NOW, THEREFORE, BE IT RESOLVED"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="resolution.txt"'


def test_it_answers_404_for_attachments_of_hidden_matters_or_without_a_file(world: World) -> None:
    hidden = agreements.matter_create(
        acting_user=world.outsider,
        government=world.kansas_city,
        file_number="ORD-1",
        title="An unpublished ordinance.",
        is_published=False,
    )
    attachment = _attach(world, hidden)
    url = f"/legislation/{hidden.pk}/attachments/{attachment.pk}/"
    assert _as(world.outsider).get(url).status_code == 200
    assert _as(world.public).get(url).status_code == 404
    assert _as(world.clerk).get(url).status_code == 404
    # The visible matter's id cannot be used to reach another matter's attachment.
    assert (
        _as(world.clerk).get(f"/legislation/{world.matter.pk}/attachments/{attachment.pk}/").status_code
        == 404
    )
    link_only = agreements.matter_attachment_add(
        acting_user=world.clerk, matter=world.matter, name="Map", url="https://example.org/map.pdf"
    )
    assert (
        _as(world.clerk).get(f"/legislation/{world.matter.pk}/attachments/{link_only.pk}/").status_code == 404
    )


def test_it_renders_matter_text_as_structured_escaped_html(world: World, client: Client) -> None:
    agreements.matter_update(
        acting_user=world.clerk,
        matter=world.matter,
        text="### Background\n\nCities <script>alert(1)</script> share.\n\n- One\n- Two",
    )
    page = client.get(f"/legislation/{world.matter.pk}/").content.decode()
    text = page[page.index('id="text"') :]
    assert "<h3>Background</h3>" in text
    assert "<ul>\n<li>One</li>\n<li>Two</li>\n</ul>" in text
    assert "<script>alert" not in text
