from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from interlocal.agreements import actions as agreements
from interlocal.collaboratives import actions as collaboratives
from interlocal.governments import actions as governments
from interlocal.initiatives.models import Initiative
from interlocal.testkit import World
from interlocal.vocab import AgreementKind, GovernmentKind

PAGES = ["/collaboratives/", "/governments/", "/agreements/", "/legislation/"]


def _as(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_it_lists_each_record_type_linked_from_the_navigation(world: World, client: Client) -> None:
    home = client.get("/").content.decode()
    for url in [*PAGES, "/search/"]:
        assert f'href="{url}"' in home, url
    assert "Eastern Jackson County" in client.get("/collaboratives/").content.decode()
    assert "Lee&#x27;s Summit" in client.get("/governments/").content.decode()
    assert "Statement of Common Purpose" in client.get("/agreements/").content.decode()
    assert "RES. NO. 21-08" in client.get("/legislation/").content.decode()


def test_it_scopes_the_lists_by_role(world: World, client: Client) -> None:
    hidden = collaboratives.collaborative_create(
        acting_user=world.coordinator, name="Quiet Compact", facilitator=world.marc, is_published=False
    )
    agreements.agreement_create(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        kind=AgreementKind.STATEMENT_OF_COMMON_PURPOSE,
        title="Unpublished draft compact",
    )
    assert hidden.pk
    for user, sees in (
        (None, False),
        (world.outsider, False),
        (world.clerk, True),
        (world.coordinator, True),
    ):
        viewer = client if user is None else _as(user)
        assert ("Unpublished draft compact" in viewer.get("/agreements/").content.decode()) is sees
    assert "Quiet Compact" not in client.get("/collaboratives/").content.decode()
    assert "Quiet Compact" in _as(world.coordinator).get("/collaboratives/").content.decode()


def test_it_sorts_by_column_with_aria_sort(world: World, client: Client) -> None:
    page = client.get("/governments/").content.decode()
    assert 'aria-sort="ascending"><a href="?sort=-name"' in page
    assert page.index("Blue Springs") < page.index("Lee&#x27;s Summit")
    page = client.get("/governments/?sort=-name").content.decode()
    assert 'aria-sort="descending"><a href="?sort=name"' in page
    assert page.index("Lee&#x27;s Summit") < page.index("Blue Springs")
    # Where the table stacks on a phone, a menu offers the same orders.
    assert '<option value="-name" selected>Name, descending</option>' in page
    # An unknown column falls back to the default order rather than failing.
    assert client.get("/governments/?sort=bogus").status_code == 200


def test_it_paginates_with_constant_queries(world: World, client: Client) -> None:
    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = {url: count(url) for url in PAGES}
    for n in range(30):
        governments.government_create(
            acting_user=world.admin, kind=GovernmentKind.CITY, name=f"Town {n:02}", state="MO"
        )
    page = client.get("/governments/").content.decode()
    assert 'class="usa-pagination"' in page and "page 1 of 2" in page
    assert "Town 29" in client.get("/governments/?sort=name&page=2").content.decode()
    assert {url: count(url) for url in PAGES} == before
    assert Initiative.objects.exists()


def test_it_reports_an_unknown_filter_value_and_keeps_the_others(world: World, client: Client) -> None:
    page = client.get("/initiatives/", {"topic": "bogus", "status": "new"}).content.decode()
    assert "Unknown topic area “bogus”" in page and "The other filters still apply" in page
    assert "usa-form-group--error" in page and 'aria-describedby="id_topic-error"' in page
    assert "1 initiative found" in page  # only the published initiative; status "new" still applies
    page = client.get("/initiatives/", {"status": "bogus"}).content.decode()
    assert "Unknown status “bogus”" in page
    page = client.get("/initiatives/", {"stage": "proposed"}).content.decode()
    assert "0 initiatives found" in page
    page = client.get("/initiatives/", {"collaborative": "bogus", "stage": "idea"}).content.decode()
    assert "Unknown collaborative “bogus”" in page and "1 initiative found" in page
    slug = world.collaborative.slug
    page = client.get("/initiatives/", {"collaborative": slug, "stage": "idea"}).content.decode()
    assert "Unknown" not in page.split('id="results"')[1].split("<table")[0] and "1 initiative found" in page
