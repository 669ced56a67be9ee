"""XLSX workbooks read safely: the zip checked before parsing, every row read whatever the header claims."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .records import ParseProblem

# The upload cap (50 MB) is on the compressed file; these bound what it may expand to. A real
# spreadsheet's XML compresses 5 to 20 times; a zip bomb compresses hundreds of times.
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
# A member smaller than this cannot hurt whatever its ratio (an empty styles part compresses well).
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_MEMBERS = 10_000
# Excel's own limits: a row number beyond them is not a spreadsheet's.
MAX_ROWS = 1_048_576
# Cells openpyxl materialises (a row is padded up to its last cell): bounds the time a sheet of
# sparse far-right cells can take.
MAX_CELLS = 20_000_000


def check_xlsx(path: str | Path) -> str | None:
    """The reason a file is refused before any parsing (size, ratio, not an XLSX), or None."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return f"not a readable XLSX workbook (not a zip: {exc})"
    if len(members) > MAX_MEMBERS:
        return f"holds {len(members)} parts; an XLSX workbook has far fewer than {MAX_MEMBERS}"
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/worksheets/") for n in names):
        return "a zip but not an XLSX workbook (no [Content_Types].xml or xl/worksheets/)"
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        return (
            f"expands to {total / 2**20:.0f} MB; the limit is "
            f"{MAX_UNCOMPRESSED_BYTES // 2**20} MB uncompressed"
        )
    for member in members:
        if member.flag_bits & 0x1:
            return f"encrypted ({member.filename}); save it without a password"
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR_BYTES and ratio > MAX_COMPRESSION_RATIO:
            return (
                f"{member.filename} expands {ratio:.0f} times; the limit is "
                f"{MAX_COMPRESSION_RATIO} (a zip bomb, or not a spreadsheet)"
            )
    return None


def iter_xlsx_rows(path: str | Path, problems: list[ParseProblem]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Stream (line, cells) of the first sheet, header row included; problems go to the list."""
    from openpyxl import load_workbook

    file = str(path)
    refused = check_xlsx(path)
    if refused:
        problems.append(ParseProblem("<file>", refused, None, file))
        return
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        problems.append(ParseProblem("<file>", f"not a readable XLSX workbook: {exc}", None, file))
        return
    try:
        sheet: Any = book.worksheets[0]
        # Read-only mode trusts the <dimension> element and stops where it says; a file may lie.
        sheet.reset_dimensions()
        cells = 0
        for line, row in enumerate(sheet.iter_rows(max_row=MAX_ROWS, values_only=True), start=1):
            cells += len(row) + 1
            if cells > MAX_CELLS:
                problems.append(
                    ParseProblem("<file>", f"more than {MAX_CELLS} cells; split the sheet", line, file)
                )
                return
            yield line, tuple(row)
    except (KeyError, OSError, ValueError, TypeError, zipfile.BadZipFile) as exc:
        problems.append(ParseProblem("<file>", f"unreadable XLSX sheet: {exc}", None, file))
    finally:
        book.close()
