"""Tests of the Legistar legislation detail parsers (PDF text export and LegislationDetail.aspx)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from interlocal.importers.parsers.legistar_detail import (
    markdown_escape,
    parse_attachment_list,
    parse_legislation_detail_html,
    parse_legislation_text,
    to_markdown,
)
from interlocal.importers.parsers.records import MatterActionRecord

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared"
TITLE = (
    "A Resolution adopting a Statement of Common Purpose to renew and expand the Eastern Jackson County "
    "Shared Service Collaborative Partnership."
)


def res_21_08() -> str:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent: real-world fixtures are not in a fresh clone")
    return SHARED.joinpath("seeds", "001_00bf90cbba7d7d2b.txt").read_text(encoding="utf-8")


def test_it_repairs_and_reads_the_lees_summit_export() -> None:
    parsed = parse_legislation_text(res_21_08())
    rec = parsed.value
    assert parsed.problems == ()
    assert rec.client == "The City of Lee's Summit"
    assert rec.file_number == "RES. NO. 21-08"
    assert rec.name is None
    assert rec.type_name == "Resolution"
    assert rec.status_name == "Agenda Ready"
    assert rec.intro_date == date(2021, 3, 31)
    assert rec.agenda_date == date(2021, 4, 13)
    assert rec.passed_date is None
    assert rec.body_name == "City Council - Regular Session"
    assert rec.title == TITLE
    assert (rec.sponsors, rec.indexes, rec.code_sections) == ((), (), ())
    assert rec.attachments == ("Resolution", "Statement of Common Purpose")
    assert rec.version == "1"
    assert rec.histories == (
        MatterActionRecord(
            action_date=date(2021, 4, 13),
            version="1",
            action_body="City Council - Regular Session",
            action_name="adopted",
            result="Pass",
            tally=None,
            mover=None,
            seconder=None,
        ),
    )


def test_it_keeps_the_body_text_without_page_headers() -> None:
    text = parse_legislation_text(res_21_08()).value.text
    assert text is not None
    assert text.startswith(TITLE + "\n\n### Issue/Request\n\n")
    assert "File #:" not in text
    # The page header cut this sentence in two; the parser joins it again.
    assert "look to ingenuity for imaginative, yet feasible solutions" in text
    assert "- Cooperatively identify and explore" in text
    assert "\u00b7" not in text
    assert text.endswith("Christal Weber, City Manager")


def test_it_reports_a_scrambled_file_number_it_cannot_cross_check() -> None:
    damaged = "\n".join(line for line in res_21_08().splitlines() if not line.startswith("File #: RES. NO."))
    parsed = parse_legislation_text(damaged)
    assert parsed.value.file_number is None
    assert parsed.value.version is None
    assert {p.field for p in parsed.problems} == {"file_number", "version"}
    assert parsed.value.type_name == "Resolution"


def test_it_reports_missing_labels_and_table() -> None:
    parsed = parse_legislation_text("Some City\n\nLegislation Details (With Text)\n\nTitle:\tA thing\n")
    assert parsed.value.client == "Some City"
    assert parsed.value.title == "A thing"
    fields = {p.field for p in parsed.problems}
    assert {"histories", "file_number", "type_name", "status_name", "intro_date"} <= fields


def test_it_splits_numbered_attachment_lists() -> None:
    assert parse_attachment_list("1. Staff Report, 2. Map, Exhibit A, 3. Ordinance") == (
        "Staff Report",
        "Map, Exhibit A",
        "Ordinance",
    )
    assert parse_attachment_list("") == ()


DETAIL_HTML = """<!DOCTYPE html>
<html><head><title>City of Lee's Summit - File #: RES. NO. 21-08</title>
<script>var x = "<span id='ctl00_ContentPlaceHolder1_lblFile2'>WRONG</span>";</script></head>
<body><form id="aspnetForm"><div id="ctl00_ContentPlaceHolder1_pageDetails">
<table><tr><td>File #:</td><td><span id="ctl00_ContentPlaceHolder1_lblFile2" class="Text">RES. NO. 21-08</span></td>
<td>Version:</td><td><span id="ctl00_ContentPlaceHolder1_lblVersion2">1</span></td>
<td>Name:</td><td><span id="ctl00_ContentPlaceHolder1_lblName2"></span></td></tr>
<tr><td>Type:</td><td><span id="ctl00_ContentPlaceHolder1_lblType2">Resolution</span></td>
<td>Status:</td><td><span id="ctl00_ContentPlaceHolder1_lblStatus2">Passed</span></td></tr>
<tr><td>File created:</td><td><span id="ctl00_ContentPlaceHolder1_lblIntroduced2">3/31/2021</span></td>
<td>In control:</td><td><a id="ctl00_ContentPlaceHolder1_hypInControlOf2"
 href="DepartmentDetail.aspx?ID=1&amp;GUID=X">City Council - Regular Session</a></td></tr>
