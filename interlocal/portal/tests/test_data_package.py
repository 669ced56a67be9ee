import csv
import io
import json
import zipfile
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from interlocal.governments.models import Person
from interlocal.initiatives.actions import initiative_create
from interlocal.testkit import World


def _package(client: Client, slug: str) -> zipfile.ZipFile:
    response = client.get(f"/collaboratives/{slug}/data-package.zip")
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]


def _rows(zf: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(zf.read(name).decode("utf-8"))))


def test_it_validates_the_demo_package_with_frictionless(db: None, client: Client, tmp_path: Path) -> None:
    frictionless = pytest.importorskip("frictionless", reason="frictionless is a dev dependency")
    call_command("demo", "--force", stdout=StringIO())
    client.force_login(Person.objects.get(username="admin"))
    zf = _package(client, "eastern-jackson-county")
    zf.extractall(tmp_path)
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    names = {r["name"] for r in descriptor["resources"]}
    assert {
        "memberships",
        "governments",
        "initiatives",
        "kpis",
        "agreements",
        "adoptions",
        "savings",
    } <= names
    assert len(_rows(zf, "memberships.csv")) >= 5
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    errors = [e.message for task in report.tasks for e in task.errors] + [e.message for e in report.errors]
    assert report.valid, errors[:10]
    # Every field is typed and described (from the models' help_text).
    fields = [f for r in descriptor["resources"] for f in r["schema"]["fields"]]
    assert all(f["description"] and f["type"] for f in fields)
    assert {"integer", "number", "date", "datetime", "boolean", "string"} <= {f["type"] for f in fields}
    # The validator does check: a membership naming a government not in the package is an error.
    memberships = tmp_path / "memberships.csv"
    lines = memberships.read_text().splitlines()
    head = lines[0].split(",")
    row = next(csv.reader([lines[1]]))
    row[head.index("government_id")] = "999999"
    out = io.StringIO()
    csv.writer(out).writerow(row)
    memberships.write_text("\n".join([lines[0], out.getvalue().strip(), *lines[2:]]) + "\n")
    broken = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert not broken.valid
    assert "foreign-key" in {e.type for task in broken.tasks for e in task.errors}


def test_it_neutralises_formulas_in_the_package(world: World, client: Client) -> None:
    initiative_create(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        title='=HYPERLINK("http://evil.example","click")',
        is_published=True,
    )
    zf = _package(client, world.collaborative.slug)
    titles = [r["title"] for r in _rows(zf, "initiatives.csv")]
    assert '\'=HYPERLINK("http://evil.example","click")' in titles
    assert not any(t.startswith("=") for t in titles)


def test_it_packages_only_what_the_user_may_see(world: World, client: Client) -> None:
    def initiative_titles(zf: zipfile.ZipFile) -> set[str]:
        return {r["title"] for r in _rows(zf, "initiatives.csv")}

    public = _package(client, world.collaborative.slug)
    assert world.hidden_initiative.title not in initiative_titles(public)
    assert "scenarios.csv" not in public.namelist() and "savings.csv" not in public.namelist()
    client.force_login(world.coordinator)
    member = _package(client, world.collaborative.slug)
    assert world.hidden_initiative.title in initiative_titles(member)
    assert {"scenarios.csv", "savings.csv", "allocations.csv"} <= set(member.namelist())


@pytest.mark.parametrize("role", ["public", "member", "coordinator", "admin"])
def test_it_builds_the_package_in_a_bounded_number_of_queries(
    world: World, client: Client, role: str
) -> None:
    users: dict[str, Any] = {"member": world.clerk, "coordinator": world.coordinator, "admin": world.admin}
    if role in users:
        client.force_login(users[role])
    with CaptureQueriesContext(connection) as before:
        _package(client, world.collaborative.slug)
    for i in range(5):
        initiative_create(
            acting_user=world.coordinator,
            collaborative=world.collaborative,
            title=f"More {i}",
            is_published=True,
        )
    with CaptureQueriesContext(connection) as after:
        _package(client, world.collaborative.slug)
    assert len(after) == len(before) <= 40, [q["sql"][:120] for q in after.captured_queries]
