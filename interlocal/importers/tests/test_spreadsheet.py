"""Spreadsheets of governments, memberships and initiatives, from the templates, in CSV and XLSX."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from interlocal.audit.models import AuditEvent
from interlocal.collaboratives.models import Membership
from interlocal.governments.models import Government
from interlocal.importers.sources.spreadsheet import template_csv, template_rows, template_xlsx
from interlocal.importers.tests.helpers import fingerprint, run
from interlocal.initiatives.models import Initiative
from interlocal.testkit import World

pytestmark = pytest.mark.django_db


def sheet(world: World, path: Path, kind: str) -> tuple[int, str]:
    return run("spreadsheet", str(path), "--as", world.admin.username, "--type", kind)


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_it_imports_each_template_example_and_then_reports_no_changes(world: World, tmp_path: Path) -> None:
    for kind in ("governments", "memberships", "initiatives"):
        path = tmp_path / f"{kind}.csv"
        path.write_text(template_csv(kind))
        code, out = sheet(world, path, kind)
        assert code == 0 and "1 new" in out, out
        before = fingerprint()
        code, out = sheet(world, path, kind)
        assert (code, "No changes" in out) == (0, True), out
        assert fingerprint() == before
    grandview = Government.objects.get(slug="grandview")
    assert (grandview.geoid, grandview.population, grandview.is_published) == ("2928324", 25941, True)
    assert Membership.objects.get(government=grandview).joined_on == dt.date(2021, 4, 13)
    initiative = Initiative.objects.get(code="EJC-9")
    assert (initiative.is_partnership, initiative.cost_band, initiative.timeline_band) == (
        True,
        "low",
        "near",
    )
    assert initiative.tracking_success == ["Every member completes the review."]
    event = AuditEvent.objects.get(verb="initiative_create", object_id=str(initiative.pk))
    assert (event.actor, event.collaborative) == (world.admin, world.collaborative)


def test_it_reads_the_xlsx_template(world: World, tmp_path: Path) -> None:
    path = tmp_path / "governments.xlsx"
    path.write_bytes(template_xlsx("governments"))
    code, out = sheet(world, path, "governments")
    assert code == 0, out
    assert Government.objects.get(slug="grandview").population == 25941


def test_it_updates_changed_rows_and_leaves_the_others(world: World, tmp_path: Path) -> None:
    header = template_rows("initiatives")[0]
    rows = [
        ["eastern-jackson-county", "", "", f"X-{i}", f"Idea {i}"] + [""] * (len(header) - 5) for i in range(3)
    ]
    sheet(world, write(tmp_path / "a.csv", [header, *rows]), "initiatives")
    rows[1][4] = "Idea one, renamed"
    code, out = sheet(world, write(tmp_path / "b.csv", [header, *rows]), "initiatives")
    assert code == 0 and "0 new, 1 changed, 2 unchanged" in out, out
    assert Initiative.objects.get(code="X-1").title == "Idea one, renamed"


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("Status", "pondering", "unknown code 'pondering'"),
        ("Start on", "2025-02-30", "impossible or unreadable date '2025-02-30'"),
        ("Collaborative", "nowhere", "no collaborative with slug 'nowhere'"),
    ],
)
def test_it_rejects_bad_cells(world: World, tmp_path: Path, column: str, value: str, reason: str) -> None:
    header, example = template_rows("initiatives")
    example[header.index(column)] = value
    path = write(tmp_path / "bad.csv", [header, example])
    before = fingerprint()
    code, out = sheet(world, path, "initiatives")
    assert code == 1
    assert f"{path}, row 2, column {column}: {reason}" in out
    assert fingerprint() == before


def test_it_rejects_a_duplicate_key(world: World, tmp_path: Path) -> None:
    header, example = template_rows("initiatives")
    path = write(tmp_path / "dupe.csv", [header, example, example])
    before = fingerprint()
    code, out = sheet(world, path, "initiatives")
    assert code == 1 and "row 3, column <row>: duplicate key" in out and "(first on row 2)" in out
    assert fingerprint() == before


def test_it_rejects_a_missing_column(world: World, tmp_path: Path) -> None:
    header, example = template_rows("initiatives")
    index = header.index("Title")
    path = write(
        tmp_path / "short.csv", [header[:index] + header[index + 1 :], example[:index] + example[index + 1 :]]
    )
    before = fingerprint()
    code, out = sheet(world, path, "initiatives")
    assert code == 1 and f"{path}, row 1, column Title: column missing from the header" in out
    assert fingerprint() == before


def test_it_rejects_a_workbook_that_is_not_one(world: World, tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("Kind,Name\ncity,Nowhere\n")
    code, out = sheet(world, path, "governments")
    assert code == 1 and "not a readable XLSX workbook" in out
