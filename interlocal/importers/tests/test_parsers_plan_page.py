"""Tests of the plan recommendation page parser against St. Louis County's LR.33 page."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from interlocal.importers.parsers.plan_page import parse_plan_link, parse_plan_page, short_title
from interlocal.importers.parsers.records import PlanLink

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared"


def shared_text(*parts: str) -> str:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent: real-world fixtures are not in a fresh clone")
    return SHARED.joinpath(*parts).read_text(encoding="utf-8")


def lr33() -> str:
    return shared_text("seeds", "000_e4373412cf413f25.txt")


SUPPORTING = (
    "St. Louis County Department of Human Services -Office of Community Development",
    "St. Louis Economic Development Partnership",
    "St. Louis County Department of Parks and Recreation",
    "St Louis County Office of Emergency Management",
    "St. Louis County Department of Transportation and Public Works",
)


def test_it_reads_the_lr33_recommendation_page() -> None:
    parsed = parse_plan_page(lr33())
    rec = parsed.value
    assert rec.code == "LR.33"
    assert rec.status == "New"
    assert rec.description is not None
    assert rec.description.startswith(
        "Develop a 5-year Action Plan for shared services, and intergovernmental"
    )
    assert rec.description.endswith("municipalities within the County.")
    assert rec.title == "Develop a 5-year Action Plan for shared services"
    assert rec.types == frozenset({"policy"})
    assert rec.plan_goals == ("Inclusive Economies", "Complete Communities", "Leading the Region")
    assert rec.geographic_scales == ("Countywide",)
    assert rec.geographic_scales_unselected == ("Municipalities", "Sub-geographies")
    assert rec.key_issues == ("Infrastructure Cost-burden", "Social & Environmental Resilience")
    assert rec.key_issues_unselected == (
        "Population Stagnation",
        "Jobs-Skills Mismatch",
        "Housing Diversity & Affordability",
    )
    assert rec.topic_areas == ("Economic Development", "Transportation & Infrastructure")
    assert rec.topic_areas_unselected == ("Housing", "Land Use & Development", "Open Space & Environment")
    assert rec.equity_considerations == (
        "Shared services / intergovernmental cooperation and collaboration has the opportunity to provide a "
        "more equitable and equivalent level of service to all communities",
    )
    assert rec.sustainability_considerations == (
        "Shared services / intergovernmental cooperation and collaboration has the opportunity to improve "
        "public services with a greater economic efficiency",
    )
    assert rec.lead_partners == ("St. Louis County Department of Planning",)
    assert rec.supporting_partners == SUPPORTING
    assert rec.funding_sources == ("General operating revenue",)
    assert rec.tracking_implementation == "Hire consultant to complete plan with County Task Force oversight."
    assert rec.tracking_success == ("Publish the Action Plan.",)
    assert rec.if_overperforming == "Publish updates and educate."
    assert rec.if_underperforming == ""
    assert rec.previous == PlanLink(
        "LR.32",
        "Collaborate with adjacent counties, city and other agencies to align maintenance sch",
        ("PS", "IC", "SER"),
    )
    assert rec.next is not None
    assert (rec.next.code, rec.next.topic_abbreviations) == ("LR.34", ("IC", "SER"))


def test_it_leaves_cost_and_timeline_unset_when_nothing_marks_the_choice() -> None:
    parsed = parse_plan_page(lr33())
    assert parsed.value.cost_band is None
    assert parsed.value.timeline_band is None
    assert parsed.value.cost_options == ("Low (Less than $1 mil)", "Medium ($1-10mil)", "High ($10+ mil)")
    assert len(parsed.value.timeline_options) == 4
    fields = {p.field for p in parsed.problems}
    assert fields == {"cost_band", "timeline_band", "sustainability_considerations"}


def test_it_never_reads_icon_captions_or_theme_headings_as_content() -> None:
    rec = parse_plan_page(lr33()).value
    everything = " ".join(
        [
            *rec.topic_areas,
            *rec.lead_partners,
            *rec.supporting_partners,
            *rec.funding_sources,
            *rec.tracking_success,
        ]
    )
    assert "icon" not in everything
    assert "Leading the Region" not in everything


def test_it_reads_the_same_page_from_html() -> None:
    blocks = [b.strip() for b in lr33().split("\n\n") if b.strip()]
    parts = ["<!DOCTYPE html><html><body><main>"]
    for block in blocks:
        lines = block.splitlines()
        if all(line.strip().startswith("\u2022") for line in lines):
            items = "".join(f"<li>{html.escape(line.strip()[1:].strip())}</li>" for line in lines)
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.extend(f"<div>{html.escape(line)}</div>" for line in lines)
    parts.append("<script>var x = '<p>Not Project</p>';</script></main></body></html>")
    from_html = parse_plan_page("".join(parts))
    assert from_html.value == parse_plan_page(lr33()).value
    assert from_html.problems == parse_plan_page(lr33()).problems


def test_it_takes_the_one_unmarked_option_when_the_others_say_not() -> None:
    text = "\n".join(
        [
            "Recommendation XY.1",
            "Recommendation Status: Ongoing",
            "Share one fire marshal, across three villages.",
            "Not Low",
            "(Less than $1 mil)",
            "Medium",
            "($1-10mil)",
            "Not High",
            "($10+ mil)",
            "Project",
            "Not Partnership",
            "Not Policy",
        ]
    )
    parsed = parse_plan_page(text)
    assert parsed.value.code == "XY.1"
    assert parsed.value.title == "Share one fire marshal"
    assert parsed.value.cost_band == "Medium ($1-10mil)"
    assert parsed.value.types == frozenset({"project"})
    assert parsed.value.timeline_band is None
    missing = {p.field for p in parsed.problems}
    assert {"timeline_band", "lead_partners", "geographic_scales", "previous", "next"} <= missing
    assert "cost_band" not in missing


def test_it_reports_a_page_that_is_not_a_recommendation() -> None:
    parsed = parse_plan_page("Welcome to our website")
    assert parsed.value.code is None
    assert {"code", "status", "description", "types"} <= {p.field for p in parsed.problems}


def test_it_splits_link_lines_and_short_titles() -> None:
    assert parse_plan_link("AB.2/Pave roads/and bridges/TI") == PlanLink(
        "AB.2", "Pave roads/and bridges", ("TI",)
    )
    assert parse_plan_link("no link here") is None
    long = "x" * 200
    assert len(short_title(long)) <= 120


def test_it_reads_markers_by_the_legend_not_by_the_heading_they_follow() -> None:
    text = "\n".join(
        [
            "Recommendation XY.2",
            "Recommendation Status: New",
            "Pool the villages' building inspectors.",
            "",
            "Applicable Geographic Scales",
            "",
            "Countywide",
            "",
            "Municipalities",
            "",
            "Related Planning Topic Areas",
            "",
            "Municipalities",
            "Not Countywide",
            "Not Sub-geographies",
            "Population Stagnation",
            "Not Housing",
            "Not Greater Housing Diversity & Affordability",
            "",
            "Complete Communities icon",
            "",
            "Complete",
            "Communities",
            "",
            "Not Project",
            "Partnership",
            "Not Policy",
        ]
    )
    rec = parse_plan_page(text).value
    assert rec.geographic_scales == ("Municipalities",)
    assert rec.geographic_scales_unselected == ("Countywide", "Sub-geographies")
    assert rec.key_issues == ("Population Stagnation",)
    assert rec.key_issues_unselected == ("Housing Diversity & Affordability",)
    assert (rec.topic_areas, rec.topic_areas_unselected) == ((), ("Housing",))
    assert rec.plan_goals == ("Complete Communities",)
    assert rec.types == frozenset({"partnership"})


def test_it_files_a_marker_outside_the_legend_under_its_heading_and_says_so() -> None:
    text = "\n".join(
        [
            "Recommendation XY.3",
            "Recommendation Status: New",
            "Share a fire marshal.",
            "Key Issues Addressed",
            "Not Aging Fire Stations",
            "Wildfire Risk",
        ]
    )
    parsed = parse_plan_page(text)
    assert parsed.value.key_issues == ("Wildfire Risk",)
    assert parsed.value.key_issues_unselected == ("Aging Fire Stations",)
    assert any(p.field == "markers" and "Aging Fire Stations" in p.message for p in parsed.problems)
