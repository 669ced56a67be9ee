"""The XLSX guard and the formula helper, on files made here (Django-free: see tests/test_pure_modules.py)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import Workbook

from interlocal.importers.parsers.records import ParseProblem
from interlocal.importers.parsers.xlsx import check_xlsx, iter_xlsx_rows


def test_it_passes_a_real_workbook_and_reads_its_rows(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Kind", "Name"])
    sheet.append(["city", "Alpha"])
    path = tmp_path / "ok.xlsx"
    book.save(path)
    assert check_xlsx(path) is None
    problems: list[ParseProblem] = []
    assert list(iter_xlsx_rows(path, problems)) == [(1, ("Kind", "Name")), (2, ("city", "Alpha"))]
    assert problems == []


def test_it_refuses_bombs_and_strangers_before_parsing(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b" " * (4 * 2**20))
    assert "xl/worksheets/sheet1.xml expands" in (check_xlsx(bomb) or "")
    stranger = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(stranger, "w") as z:
        z.writestr("photo.jpg", b"\xff\xd8")
    assert "not an XLSX workbook" in (check_xlsx(stranger) or "")
    text = tmp_path / "text.xlsx"
    text.write_bytes(b"Kind,Name\n")
    problems: list[ParseProblem] = []
    assert list(iter_xlsx_rows(text, problems)) == []
    assert problems[0].field == "<file>" and "not a readable XLSX workbook" in problems[0].message
