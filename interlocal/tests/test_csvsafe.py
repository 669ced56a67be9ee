import csv
import io
from decimal import Decimal

from interlocal.csvsafe import SafeCsvWriter, safe_cell


def test_it_marks_every_formula_start_as_text() -> None:
    for value in ("=1+2", "+1+2", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "-", "\uff1d1+1", '=HYPERLINK("x")'):
        assert safe_cell(value) == "'" + value, value


def test_it_keeps_plain_numbers_and_ordinary_text_as_they_are() -> None:
    for value in ("-12.50", "-60000.00", "-1E+2", "-.5", "12", "Lee's Summit", "", "a=b"):
        assert safe_cell(value) == value, value
    for number in (-5, Decimal("-1.25"), -0.5, None, True):
        assert safe_cell(number) is number


def test_it_writes_rows_through_the_helper() -> None:
    out = io.StringIO()
    SafeCsvWriter(out).writerows([["@SUM(1)", -3, "-3.5", "x"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["'@SUM(1)", "-3", "-3.5", "x"]]
