from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from interlocal.testkit import World


@pytest.fixture
def demo(db: None) -> None:
    call_command("demo", "--force", stdout=StringIO())


def _found(client: Client, q: str) -> str:
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def test_it_finds_tracking_text(demo: None, client: Client) -> None:
    page = _found(client, "consultant")
    assert "LR.33" in page and 'id="results-initiatives"' in page


def test_it_finds_lees_summit_with_either_apostrophe(demo: None, client: Client) -> None:
    for q in ("Lee's Summit", "Lee\u2019s Summit"):
        page = _found(client, q)
        governments = page.split('id="results-governments"')[1].split("</section>")[0]
        assert "/governments/lees-summit/" in governments
        assert "RES. NO. 21-08" in page.split('id="results-legislation"')[1]
        assert 'id="results-initiatives"' in page  # initiatives Lee's Summit is a partner of


def test_it_finds_plurals(demo: None, client: Client) -> None:
    page = _found(client, "radios")
    assert "Radio Equipment Maintenance Cooperative Agreement" in page.split('id="results-agreements"')[1]
    assert "EJC-1: Radio equipment maintenance/management" in page.split('id="results-initiatives"')[1]


def test_it_finds_legislation_by_file_number(demo: None, client: Client) -> None:
    page = _found(client, "21-08")
    assert "RES. NO. 21-08" in page.split('id="results-legislation"')[1]


def test_it_says_when_nothing_matches(demo: None, client: Client) -> None:
    page = _found(client, "zzyzx")
    assert "0 records found" in page and "Nothing matches every word" in page


def test_it_searches_only_what_the_user_may_see(world: World, client: Client) -> None:
    assert "Draft recycling idea" not in _found(client, "recycling")
    member = Client()
    member.force_login(world.clerk)
    assert "Draft recycling idea" in _found(member, "recycling")
