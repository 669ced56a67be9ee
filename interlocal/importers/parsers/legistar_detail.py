"""Parse Legistar "Legislation Details (With Text)" PDF text and LegislationDetail.aspx HTML."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser

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
_PAGE_HEADER = re.compile(r"^File #:\s*(?P<file>[^\t]+?),\s*Version:\s*(?P<version>\d+)\s*$")
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
    version: int | None = None
    rest = list(cells[1:])
    if rest and rest[0].isdigit():
        version = int(rest.pop(0))
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


def _clean_body(lines: list[str]) -> tuple[str, list[tuple[str, int]]]:
    """Drop page headers/footers, re-join paragraphs they cut, tidy bullets; return text and headers seen."""
    headers: list[tuple[str, int]] = []
    paragraphs: list[list[str]] = []
    current: list[str] = []
    after_page_break = False
    for line in lines:
        stripped = line.strip()
        header = _PAGE_HEADER.match(stripped)
        if header:
            headers.append((header.group("file"), int(header.group("version"))))
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
        version = int(raw_version) if raw_version and raw_version.isdigit() else None
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

_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
_BLOCK = frozenset(["p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table"])


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list[_Node | str] = field(default_factory=list)
    parent: _Node | None = None

    def text(self, blocks: bool = False) -> str:
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            else:
                inner = child.text(blocks)
                parts.append(f"\n{inner}\n" if blocks and child.tag in _BLOCK else inner)
        return "".join(parts)

    def iter(self) -> list[_Node]:
        out: list[_Node] = [self]
        for child in self.children:
            if isinstance(child, _Node):
                out.extend(child.iter())
        return out


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        self.current.children.append(node)
        if tag not in _VOID:
            self.current = node

    def handle_endtag(self, tag: str) -> None:
        node: _Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        # An end tag with no open element is stray markup: ignore it.
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def _paragraphs(node: _Node) -> list[list[str]]:
    """A text element's blocks: each paragraph one line, each list its "- " items."""
    out: list[list[str]] = []
    inline: list[str] = []

    def flush() -> None:
        line = collapse_whitespace(normalize_text("".join(inline)))
        if line:
            out.append([line])
        inline.clear()

    def walk(parent: _Node) -> None:
        for child in parent.children:
            if isinstance(child, str):
                inline.append(child)
            elif child.tag in ("script", "style"):
                continue
            elif child.tag in ("ul", "ol"):
                flush()
                items = [
                    collapse_whitespace(normalize_text(li.text())) for li in child.iter() if li.tag == "li"
                ]
                if any(items):
                    out.append([f"- {item}" for item in items if item])
            elif child.tag in _BLOCK:
                flush()
                walk(child)
                flush()
            else:
                walk(child)

    walk(node)
    flush()
    return out


def _by_id_suffix(nodes: list[_Node], suffix: str) -> _Node | None:
    return next((n for n in nodes if n.attrs.get("id", "").endswith(suffix)), None)


