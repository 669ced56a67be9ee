"""Bad input is reported by file, row, column and reason, exits non-zero, and changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interlocal.importers.tests.helpers import fingerprint, run, shared
from interlocal.testkit import World

pytestmark = pytest.mark.django_db


def rejected(args: list[str]) -> str:
    """Run an import that must fail; check the exit code and that nothing changed."""
    before = fingerprint()
    code, out = run(*args)
    assert code == 1, out
    assert "Nothing was changed" in out
    assert fingerprint() == before
    return out


def plan_args(world: World, path: Path) -> list[str]:
    return [
        "plan-page",
        str(path),
        "--as",
        world.coordinator.username,
        "--collaborative",
        world.collaborative.slug,
        "--plan",
        "stl-county-plan",
    ]


def legistar_args(world: World, path: Path) -> list[str]:
    return ["legistar-api", str(path), "--as", world.admin.username]


def test_it_rejects_malformed_json(world: World, tmp_path: Path) -> None:
    path = tmp_path / "matters.json"
    path.write_text('[{"MatterId": 1, ')
    out = rejected([*legistar_args(world, path), "--government", "kansas-city", "--client", "kc"])
    assert f"{path}, column <json>: invalid JSON at line 1" in out


def test_it_rejects_text_that_is_not_utf8(world: World, tmp_path: Path) -> None:
    path = tmp_path / "lr33.txt"
    text = shared("seeds", "000_e4373412cf413f25.txt").read_text()
    path.write_bytes(text.replace("Develop", "Développer", 1).encode("latin-1", errors="replace"))
    out = rejected(plan_args(world, path))
    assert "lr33.txt, row 5, column <encoding>: not UTF-8 text: byte 0xe9" in out


def test_it_rejects_a_csv_with_a_missing_column(world: World, tmp_path: Path) -> None:
    source = shared("data", "missouri", "mo_incorporated_places_sub-est2019_SUMLEV162.csv")
    lines = source.read_text().splitlines()
    path = tmp_path / "population.csv"
    path.write_text("\n".join(line.replace(",NAME,", ",PLACENAME,", 1) for line in lines[:5]) + "\n")
    out = rejected(["census-population", str(path), "--as", world.admin.username])
    assert f"{path}, row 1, column NAME: column missing from the header" in out


def test_it_rejects_an_unknown_status_code(world: World, tmp_path: Path) -> None:
    path = tmp_path / "lr33.txt"
    text = shared("seeds", "000_e4373412cf413f25.txt").read_text()
    path.write_text(text.replace("Recommendation Status: New", "Recommendation Status: Pondering"))
    out = rejected(plan_args(world, path))
    assert "column status: unknown status 'Pondering'" in out


def test_it_rejects_a_duplicate_key_and_rolls_back_rows_already_written(world: World, tmp_path: Path) -> None:
    rows = json.loads(shared("data", "legistar", "lametro_matter_candidates.json").read_text())
    path = tmp_path / "matters.json"
    path.write_text(json.dumps([rows[0], {**rows[0], "MatterFile": "2024-9999"}]))
    out = rejected([*legistar_args(world, path), "--government", "kansas-city", "--client", "metro"])
    assert f"{path}, record 1, field MatterId: identity {rows[0]['MatterId']} repeats an earlier row" in out


def test_it_rolls_back_earlier_rows_when_a_later_row_fails(world: World, tmp_path: Path) -> None:
    rows = json.loads(shared("data", "legistar", "lametro_matter_candidates.json").read_text())
    path = tmp_path / "matters.json"
    path.write_text(json.dumps([rows[0], {**rows[0], "MatterId": 1, "MatterFile": None}]))
    out = rejected([*legistar_args(world, path), "--government", "kansas-city", "--client", "metro"])
    assert f"{path}, record 1, field MatterFile: empty" in out


def test_it_rejects_an_impossible_date(world: World, tmp_path: Path) -> None:
    path = tmp_path / "res.txt"
    text = shared("seeds", "001_00bf90cbba7d7d2b.txt").read_text()
    path.write_text(text.replace("File created:\t3/31", "File created:\t2/30", 1))
    out = rejected(
        ["legistar-detail", str(path), "--as", world.clerk.username, "--government", "lees-summit"]
    )
    assert "column intro_date: unreadable date" in out


def test_it_rejects_an_import_the_user_may_not_make(world: World) -> None:
    path = shared("seeds", "001_00bf90cbba7d7d2b.txt")
    out = rejected(
        ["legistar-detail", str(path), "--as", world.outsider.username, "--government", "lees-summit"]
    )
    assert "permission denied: You may not edit this matter." in out


def test_it_rejects_a_file_of_the_wrong_type(world: World, tmp_path: Path) -> None:
    path = tmp_path / "lr33.docx"
    path.write_bytes(b"PK\x03\x04")
    out = rejected(plan_args(world, path))
    assert "a plan-page import takes .txt, .html, .htm files" in out


def test_it_refuses_to_guess_the_acting_user_among_several_superusers(world: World) -> None:
    from interlocal.governments.actions import person_create

    person_create(
        acting_user=world.admin, username="admin2", government=None, role="coordinator", is_superuser=True
    )
    code, out = run("plan-page", str(shared("seeds", "000_e4373412cf413f25.txt")))
    assert code == 1 and "--as USERNAME is needed" in out


def test_it_reports_an_unknown_reference_once(world: World, tmp_path: Path) -> None:
    path = tmp_path / "initiatives.csv"
    path.write_text(
        "Code,Title,Collaborative\nX-1,Fleet,eastern-jackson-county\nX-2,Payroll,no-such-collab\n"
    )
    out = rejected(["spreadsheet", str(path), "--type", "initiatives", "--as", world.coordinator.username])
    assert f"{path}, row 3, column Collaborative: no collaborative with slug 'no-such-collab'" in out
    assert "this column is required" not in out and "1 rejected" in out
