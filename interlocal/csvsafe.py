"""Cells that spreadsheets show as text, never run as formulas: the one helper every export writes through."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol

# OWASP's CSV injection list (=, +, -, @, tab, carriage return), plus the full-width forms some
# spreadsheets also read as a formula's start.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# A plain number (a negative bill or saving, "-12.50", "-1E+2") cannot hold a function call, so it stays
# readable and sums in the spreadsheet.
PLAIN_NUMBER = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# A leading apostrophe is the spreadsheets' own "this is text" mark; they hide it when displaying.
TEXT_MARK = "'"


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet will take it as text when it would otherwise start a formula."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if PLAIN_NUMBER.fullmatch(value):
        return value
    return TEXT_MARK + value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """A row with every cell passed through safe_cell."""
    return [safe_cell(v) for v in values]


class _Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


class SafeCsvWriter:
    """csv.writer that neutralises formulas in every cell it writes."""

    def __init__(self, out: _Writer, **fmt: Any) -> None:
        self._writer = csv.writer(out, **fmt)

    def writerow(self, row: Iterable[Any]) -> Any:
        """Write one row, formulas made text."""
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        """Write every row, formulas made text."""
        for row in rows:
            self.writerow(row)
