"""Action plans: drafting, publishing a frozen version, updates, and every output read back."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from interlocal import pdf
from interlocal.costshare import actions as costshare
from interlocal.initiatives import actions as initiatives
from interlocal.reports import actions, outputs
from interlocal.reports.models import ActionPlan, PlanVersion
from interlocal.testkit import World
from interlocal.vocab import PartnerRole, Stage, TimelineBand


def _plan(world: World) -> tuple[ActionPlan, PlanVersion]:
    initiatives.initiative_update(
        acting_user=world.coordinator,
        initiative=world.initiative,
        timeline_band=TimelineBand.NEAR,
        start_on=dt.date(2026, 7, 1),
        end_on=dt.date(2028, 6, 30),
        cost_estimate=Decimal("85000"),
        tracking_success=["Repairs within 5 days."],
        if_overperforming="Offer the shop to neighbours.",
        if_underperforming="Review staffing.",
        equity_considerations="Same turnaround for every city.",
    )
    second = initiatives.initiative_create(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        code="EJC-3",
        title="Joint cybersecurity assessment",
        is_published=True,
        timeline_band=TimelineBand.ONGOING,
        partners={PartnerRole.LEAD: [world.blue_springs], PartnerRole.SUPPORTING: [world.lees_summit]},
    )
    costshare.savings_entry_create(
        acting_user=world.coordinator, initiative=world.initiative, government=world.lees_summit, fiscal_year=2027,
        recurrence="recurring", baseline_cost=Decimal(1000), projected_saving=Decimal(300),
        actual_saving=Decimal(250), note="",
    )  # fmt: skip
    plan = actions.action_plan_create(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        title="Shared Services Plan 2026\u20132030",
        start_year=2026,
        end_year=2030,
        summary="Five years of **shared services**.",
    )
    actions.action_plan_update(
        acting_user=world.coordinator,
        plan=plan,
        initiatives=[second, world.initiative, world.hidden_initiative],
    )
    actions.plan_section_add(
        acting_user=world.coordinator,
        plan=plan,
        title="Governance",
        body="The steering committee meets monthly.",
    )
    version = actions.action_plan_publish(acting_user=world.coordinator, plan=plan, note="First edition.")
    return plan, version


def test_it_freezes_a_published_version_when_its_initiatives_change_later(world: World) -> None:
    plan, version = _plan(world)
    before = json.dumps(version.snapshot, sort_keys=True)
    codes = [i["code"] for i in version.snapshot["initiatives"]]
    assert codes == ["EJC-3", "EJC-1"]  # chosen order; the unpublished EJC-2 is left out
    initiatives.initiative_update(
        acting_user=world.coordinator,
        initiative=world.initiative,
        title="Renamed radio shop",
        cost_estimate=Decimal(1),
    )
    initiatives.initiative_advance(
        acting_user=world.coordinator, initiative=world.initiative, to_stage=Stage.EXPLORING, reason="Go"
    )
    actions.plan_section_add(acting_user=world.coordinator, plan=plan, title="Later section")
    version.refresh_from_db()
    assert json.dumps(version.snapshot, sort_keys=True) == before
    page = Client().get(f"/plans/{plan.pk}/v1/").content.decode()
    assert (
        "Radio equipment maintenance" in page
        and "Renamed radio shop" not in page
        and "Later section" not in page
    )
    # An update does add to the published version; a second publication is a new number.
    actions.plan_update_add(
        acting_user=world.coordinator,
        version=version,
        on=dt.date(2027, 1, 15),
        title="Shop opened",
        changed="The shop opened in January.",
        learned="Start smaller.",
    )
    page = Client().get(f"/plans/{plan.pk}/v1/").content.decode()
    assert "Shop opened" in page and "Start smaller." in page
    v2 = actions.action_plan_publish(acting_user=world.coordinator, plan=plan)
    assert v2.number == 2 and "Renamed radio shop" in json.dumps(v2.snapshot)


def test_it_lets_only_the_coordinator_publish_and_refuses_an_empty_plan(world: World) -> None:
    plan = actions.action_plan_create(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        title="Empty",
        start_year=2026,
        end_year=2030,
    )
    with pytest.raises(PermissionDenied):
        actions.action_plan_publish(acting_user=world.clerk, plan=plan)
    with pytest.raises(ValidationError, match="no published initiative"):
        actions.action_plan_publish(acting_user=world.coordinator, plan=plan)
    actions.action_plan_update(acting_user=world.coordinator, plan=plan, initiatives=[world.initiative])
    actions.action_plan_publish(acting_user=world.coordinator, plan=plan)
    with pytest.raises(ValidationError, match="Nothing changed since version 1"):
        actions.action_plan_publish(acting_user=world.coordinator, plan=plan)
    with pytest.raises(ValidationError, match="before the first"):
        actions.action_plan_update(acting_user=world.coordinator, plan=plan, end_year=2020)


def test_it_writes_a_csv_row_per_initiative_year_with_formulas_neutralised(world: World) -> None:
    plan, version = _plan(world)
    rows = list(csv.DictReader(io.StringIO(outputs.render_plan_csv(version))))
    expected = [(i["code"], y) for i in version.snapshot["initiatives"] for y in i["years"]]
    assert [(r["code"], int(r["year"])) for r in rows] == expected
    assert len(rows) == 5 + 3  # EJC-3 ongoing 2026-2030, EJC-1 by its dates 2026-2028
    radio_2027 = next(r for r in rows if r["code"] == "EJC-1" and r["year"] == "2027")
    assert radio_2027["projected_saving"] == "300.00" and radio_2027["certified_actual_saving"] == "0.00"
    assert radio_2027["source_path"] == f"/initiatives/{world.initiative.pk}/"
    initiatives.initiative_update(
        acting_user=world.coordinator, initiative=world.initiative, title="=HYPERLINK(1)"
    )
    v2 = actions.action_plan_publish(acting_user=world.coordinator, plan=plan)
    assert all(
        not r["initiative"].startswith("=") for r in csv.DictReader(io.StringIO(outputs.render_plan_csv(v2)))
    )


def test_it_gives_every_chart_a_table_alternative(world: World) -> None:
    _, version = _plan(world)
    charts = outputs.plan_charts(version.snapshot)
    assert set(charts) == {"gantt", "savings"}
    gantt = charts["gantt"]
    assert gantt.table.header == ("Initiative", "2026", "2027", "2028", "2029", "2030")
    assert gantt.table.rows[1] == ("EJC-1 Radio equipment maintenance", "Active", "Active", "Active", "", "")
    assert "<desc" in gantt.svg and 'role="img"' in gantt.svg
    page = Client().get(f"/plans/{version.plan_id}/v1/").content.decode()
    for chart in charts.values():
        assert (
            f'alt="{chart.summary}"' in page.replace("&#x27;", "'") and f"Data table: {chart.title}" in page
        )


def test_it_writes_a_word_file_with_the_initiatives_partners_and_gantt_years(world: World) -> None:
    from docx import Document

    _, version = _plan(world)
    doc = Document(io.BytesIO(outputs.render_plan_docx(version)))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert "Shared Services Plan 2026\u20132030" in text and "Governance" in text
    assert {"EJC-1 Radio equipment maintenance", "EJC-3 Joint cybersecurity assessment"} <= cells
    assert {"Lee's Summit", "Blue Springs", "Lead", "Supporting"} <= cells
    assert {"2026", "2027", "2028", "2029", "2030"} <= cells


@pytest.mark.skipif(pdf.unavailable_reason() is not None, reason=pdf.unavailable_reason() or "")
def test_it_renders_a_pdf_with_the_initiatives_partners_and_gantt_years(world: World) -> None:
    from pypdf import PdfReader

    _, version = _plan(world)
    reader = PdfReader(io.BytesIO(outputs.render_plan_pdf(version)))
    text = " ".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Radio equipment maintenance",
        "Joint cybersecurity assessment",
        "Lee's Summit",
        "Blue Springs",
        "2026",
        "2030",
        "Governance",
    ):
        assert expected in text, expected


def test_it_serves_every_download_of_a_version_and_404s_an_unknown_format(world: World) -> None:
    plan, _ = _plan(world)
    client = Client()
    assert client.get(f"/plans/{plan.pk}/v1.docx")["Content-Type"] == outputs.DOCX_MIME
    assert (
        client.get(f"/plans/{plan.pk}/v1.json").json()["snapshot"]["plan"]["title"]
        == "Shared Services Plan 2026\u20132030"
    )
    assert client.get(f"/plans/{plan.pk}/v1.csv").status_code == 200
    assert client.get(f"/plans/{plan.pk}/v1.exe").status_code == 404
    assert client.get(f"/plans/{plan.pk}/v2/").status_code == 404
    assert client.get(f"/plans/{plan.pk}/").status_code == 302  # the draft is for members


def test_it_reports_a_year_of_progress(world: World) -> None:
    _plan(world)
    year = dt.date.today().year
    client = Client()
    page = client.get(f"/collaboratives/{world.collaborative.slug}/reports/{year}/").content.decode()
    assert (
        "Stage moves in" in page and "Draft recycling idea" not in page
    )  # the public reads published records
    client.force_login(world.clerk)
    data = client.get(f"/collaboratives/{world.collaborative.slug}/reports/2021.json").json()
    assert [a["title"] for a in data["agreements_adopted"]] == ["Statement of Common Purpose (version 1)"]
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/collaboratives/{world.collaborative.slug}/reports/2027.csv").content.decode()
            )
        )
    )
    assert rows[-1][:2] == ["savings", "2027"] and rows[-1][4] == "300.00"
