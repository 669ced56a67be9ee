"""LegislationDetail.aspx pages of other clients and vintages, and bad pages, through `interlocal import`."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from interlocal.agreements import actions as agreements
from interlocal.agreements.models import LegislativeMatter
from interlocal.governments import actions as governments
from interlocal.governments.models import Government
from interlocal.importers.parsers.textrepair import normalize_text
from interlocal.importers.tests.helpers import fingerprint, run, shared
from interlocal.importers.tests.test_parsers_legistar_detail import DETAIL_HTML
from interlocal.testkit import World
from interlocal.vocab import GovernmentKind

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHICAGO_2012 = FIXTURES / "chicago_2012_legislation_detail.html"


@pytest.fixture
def chicago(world: World) -> Government:
    return governments.government_create(
        acting_user=world.admin, kind=GovernmentKind.CITY, name="Chicago", state="IL"
    )


def detail(world: World, path: Path, government: str, *extra: str) -> tuple[int, str]:
    return run("legistar-detail", str(path), "--as", world.admin.username, "--government", government, *extra)


def rejected(world: World, path: Path, government: str = "lees-summit") -> str:
    """Run an import that must fail with one problem line; check the exit code and that nothing changed."""
    before = fingerprint()
    code, out = detail(world, path, government)
    assert code == 1, out
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, out
    assert str(path) in errors[0]
    assert fingerprint() == before
    return errors[0]


def test_it_imports_an_old_chicago_page_with_record_number_and_intro_date(
    world: World, chicago: Government
) -> None:
    code, out = detail(world, CHICAGO_2012, chicago.slug, "--client", "chicago")
    assert code == 0, out
    assert "error" not in out
    matter = LegislativeMatter.objects.get(government=chicago, file_number="O2012-2345")
    assert (matter.client, matter.matter_id, matter.version) == ("chicago", 1052112, "1")
    assert (matter.type_name, matter.status_name, matter.body_name) == ("Ordinance", "Passed", "City Council")
    assert (matter.intro_date, matter.passed_date) == (dt.date(2012, 4, 18), dt.date(2012, 5, 9))
    assert matter.enactment_date == dt.date(2012, 5, 9)
    assert matter.agenda_date is None
    assert matter.title.startswith("Amendment of Municipal Code Chapter 2-92 by adding new Section 2-92-612")
    assert len(matter.sponsors) == 12
    assert matter.sponsors[:2] == ["Emanuel, Rahm", "Burke, Edward M."]
    assert matter.sponsors[6] == "O'Shea, Matthew J."
    assert matter.indexes == ["MUNICIPAL CODE AMENDMENTS", "Intergovernmental Agreements"]
    assert matter.detail_url.startswith("https://chicago.legistar.com/LegislationDetail.aspx?ID=1052112&")
    (action,) = matter.actions.all()
    assert (action.action_date, action.version, action.action_body_name) == (
        dt.date(2012, 5, 9),
        "1",
        "City Council",
    )
    assert (action.action_name, action.passed_flag_name) == ("Passed", "Pass")
    assert action.details_url.startswith("https://chicago.legistar.com/HistoryDetail.aspx?ID=5318807&")
    assert [(a.name, a.url) for a in matter.attachments.all()] == [
        (
            "O2012-2345.pdf",
            "https://chicago.legistar.com/View.ashx?M=F&ID=1974012&GUID=ABCDEF01-2345-4678-9ABC-DEF012345678",
        ),
        (
            "SO2012-2345 (V1).pdf",
            "https://chicago.legistar.com/View.ashx?M=F&ID=1974013&GUID=BCDEF012-3456-4789-ABCD-EF0123456789",
        ),
    ]
    before = fingerprint()
    code, out = detail(world, CHICAGO_2012, chicago.slug, "--client", "chicago")
    assert (code, "No changes" in out) == (0, True), out
    assert fingerprint() == before


def test_it_imports_the_projects_detail_page_keeping_relative_links(
    world: World, tmp_path: Path, client: Client
) -> None:
    path = tmp_path / "res-21-08.html"
    path.write_text(DETAIL_HTML)
    code, out = detail(world, path, world.lees_summit.slug)
    assert code == 0, out
    assert "Enter a valid URL" not in out
    matter = LegislativeMatter.objects.get(pk=world.matter.pk)
    assert [a.url for a in matter.attachments.all()] == [
        "View.ashx?M=F&ID=9&GUID=A",
        "View.ashx?M=F&ID=10&GUID=B",
    ]
    # The portal cannot follow a link relative to a Legistar page it does not know.
    assert [a.href for a in matter.attachments.all()] == ["", ""]
    page = client.get(f"/legislation/{matter.pk}/").content.decode()
    assert 'href="View.ashx' not in page
    assert "Legistar link <code>View.ashx?M=F&amp;ID=9&amp;GUID=A</code>" in page
    assert [a.action_name for a in matter.actions.all()] == ["recommended for approval", "adopted"]


def test_it_resolves_relative_links_against_a_base_url(world: World, tmp_path: Path) -> None:
    path = tmp_path / "res-21-08.html"
    path.write_text(DETAIL_HTML)
    code, out = detail(world, path, world.lees_summit.slug, "--base-url", "https://cityofls.legistar.com/")
    assert code == 0, out
    assert [a.url for a in LegislativeMatter.objects.get(pk=world.matter.pk).attachments.all()] == [
        "https://cityofls.legistar.com/View.ashx?M=F&ID=9&GUID=A",
        "https://cityofls.legistar.com/View.ashx?M=F&ID=10&GUID=B",
    ]


def test_it_resolves_relative_links_against_the_saved_from_address(world: World, tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    saved = "<!-- saved from url=(0062)https://cityofls.legistar.com/LegislationDetail.aspx?ID=4851 -->\n"
    path.write_text(saved + DETAIL_HTML)
    assert detail(world, path, world.lees_summit.slug)[0] == 0
    matter = LegislativeMatter.objects.get(pk=world.matter.pk)
    assert matter.attachments.all()[0].url == "https://cityofls.legistar.com/View.ashx?M=F&ID=9&GUID=A"
    assert (matter.matter_id, matter.client) == (4851, "cityofls")


@pytest.mark.parametrize(
    "name", ["LegislationDetail.aspx?ID=1052112&GUID=7A1B3C2D-55E6-4F80-9C1A-2B3C4D5E6F70", "1052112"]
)
def test_it_reads_a_page_saved_under_its_url_or_without_extension(
    world: World, chicago: Government, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    shutil.copy(CHICAGO_2012, path)
    code, out = detail(world, path, chicago.slug)
    assert code == 0, out
    assert LegislativeMatter.objects.get(government=chicago).file_number == "O2012-2345"


def test_it_keeps_the_stored_client_when_a_page_does_not_name_one(world: World, tmp_path: Path) -> None:
    agreements.matter_update(acting_user=world.admin, matter=world.matter, client="cityofls")
    path = tmp_path / "res-21-08.html"
    path.write_text(DETAIL_HTML)
    assert detail(world, path, world.lees_summit.slug)[0] == 0
    assert LegislativeMatter.objects.get(pk=world.matter.pk).client == "cityofls"
    assert detail(world, shared("seeds", "001_00bf90cbba7d7d2b.txt"), world.lees_summit.slug)[0] == 0
    assert LegislativeMatter.objects.get(pk=world.matter.pk).client == "cityofls"
    assert detail(world, path, world.lees_summit.slug, "--client", "leessummit")[0] == 0
    assert LegislativeMatter.objects.get(pk=world.matter.pk).client == "leessummit"


def test_it_keeps_stored_fields_a_page_does_not_show(world: World, chicago: Government) -> None:
    agreements.matter_create(
        acting_user=world.admin,
        government=chicago,
        file_number="O2012-2345",
        title="Joint purchasing",
        agenda_date=dt.date(2012, 5, 2),
        code_sections="2-92-612",
    )
    assert detail(world, CHICAGO_2012, chicago.slug)[0] == 0
    matter = LegislativeMatter.objects.get(government=chicago)
    assert (matter.agenda_date, matter.code_sections) == (dt.date(2012, 5, 2), "2-92-612")
    assert matter.title.startswith("Amendment of Municipal Code")


def test_it_reads_a_page_with_a_thousand_unclosed_paragraphs(world: World, tmp_path: Path) -> None:
    path = tmp_path / "long.html"
    closed = "<p>NOW, THEREFORE, BE IT RESOLVED &hellip;</p>"
    path.write_text(DETAIL_HTML.replace(closed, "<p>Whereas" * 1000))
    code, out = detail(world, path, world.lees_summit.slug)
    assert code == 0, out
    assert LegislativeMatter.objects.get(pk=world.matter.pk).text.count("Whereas") == 1000


def test_it_says_in_one_line_that_another_page_is_no_detail_page(world: World, tmp_path: Path) -> None:
    path = tmp_path / "news.html"
    path.write_text("<html><body><h1>City news</h1><table><tr><td>Title:</td><td>Fair</td></tr></table>")
    path.write_text(path.read_text() + "</body></html>")
    line = rejected(world, path)
    assert line.endswith("not a Legistar LegislationDetail page (no file number found)")


def test_it_refuses_a_truncated_page(world: World, tmp_path: Path) -> None:
    path = tmp_path / "cut.html"
    path.write_text(DETAIL_HTML[: len(DETAIL_HTML) // 2])
    assert rejected(world, path).endswith("the page is cut short (no closing </html>); save it again")


def test_it_refuses_a_50_mb_page_before_reading_it(world: World, tmp_path: Path) -> None:
    path = tmp_path / "huge.html"
    with path.open("wb") as out:
        out.write(b"<!DOCTYPE html><html><body>")
        out.truncate(50 * 1024 * 1024)
    assert rejected(world, path).endswith("a page or text export of 50.0 MB is larger than the 20 MB limit")


def test_it_decodes_a_utf16_page_by_its_byte_order_mark(world: World, tmp_path: Path) -> None:
    path = tmp_path / "utf16.html"
    path.write_bytes(DETAIL_HTML.encode("utf-16"))
    code, out = detail(world, path, world.lees_summit.slug)
    assert code == 0, out
    assert LegislativeMatter.objects.get(pk=world.matter.pk).sponsors == ["Beto Lopez", "Trish Carlyle"]


def test_it_refuses_utf16_text_without_a_byte_order_mark(world: World, tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes(shared("seeds", "001_00bf90cbba7d7d2b.txt").read_text().encode("utf-16-le"))
    assert rejected(world, path).endswith(
        "looks like UTF-16 text without a byte-order mark; save it as UTF-8"
    )


def test_it_refuses_deeply_nested_html_in_one_line(world: World, tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_text(DETAIL_HTML.replace("<body>", "<body>" + "<div>" * 100_000, 1))
    assert rejected(world, path).endswith("HTML nested deeper than 256 levels; not a page Legistar produces")


def text_pdf(text: str) -> bytes:
    """A one-page PDF showing the text's lines in Courier (tabs as column gaps), written by hand."""
    lines = [normalize_text(line).replace("\t", "   ").rstrip() for line in text.splitlines()]
    size, lead = 7, 9
    width, height = int(max(map(len, lines)) * size * 0.6) + 40, len(lines) * lead + 40
    shown = []
    for i, line in enumerate(lines):
        raw = line.encode("cp1252", errors="replace")
        raw = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        shown.append(b"BT /F1 %d Tf 20 %d Td (%s) Tj ET" % (size, height - 20 - i * lead, raw))
    stream = b"\n".join(shown)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>" % (width, height),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_it_imports_the_seed_from_a_pdf_through_pdftotext(world: World, tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; .ci/run installs it so CI never skips this")
    seed = shared("seeds", "001_00bf90cbba7d7d2b.txt")
    path = tmp_path / "RES 21-08.pdf"
    path.write_bytes(text_pdf(seed.read_text()))
    code, out = detail(world, path, world.lees_summit.slug)
    assert code == 0, out
    matter = LegislativeMatter.objects.get(pk=world.matter.pk)
    assert (matter.type_name, matter.status_name, matter.version) == ("Resolution", "Agenda Ready", "1")
    assert (matter.intro_date, matter.agenda_date) == (dt.date(2021, 3, 31), dt.date(2021, 4, 13))
    assert [(a.action_body_name, a.action_name, a.passed_flag_name) for a in matter.actions.all()] == [
        ("City Council - Regular Session", "adopted", "Pass")
    ]
    assert [a.name for a in matter.attachments.all()] == ["Resolution", "Statement of Common Purpose"]
    assert matter.text.endswith("Christal Weber, City Manager")
    # The PDF and its text export are the same record.
    before = fingerprint()
    code, out = detail(world, seed, world.lees_summit.slug)
    assert (code, "No changes" in out) == (0, True), out
    assert fingerprint() == before


def test_it_refuses_a_file_that_claims_to_be_a_pdf_but_is_broken(world: World, tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed; .ci/run installs it so CI never skips this")
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\nnot really\n")
    assert "pdftotext failed" in rejected(world, path)


def test_it_previews_an_upload_named_like_the_pages_address(
    world: World, client: Client, settings: object, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]
    client.force_login(world.clerk)
    upload = SimpleUploadedFile(
        "LegislationDetail.aspx?ID=4851", DETAIL_HTML.encode(), content_type="text/html"
    )
    before = fingerprint()
    preview = client.post(
        "/import/",
        {"source": "legistar-detail", "file": upload, "legistar-detail__government": world.lees_summit.slug},
    )
    body = preview.content.decode()
    assert preview.status_code == 200, body
    assert "this source takes" not in body and "Preview of LegislationDetail.aspx?ID=4851" in body
    assert fingerprint() == before