def parse_legislation_detail_html(html: str, client: str | None = None) -> Parsed[LegislativeMatterRecord]:
    """Parse Legistar's LegislationDetail.aspx page (ids like ctl00_ContentPlaceHolder1_lblFile2)."""
    problems: list[ParseProblem] = []
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    nodes = builder.root.iter()

    def span(suffix: str, field_name: str, required: bool = True) -> str | None:
        node = _by_id_suffix(nodes, suffix)
        if node is None:
            if required:
                problems.append(ParseProblem(field_name, f"no element with id ending {suffix!r}"))
            return None
        return collapse_whitespace(normalize_text(node.text())) or None

    def links(suffix: str, field_name: str) -> tuple[tuple[str, str | None], ...]:
        node = _by_id_suffix(nodes, suffix)
        if node is None:
            problems.append(ParseProblem(field_name, f"no element with id ending {suffix!r}"))
            return ()
        anchors = [n for n in node.iter() if n.tag == "a"]
        if anchors:
            return tuple(
                # Attachment links read "1. Resolution"; the number is only the list position.
                (
                    re.sub(r"^\d+\.\s+", "", collapse_whitespace(normalize_text(a.text()))),
                    a.attrs.get("href") or None,
                )
                for a in anchors
                if collapse_whitespace(a.text())
            )
        return tuple((name, None) for name in _list_value(collapse_whitespace(node.text())))

    def date_span(suffix: str, field_name: str) -> date | None:
        raw = span(suffix, field_name)
        parsed = parse_us_date(raw)
        if raw and parsed is None:
            problems.append(ParseProblem(field_name, f"unreadable date {raw!r}"))
        return parsed

    raw_version = span("_lblVersion2", "version", required=False)
    version = int(raw_version) if raw_version and raw_version.isdigit() else None
    if version is None:
        problems.append(ParseProblem("version", "no numeric lblVersion2"))

    in_control = _by_id_suffix(nodes, "_hypInControlOf2") or _by_id_suffix(nodes, "_lblInControlOf2")
    body_name = collapse_whitespace(in_control.text()) or None if in_control else None
    if in_control is None:
        problems.append(ParseProblem("body_name", "no hypInControlOf2 element"))

    attachments = links("_lblAttachments2", "attachments")
    text_node = _by_id_suffix(nodes, "_divText") or _by_id_suffix(nodes, "_lblText")
    text = to_markdown(_paragraphs(text_node)) or None if text_node is not None else None

    record = LegislativeMatterRecord(
        client=client,
        file_number=span("_lblFile2", "file_number"),
        name=span("_lblName2", "name"),
        type_name=span("_lblType2", "type_name"),
        status_name=span("_lblStatus2", "status_name"),
        intro_date=date_span("_lblIntroduced2", "intro_date"),
        agenda_date=date_span("_lblOnAgenda2", "agenda_date"),
        passed_date=date_span("_lblPassed2", "passed_date"),
        body_name=body_name,
        title=span("_lblTitle2", "title"),
        sponsors=tuple(name for name, _ in links("_lblSponsors2", "sponsors")),
        indexes=_list_value(span("_lblIndexes2", "indexes")),
        code_sections=_list_value(span("_lblCodeSections2", "code_sections", required=False)),
        attachments=tuple(name for name, _ in attachments),
        attachment_urls=tuple(url for _, url in attachments),
        version=version,
        text=text,
        histories=_html_histories(nodes, problems),
        enactment_date=parse_us_date(span("_lblEnactmentDate2", "enactment_date", required=False)),
        enactment_number=span("_lblEnactmentNumber2", "enactment_number", required=False),
    )
    return Parsed(record, tuple(problems))


_HISTORY_COLUMNS = {
    "date": "date",
    "ver.": "version",
    "ver": "version",
    "action by": "body",
    "action": "action",
    "result": "result",
    "tally": "tally",
}


def _html_histories(nodes: list[_Node], problems: list[ParseProblem]) -> tuple[MatterActionRecord, ...]:
    table = next(
        (n for n in nodes if n.tag == "table" and "gridLegislation" in n.attrs.get("id", "")),
        None,
    )
    if table is None:
        problems.append(ParseProblem("histories", "no gridLegislation table"))
        return ()
    rows = [n for n in table.iter() if n.tag == "tr"]
    columns: dict[str, int] = {}
    out: list[MatterActionRecord] = []
    for row_index, row in enumerate(rows):
        cells = [n for n in row.children if isinstance(n, _Node) and n.tag in ("td", "th")]
        texts = [collapse_whitespace(normalize_text(c.text())) for c in cells]
        if any(c.tag == "th" for c in cells):
            columns = {
                _HISTORY_COLUMNS[t.lower()]: i for i, t in enumerate(texts) if t.lower() in _HISTORY_COLUMNS
            }
            continue
        if not columns or len(texts) < len(columns):
            # Telerik grids put pager and "no records" rows in the same table.
            continue

        def col(name: str, texts: list[str] = texts, columns: dict[str, int] = columns) -> str | None:
            idx = columns.get(name)
            return (texts[idx] or None) if idx is not None and idx < len(texts) else None

        raw_date = col("date")
        action_date = parse_us_date(raw_date)
        if action_date is None:
            problems.append(ParseProblem("histories.action_date", f"unreadable date {raw_date!r}", row_index))
        raw_version = col("version")
        out.append(
            MatterActionRecord(
                action_date=action_date,
                version=int(raw_version) if raw_version and raw_version.isdigit() else None,
                action_body=col("body"),
                action_name=col("action"),
                result=col("result"),
                tally=col("tally"),
            )
        )
    if not columns:
        problems.append(ParseProblem("histories", "gridLegislation table has no header row"))
    return tuple(out)
