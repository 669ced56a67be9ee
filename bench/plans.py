"""Benchmark a 100-initiative action plan to PDF and to Word: `python bench/plans.py [--initiatives 100]`.

Builds a throwaway SQLite database (migrated, then 100 published initiatives with lead and supporting partners,
funding sources, a KPI and savings each, made through the actions), publishes the plan and times its outputs:

- PDF by WeasyPrint from the page's template (interlocal.reports.outputs.render_plan_pdf), beside Chromium's own
  print-to-PDF (Playwright, page.pdf()) of the identical HTML with the same stylesheet inlined; Chromium's launch
  is not timed. Goal: <= 5 s.
- Word by python-docx (render_plan_docx), beside the "Word file" many systems export: the page's HTML saved as .doc
  (the template rendered, nothing more). Goal: <= 2 s.

Times are the median of repeats; the ratio ours/peer below 1 means ours is faster.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# BENCH_PLANS_DB keeps the database between runs (built once); by default a fresh temporary one.
_DB = Path(
    os.environ.get("BENCH_PLANS_DB") or Path(tempfile.mkdtemp(prefix="bench-plans-")) / "bench.sqlite3"
)
os.environ["DATABASE_URL"] = f"sqlite:///{_DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interlocal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402

GOAL_PDF_S, GOAL_DOCX_S = 5.0, 2.0


def measure(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    """Median wall time of repeats, and the last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def measure_cpu(fn: Callable[[], object], repeats: int) -> tuple[float, float, object]:
    """Median wall and CPU time of repeats (this process's CPU: what an idle machine's wall time would be for
    single-threaded work such as WeasyPrint's and python-docx's), and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def build(n: int) -> object:
    from interlocal.costshare import actions as costshare
    from interlocal.initiatives import actions as initiatives
    from interlocal.reports import actions
    from interlocal.testkit import build_world
    from interlocal.tracking import actions as tracking
    from interlocal.vocab import CostBand, PartnerRole, TermKind, TimelineBand

    world = build_world()
    bands = [TimelineBand.NEAR, TimelineBand.ONGOING, TimelineBand.MEDIUM, ""]
    made = []
    for i in range(n):
        initiative = initiatives.initiative_create(
            acting_user=world.coordinator,
            collaborative=world.collaborative,
            code=f"B-{i:03d}",
            title=f"Shared service number {i}: joint purchasing of equipment and maintenance",
            is_published=True,
            timeline_band=bands[i % len(bands)],
            cost_band=CostBand.LOW,
            cost_estimate=Decimal(10_000 + 1_000 * i),
            tracking_success=["Lower unit cost.", "Same or better service."],
            if_overperforming="Offer it to neighbours.",
            if_underperforming="Review the cost split.",
            equity_considerations="Every member gets the same service level." if i % 2 else "",
            terms={TermKind.FUNDING_SOURCE: ["General operating revenue", f"Grant {i % 5}"]},
            partners={PartnerRole.LEAD: [world.lees_summit], PartnerRole.SUPPORTING: [world.blue_springs]},
        )
        tracking.kpi_create(
            acting_user=world.coordinator, initiative=initiative, name=f"Unit cost {i}", unit="$"
        )
        costshare.savings_entry_create(
            acting_user=world.coordinator, initiative=initiative, government=world.lees_summit,
            fiscal_year=2026 + i % 5, recurrence="recurring", baseline_cost=Decimal(5000),
            projected_saving=Decimal(500), actual_saving=None, note="",
        )  # fmt: skip
        made.append(initiative)
    plan = actions.action_plan_create(
        acting_user=world.coordinator,
        collaborative=world.collaborative,
        title=f"Bench plan of {n} initiatives",
        start_year=2026,
        end_year=2030,
        summary="A plan to benchmark.",
    )
    actions.action_plan_update(acting_user=world.coordinator, plan=plan, initiatives=made)
    for s in range(4):
        actions.plan_section_add(
            acting_user=world.coordinator, plan=plan, title=f"Section {s}", body="Text. " * 80
        )
    return actions.action_plan_publish(acting_user=world.coordinator, plan=plan)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--initiatives", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()

    from interlocal import pdf
    from interlocal.reports import outputs

    print(f"Building {a.initiatives} initiatives in {_DB} ...", flush=True)
    from interlocal.reports.models import PlanVersion

    call_command("migrate", verbosity=0)
    title = f"Bench plan of {a.initiatives} initiatives"
    version = PlanVersion.objects.filter(title=title).first() or build(a.initiatives)
    assert len(version.snapshot["initiatives"]) == a.initiatives  # type: ignore[attr-defined]

    def page_html() -> str:
        context = outputs.plan_context(version) | {"updates": []}  # type: ignore[arg-type]
        return render_to_string(outputs.PLAN_TEMPLATE, pdf.pdf_context(context))

    rows = []
    if pdf.unavailable_reason() is None:
        wall_pdf, ours_pdf, data = measure_cpu(lambda: outputs.render_plan_pdf(version), a.repeats)  # type: ignore[arg-type]
        pages = _pages(data)  # type: ignore[arg-type]
        css = (ROOT / "interlocal/portal/static/portal/pdf.css").read_text()
        html = page_html()
        start = html.index('<link rel="stylesheet"')
        html = html[:start] + f"<style>{css}</style>" + html[html.index(">", start) + 1 :]
        peer_pdf = _chromium_pdf(html, a.repeats)
        rows.append(
            ("PDF", wall_pdf, ours_pdf, peer_pdf, "Chromium print-to-PDF", GOAL_PDF_S, f"{pages} pages")
        )
    else:
        print(f"PDF skipped: {pdf.unavailable_reason()}")
    wall_docx, ours_docx, data = measure_cpu(lambda: outputs.render_plan_docx(version), a.repeats * 2)  # type: ignore[arg-type]
    peer_docx, _ = measure(page_html, a.repeats * 2)
    rows.append(
        (
            "Word",
            wall_docx,
            ours_docx,
            peer_docx,
            "page HTML saved as .doc",
            GOAL_DOCX_S,
            f"{len(data) // 1024} KiB",
        )
    )  # type: ignore[arg-type]

    head = ["case", "ours wall s", "ours CPU s", "peer wall s", "peer", "ratio ours/peer (wall)", "goal s (CPU)",
            "met", "output"]  # fmt: skip
    table = [
        [case, f"{w:.3f}", f"{o:.3f}", "—" if p is None else f"{p:.3f}", name, "—" if p is None else f"{w / p:.2f}",
         f"{goal:.1f}", "yes" if o <= goal else "NO", note]
        for case, w, o, p, name, goal, note in rows
    ]  # fmt: skip
    widths = [max(len(h), *(len(r[i]) for r in table)) for i, h in enumerate(head)]
    print(
        f"\nload average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs: wall times grow with it, CPU times hardly"
    )
    print(
        f"{a.initiatives}-initiative plan, {len(version.snapshot['plan']['years'])} years; median of repeats"
    )  # type: ignore[attr-defined]
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for r in table:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))


def _pages(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def _chromium_pdf(html: str, repeats: int) -> float | None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        page = browser.new_page()

        def once() -> bytes:
            page.set_content(html, wait_until="load")
            return page.pdf(format="Letter")

        took, _ = measure(once, repeats)
        browser.close()
    return took


if __name__ == "__main__":
    main()
