"""`interlocal export`: every record type as CSV and JSON; matters and actions as OCD bills and actions."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command

from interlocal.importers.exports import record_types
from interlocal.testkit import World

pytestmark = pytest.mark.django_db


def export(*args: str) -> str:
    out = io.StringIO()
    call_command("export", *args, stdout=out)
    return out.getvalue()


def test_it_exports_every_record_type_as_csv_and_json(world: World) -> None:
    for name, model in record_types().items():
        table = list(csv.reader(io.StringIO(export(name, "--format", "csv"))))
        data = json.loads(export(name, "--format", "json"))
        assert len(table) - 1 == len(data) == model._default_manager.count(), name


def test_it_exports_governments_with_their_fields(world: World) -> None:
    rows = list(csv.DictReader(io.StringIO(export("governments", "--format", "csv"))))
    assert {r["name"] for r in rows} >= {"Lee's Summit", "MARC"}
    assert "password" not in export("persons", "--format", "json")


def test_it_exports_matters_and_actions_in_the_ocd_shape(world: World) -> None:
    from interlocal.agreements.actions import matter_action_add

    matter_action_add(
        acting_user=world.clerk,
        matter=world.matter,
        action_date=world.matter.intro_date.replace(month=4, day=13),  # type: ignore[union-attr]
        action_name="adopted",
        version="1",
        action_body_name="City Council - Regular Session",
        passed_flag_name="Pass",
    )
    from interlocal.governments.actions import government_update

    government_update(
        acting_user=world.clerk,
        government=world.lees_summit,
        ocd_division_id="ocd-division/country:us/state:mo/place:lees_summit",
    )
    bills = json.loads(export("legislative-matters", "--format", "ocd"))
    assert bills[0]["identifier"] == "RES. NO. 21-08"
    assert bills[0]["jurisdiction"] == "ocd-jurisdiction/country:us/state:mo/place:lees_summit/government"
    assert bills[0]["classification"] == ["resolution"]
    assert bills[0]["actions"][0] == {
        "description": "adopted",
        "date": "2021-04-13",
        "organization": {"name": "City Council - Regular Session"},
        "classification": ["passage"],
        "extras": {"version": "1", "result": "Pass", "tally": ""},
    }
    actions = json.loads(export("matter-actions", "--format", "ocd"))
    assert actions[0]["bill"] == "RES. NO. 21-08"


def test_it_prints_an_import_template(world: World) -> None:
    header = export("memberships", "--template").splitlines()[0]
    assert header == "Collaborative,Government,Role,Joined on,Left on"


def test_it_exports_formula_looking_cells_as_text(world: World) -> None:
    from interlocal.governments.actions import government_update

    government_update(
        acting_user=world.admin,
        government=world.lees_summit,
        name='=HYPERLINK("http://evil.example/","x")',
        website="https://www.cityofls.net/",
    )
    government_update(acting_user=world.admin, government=world.blue_springs, name="@SUM(A1:A9)")
    rows = {r["slug"]: r for r in csv.DictReader(io.StringIO(export("governments", "--format", "csv")))}
    assert rows[world.lees_summit.slug]["name"] == '\'=HYPERLINK("http://evil.example/","x")'
    assert rows[world.blue_springs.slug]["name"] == "'@SUM(A1:A9)"
    # JSON is not opened by spreadsheets; it keeps the value exactly.
    assert any(r["name"] == "@SUM(A1:A9)" for r in json.loads(export("governments", "--format", "json")))


def test_it_exports_attachments_by_file_name_without_their_bytes(world: World) -> None:
    from interlocal.agreements.actions import matter_attachment_add

    matter_attachment_add(
        acting_user=world.clerk,
        matter=world.matter,
        name="Resolution",
        file_name="r.txt",
        content=b"RESOLVED",
    )
    (row,) = json.loads(export("matter-attachments", "--format", "json"))
    assert row["file_name"] == "r.txt" and "content" not in row