<tr><td>On agenda:</td><td><span id="ctl00_ContentPlaceHolder1_lblOnAgenda2">4/13/2021</span></td>
<td>Final action:</td><td><span id="ctl00_ContentPlaceHolder1_lblPassed2">4/13/2021</span></td></tr>
<tr><td>Title:</td><td><span id="ctl00_ContentPlaceHolder1_lblTitle2">A Resolution adopting a Statement
 of Common Purpose.</span></td></tr>
<tr><td>Sponsors:</td><td><span id="ctl00_ContentPlaceHolder1_lblSponsors2"><a href="PersonDetail.aspx?ID=7">Beto
 Lopez</a>, <a href="PersonDetail.aspx?ID=8">Trish Carlyle</a></span></td></tr>
<tr><td>Indexes:</td><td><span id="ctl00_ContentPlaceHolder1_lblIndexes2">Intergovernmental, Shared Services</span></td></tr>
<tr><td>Attachments:</td><td><span id="ctl00_ContentPlaceHolder1_lblAttachments2"><a
 href="View.ashx?M=F&amp;ID=9&amp;GUID=A">1. Resolution</a>, <a href="View.ashx?M=F&amp;ID=10&amp;GUID=B">2. Statement
 of Common Purpose</a></span></td></tr></table></div>
