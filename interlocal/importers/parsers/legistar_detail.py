"""Parse Legistar "Legislation Details (With Text)" PDF text and LegislationDetail.aspx HTML."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from .legistar_html import (
    PageError,
    by_id_suffix,
    client_of,
    header_key,
    iter_grid,
    legistar_site,
    link_of,
    looks_truncated,
    page_url,
    parse_html,
    query_int,
    resolve,
    text_of,
)
from .records import LegislativeMatterRecord, MatterActionRecord, Parsed, ParseProblem
from .textrepair import (
    LEGISTAR_WORDS,
    collapse_whitespace,
    group_label_cells,
    join_fragments,
    normalize_text,
    parse_us_date,
    repair_file_number,
    split_bullet,
    split_cells,
)

RESULTS = frozenset({"pass", "fail", "passed", "failed", "carried", "lost", "adopted", "approved", "denied"})
ACTION_NAMES = frozenset(
    {
        "adopted",
        "approved",
        "passed",
        "failed",
        "denied",
        "referred",
        "tabled",
        "withdrawn",
        "continued",
        "introduced",
        "amended",
        "held",
        "vetoed",
        "received and filed",
        "placed on file",
        "approved as amended",
        "adopted as amended",
        "passed as amended",
        "recommended for approval",
        "recommended to pass",
        "do pass",
        "read first time",
        "first reading",
        "second reading",
        "third reading",
        "accepted",
        "filed",
    }
)

# "File #: RES. NO. 21-08, Version: 1" repeats at the top of every page after the first.
_PAGE_HEADER = re.compile(r"^File #:\s*(?P<file>[^\t]+?),\s*Version:\s*(?P<version>\d+|[A-Z*])\s*$")
# Legistar versions are text: numbers, '*' (the current one) or letters (amendments).
_VERSION = re.compile(r"^(\d+|[A-Z*])$")
_PAGE_FOOTER = re.compile(r"(^Page \d+( of \d+)?$)|(\bPage \d+( of \d+)?\s+Printed on\b)", re.IGNORECASE)
_ATTACHMENT_SPLIT = re.compile(r"(?:^|,\s*)\d+\.\s+")
_SENTENCE_END = re.compile(r"[.:;!?\"”)]$")


def _list_value(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    return tuple(part.strip() for part in text.split(",") if part.strip())


def parse_attachment_list(text: str | None) -> tuple[str, ...]:
    """Split "1. Resolution, 2. Statement of Common Purpose" into attachment names."""
    if not text:
        return ()
    if not re.match(r"\s*\d+\.\s", text):
        return _list_value(text)
    return tuple(part.strip() for part in _ATTACHMENT_SPLIT.split(text) if part.strip())


def _split_action(cells: Sequence[str], vocabulary: set[str]) -> tuple[str | None, str | None, bool]:
    """Split the middle cells of a history row into (action body, action name, confirmed)."""
    for k in range(len(cells) - 1, 0, -1):
        action, ok = join_fragments(cells[k:], vocabulary)
        if ok and action.lower() in ACTION_NAMES:
            body, body_ok = join_fragments(cells[:k], vocabulary)
            return body or None, action, body_ok
    if not cells:
        return None, None, False
    body, _ = join_fragments(cells[:-1], vocabulary)
    return body or None, cells[-1], False


def _history_row(
    cells: Sequence[str], row: int, vocabulary: set[str], problems: list[ParseProblem]
) -> MatterActionRecord:
    action_date = parse_us_date(cells[0])
    if action_date is None:
        problems.append(ParseProblem("histories.action_date", f"unreadable date {cells[0]!r}", row))
    version: str | None = None
    rest = list(cells[1:])
    if rest and _VERSION.match(rest[0]):
        version = rest.pop(0)
    else:
        problems.append(ParseProblem("histories.version", "no version number", row))
    result = None
    if rest and rest[-1].lower() in RESULTS:
        result = rest.pop()
    body, action, ok = _split_action(rest, vocabulary)
    if not ok:
        problems.append(
            ParseProblem(
                "histories.action_body", f"could not tell body from action in {list(cells[1:])!r}", row
            )
        )
    return MatterActionRecord(
        action_date=action_date, version=version, action_body=body, action_name=action, result=result
    )


def _clean_body(lines: list[str]) -> tuple[str, list[tuple[str, str]]]:
    """Drop page headers/footers, re-join paragraphs they cut, tidy bullets; return text and headers seen."""
    headers: list[tuple[str, str]] = []
    paragraphs: list[list[str]] = []
    current: list[str] = []
    after_page_break = False
    for line in lines:
        stripped = line.strip()
        header = _PAGE_HEADER.match(stripped)
        if header:
            headers.append((header.group("file"), header.group("version")))
            if current:
                paragraphs.append(current)
                current = []
            after_page_break = True
            continue
        if _PAGE_FOOTER.search(stripped):
            continue
        if not stripped:
            if current:
                paragraphs.append(current)
                current = []
            continue
        if after_page_break and not current and paragraphs:
            after_page_break = False
            last = paragraphs[-1][-1]
            # A page break cut the sentence: the paragraph before has no end and this one starts low.
            if not last.startswith("- ") and not _SENTENCE_END.search(last) and stripped[:1].islower():
                current = paragraphs.pop()
        bullet = split_bullet(stripped)
        current.append(f"- {bullet[1]}" if bullet else collapse_whitespace(stripped))
    if current:
        paragraphs.append(current)
    return to_markdown(paragraphs), headers


# A section heading of a staff report: "Issue/Request:", "Proposed City Council Motion:", "Background:".
_HEADING = re.compile(r"^[A-Z][A-Za-z/&'(), -]{0,58}:$")
_LINE_START = re.compile(r"^(#|>|[-+]\s)")
_ORDERED = re.compile(r"^(\d+)([.)]\s)")


def markdown_escape(text: str) -> str:
    """Text as Markdown that renders as the same characters (no emphasis, links, raw HTML or lists)."""
    escaped = re.sub(r"([\\`*_\[\]])", r"\\\1", text).replace("<", "&lt;")
    escaped = _ORDERED.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)
    return _LINE_START.sub(lambda m: "\\" + m.group(1), escaped)


def to_markdown(paragraphs: Sequence[Sequence[str]]) -> str:
    """Paragraphs of a matter's text as Markdown: headings, paragraphs and "- " lists, the text escaped."""
    blocks: list[str] = []
    for lines in paragraphs:
        if any(line.startswith("- ") for line in lines):
            blocks.append(
                "\n".join(
                    f"- {markdown_escape(line[2:])}"
                    if line.startswith("- ")
                    else f"  {markdown_escape(line)}"
                    for line in lines
                )
            )
        elif len(lines) == 1 and _HEADING.match(lines[0]) and len(lines[0].split()) <= 6:
            blocks.append(f"### {markdown_escape(lines[0].removesuffix(':'))}")
        else:
            blocks.append(markdown_escape(" ".join(lines)))
    return "\n\n".join(blocks)


