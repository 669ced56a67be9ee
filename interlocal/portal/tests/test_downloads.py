"""Every portal list page offers CSV and JSON of exactly the rows it shows, as every role sees them."""

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext, ContextList
from django.urls import path

from interlocal import urls as root_urls
from interlocal.initiatives.actions import initiative_create
from interlocal.portal import tables
from interlocal.portal.downloads import REGISTRY
from interlocal.testkit import MatrixWorld, build_matrix_world
from interlocal.tests.test_permission_matrix import PAGES, _path

# Pages that show a paginated list but offer no download, and why.
EXCLUDED: dict[str, str] = {}

# Per list page: a query that narrows or reorders what it shows ("": the page has neither filters nor sorting).
FILTERED = {
    "portal:initiatives": "?collaborative=eastern-jackson-county",
    "portal:collaboratives": "?sort=-name",
    "portal:governments": "?sort=-population",
    "portal:agreements": "?collaborative=eastern-jackson-county",
    "portal:matters": "?government=lees-summit",
    "portal:meetings": "?sort=body",
    "costshare:scenarios": "",
    "costshare:savings": "",
    "portal:plans": "",
}
ROLES = ("public", "member", "coordinator")
# The most queries a download may run for any role, whatever its size.
MOST_QUERIES = 10


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[MatrixWorld]:
    """The permission matrix's world, built once for the module and rolled back after it."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        yield build_matrix_world()
        transaction.set_rollback(True)


def _client(world: MatrixWorld, role: str) -> Client:
    client = Client()
    if role != "public":
        client.force_login(world.users[role])  # type: ignore[arg-type]
    return client


def _url(world: MatrixWorld, name: str) -> str:
    row = PAGES[name]
    return _path(name, row.args(world)[0] if row.args else ())


def _shown_page(response: Any) -> Page[Any] | None:
    """The paginated page a response rendered, if any (a Table's page or a bare Page)."""
    found = response.context
    if found is None:
        return None
    contexts: list[Any] = list(found) if isinstance(found, ContextList) else [found]
    for context in contexts:
        for values in context.dicts:
            for value in values.values():
                if isinstance(value, tables.Table):
                    return value.page
                if isinstance(value, Page):
                    return value
    return None


def _shown_rows(response: Any, name: str) -> tuple[list[int], int]:
    """The primary keys of the rows the page shows, and how many rows its list has over all its pages."""
    rows_in = REGISTRY[name].rows_in
    if rows_in is None:
        page = _shown_page(response)
        assert page is not None
        return [obj.pk for obj in page.object_list], page.paginator.count
    first, *rest = rows_in.split(".")
    value = response.context[first]
    for attr in rest:
        value = getattr(value, attr)
    pks = [obj.pk for obj in value]
    return pks, len(pks)


def list_pages(world: MatrixWorld, client: Client, names: list[str]) -> set[str]:
    """The URL names among names whose page renders a paginated list."""
    found = set()
    for name in names:
        row = PAGES.get(name)
        if row is None or row.get is None or row.fresh_client:
            continue
        response = client.get(_url(world, name) + row.query)
        if response.status_code == 200 and _shown_page(response) is not None:
            found.add(name)
    return found


def _download(client: Client, url: str, fmt: str) -> Any:
    response = client.get(url + ("&" if "?" in url else "?") + f"format={fmt}")
    assert response.status_code == 200, (url, fmt, response.status_code)
    body = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]
    if fmt == "csv":
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        return list(csv.DictReader(io.StringIO(body)))
    assert response["Content-Type"] == "application/json"
    return json.loads(body)


def test_it_offers_downloads_on_every_list_page(world: MatrixWorld, db: None) -> None:
    found = list_pages(world, _client(world, "admin"), sorted(PAGES))
    assert found - set(REGISTRY) - set(EXCLUDED) == set(), "list pages without a CSV/JSON download"
    paginated = {name for name, r in REGISTRY.items() if r.rows_in is None}
    assert paginated <= found, "registered downloads of pages that show no paginated list"
    assert set(FILTERED) == set(REGISTRY), "each list page needs a case above"


