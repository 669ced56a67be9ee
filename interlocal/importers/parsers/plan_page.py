"""Parse a comprehensive plan's recommendation page (text or HTML) into a PlanRecommendation."""

from __future__ import annotations

import re

from .records import Parsed, ParseProblem, PlanLink, PlanRecommendation
from .textrepair import html_to_text, is_icon_caption, looks_like_html, normalize_text, split_bullet

TITLE_MAX = 120

TYPE_OPTIONS = ("Project", "Partnership", "Policy")
COST_OPTIONS = ("Low", "Medium", "High")
TIMELINE_OPTIONS = ("Ongoing", "Near-term", "Medium-term", "Long-term")

# The plan's legend (STLCO 2050 lists it on each policy bucket's page): which vocabulary each option belongs to.
# A page's markers are read by this legend, not by the heading they happen to follow, because the text layer
# reorders the page's blocks (seed 000 puts the geographic scales and key issues under "Related Planning Topic
# Areas").
PLAN_GOALS = (
    "Inclusive Economies",
    "Complete Communities",
    "Sustainable Infrastructure",
    "Responsible Growth",
    "Leading the Region",
)
KEY_ISSUES = (
    "Population Stagnation",
    "Jobs-Skills Mismatch",
    "Housing Diversity & Affordability",
    "Infrastructure Cost-burden",
    "Social & Environmental Resilience",
)
TOPIC_AREAS = (
    "Economic Development",
    "Housing",
    "Land Use & Development",
    "Open Space & Environment",
    "Transportation & Infrastructure",
)
GEOGRAPHIC_SCALES = ("Countywide", "Municipalities", "Sub-geographies")
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "plan_goals": PLAN_GOALS,
    "key_issues": KEY_ISSUES,
    "topic_areas": TOPIC_AREAS,
    "geographic_scales": GEOGRAPHIC_SCALES,
    "types": TYPE_OPTIONS,
}
# Marker texts that differ from the legend's label (the marker is the icon's alternative text).
ALIASES = {
    "Greater Housing Diversity & Affordability": "Housing Diversity & Affordability",
    "Greater Housing Diversity and Affordability": "Housing Diversity & Affordability",
    "Inclusive Economy": "Inclusive Economies",
}
_OPTIONS: dict[str, tuple[str, str]] = {
    **{label: (vocab, label) for vocab, labels in VOCABULARIES.items() for label in labels},
    **{
        alias: next((v, c) for v, labels in VOCABULARIES.items() for c in labels if c == canonical)
        for alias, canonical in ALIASES.items()
    },
}
# Goal headings may wrap ("Inclusive" / "Economies"), so they are matched over several lines.
THEMES = PLAN_GOALS
# Sections whose options are marked "X" (selected) or "Not X" (not selected).
MARKED_SECTIONS = ("geographic_scales", "key_issues", "topic_areas")

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


def vocabulary_of(text: str) -> tuple[str, str] | None:
    """The (vocabulary, legend label) an option's text names, "Not " removed; None when it names none."""
    return _OPTIONS.get(" ".join(text.removeprefix("Not ").split()))


def _is_negated_marker(line: str) -> bool:
    """ "Not X" where X is a short label, not a sentence, and not a cost or timeline option (read apart)."""
    if not line.startswith("Not "):
        return False
    bare = line[4:].strip()
    if _option_of(bare, COST_OPTIONS) or _option_of(bare, TIMELINE_OPTIONS):
        return False
    return vocabulary_of(bare) is not None or (len(bare.split()) <= 8 and not bare.endswith("."))


def marker_lines(raw_lines: list[str]) -> set[int]:
    """Indexes (among the non-blank lines) of selection markers.

    A marker is "Not X", or "X" inside a block of adjacent lines that holds a "Not" marker: the page writes each
    option's state as a run of such lines. The same option standing alone between blank lines is a caption of
    the legend, which every page prints in full, so it says nothing about what is selected.
    """
    markers: set[int] = set()
    block: list[tuple[int, str]] = []
    index = 0

    def close() -> None:
        if any(_is_negated_marker(line) for _, line in block):
            markers.update(i for i, line in block if _is_negated_marker(line) or vocabulary_of(line))
        block.clear()

    for raw in raw_lines:
        line = raw.strip()
        if not line:
            close()
            continue
        block.append((index, line))
        index += 1
    close()
    return markers


def _prepare_lines(text: str) -> list[str]:
    if looks_like_html(text):
        text = html_to_text(text)
    return [line.rstrip() for line in normalize_text(text).splitlines()]