# pdftotext -layout separates columns by runs of spaces; the text parser reads tab-separated cells.
_LAYOUT_GAP = re.compile(r"(?<=\S) {2,}(?=\S)")


def layout_to_cells(text: str) -> str:
    """pdftotext -layout output as the tab-separated lines of the text export; form feeds become breaks."""
    return "\n".join(_LAYOUT_GAP.sub("\t", line.strip()) for line in text.replace("\f", "\n").splitlines())


def parse_legislation_text(text: str) -> Parsed[LegislativeMatterRecord]:
    """Parse the text layer of a Legistar "Legislation Details (With Text)" PDF."""
    problems: list[ParseProblem] = []
    lines = normalize_text(text).splitlines()

    start = next((i for i, line in enumerate(lines) if line.strip().startswith("Legislation Details")), None)
    client = None
    if start is None:
        problems.append(ParseProblem("client", 'no "Legislation Details" heading'))
        start = -1
    else:
        client = next((line.strip() for line in lines[:start] if line.strip()), None)
        if client is None:
            problems.append(ParseProblem("client", "no heading line above the title"))

    table_at = None
    values: dict[str, list[str]] = {}
    last_label = ""
    for i in range(start + 1, len(lines)):
        cells = split_cells(lines[i])
        if not cells:
            continue
        if cells[0] == "Date" and "Action" in " ".join(cells):
            table_at = i
            break
        for label, fragments in group_label_cells(cells):
            # A line with no label continues the previous label's value (wrapped titles).
            label = label or last_label
            values.setdefault(label, []).extend(fragments)
            last_label = label

    rows_end = len(lines)
    histories: list[MatterActionRecord] = []
    # Words of untabbed lines only: the tabbed grid holds the very fragments being repaired.
    body_words = {w.lower() for line in lines if "\t" not in line for w in re.findall(r"[A-Za-z]+", line)}
    vocabulary = set(LEGISTAR_WORDS) | body_words
    if table_at is None:
        problems.append(ParseProblem("histories", "no history table header"))
        rows_end = start + 1 + len(values)
    else:
        rows_end = table_at + 1
        for i in range(table_at + 1, len(lines)):
            cells = split_cells(lines[i])
            if not cells:
                rows_end = i
                break
            if parse_us_date(cells[0]) is None and histories:
                rows_end = i
                break
            histories.append(_history_row(cells, i + 1, vocabulary, problems))
            rows_end = i + 1

    body_text, headers = _clean_body(lines[rows_end:])
    reference = headers[0] if headers else None
    if len({h for h in headers}) > 1:
        problems.append(ParseProblem("file_number", f"page headers disagree: {sorted(set(headers))}"))

    def value(label: str, field_name: str) -> str | None:
        if label not in values:
            problems.append(ParseProblem(field_name, f'no "{label}" label'))
            return None
        joined, certain = join_fragments(values[label], vocabulary)
        if not certain:
            problems.append(
                ParseProblem(
                    field_name, f"fragments {values[label]!r} rejoined as {joined!r} without confirmation"
                )
            )
        return joined or None

    def date_value(label: str, field_name: str) -> date | None:
        raw = value(label, field_name)
        parsed = parse_us_date(raw)
        if raw and parsed is None:
            problems.append(ParseProblem(field_name, f"unreadable date {raw!r}"))
        return parsed

    file_number = None
    if "File #:" not in values:
        problems.append(ParseProblem("file_number", 'no "File #:" label'))
    else:
        file_number = repair_file_number(values["File #:"], reference[0] if reference else None)
        if file_number is None:
            problems.append(
                ParseProblem(
                    "file_number",
                    f"cells {values['File #:']!r} do not form a file number"
                    + (f" consistent with the page header {reference[0]!r}" if reference else ""),
                )
            )

    version = reference[1] if reference else None
    if version is None and "Version:" in values:
        raw_version = value("Version:", "version")
        version = raw_version if raw_version and _VERSION.match(raw_version) else None
    if version is None:
        problems.append(ParseProblem("version", "no version in a page header or a Version: label"))

    record = LegislativeMatterRecord(
        client=client,
        file_number=file_number,
        name=value("Name:", "name"),
        type_name=value("Type:", "type_name"),
        status_name=value("Status:", "status_name"),
        intro_date=date_value("File created:", "intro_date"),
        agenda_date=date_value("On agenda:", "agenda_date"),
        passed_date=date_value("Final action:", "passed_date"),
        body_name=value("In control:", "body_name"),
        title=value("Title:", "title"),
        sponsors=_list_value(value("Sponsors:", "sponsors")),
        indexes=_list_value(value("Indexes:", "indexes")),
        code_sections=_list_value(value("Code sections:", "code_sections")),
        attachments=parse_attachment_list(value("Attachments:", "attachments")),
        version=version,
        text=body_text or None,
        histories=tuple(histories),
        enactment_date=parse_us_date(" ".join(values.get("Enactment date:", []))),
        enactment_number=collapse_whitespace(" ".join(values.get("Enactment #:", []))) or None,
    )
    return Parsed(record, tuple(problems))