<table class="rgMasterTable" id="ctl00_ContentPlaceHolder1_gridLegislation_ctl00">
<thead><tr><th>Date</th><th>Ver.</th><th>Action By</th><th>Action</th><th>Result</th><th>Action Details</th>
<th>Meeting Details</th><th>Video</th></tr></thead>
<tbody><tr class="rgRow" id="ctl00_ContentPlaceHolder1_gridLegislation_ctl00__0"><td>4/13/2021</td><td>1</td>
<td><a href="DepartmentDetail.aspx?ID=1">City Council - Regular Session</a></td><td>adopted</td>
<td><font color="Green"><b>Pass</b></font></td><td><a>Action details</a></td><td><a>Meeting details</a></td>
<td>Not available</td></tr>
<tr class="rgAltRow"><td>4/6/2021</td><td>1</td><td>Rules Committee</td><td>recommended for approval</td>
<td>Pass</td><td></td><td></td><td></td></tr></tbody></table>
<div id="ctl00_ContentPlaceHolder1_divText"><p>A Resolution adopting a Statement of Common Purpose.</p>
<p>NOW, THEREFORE, BE IT RESOLVED &hellip;</p></div>
</form></body></html>"""


def test_it_reads_a_legislation_detail_page() -> None:
    parsed = parse_legislation_detail_html(DETAIL_HTML, client="leessummit")
    rec = parsed.value
    assert parsed.problems == ()
    assert rec.client == "leessummit"
    assert rec.file_number == "RES. NO. 21-08"
    assert rec.version == "1"
    assert rec.name is None
    assert (rec.type_name, rec.status_name) == ("Resolution", "Passed")
    assert (rec.intro_date, rec.agenda_date, rec.passed_date) == (
        date(2021, 3, 31),
        date(2021, 4, 13),
        date(2021, 4, 13),
    )
    assert rec.body_name == "City Council - Regular Session"
    assert rec.title == "A Resolution adopting a Statement of Common Purpose."
    assert rec.sponsors == ("Beto Lopez", "Trish Carlyle")
    assert rec.indexes == ("Intergovernmental", "Shared Services")
    assert rec.attachments == ("Resolution", "Statement of Common Purpose")
    # The Legistar client's site is https://CLIENT.legistar.com/: the page's relative links resolve there.
    assert rec.attachment_urls == (
        "https://leessummit.legistar.com/View.ashx?M=F&ID=9&GUID=A",
        "https://leessummit.legistar.com/View.ashx?M=F&ID=10&GUID=B",
    )
    unknown = parse_legislation_detail_html(DETAIL_HTML).value
    assert unknown.attachment_urls == ("View.ashx?M=F&ID=9&GUID=A", "View.ashx?M=F&ID=10&GUID=B")
    assert rec.histories == (
        MatterActionRecord(date(2021, 4, 13), "1", "City Council - Regular Session", "adopted", "Pass"),
        MatterActionRecord(date(2021, 4, 6), "1", "Rules Committee", "recommended for approval", "Pass"),
    )
    assert (
        rec.text
        == "A Resolution adopting a Statement of Common Purpose.\n\nNOW, THEREFORE, BE IT RESOLVED \u2026"
    )


def test_it_says_in_one_sentence_that_a_page_without_a_file_number_is_no_detail_page() -> None:
    parsed = parse_legislation_detail_html(
        "<html><body><span id='x_lblTitle2'>Only a title</span></body></html>"
    )
    assert [(p.field, p.message) for p in parsed.problems] == [
        ("<page>", "not a Legistar LegislationDetail page (no file number found)")
    ]
    assert parsed.value.file_number is None


def test_it_leaves_out_what_a_page_lacks_without_a_problem() -> None:
    page = (
        "<html><body><span id='x_lblFile2'>R-1</span><span id='x_lblTitle2'>Only a title</span></body></html>"
    )
    parsed = parse_legislation_detail_html(page)
    assert parsed.problems == ()
    assert (parsed.value.file_number, parsed.value.title, parsed.value.histories) == (
        "R-1",
        "Only a title",
        (),
    )
    assert parsed.value.present == {"file_number", "title", "histories"}


def test_it_keeps_seed_001s_sections_and_bullets_as_markdown() -> None:
    text = parse_legislation_text(res_21_08()).value.text
    assert text is not None
    blocks = text.split("\n\n")
    headings = [b for b in blocks if b.startswith("### ")]
    assert headings == [
        "### Issue/Request",
        "### Proposed City Council Motion",
        "### Background",
        "### Impact/Analysis",
    ]
    background = blocks[blocks.index("### Background") + 1 : blocks.index("### Impact/Analysis")]
    assert len(background) == 4
    assert background[0].startswith("Today, cities face increasing pressures")
    assert "imaginative, yet feasible solutions" in background[0]
    bullets = blocks[blocks.index("### Impact/Analysis") + 2].splitlines()
    assert len(bullets) == 5 and all(b.startswith("- ") for b in bullets)
    assert bullets[4] == "- Expand the reach and influence of new and developing technologies."


def test_it_escapes_what_markdown_would_misread() -> None:
    assert markdown_escape("a *b* [c](d) <e> `f`") == "a \\*b\\* \\[c\\](d) &lt;e> \\`f\\`"
    assert markdown_escape("# not a heading") == "\\# not a heading"
    assert markdown_escape("1. not a list") == "1\\. not a list"
    assert to_markdown([["Background:"], ["Text under it."], ["- one", "- two"]]) == (
        "### Background\n\nText under it.\n\n- one\n- two"
    )
    # A sentence ending in a colon introduces a list; it is not a heading.
    lead = "With assistance from MARC, the five jurisdictions seek to continue their efforts to:"
    assert to_markdown([[lead]]) == lead


def test_it_keeps_the_lists_of_a_detail_pages_text() -> None:
    page = DETAIL_HTML.replace(
        "<p>NOW, THEREFORE, BE IT RESOLVED &hellip;</p>",
        "<p>Background:</p><p>Cities share.</p><ul><li>One <b>thing</b></li><li>Two</li></ul>",
    )
    text = parse_legislation_detail_html(page, client="leessummit").value.text
    assert text == (
        "A Resolution adopting a Statement of Common Purpose.\n\n### Background\n\nCities share.\n\n"
        "- One thing\n- Two"
    )


@pytest.mark.parametrize(
    "name",
    ["chicago_bills", "chicago_events", "chicago_people", "nyc_bills", "nyc_events", "nyc_people"],
)
def test_it_reports_real_legistar_pages_that_are_not_detail_pages(name: str) -> None:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent: real-world fixtures are not in a fresh clone")
    page = SHARED.joinpath("data", "legistar", "web", f"{name}.html").read_text(encoding="utf-8")
    parsed = parse_legislation_detail_html(page)
    assert [str(p.message) for p in parsed.problems] == [
        "not a Legistar LegislationDetail page (no file number found)"
    ]
    assert (parsed.value.file_number, parsed.value.histories) == (None, ())