def parse_plan_page(text: str) -> Parsed[PlanRecommendation]:
    """Parse a recommendation page given as extracted text or as HTML."""
    problems: list[ParseProblem] = []
    raw_lines = _prepare_lines(text)
    lines = [line for line in raw_lines if line.strip()]
    markers = marker_lines(raw_lines)

    code = status = description = None
    sections: dict[str, list[str]] = {}
    seen_headings: set[str] = set()
    captions: dict[str, list[str]] = {}
    cost_seen: list[tuple[str, bool]] = []
    timeline_seen: list[tuple[str, bool]] = []
    # (vocabulary, label, negated) in page order; the vocabulary is None when the legend does not name it.
    marked: list[tuple[str | None, str, bool, str]] = []
    goals_shown: list[str] = []
    current = ""

    def is_floating(idx: int) -> int:
        """Length of a layout fragment (option, goal, icon) starting at idx, 0 when none."""
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
        if i in markers:
            found = vocabulary_of(line)
            label = found[1] if found else " ".join(line.removeprefix("Not ").split())
            marked.append((found[0] if found else None, label, line.startswith("Not "), current))
            i += 1
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
            elif line in TYPE_OPTIONS:
                captions.setdefault(current, []).append(line)
            elif (goal := " ".join(x.strip() for x in lines[i : i + span])) in PLAN_GOALS:
                # The page shows the goals the recommendation helps achieve, and only those.
                goals_shown.append(goal)
            current = ""
            i += span
            continue
        if vocabulary_of(line) and current != "description":
            # A legend caption: every page prints them all, selected or not.
            captions.setdefault(current, []).append(line)
            i += 1
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

    shown = {vocabulary_of(x) for lines_ in captions.values() for x in lines_}
    chosen = _choices(marked, goals_shown, {x for x in shown if x}, sections, problems)
    types: frozenset[str] = frozenset()
    if not chosen["types"][0] and not chosen["types"][1]:
        problems.append(
            ParseProblem("types", 'no "Project / Partnership / Policy" selector with "Not" marks')
        )
    else:
        types = frozenset(x.lower() for x in chosen["types"][0])

    equity = items("equity_considerations")
    sustainability = items("sustainability_considerations")
    stray = captions.get("sustainability_considerations", [])
    if not sustainability and "sustainability_considerations" in seen_headings and len(equity) == 2:
        # This layout prints both headings, then both texts under "Equity Considerations", equity's first:
        # LR.38's page, whose text layer keeps the two apart, shows the order.
        equity, sustainability = equity[:1], equity[1:]
        problems.append(
            ParseProblem(
                "sustainability_considerations",
                "read as the second paragraph under Equity Considerations, where this page layout prints it",
            )
        )
    elif stray and not sustainability:
        # The page layout drops a legend caption here; it is not a consideration.
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
        plan_goals=chosen["plan_goals"][0],
        geographic_scales=chosen["geographic_scales"][0],
        geographic_scales_unselected=chosen["geographic_scales"][1],
        key_issues=chosen["key_issues"][0],
        key_issues_unselected=chosen["key_issues"][1],
        topic_areas=chosen["topic_areas"][0],
        topic_areas_unselected=chosen["topic_areas"][1],
        equity_considerations=equity,
        sustainability_considerations=sustainability,
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
    if "lead_partners" in seen_headings and not record.lead_partners:
        problems.append(ParseProblem("lead_partners", "section is empty"))
    if "tracking_implementation" in seen_headings and not record.tracking_implementation:
        problems.append(ParseProblem("tracking_implementation", "section is empty"))
    if "geographic_scales" in seen_headings and not (
        record.geographic_scales or record.geographic_scales_unselected
    ):
        problems.append(ParseProblem("geographic_scales", "no scale is marked"))
    return Parsed(record, tuple(problems))


Choice = tuple[tuple[str, ...], tuple[str, ...]]


def _choices(
    marked: list[tuple[str | None, str, bool, str]],
    goals_shown: list[str],
    captions: set[tuple[str, str]],
    sections: dict[str, list[str]],
    problems: list[ParseProblem],
) -> dict[str, Choice]:
    """Selected and unselected options of each vocabulary, in the legend's order.

    "X" selects X and "Not X" leaves it out. In a vocabulary the page marks, an option shown only as a caption
    and never as "Not X" is selected: HTML's text loses which lines sat together, and "Not" alone tells them
    apart. A marker the legend does not name is filed under the heading it follows, as are option lines left in
    a marked section (a page of another plan), and the import says so.
    """
    state: dict[str, dict[str, bool]] = {name: {} for name in VOCABULARIES}
    for vocab, label, negated, heading in marked:
        if vocab is None:
            if heading not in MARKED_SECTIONS:
                problems.append(ParseProblem("markers", f"marker {label!r} is in no vocabulary of the plan"))
                continue
            problems.append(
                ParseProblem("markers", f"marker {label!r} is not in the plan's legend; read as {heading}")
            )
            vocab = heading
        if state[vocab].get(label, negated) != negated:
            problems.append(ParseProblem(vocab, f"{label!r} is marked both selected and not selected"))
        state[vocab][label] = negated
    for heading in MARKED_SECTIONS:
        for line in sections.get(heading, []):
            state[heading].setdefault(line.removeprefix("Not ").strip(), line.startswith("Not "))
    for vocab, label in sorted(captions):
        if state[vocab]:
            state[vocab].setdefault(label, False)
    for goal in goals_shown:
        state["plan_goals"].setdefault(goal, False)
    out: dict[str, Choice] = {}
    for name, options in VOCABULARIES.items():
        order = {label: n for n, label in enumerate(options)}
        labels = sorted(state[name], key=lambda label: (order.get(label, len(order)), label))
        out[name] = (
            tuple(x for x in labels if not state[name][x]),
            tuple(x for x in labels if state[name][x]),
        )
        unmarked = [x for x in options if x not in state[name]]
        if state[name] and unmarked and name != "plan_goals":
            problems.append(ParseProblem("markers", f"{name}: no marker for {', '.join(unmarked)}"))
    return out


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