# --- LegislationDetail.aspx -------------------------------------------------------------------------

# Each field: the ids of its value control (any vintage), then the label texts clients show for it.
DETAIL_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "file_number": (("_lblFile2",), ("file #", "record #", "file number", "file no", "record no", "file")),
    "version": (("_lblVersion2",), ("version", "ver")),
    "name": (("_lblName2",), ("name", "file name")),
    "type_name": (("_lblType2",), ("type", "file type", "record type")),
    "status_name": (("_lblStatus2",), ("status",)),
    "intro_date": (("_lblIntroduced2",), ("file created", "intro date", "introduced", "date introduced")),
    "body_name": (
        ("_hypInControlOf2", "_lblInControlOf2"),
        ("in control", "current controlling legislative body", "committee"),
    ),
    "agenda_date": (("_lblOnAgenda2",), ("on agenda", "agenda date")),
    "passed_date": (("_lblPassed2",), ("final action", "final action date", "passed")),
    "enactment_number": (
        ("_lblEnactmentNumber2",),
        ("enactment #", "enactment number", "enactment no", "law number"),
    ),
    "enactment_date": (("_lblEnactmentDate2",), ("enactment date",)),
    "title": (("_lblTitle2",), ("title",)),
    "sponsors": (("_lblSponsors2",), ("sponsors", "sponsor", "primary sponsor")),
    "indexes": (("_lblIndexes2",), ("indexes", "index")),
    "code_sections": (("_lblCodeSections2",), ("code sections", "code section")),
    "attachments": (("_lblAttachments2",), ("attachments",)),
}
_LABELS = {alias: name for name, (_, aliases) in DETAIL_FIELDS.items() for alias in aliases}
_DATE_FIELDS = ("intro_date", "agenda_date", "passed_date", "enactment_date")
NOT_A_DETAIL_PAGE = "not a Legistar LegislationDetail page (no file number found)"

