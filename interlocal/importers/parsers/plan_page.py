"""Parse a comprehensive plan's recommendation page (text or HTML) into a PlanRecommendation."""

from __future__ import annotations

import re

from .records import Parsed, ParseProblem, PlanLink, PlanRecommendation
from .textrepair import html_to_text, is_icon_caption, looks_like_html, normalize_text, split_bullet

TITLE_MAX = 120

TYPE_OPTIONS = ("Project", "Partnership", "Policy")
GEOGRAPHIC_SCALES = ("Countywide", "Municipalities", "Sub-geographies")
COST_OPTIONS = ("Low", "Medium", "High")
TIMELINE_OPTIONS = ("Ongoing", "Near-term", "Medium-term", "Long-term")
THEMES = ("Leading the Region", "Inclusive Economies", "Complete Communities")

# Section headings, normalised to lower case; the value is the field the following lines feed.
HEADINGS: dict[str, str] = {
    "applicable geographic scales": "geographic_scales",
    "key issues addressed": "key_issues",
    "sustainability considerations": "sustainability_considerations",
    "equity considerations": "equity_considerations",
    "related planning topic areas": "topic_areas",
    "lead partner(s)": "lead_partners",
    "supporting partner(s)": "supporting_partners",
    "potential funding sources": "funding_sources",
    "tracking implementation": "tracking_implementation",
    "tracking success": "tracking_success",
    "if overperforming, what should we do?": "if_overperforming",
    "if underperforming, what should we do?": "if_underperforming",
    "previous": "previous",
    "next": "next",
    # Headings whose options are scattered by the page layout: they only end the previous section.
    "implementation": "",
    "cost": "",
    "timeline": "",
    "project, partnership, or policy": "",
    "this recommendation help achieve the following": "",
    "this recommendation helps achieve the following": "",
}

_CODE = re.compile(r"^Recommendation\s+([A-Z]{1,4}\.\d+[A-Za-z]?)\s*$")
_STATUS = re.compile(r"^Recommendation Status:\s*(.*)$")
_LINK = re.compile(r"^([A-Z]{1,4}\.\d+[A-Za-z]?)/(.+)$")
_ABBREVIATION = re.compile(r"^[A-Z]{1,4}$")


def short_title(description: str) -> str:
    """The title is the recommendation sentence up to its first comma, cut at 120 characters."""
    head = description.split(",", 1)[0].strip()
    if len(head) > TITLE_MAX:
        head = head[:TITLE_MAX].rsplit(" ", 1)[0].rstrip()
    return head


def parse_plan_link(line: str) -> PlanLink | None:
    """Parse "LR.32/Collaborate with .../PS/IC/SER" into code, title and trailing topic abbreviations."""
    match = _LINK.match(line.strip())
    if not match:
        return None
    tokens = match.group(2).split("/")
    abbreviations: list[str] = []
    # Topic abbreviations trail the title; the title itself may contain a slash.
    while len(tokens) > 1 and _ABBREVIATION.match(tokens[-1]):
        abbreviations.insert(0, tokens.pop())
    return PlanLink(
        code=match.group(1), title="/".join(tokens).strip(), topic_abbreviations=tuple(abbreviations)
    )


def _selection(lines: list[str]) -> tuple[list[str], list[str]]:
    """Split option lines into selected and unselected ("Not X" marks X as unselected)."""
    selected: list[str] = []
    unselected: list[str] = []
    for line in lines:
        if line.startswith("Not "):
            unselected.append(line[4:].strip())
        else:
            selected.append(line)
    return selected, unselected


def _option_of(line: str, options: tuple[str, ...]) -> str | None:
    bare = line[4:] if line.startswith("Not ") else line
    return bare if bare in options else None


def _prepare_lines(text: str) -> list[str]:
    if looks_like_html(text):
        text = html_to_text(text)
    return [line.rstrip() for line in normalize_text(text).splitlines()]


