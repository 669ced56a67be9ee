"""Parse a collaborative's statement of purpose (or a staff report's action list) into a StatementOfPurpose."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .records import ListItem, Parsed, ParseProblem, StatementOfPurpose
from .textrepair import collapse_whitespace, html_to_text, looks_like_html, normalize_text, split_bullet

US_STATES = frozenset(
    [
        "Alabama",
        "Alaska",
        "Arizona",
        "Arkansas",
        "California",
        "Colorado",
        "Connecticut",
        "Delaware",
        "Florida",
        "Georgia",
        "Hawaii",
        "Idaho",
        "Illinois",
        "Indiana",
        "Iowa",
        "Kansas",
        "Kentucky",
        "Louisiana",
        "Maine",
        "Maryland",
        "Massachusetts",
        "Michigan",
        "Minnesota",
        "Mississippi",
        "Missouri",
        "Montana",
        "Nebraska",
        "Nevada",
        "Ohio",
        "Oklahoma",
        "Oregon",
        "Pennsylvania",
        "Tennessee",
        "Texas",
        "Utah",
        "Vermont",
        "Virginia",
        "Washington",
        "Wisconsin",
        "Wyoming",
    ]
) | {
    "New Hampshire",
    "New Jersey",
    "New Mexico",
    "New York",
    "North Carolina",
    "North Dakota",
    "Rhode Island",
    "South Carolina",
    "South Dakota",
    "West Virginia",
}

NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12,
}  # fmt: skip

_NAME = r"[A-Z][\w'\u2019.-]*(?: [A-Z][\w'\u2019.-]*)*"
_PARTIES = re.compile(
    rf"\b(?:cities|towns|villages|counties|municipalities) of ({_NAME}(?:(?:, and |, | and ){_NAME})*)"
)
_FACILITATOR = re.compile(
    r"\b(?:with|from|by) the ([A-Z][\w-]*(?: (?:of |for |and |on )?[A-Z][\w-]*)*) \(([A-Z]{2,})\)"
)
_COUNT = re.compile(
    r"\bthe (\d+|"
    + "|".join(NUMBER_WORDS)
    + r") (?:jurisdictions|cities|communities|local governments|partners)\b",
    re.IGNORECASE,
)
_START = re.compile(r"\b(commence|begin|start|launch|kick)\w*\b", re.IGNORECASE)


@dataclass
class _Block:
    kind: str  # "heading", "paragraph" or "list"
    text: str
    items: tuple[ListItem, ...] = ()


def _is_heading(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= 6
        and line[:1].isupper()
        and not re.search(r"[.,;]$", line)
        and split_bullet(line) is None
    )


def _blocks(text: str) -> list[_Block]:
    out: list[_Block] = []
    for chunk in re.split(r"\n\s*\n", text):
        lines = [line.rstrip() for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        bullets = [split_bullet(line) for line in lines]
        if all(b is not None for b in bullets):
            indents = sorted({b[0] for b in bullets if b is not None})
            items = tuple(ListItem(b[1], indents.index(b[0])) for b in bullets if b is not None)
            out.append(_Block("list", "\n".join(item.text for item in items), items))
        elif len(lines) == 1 and (markdown := re.match(r"#{1,6}\s+(.+)$", lines[0].strip())):
            # A matter's text as the Legistar parsers keep it marks its section headings in Markdown.
            out.append(_Block("heading", markdown.group(1).strip().rstrip(":")))
        elif len(lines) == 1 and _is_heading(lines[0].strip()):
            out.append(_Block("heading", lines[0].strip().rstrip(":")))
        else:
            out.append(_Block("paragraph", collapse_whitespace(" ".join(lines))))
    return out


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text) if s.strip()]


def extract_parties(text: str) -> tuple[str, ...]:
    """Names listed after "the cities of ..." anywhere in the text, in first-mention order, states dropped."""
    names: list[str] = []
    for match in _PARTIES.finditer(text):
        for name in re.split(r", and |, | and ", match.group(1)):
            name = name.replace("\u2019", "'").strip()
            if name and name not in US_STATES and name not in names:
                names.append(name)
    return tuple(names)


def parse_statement(text: str) -> Parsed[StatementOfPurpose]:
    """Parse a statement of purpose; also reads the "Impact/Analysis" action list of a Legistar staff report."""
    problems: list[ParseProblem] = []
    if looks_like_html(text):
        text = html_to_text(text)
    text = normalize_text(text)
    blocks = _blocks(text)

    sections: list[tuple[str | None, list[_Block]]] = [(None, [])]
    for block in blocks:
        if block.kind == "heading":
            sections.append((block.text, []))
        else:
            sections[-1][1].append(block)

    def section(pattern: str) -> list[_Block] | None:
        for heading, content in sections:
            if heading and re.search(pattern, heading, re.IGNORECASE):
                return content
        return None

    def paragraphs(content: list[_Block] | None) -> list[str]:
        return [b.text for b in content or [] if b.kind == "paragraph"]

    title = sections[1][0] if len(sections) > 1 and not sections[0][1] else None
    if title is None:
        problems.append(ParseProblem("title", "the text does not start with a heading"))

    purpose_section = section(r"purpose|issue|request") or (sections[0][1] if sections[0][1] else None)
    purpose_paragraphs = paragraphs(purpose_section)
    purpose = purpose_paragraphs[0] if purpose_paragraphs else None
    if purpose is None:
        problems.append(ParseProblem("purpose", "no purpose paragraph"))

    background_section = section(r"^background")
    if background_section is None:
        problems.append(ParseProblem("background", 'no "Background" heading'))
    background = tuple(paragraphs(background_section))

    action_section = section(r"action|impact")
    intro = start_note = None
    steps: tuple[ListItem, ...] = ()
    if action_section is None:
        problems.append(ParseProblem("action_steps", 'no "Action Steps" or "Impact/Analysis" heading'))
    else:
        list_at = next((i for i, b in enumerate(action_section) if b.kind == "list"), None)
        if list_at is None:
            problems.append(ParseProblem("action_steps", "the action section has no bullet list"))
        else:
            steps = action_section[list_at].items
            before = [b.text for b in action_section[:list_at] if b.kind == "paragraph"]
            intro = before[-1] if before else None
            after = [b.text for b in action_section[list_at + 1 :] if b.kind == "paragraph"]
            notes = [s for p in after for s in _sentences(p) if _START.search(s)]
            start_note = notes[0] if notes else None
        if start_note is None:
            problems.append(ParseProblem("start_note", "no sentence about when the work commences"))

    ideas_section = section(r"idea")
    ideas: tuple[str, ...] = ()
    if ideas_section is None:
        problems.append(ParseProblem("ideas", 'no "Ideas" heading'))
    else:
        ideas = tuple(item.text for b in ideas_section if b.kind == "list" for item in b.items)
        if not ideas:
            problems.append(ParseProblem("ideas", "the ideas section has no bullet list"))

    parties = extract_parties(text)
    if not parties:
        problems.append(ParseProblem("parties", 'no "the cities of ..." list'))

    facilitator = abbreviation = None
    if match := _FACILITATOR.search(text):
        facilitator, abbreviation = match.group(1), match.group(2)
    else:
        problems.append(ParseProblem("facilitator", 'no "with the Name (ABBR)" phrase'))

    count = None
    count_match = _COUNT.search(intro or "") or _COUNT.search(text)
    if count_match:
        word = count_match.group(1).lower()
        count = int(word) if word.isdigit() else NUMBER_WORDS[word]
        if parties and count != len(parties):
            problems.append(
                ParseProblem("parties", f"the text speaks of {count} jurisdictions but names {len(parties)}")
            )

    record = StatementOfPurpose(
        title=title,
        parties=parties,
        facilitator=facilitator,
        facilitator_abbreviation=abbreviation,
        purpose=purpose,
        background=background,
        action_steps_intro=intro,
        action_steps=steps,
        start_note=start_note,
        ideas=ideas,
        jurisdiction_count=count,
    )
    return Parsed(record, tuple(problems))