# Candidate labels: short texts ending in a colon, outside the grids and scripts.
_LABEL_XPATH = (
    "//*[self::td or self::th or self::span or self::label or self::div or self::dt or self::strong]"
    "[string-length(normalize-space(.)) < 50][contains(., ':')]"
    "[not(ancestor::table[contains(@class, 'rgMasterTable')])][not(ancestor::script)]"
)


def _labelled_values(root: Any) -> dict[str, Any]:
    """Field name -> value element, for labels found by their visible text ("Record #:" -> file_number)."""
    found: dict[str, Any] = {}
    for label in root.xpath(_LABEL_XPATH):
        text = text_of(label)
        if not text.endswith(":"):
            continue
        name = _LABELS.get(header_key(text[:-1]))
        if name is None or name in found:
            continue
        # The value sits in the next table cell (Legistar's layout) or the next element (dl, div layouts).
        cell = label if label.tag in ("td", "th") else next(iter(label.xpath("ancestor::td[1]")), None)
        value = None
        if cell is not None and text_of(cell) == text:
            value = next(iter(cell.xpath("following-sibling::td[1]")), None)
        if value is None:
            value = next(iter(label.xpath("following-sibling::*[1]")), None)
        if value is not None:
            found[name] = value
    return found


def _list_items(element: Any, base: str | None) -> tuple[tuple[str, str | None], ...]:
    """The linked items of a value (sponsors, attachments), else its text split on ';' or ','."""
    anchors = [a for a in element.xpath(".//a") if text_of(a)]
    if anchors:
        # Attachment links read "1. Resolution"; the number is only the list position.
        return tuple((re.sub(r"^\d+\.\s+", "", text_of(a)), link_of(a, base)) for a in anchors)
    text = text_of(element)
    if re.match(r"\s*\d+\.\s", text):
        return tuple((name, None) for name in parse_attachment_list(text))
    separator = ";" if ";" in text else ","
    return tuple((part.strip(), None) for part in text.split(separator) if part.strip())


def _paragraphs(node: Any) -> list[list[str]]:
    """A text element's blocks: each paragraph one line, each list its "- " items."""
    out: list[list[str]] = []
    inline: list[str] = []

    def flush() -> None:
        line = collapse_whitespace(normalize_text("".join(inline)))
        if line:
            out.append([line])
        inline.clear()

    def walk(parent: Any) -> None:
        # libxml2 caps the tree at 256 levels, well within Python's recursion limit.
        if parent.text:
            inline.append(parent.text)
        for child in parent:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in ("script", "style") or not tag:
                pass
            elif tag in ("ul", "ol"):
                flush()
                items = [text_of(li) for li in child.iter("li")]
                if any(items):
                    out.append([f"- {item}" for item in items if item])
            elif tag in _BLOCK:
                flush()
                walk(child)
                flush()
            else:
                walk(child)
            if child.tail:
                inline.append(child.tail)

    walk(node)
    flush()
    return out


_BLOCK = frozenset(["p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table"])

_HISTORY_COLUMNS = {
    "date": "date",
    "action date": "date",
    "ver": "version",
    "version": "version",
    "action by": "body",
    "action": "action",
    "result": "result",
    "tally": "tally",
    "action details": "details",
}


