"""Read the list pages a clerk saves from any Legistar site: Legislation.aspx, Calendar.aspx, People.aspx.

Each page holds one Telerik grid (rgMasterTable). Columns are matched by their header text, whichever the client
shows ("File #" or "Record #", "Intro Date" or "File Created", "Prime Sponsor" or "Main Sponsor"); a column this
module does not know is kept in the row's `extras`, never an error. No Django here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .legistar_html import (
    Cell,
    GridRow,
    PageError,
    client_of,
    header_key,
    iter_grid,
    legistar_site,
    looks_truncated,
    page_url,
    parse_html,
    query_int,
    text_of,
)
from .records import Parsed, ParseProblem
from .textrepair import parse_us_date

LEGISLATION, CALENDAR, PEOPLE = "legislation", "calendar", "people"
NOT_A_LIST_PAGE = "not a saved Legistar Legislation.aspx, Calendar.aspx or People.aspx page (no legislation, meeting or people grid)"
_NOT_AVAILABLE = {"not available", "not\xa0available", ""}


@dataclass(frozen=True)
class WebMatterRow:
    """A row of the legislation search grid; `present` names the fields the grid has a column for."""

    row: int
    file_number: str
    detail_url: str | None
    matter_id: int | None
    guid: str | None
    type_name: str | None = None
    status_name: str | None = None
    name: str | None = None
    title: str | None = None
    version: str | None = None
    intro_date: date | None = None
    agenda_date: date | None = None
    passed_date: date | None = None
    enactment_date: date | None = None
    enactment_number: str | None = None
    body_name: str | None = None
    sponsor: str | None = None
    present: frozenset[str] = frozenset()
    extras: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class WebEventRow:
    """A row of the meeting calendar."""

    row: int
    event_id: int | None
    guid: str | None
    body_name: str
    body_id: int | None
    body_guid: str | None
    date: date | None
    time: str | None
    location: str | None
    topic: str | None
    details_url: str | None
    agenda_url: str | None
    minutes_url: str | None
    video_url: str | None
    extras: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class WebPersonRow:
    """A row of the people list."""

    row: int
    person_id: int | None
    guid: str | None
    full_name: str
    details_url: str | None
    email: str | None
    website: str | None
    office: str | None
    extras: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class WebPage:
    """What a saved list page holds: its kind, the Legistar client its links name, and its rows."""

    kind: str | None
    client: str | None
    url: str | None
    total: int | None = None
    matters: tuple[WebMatterRow, ...] = ()
    events: tuple[WebEventRow, ...] = ()
    people: tuple[WebPersonRow, ...] = ()
    # Headers of columns kept only as extras, to say so in the report.
    extra_columns: tuple[str, ...] = ()


# Header text (folded by header_key) -> field, per grid.
MATTER_COLUMNS = {
    "file #": "file_number",
    "record #": "file_number",
    "file number": "file_number",
    "file no": "file_number",
    "record number": "file_number",
    "type": "type_name",
    "file type": "type_name",
    "record type": "type_name",
    "status": "status_name",
    "file status": "status_name",
    "name": "name",
    "file name": "name",
    "title": "title",
    "version": "version",
    "ver": "version",
    "intro date": "intro_date",
    "file created": "intro_date",
    "introduced": "intro_date",
    "date introduced": "intro_date",
    "on agenda": "agenda_date",
    "agenda date": "agenda_date",
    "final action": "passed_date",
    "final action date": "passed_date",
    "passed date": "passed_date",
    "enactment date": "enactment_date",
    "enactment #": "enactment_number",
    "enactment number": "enactment_number",
    "law number": "enactment_number",
    "in control": "body_name",
    "committee": "body_name",
    "current controlling legislative body": "body_name",
    "controlling body": "body_name",
    "sponsor": "sponsor",
    "sponsors": "sponsor",
    "prime sponsor": "sponsor",
    "primary sponsor": "sponsor",
    "main sponsor": "sponsor",
}
EVENT_COLUMNS = {
    "name": "body",
    "body": "body",
    "meeting body": "body",
    "meeting date": "date",
    "date": "date",
    "meeting time": "time",
    "time": "time",
    "meeting location": "location",
    "location": "location",
    "meeting topic": "topic",
    "topic": "topic",
    "meeting details": "details",
    "details": "details",
    "agenda": "agenda",
    "minutes": "minutes",
    "video": "video",
    "multimedia": "video",
}
PEOPLE_COLUMNS = {
    "person name": "name",
    "name": "name",
    "e mail": "email",
    "email": "email",
    "website": "website",
    "web site": "website",
    "ward office": "office",
    "district": "office",
    "office": "office",
    "title": "office",
}
_DATE_FIELDS = ("intro_date", "agenda_date", "passed_date", "enactment_date")
_PAGER_TOTAL = re.compile(r"items \d+ to \d+ of ([\d,]+)", re.IGNORECASE)


def _grids(root: Any) -> list[Any]:
    return list(root.xpath("//table[contains(@class, 'rgMasterTable')]"))


def _kind(grid: Any) -> str | None:
    """What a grid lists, from its control id or, failing that, its headers."""
    grid_id = (grid.get("id") or "").lower()
    if "gridcalendar" in grid_id:
        return CALENDAR
    if "gridpeople" in grid_id:
        return PEOPLE
    headers = {header_key(text_of(th)) for th in grid.xpath(".//th")}
    if headers & {"file #", "record #", "file number", "record number"} or "gridmain" in grid_id:
        return LEGISLATION if headers & {k for k, v in MATTER_COLUMNS.items() if v == "file_number"} else None
    if "meeting date" in headers:
        return CALENDAR
    if "person name" in headers:
        return PEOPLE
    return None


def _split(row: GridRow, columns: dict[str, str]) -> tuple[dict[str, Cell], dict[str, str]]:
    known: dict[str, Cell] = {}
    extras: dict[str, str] = {}
    for header, cell in row.cells.items():
        name = columns.get(header_key(re.sub(r" \(\d+\)$", "", header)))
        if name is not None and name not in known:
            known[name] = cell
        elif header.startswith("column ") and not cell.text:
            # Icon columns without a header (Calendar's iCalendar link): nothing to keep.
            continue
        else:
            extras[header] = cell.text or cell.link() or ""
    return known, extras


def _value(cells: dict[str, Cell], name: str) -> str | None:
    cell = cells.get(name)
    if cell is None or cell.text.lower() in _NOT_AVAILABLE:
        return None
    return cell.text


def _link(cells: dict[str, Cell], name: str) -> str | None:
    cell = cells.get(name)
    if cell is None or cell.text.lower() in _NOT_AVAILABLE - {""}:
        return None
    return cell.link()


def _guid(url: str | None) -> str | None:
    if not url:
        return None
    values = parse_qs(urlsplit(url).query).get("GUID") or []
    return values[0] if values else None


def _read_rows(
    grid: Any,
    base: str | None,
    columns: dict[str, str],
    build: Callable[[GridRow, dict[str, Cell], dict[str, str]], Any],
) -> tuple[list[Any], set[str]]:
    out: list[Any] = []
    extra_columns: set[str] = set()
    for row in iter_grid(grid, base):
        known, extras = _split(row, columns)
        extra_columns.update(extras)
        built = build(row, known, extras)
        if built is not None:
            out.append(built)
    return out, extra_columns


def parse_legistar_list_page(html: str, base_url: str | None = None) -> Parsed[WebPage]:
    """Recognise and read a saved Legislation.aspx, Calendar.aspx or People.aspx page of any Legistar client."""
    problems: list[ParseProblem] = []
    empty = WebPage(kind=None, client=None, url=None)
    if looks_truncated(html):
        return Parsed(
            empty, (ParseProblem("<page>", "the page is cut short (no closing </html>); save it again"),)
        )
    try:
        root = parse_html(html)
    except PageError as exc:
        return Parsed(empty, (ParseProblem("<page>", str(exc)),))
    own_url = page_url(html, root)
    base = base_url or own_url or legistar_site(root)
    grid, kind = next(((g, k) for g in _grids(root) if (k := _kind(g)) is not None), (None, None))
    if grid is None or kind is None:
        return Parsed(empty, (ParseProblem("<page>", NOT_A_LIST_PAGE),))
    pager = next((text_of(tr) for tr in grid.xpath("./thead/tr[contains(@class, 'rgPager')]")), "")
    total_match = _PAGER_TOTAL.search(pager)
    total = int(total_match.group(1).replace(",", "")) if total_match else None

    def matter(row: GridRow, cells: dict[str, Cell], extras: dict[str, str]) -> WebMatterRow | None:
        file_number = _value(cells, "file_number")
        if not file_number:
            problems.append(ParseProblem("file_number", "a row without a file number", row.index))
            return None
        link = cells["file_number"].link()
        dates: dict[str, date | None] = {}
        for name in _DATE_FIELDS:
            raw = _value(cells, name)
            dates[name] = parse_us_date(raw)
            if raw and dates[name] is None:
                problems.append(ParseProblem(name, f"unreadable date {raw!r}", row.index))
        return WebMatterRow(
            row=row.index,
            file_number=file_number,
            detail_url=link,
            matter_id=query_int(link) if link and "legislationdetail" in link.lower() else None,
            guid=_guid(link),
            type_name=_value(cells, "type_name"),
            status_name=_value(cells, "status_name"),
            name=_value(cells, "name"),
            title=_value(cells, "title"),
            version=_value(cells, "version"),
            intro_date=dates["intro_date"],
            agenda_date=dates["agenda_date"],
            passed_date=dates["passed_date"],
            enactment_date=dates["enactment_date"],
            enactment_number=_value(cells, "enactment_number"),
            body_name=_value(cells, "body_name"),
            sponsor=_value(cells, "sponsor"),
            present=frozenset(cells),
            extras=extras,
        )

    def event(row: GridRow, cells: dict[str, Cell], extras: dict[str, str]) -> WebEventRow | None:
        body = _value(cells, "body")
        if not body:
            problems.append(ParseProblem("Name", "a meeting without a body name", row.index))
            return None
        details = _link(cells, "details")
        # Every link of the row (details, agenda, iCalendar) carries the meeting's EventId and GUID.
        any_link = details or next(
            (u for c in row.cells.values() for _, u in c.links if u and "M=" in u and "ID=" in u), None
        )
        body_link = cells["body"].link()
        raw_date = _value(cells, "date")
        when = parse_us_date(raw_date)
        if raw_date and when is None:
            problems.append(ParseProblem("Meeting Date", f"unreadable date {raw_date!r}", row.index))
        return WebEventRow(
            row=row.index,
            event_id=query_int(any_link),
            guid=_guid(any_link),
            body_name=body,
            body_id=query_int(body_link) if body_link and "departmentdetail" in body_link.lower() else None,
            body_guid=_guid(body_link),
            date=when,
            time=_value(cells, "time"),
            location=_value(cells, "location"),
            topic=_value(cells, "topic"),
            details_url=details,
            agenda_url=_link(cells, "agenda"),
            minutes_url=_link(cells, "minutes"),
            video_url=_link(cells, "video"),
            extras=extras,
        )

    def person(row: GridRow, cells: dict[str, Cell], extras: dict[str, str]) -> WebPersonRow | None:
        name = _value(cells, "name")
        if not name:
            problems.append(ParseProblem("Person Name", "a row without a name", row.index))
            return None
        link = cells["name"].link()
        website = cells.get("website")
        return WebPersonRow(
            row=row.index,
            person_id=query_int(link) if link and "persondetail" in link.lower() else None,
            guid=_guid(link),
            full_name=name,
            details_url=link,
            email=_value(cells, "email"),
            # The grid shortens long addresses ("http://council....bers/home.shtml"); the link has them whole.
            website=(website.link() or website.text or None) if website else None,
            office=_value(cells, "office"),
            extras=extras,
        )

    client = client_of(base)
    if kind == LEGISLATION:
        matters, extra = _read_rows(grid, base, MATTER_COLUMNS, matter)
        page = WebPage(
            kind, client, own_url, total, matters=tuple(matters), extra_columns=tuple(sorted(extra))
        )
    elif kind == CALENDAR:
        events, extra = _read_rows(grid, base, EVENT_COLUMNS, event)
        page = WebPage(kind, client, own_url, total, events=tuple(events), extra_columns=tuple(sorted(extra)))
    else:
        people, extra = _read_rows(grid, base, PEOPLE_COLUMNS, person)
        page = WebPage(kind, client, own_url, total, people=tuple(people), extra_columns=tuple(sorted(extra)))
    return Parsed(page, tuple(problems))