def parse_plan_page(text: str) -> Parsed[PlanRecommendation]:
    """Parse a recommendation page given as extracted text or as HTML."""
    problems: list[ParseProblem] = []
    raw_lines = _prepare_lines(text)
    lines = [line for line in raw_lines if line.strip()]

    code = status = description = None
    sections: dict[str, list[str]] = {}
    seen_headings: set[str] = set()
    cost_seen: list[tuple[str, bool]] = []
    timeline_seen: list[tuple[str, bool]] = []
    types_block: list[str] | None = None
    current = ""

    def is_floating(idx: int) -> int:
        """Length of a layout fragment (option, theme, icon) starting at idx, 0 when none."""
        line = lines[idx].strip()
        if is_icon_caption(line):
            return 1
        for theme in THEMES:
            words = theme.split()
            for span in range(1, len(words) + 1):
                if " ".join(x.strip() for x in lines[idx : idx + span]) == theme:
                    return span
        if _option_of(line, COST_OPTIONS) or _option_of(line, TIMELINE_OPTIONS):
            nxt = lines[idx + 1].strip() if idx + 1 < len(lines) else ""
            return 2 if nxt.startswith("(") and nxt.endswith(")") else 1
        if line in TYPE_OPTIONS:
            return 1
        return 0

    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if code is None and (m := _CODE.match(line)):
            code, current, i = m.group(1), "", i + 1
            continue
        if (m := _STATUS.match(line)) and status is None:
            status, current, i = m.group(1).strip() or None, "description", i + 1
            continue
        key = line.lower()
        if key in HEADINGS:
            current = HEADINGS[key]
            if current:
                seen_headings.add(current)
                sections.setdefault(current, [])
            i += 1
            continue
        # The project/partnership/policy selector is a run of three lines, each "X" or "Not X".
        window = [x.strip() for x in lines[i : i + len(TYPE_OPTIONS)]]
        if (
            len(window) == len(TYPE_OPTIONS)
            and {_option_of(x, TYPE_OPTIONS) for x in window} == set(TYPE_OPTIONS)
            and any(x.startswith("Not ") for x in window)
        ):
            types_block, current = window, ""
            i += len(TYPE_OPTIONS)
            continue
        span = is_floating(i)
        if span and is_icon_caption(line):
            # Icon captions sit inside sections; skipping them keeps the section open.
            i += 1
            continue
        if span:
            detail = lines[i + 1].strip() if span == 2 else ""
            full = f"{line} {detail}".strip()
            negated = line.startswith("Not ")
            if _option_of(line, COST_OPTIONS) and "mil" in detail:
                cost_seen.append((full.removeprefix("Not "), negated))
            elif _option_of(line, TIMELINE_OPTIONS):
                timeline_seen.append((full.removeprefix("Not "), negated))
            current = ""
            i += span
            continue
        if current == "description" and description is None:
            description = line
            current = ""
        elif current:
            sections.setdefault(current, []).append(lines[i])
        i += 1

    def items(name: str) -> tuple[str, ...]:
        out: list[str] = []
        for line in sections.get(name, []):
            bullet = split_bullet(line)
            out.append(bullet[1] if bullet else line.strip())
        return tuple(out)

    def text_of(name: str) -> str | None:
        return " ".join(items(name)) if name in seen_headings else None

    if code is None:
        problems.append(ParseProblem("code", 'no "Recommendation <code>" line'))
    if status is None:
        problems.append(ParseProblem("status", 'no "Recommendation Status:" line'))
    if description is None:
        problems.append(ParseProblem("description", "no recommendation sentence after the status"))

    types: frozenset[str] = frozenset()
    if types_block is None:
        problems.append(
            ParseProblem("types", 'no "Project / Partnership / Policy" selector with "Not" marks')
        )
    else:
        types = frozenset(x.lower() for x in _selection(types_block)[0])

    scales, _ = _selection(list(items("geographic_scales")))
    issues, issues_not = _selection(list(items("key_issues")))
    topics, topics_not = _selection(list(items("topic_areas")))

    sustainability = list(items("sustainability_considerations"))
    stray = [x for x in sustainability if x in GEOGRAPHIC_SCALES]
    if stray:
        # The page layout drops a geographic-scale label here; it is not a consideration.
        sustainability = [x for x in sustainability if x not in GEOGRAPHIC_SCALES]
        problems.append(
            ParseProblem(
                "sustainability_considerations",
                f"section holds only layout labels {stray}; no consideration text could be read",
            )
        )

    cost_band = _single_selected(cost_seen, "cost_band", problems)
    timeline_band = _single_selected(timeline_seen, "timeline_band", problems)

    def link(name: str) -> PlanLink | None:
        for line in sections.get(name, []):
            parsed = parse_plan_link(line)
            if parsed:
                return parsed
        if name in seen_headings:
            problems.append(ParseProblem(name, 'no "CODE/title/ABBR" link line'))
        return None

    tracking_impl = text_of("tracking_implementation")
    over = text_of("if_overperforming")
    under = text_of("if_underperforming")

    record = PlanRecommendation(
        code=code,
        title=short_title(description) if description else None,
        description=description,
        status=status,
        types=types,
        geographic_scales=tuple(scales),
        key_issues=tuple(issues),
        key_issues_unselected=tuple(issues_not),
        topic_areas=tuple(topics),
        topic_areas_unselected=tuple(topics_not),
        equity_considerations=items("equity_considerations"),
        sustainability_considerations=tuple(sustainability),
        cost_band=cost_band,
        cost_options=tuple(label for label, _ in cost_seen),
        timeline_band=timeline_band,
        timeline_options=tuple(label for label, _ in timeline_seen),
        lead_partners=items("lead_partners"),
        supporting_partners=items("supporting_partners"),
        funding_sources=items("funding_sources"),
        tracking_implementation=tracking_impl,
        tracking_success=items("tracking_success"),
        if_overperforming=over,
        if_underperforming=under,
        previous=link("previous"),
        next=link("next"),
    )
    for name in sorted({field for field in HEADINGS.values() if field} - seen_headings):
        problems.append(ParseProblem(name, "heading not found"))
    for name in ("geographic_scales", "lead_partners", "tracking_implementation"):
        if name in seen_headings and not getattr(record, name):
            problems.append(ParseProblem(name, "section is empty"))
    return Parsed(record, tuple(problems))


def _single_selected(seen: list[tuple[str, bool]], name: str, problems: list[ParseProblem]) -> str | None:
    """The one option not marked "Not", when the page marks the others; otherwise None and a problem."""
    if not seen:
        problems.append(ParseProblem(name, "no options found"))
        return None
    unmarked = [label for label, negated in seen if not negated]
    if len(unmarked) == 1 and len(unmarked) < len(seen):
        return unmarked[0]
    problems.append(
        ParseProblem(
            name,
            f"all options are listed ({', '.join(label for label, _ in seen)}) and nothing shows which is "
            "selected",
        )
    )
    return None