def probe(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/_downloads.html", {"page": Paginator(["a", "b"], 1).page(1)})


urlpatterns = [*root_urls.urlpatterns, path("probe-list/", probe, name="probe_list")]


def test_it_finds_a_list_page_that_offers_no_download(world: MatrixWorld, db: None) -> None:
    PAGES["probe_list"] = PAGES["portal:governments"]
    try:
        with override_settings(ROOT_URLCONF=__name__):
            found = list_pages(world, _client(world, "public"), ["probe_list", "portal:home"])
    finally:
        del PAGES["probe_list"]
    assert found - set(REGISTRY) == {"probe_list"}


CASES = [(name, False) for name in sorted(REGISTRY)] + [
    (n, True) for n in sorted(REGISTRY) if FILTERED.get(n)
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "filtered"), CASES, ids=[f"{n}-{'filtered' if f else 'plain'}" for n, f in CASES]
)
def test_it_downloads_the_rows_the_page_shows(
    world: MatrixWorld, db: None, name: str, filtered: bool, role: str
) -> None:
    client = _client(world, role)
    url = _url(world, name) + (FILTERED[name] if filtered else "")
    response = client.get(url)
    for fmt in ("csv", "json"):
        refused = client.get(url + ("&" if "?" in url else "?") + f"format={fmt}")
        assert refused.status_code == response.status_code, "the download's permissions are the page's"
    if response.status_code != 200:
        return
    shown, count = _shown_rows(response, name)
    html = response.content.decode()
    assert 'id="download-csv"' in html and 'id="download-json"' in html
    if filtered:
        assert FILTERED[name].lstrip("?").replace("&", "&amp;") in html.split('id="download-csv"')[1][:200]
    for fmt in ("csv", "json"):
        found = _download(client, url, fmt)
        rows = found if fmt == "csv" else found["rows"]
        ids = [int(r["id"]) for r in rows]
        assert ids[: len(shown)] == shown, (fmt, ids, shown)
        assert len(ids) == count
    data = _download(client, url, "json")
    if filtered:
        key, value = FILTERED[name].lstrip("?").split("=")
        assert data["filters"][key] == value
    if data["rows"]:
        assert data["fields"] == list(_download(client, url, "csv")[0].keys())


def test_it_downloads_every_page_not_just_the_first(
    world: MatrixWorld, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tables, "PAGE_SIZE", 2)
    client = _client(world, "admin")
    response = client.get("/governments/?sort=name&page=2")
    page = _shown_page(response)
    assert page is not None and page.paginator.num_pages > 2
    rows = _download(client, "/governments/?sort=name&page=2", "csv")
    assert [int(r["id"]) for r in rows][2:4] == [g.pk for g in page.object_list]
    assert len(rows) == page.paginator.count


def test_it_neutralises_formulas_in_list_downloads(world: MatrixWorld, db: None) -> None:
    initiative_create(
        acting_user=world.users["coordinator"],  # type: ignore[arg-type]
        collaborative=world.ours,
        title='=HYPERLINK("http://evil.example","x")',
        is_published=True,
    )
    rows = _download(_client(world, "public"), "/initiatives/", "csv")
    assert '\'=HYPERLINK("http://evil.example","x")' in [r["title"] for r in rows]
    data = _download(_client(world, "public"), "/initiatives/", "json")
    assert '=HYPERLINK("http://evil.example","x")' in [r["title"] for r in data["rows"]]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_it_downloads_in_a_bounded_number_of_queries(
    world: MatrixWorld, db: None, name: str, role: str
) -> None:
    client = _client(world, role)
    url = _url(world, name)
    if client.get(url).status_code != 200:
        return  # refused like the page (checked above and in the permission matrix)
    counts = []
    for grow in (False, True):
        if grow:
            for i in range(3):
                initiative_create(
                    acting_user=world.users["coordinator"],  # type: ignore[arg-type]
                    collaborative=world.ours,
                    title=f"Grown {i}",
                    is_published=True,
                    partners={"lead": [world.lees_summit]},
                )
        with CaptureQueriesContext(connection) as queries:
            _download(client, url, "csv")
            _download(client, url, "json")
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 2 * MOST_QUERIES, counts
