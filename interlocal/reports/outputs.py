"""Every output of a plan version and an annual report, from one data dict each.

The page and the PDF render the same template (portal/plans/version.html, portal/plans/annual.html; the PDF
with interlocal/pdf.py); Word (python-docx), CSV and JSON are built from the same dict, so every output shows
the same rows. Plain functions, for the views and for background tasks:

    render_plan_pdf(version) -> bytes
    render_plan_docx(version) -> bytes
    render_plan_csv(version) -> str
    render_plan_json(version) -> dict
    render_annual_report_pdf(collaborative, year, user=None) -> bytes     (user None: what the public reads)
    render_annual_report_docx(collaborative, year, user=None) -> bytes
    render_annual_report_csv(collaborative, year, user=None) -> str
    render_annual_report_json(collaborative, year, user=None) -> dict
"""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser

from interlocal import charts, pdf
from interlocal.collaboratives.models import Collaborative
from interlocal.csvsafe import SafeCsvWriter
from interlocal.reports.annual import build_annual
from interlocal.reports.models import PlanVersion

PLAN_TEMPLATE = "portal/plans/version.html"
ANNUAL_TEMPLATE = "portal/plans/annual.html"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _dollars(value: str | None) -> str:
    if value is None:
        return "—"
    amount = Decimal(value)
    return f"${amount:,.0f}" if amount == amount.to_integral() else f"${amount:,.2f}"


def _float(value: str | None) -> float | None:
    return None if value is None else float(value)


# --- plan versions ------------------------------------------------------------------------------------------


def plan_charts(data: dict[str, Any]) -> dict[str, charts.Chart]:
    """The Gantt chart of initiatives by year, and savings by year when any were recorded."""
    plan = data["plan"]
    years = plan["years"]
    out = {
        "gantt": charts.gantt(
            title=f"Initiatives by year, {years[0]}\u2013{years[-1]}",
            years=years,
            rows=[(i["label"], i["years"]) for i in data["initiatives"]],
        )
    }
    savings = data["savings_by_year"]
    if any(s["projected"] != "0.00" or s["certified"] != "0.00" for s in savings):
        out["savings"] = charts.grouped_bars(
            title="Savings by year: projected and certified actual (dollars)",
            groups=[str(s["year"]) for s in savings],
            series=[
                ("Projected", [_float(s["projected"]) for s in savings]),
                ("Certified actual", [_float(s["certified"]) for s in savings]),
            ],
            value_label="Dollars",
        )
    return out


def plan_view_data(data: dict[str, Any]) -> dict[str, Any]:
    """Groupings the page needs, derived from the snapshot alone (so a published version renders the same)."""
    by_id = {i["id"]: i for i in data["initiatives"]}
    bands: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for i in data["initiatives"]:
        bands[i["timeline_label"]].append(i)
    per_year = {y: [i for i in data["initiatives"] if y in i["years"]] for y in data["plan"]["years"]}
    unscheduled = [i for i in data["initiatives"] if not i["years"] and not i["after_plan"]]
    after_plan = [i for i in data["initiatives"] if i["after_plan"]]
    funding: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for i in data["initiatives"]:
        for f in i["funding_sources"] or ["Not yet identified"]:
            funding[f].append(i)
    savings_per_initiative: dict[int, dict[str, Decimal]] = defaultdict(
        lambda: {"projected": Decimal(0), "certified": Decimal(0)}
    )
    for s in data["savings"]:
        row = savings_per_initiative[s["initiative_id"]]
        row["projected"] += Decimal(s["projected"])
        if s["certified"] and s["actual"] is not None:
            row["certified"] += Decimal(s["actual"])
    estimates = [Decimal(i["cost_estimate"]) for i in data["initiatives"] if i["cost_estimate"]]
    totals = {
        "projected": sum((Decimal(s["projected"]) for s in data["savings_by_year"]), Decimal(0)),
        "certified": sum((Decimal(s["certified"]) for s in data["savings_by_year"]), Decimal(0)),
        "uncertified": sum((Decimal(s["uncertified"]) for s in data["savings_by_year"]), Decimal(0)),
    }
    return {
        "by_id": by_id,
        "bands": sorted(bands.items(), key=lambda kv: _band_order(kv[0])),
        "per_year": per_year,
        "unscheduled": unscheduled,
        "after_plan": after_plan,
        "notes": [i for i in data["initiatives"] if i["equity"] or i["sustainability"]],
        "funding": sorted(funding.items()),
        "cost_total": sum(estimates, Decimal(0)) if estimates else None,
        "with_estimate": len(estimates),
        "in_force": [a for a in data["agreements"] if a["status"] == "in_force"],
        "awaiting": [
            a for a in data["agreements"] if a["status"] in ("awaiting", "adopted_not_yet_effective")
        ],
        "savings_totals": {k: str(v) for k, v in totals.items()},
        "matrix": [
            {**p, "roles": {i["id"]: _role(p, i["id"]) for i in data["initiatives"]}}
            for p in data["partners"]
        ],
        "kpi_count": sum(len(i["kpis"]) for i in data["initiatives"]),
    }