def _histories(root: Any, base: str | None, problems: list[ParseProblem]) -> tuple[MatterActionRecord, ...]:
    table = by_id_suffix(root, "_gridLegislation_ctl00")
    if table is None:
        table = next(iter(root.xpath("//table[contains(@id, 'gridLegislation')]")), None)
    if table is None:
        return ()
    out: list[MatterActionRecord] = []
    for row in iter_grid(table, base):
        cols = {
            _HISTORY_COLUMNS[k]: c for h, c in row.cells.items() if (k := header_key(h)) in _HISTORY_COLUMNS
        }
        if "date" not in cols:
            continue

        def text(name: str, cols: dict[str, Any] = cols) -> str | None:
            return cols[name].text or None if name in cols else None

        action_date = parse_us_date(text("date"))
        if action_date is None:
            problems.append(
                ParseProblem("histories.action_date", f"unreadable date {text('date')!r}", row.index)
            )
        out.append(
            MatterActionRecord(
                action_date=action_date,
                version=text("version"),
                action_body=text("body"),
                action_name=text("action"),
                result=text("result"),
                tally=text("tally"),
                details_url=cols["details"].link() if "details" in cols else None,
            )
        )
    return tuple(out)


def parse_legislation_detail_html(
    html: str, client: str | None = None, base_url: str | None = None
) -> Parsed[LegislativeMatterRecord]:
    """Parse a LegislationDetail.aspx page of any Legistar client and vintage; only the file number is required.

    Fields are found by their control id (ctl00_ContentPlaceHolder1_lblFile2) or by their label's text
    ("Record #:", "File #:"); a field the page lacks is absent from `present`. Relative links are resolved
    against `base_url`, else the page's own address (base, saved-from comment, canonical), else the
    client's Legistar site when other links name it; otherwise they are kept as written.
    """
    empty = _empty_detail(client)
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
    if base is None and client and re.fullmatch(r"[a-z0-9-]+", client):
        base = f"https://{client}.legistar.com/"
    # The form posts back to the page itself: LegislationDetail.aspx?ID=<MatterId>&GUID=...
    action = next(iter(root.xpath("//form[contains(@action, 'LegislationDetail.aspx')]/@action")), None)
    if own_url is None and action and base:
        own_url = resolve(action, base)
    labelled = _labelled_values(root)
    problems: list[ParseProblem] = []
    elements: dict[str, Any] = {}
    for name, (ids, _) in DETAIL_FIELDS.items():
        element = by_id_suffix(root, *ids)
        if element is None:
            element = labelled.get(name)
        if element is not None:
            elements[name] = element

    def text(name: str) -> str | None:
        return text_of(elements[name]) or None if name in elements else None

    file_number = text("file_number")
    if not file_number:
        return Parsed(empty, (ParseProblem("<page>", NOT_A_DETAIL_PAGE),))

    dates: dict[str, date | None] = {}
    for name in _DATE_FIELDS:
        raw = text(name)
        dates[name] = parse_us_date(raw)
        if raw and dates[name] is None:
            problems.append(ParseProblem(name, f"unreadable date {raw!r}"))
    attachments = _list_items(elements["attachments"], base) if "attachments" in elements else ()
    text_node = by_id_suffix(root, "_divText", "_lblTextData", "_lblText")
    body_text = to_markdown(_paragraphs(text_node)) or None if text_node is not None else None
    present = set(elements) | {"histories"}
    if text_node is not None:
        present.add("text")
    own_id = (
        query_int(own_url or action) if "legislationdetail" in (own_url or action or "").lower() else None
    )
    record = LegislativeMatterRecord(
        client=client or client_of(base),
        file_number=file_number,
        name=text("name"),
        type_name=text("type_name"),
        status_name=text("status_name"),
        intro_date=dates["intro_date"],
        agenda_date=dates["agenda_date"],
        passed_date=dates["passed_date"],
        body_name=text("body_name"),
        title=text("title"),
        sponsors=tuple(n for n, _ in _list_items(elements["sponsors"], base))
        if "sponsors" in elements
        else (),
        indexes=_list_value(text("indexes")),
        code_sections=_list_value(text("code_sections")),
        attachments=tuple(name for name, _ in attachments),
        attachment_urls=tuple(url for _, url in attachments),
        version=text("version"),
        text=body_text,
        histories=_histories(root, base, problems),
        enactment_date=dates["enactment_date"],
        enactment_number=text("enactment_number"),
        present=frozenset(present),
        page_url=own_url,
        matter_id=own_id,
    )
    return Parsed(record, tuple(problems))


def _empty_detail(client: str | None) -> LegislativeMatterRecord:
    return LegislativeMatterRecord(
        client=client,
        file_number=None,
        name=None,
        type_name=None,
        status_name=None,
        intro_date=None,
        agenda_date=None,
        passed_date=None,
        body_name=None,
        title=None,
        sponsors=(),
        indexes=(),
        code_sections=(),
        attachments=(),
        version=None,
        text=None,
        histories=(),
        present=frozenset(),
    )
