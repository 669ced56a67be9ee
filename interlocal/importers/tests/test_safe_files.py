"""Hostile spreadsheets: zip bombs, lying <dimension> headers and files of endless bad rows."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from interlocal.governments.models import Government
from interlocal.importers.base import MAX_LISTED_PROBLEMS, MAX_PROBLEMS
from interlocal.importers.parsers import xlsx
from interlocal.importers.tests.helpers import fingerprint, run
from interlocal.testkit import World

pytestmark = pytest.mark.django_db


def sheet(world: World, path: Path, kind: str = "governments") -> tuple[int, str]:
    return run("spreadsheet", str(path), "--as", world.admin.username, "--type", kind)


def workbook(rows: list[list[str]]) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rezip(data: bytes, change: dict[str, bytes]) -> bytes:
    """The same zip with some members' contents replaced or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change.pop(info.filename, src.read(info.filename)))
        for name, body in change.items():
            dst.writestr(name, body)
    return out.getvalue()


ROWS = [["Kind", "Name"], ["city", "Alpha Falls"], ["city", "Beta Springs"], ["village", "Gamma Lake"]]


def test_it_reads_every_row_whatever_the_dimension_header_says(world: World, tmp_path: Path) -> None:
    data = workbook(ROWS)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    lying = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B1"', xml)
    assert lying != xml
    path = tmp_path / "lying.xlsx"
    path.write_bytes(rezip(data, {"xl/worksheets/sheet1.xml": lying}))
    code, out = sheet(world, path)
    assert code == 0 and "3 new" in out, out
    assert set(
        Government.objects.filter(name__in=[r[1] for r in ROWS[1:]]).values_list("name", flat=True)
    ) == {
        "Alpha Falls",
        "Beta Springs",
        "Gamma Lake",
    }


def test_it_refuses_a_zip_bomb_before_parsing(world: World, tmp_path: Path) -> None:
    # 8 MB of one repeated cell compresses about a thousand times.
    bomb = b"<c><v>1</v></c>" * (8 * 2**20 // 15)
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(rezip(workbook(ROWS), {"xl/worksheets/sheet2.xml": bomb}))
    assert path.stat().st_size < 200_000
    before = fingerprint()
    code, out = sheet(world, path)
    assert code == 1
    assert re.search(
        rf"error: {re.escape(str(path))}, column <file>: xl/worksheets/sheet2.xml expands \d+ times", out
    )
    assert fingerprint() == before


def test_it_refuses_a_workbook_too_large_uncompressed(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "MAX_UNCOMPRESSED_BYTES", 4096)
    path = tmp_path / "big.xlsx"
    path.write_bytes(workbook(ROWS))
    code, out = sheet(world, path)
    assert (
        code == 1 and f"error: {path}, column <file>: expands to 0 MB; the limit is 0 MB uncompressed" in out
    )


def test_it_refuses_a_zip_that_is_not_a_workbook(world: World, tmp_path: Path) -> None:
    out_zip = io.BytesIO()
    with zipfile.ZipFile(out_zip, "w") as z:
        z.writestr("notes.txt", "hello")
    path = tmp_path / "notes.xlsx"
    path.write_bytes(out_zip.getvalue())
    code, out = sheet(world, path)
    assert code == 1 and "a zip but not an XLSX workbook" in out


def test_it_rejects_a_cell_right_of_the_last_heading(world: World, tmp_path: Path) -> None:
    path = tmp_path / "wide.xlsx"
    path.write_bytes(workbook([*ROWS, ["city", "Delta", "", "", "stray note"]]))
    before = fingerprint()
    code, out = sheet(world, path)
    assert code == 1 and "row 5, column <row>: a cell right of the last of 2 headings" in out
    assert fingerprint() == before


def test_it_stops_after_a_bounded_number_of_problems(world: World, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Kind", "Name"])
        writer.writerows(["spaceship", f"Nowhere {i}"] for i in range(10_000))
    before = fingerprint()
    code, out = sheet(world, path)
    assert code == 1
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    assert len(errors) == MAX_LISTED_PROBLEMS + 1
    assert errors[-1] == f"error: … and {MAX_PROBLEMS - MAX_LISTED_PROBLEMS} more problems; stopped"
    assert f"{MAX_PROBLEMS} problem(s); nothing was changed" in out
    assert fingerprint() == before


def test_it_stops_a_workbook_of_bad_rows_too(world: World, tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook([["Kind", "Name"], *(["spaceship", f"Nowhere {i}"] for i in range(3000))]))
    before = fingerprint()
    code, out = sheet(world, path)
    assert code == 1 and out.count("\nerror: ") <= MAX_LISTED_PROBLEMS + 1 and "; stopped" in out
    assert fingerprint() == before


def test_it_stops_other_sources_after_a_bounded_number_of_problems_too(world: World, tmp_path: Path) -> None:
    population = tmp_path / "population.csv"
    with population.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["SUMLEV", "STATE", "PLACE", "NAME", "CENSUS2010POP", "ESTIMATESBASE2010"])
        writer.writerows(["162", "xx", "yy", f"Nowhere {i}", "n/a", "n/a"] for i in range(10_000))
    places = tmp_path / "places.geojson"
    places.write_text(
        json.dumps({"type": "FeatureCollection", "features": [{"properties": {}} for _ in range(10_000)]})
    )
    before = fingerprint()
    for source, path in (("census-population", population), ("census-boundaries", places)):
        code, out = run(source, str(path), "--as", world.admin.username)
        assert code == 1, out
        assert out.count("error: ") == MAX_LISTED_PROBLEMS + 1, source
        assert "more problems; stopped" in out and f"{MAX_PROBLEMS} problem(s)" in out, source
    assert fingerprint() == before