def _role(partner: dict[str, Any], initiative_id: int) -> str:
    if initiative_id in partner["lead"]:
        return "Lead"
    if initiative_id in partner["supporting"]:
        return "Supporting"
    return ""


def _band_order(label: str) -> int:
    order = ["Ongoing", "Near-term", "Medium-term", "Long-term"]
    return next((n for n, o in enumerate(order) if label.startswith(o)), len(order))


def plan_context(version: PlanVersion) -> dict[str, Any]:
    """What the plan page and its PDF render."""
    data = version.snapshot
    return {
        "version": version,
        "plan": version.plan,
        "collaborative": version.plan.collaborative,
        "data": data,
        "view": plan_view_data(data),
        "charts": plan_charts(data),
    }


def render_plan_pdf(version: PlanVersion) -> bytes:
    """The plan version as PDF, from the page's own template. RuntimeError when WeasyPrint cannot load."""
    return pdf.render_pdf(PLAN_TEMPLATE, plan_context(version) | {"updates": list(version.updates.all())})


def render_plan_csv(version: PlanVersion) -> str:
    """One row per initiative and plan year (an initiative not placed in any year has none), formulas neutralised."""
    data = version.snapshot
    savings: dict[tuple[int, int], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for s in data["savings"]:
        row = savings[(s["initiative_id"], s["fiscal_year"])]
        row[0] += Decimal(s["projected"])
        if s["certified"] and s["actual"] is not None:
            row[1] += Decimal(s["actual"])
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(
        [
            "plan",
            "version",
            "year",
            "code",
            "initiative",
            "stage",
            "timeline_band",
            "placed_by",
            "cost_band",
            "cost_estimate",
            "lead_partners",
            "supporting_partners",
            "funding_sources",
            "projected_saving",
            "certified_actual_saving",
            "initiative_id",
            "source_path",
        ]
    )
    for i in data["initiatives"]:
        for year in i["years"]:
            projected, certified = savings.get((i["id"], year), (Decimal(0), Decimal(0)))
            writer.writerow(
                [
                    data["plan"]["title"],
                    version.number,
                    year,
                    i["code"],
                    i["title"],
                    i["stage_label"],
                    i["timeline_label"],
                    i["placed_by"],
                    i["cost_band_label"],
                    i["cost_estimate"] or "",
                    "; ".join(p["name"] for p in i["lead"]),
                    "; ".join(p["name"] for p in i["supporting"]),
                    "; ".join(i["funding_sources"]),
                    f"{projected:.2f}",
                    f"{certified:.2f}",
                    i["id"],
                    i["url"],
                ]
            )
    return out.getvalue()


def render_plan_json(version: PlanVersion) -> dict[str, Any]:
    """The frozen snapshot with the version's own facts and its updates."""
    return {
        "version": version.number,
        "title": version.title,
        "published_at": version.published_at.isoformat(),
        "engine_version": version.engine_version,
        "schema_version": version.schema_version,
        "updates": [
            {"on": u.on.isoformat(), "title": u.title, "changed": u.changed, "learned": u.learned}
            for u in version.updates.all()
        ],
        "snapshot": version.snapshot,
    }


def render_plan_docx(version: PlanVersion) -> bytes:
    """The plan version as a Word document (headings, paragraphs, tables) for councils that edit in Word."""
    from docx import Document

    data = version.snapshot
    view = plan_view_data(data)
    plan = data["plan"]
    years = plan["years"]
    doc = Document()
    doc.core_properties.title = f"{version.title} (version {version.number})"
    doc.add_heading(version.title, level=0)
    doc.add_paragraph(
        f"{plan['collaborative']['name']} · {years[0]}\u2013{years[-1]} · version {version.number}, "
        f"published {version.published_at:%B %-d, %Y}"
    )
    if plan["summary"]:
        doc.add_heading("Summary", level=1)
        _paragraphs(doc, plan["summary"])
    for section in data["sections"]:
        doc.add_heading(section["title"], level=1)
        _paragraphs(doc, section["body"])

    doc.add_heading("Initiatives by year", level=1)
    _table(
        doc,
        ["Initiative", *(str(y) for y in years)],
        [[i["label"], *("●" if y in i["years"] else "" for y in years)] for i in data["initiatives"]],
    )
    doc.add_heading("Initiatives by timeline band", level=1)
    for band, rows in view["bands"]:
        doc.add_heading(band, level=2)
        for i in rows:
            doc.add_paragraph(f"{i['label']} ({i['stage_label']})", style="List Bullet")

    doc.add_heading("Cost bands and estimates", level=1)
    _table(
        doc,
        ["Initiative", "Cost band", "Estimate"],
        [[i["label"], i["cost_band_label"], _dollars(i["cost_estimate"])] for i in data["initiatives"]],
    )
    doc.add_heading("Lead and supporting partners", level=1)
    _table(
        doc,
        ["Initiative", *(p["name"] for p in view["matrix"])],
        [[i["label"], *(p["roles"][i["id"]] for p in view["matrix"])] for i in data["initiatives"]],
    )
    doc.add_heading("Funding sources", level=1)
    _table(
        doc,
        ["Funding source", "Initiatives"],
        [[f, ", ".join(i["label"] for i in rows)] for f, rows in view["funding"]],
    )

    doc.add_heading("Tracking measures", level=1)
    for i in data["initiatives"]:
        if not (i["measures_of_success"] or i["kpis"] or i["if_overperforming"] or i["if_underperforming"]):
            continue
        doc.add_heading(i["label"], level=2)
        for m in i["measures_of_success"]:
            doc.add_paragraph(m, style="List Bullet")
        for k in i["kpis"]:
            doc.add_paragraph(
                f"{k['name']}: {k['status_label']}; latest {k['latest'] or '—'} {k['unit']}, "
                f"target {k['target'] or '—'} by {k['target_on'] or '—'}",
                style="List Bullet",
            )
        if i["if_overperforming"]:
            doc.add_paragraph(f"If overperforming: {i['if_overperforming']}")
        if i["if_underperforming"]:
            doc.add_paragraph(f"If underperforming: {i['if_underperforming']}")

    notes = [i for i in data["initiatives"] if i["equity"] or i["sustainability"]]
    if notes:
        doc.add_heading("Equity and sustainability", level=1)
        for i in notes:
            doc.add_heading(i["label"], level=2)
            if i["equity"]:
                doc.add_paragraph("Equity: " + i["equity"])
            if i["sustainability"]:
                doc.add_paragraph("Sustainability: " + i["sustainability"])

    doc.add_heading("Agreements", level=1)
    _table(
        doc,
        ["Agreement", "Status", "In force from", "Parties"],
        [
            [
                a["title"],
                _agreement_status(a["status"]),
                a["in_force_from"] or "—",
                ", ".join(p["name"] + (" (adopted)" if p["adopted_on"] else "") for p in a["parties"]),
            ]
            for a in data["agreements"]
        ],
    )
    doc.add_heading("Savings by year", level=1)
    _table(
        doc,
        ["Year", "Projected", "Certified actual", "Actual, not yet certified"],
        [
            [str(s["year"]), _dollars(s["projected"]), _dollars(s["certified"]), _dollars(s["uncertified"])]
            for s in data["savings_by_year"]
        ],
    )
    updates = list(version.updates.all())
    if updates:
        doc.add_heading("Updates", level=1)
        for u in updates:
            doc.add_heading(f"{u.on:%B %-d, %Y}: {u.title}", level=2)
            _paragraphs(doc, u.changed)
            if u.learned:
                doc.add_paragraph("What we learned:")
                _paragraphs(doc, u.learned)
    doc.add_paragraph(
        f"Every figure comes from a record in Interlocal: initiative pages at /initiatives/<id>/ "
        f"(snapshot schema {version.schema_version}, engine {version.engine_version})."
    )
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _agreement_status(status: str) -> str:
    return {
        "in_force": "In force",
        "awaiting": "Awaiting adoption",
        "adopted_not_yet_effective": "Adopted, not yet in force",
        "ended": "Ended",
    }.get(status, status)


def _paragraphs(doc: Any, text: str) -> None:
    for block in (text or "").split("\n\n"):
        block = block.strip()
        if not block:
            continue
        lines = block.splitlines()
        if all(line.lstrip().startswith(("- ", "* ")) for line in lines):
            for line in lines:
                doc.add_paragraph(line.lstrip()[2:], style="List Bullet")
        else:
            doc.add_paragraph(" ".join(line.strip() for line in lines).lstrip("#").strip())


def _table(doc: Any, header: list[str], rows: list[list[str]]) -> None:
    if not rows:
        doc.add_paragraph("None.")
        return
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = str(text)


# --- annual reports ------------------------------------------------------------------------------------------


def annual_charts(data: dict[str, Any]) -> dict[str, charts.Chart]:
    """KPI progress against where the trajectory expects it, and savings by year."""
    out: dict[str, charts.Chart] = {}
    measured = [k for k in data["kpis"] if k["progress"] is not None]
    if measured:
        out["kpis"] = charts.hbars(
            title=f"KPI progress toward target at the end of {data['year']} (percent of the way)",
            labels=[k["name"] for k in measured],
            values=[float(k["progress"]) for k in measured],
            target=None,
            value_label="Percent of the way from baseline to target",
            scale_max=100,
            compare=[_float(k["expected_progress"]) for k in measured],
            compare_label="Where the trajectory expects it",
        )
    savings = data["savings_by_year"]
    if savings:
        out["savings"] = charts.grouped_bars(
            title="Savings by year: projected and certified actual (dollars)",
            groups=[str(s["year"]) for s in savings],
            series=[
                ("Projected", [_float(s["projected"]) for s in savings]),
                ("Certified actual", [_float(s["certified"]) for s in savings]),
            ],
            value_label="Dollars",
        )
    return out


def annual_context(collaborative: Collaborative, year: int, user: Any) -> dict[str, Any]:
    data = build_annual(collaborative, year, user)
    return {"collaborative": collaborative, "year": year, "data": data, "charts": annual_charts(data)}


def _reader(user: Any) -> Any:
    return user if user is not None else AnonymousUser()


def render_annual_report_pdf(collaborative: Collaborative, year: int, user: Any = None) -> bytes:
    """The annual report as PDF (what `user` may read; the public's when None)."""
    return pdf.render_pdf(ANNUAL_TEMPLATE, annual_context(collaborative, year, _reader(user)))


def render_annual_report_json(collaborative: Collaborative, year: int, user: Any = None) -> dict[str, Any]:
    return build_annual(collaborative, year, _reader(user))


def render_annual_report_csv(collaborative: Collaborative, year: int, user: Any = None) -> str:
    """One row per KPI, stage move, agreement event and savings year, each naming its record."""
    data = build_annual(collaborative, year, _reader(user))
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(["section", "record", "date", "status", "value", "expected", "detail", "source_path"])
    for k in data["kpis"]:
        writer.writerow(
            ["kpi", f"{k['initiative']}: {k['name']}", k["latest_on"] or "", k["status_label"], k["latest"] or "",
             k["expected"] or "", k["explanation"], k["url"]]
        )  # fmt: skip
    for m in data["stage_moves"]:
        writer.writerow(
            [
                "stage_move",
                m["initiative"],
                m["on"],
                f"{m['from']} -> {m['to']}",
                "",
                "",
                m["reason"],
                m["url"],
            ]
        )
    for key, label in (
        ("agreements_adopted", "agreement_adopted"),
        ("agreements_renewing", "agreement_renewing"),
        ("agreements_expiring", "agreement_expiring"),
    ):
        for a in data[key]:
            date = a.get("on") or (a["adoptions"][0]["on"] if a.get("adoptions") else "")
            writer.writerow([label, a["title"], date, "", "", "", "", a["url"]])
    for s in data["savings_by_year"]:
        writer.writerow(
            [
                "savings",
                str(s["year"]),
                "",
                "",
                s["projected"],
                "",
                f"certified {s['certified']}",
                data["collaborative"]["url"],
            ]
        )
    return out.getvalue()


def render_annual_report_docx(collaborative: Collaborative, year: int, user: Any = None) -> bytes:
    """The annual report as a Word document."""
    from docx import Document

    data = build_annual(collaborative, year, _reader(user))
    doc = Document()
    doc.core_properties.title = f"{collaborative.name}: progress report {year}"
    doc.add_heading(f"{collaborative.name}: progress report {year}", level=0)
    doc.add_heading("Key performance indicators", level=1)
    _table(
        doc,
        ["KPI", "Initiative", "Latest", "Expected", "Status"],
        [
            [
                k["name"],
                k["initiative"],
                f"{k['latest'] or '—'} {k['unit']}",
                k["expected"] or "—",
                k["status_label"],
            ]
            for k in data["kpis"]
        ],
    )
    doc.add_heading("Stage moves", level=1)
    _table(
        doc,
        ["Date", "Initiative", "From", "To"],
        [[m["on"], m["initiative"], m["from"], m["to"]] for m in data["stage_moves"]],
    )
    doc.add_heading("Savings by year", level=1)
    _table(
        doc,
        ["Year", "Projected", "Certified actual", "Actual, not yet certified"],
        [
            [str(s["year"]), _dollars(s["projected"]), _dollars(s["certified"]), _dollars(s["uncertified"])]
            for s in data["savings_by_year"]
        ],
    )
    doc.add_heading("Agreements", level=1)
    for key, label in (
        ("agreements_adopted", "Adopted"),
        ("agreements_renewing", "Renewing"),
        ("agreements_expiring", "Expiring"),
    ):
        doc.add_heading(label, level=2)
        rows = data[key]
        if not rows:
            doc.add_paragraph("None.")
        for a in rows:
            doc.add_paragraph(a["title"], style="List Bullet")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
