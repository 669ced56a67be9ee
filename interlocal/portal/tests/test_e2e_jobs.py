"""Issue 12 end to end in Chromium at 1280 and 390 px: a plan's PDF made in the background with a progress bar.

The coordinator opens the published Eastern Jackson County plan, asks for its PDF in the background and lands on
the job page, whose bar htmx refreshes every second. The worker loop then runs once in the test process (the
queue is the live server's database), the bar reaches 100% by itself, polling stops and the download link
appears; the PDF opens and holds the plan's initiatives. The map page is checked at the same widths. Every page
is checked with axe-core and for sideways scrolling.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from interlocal import pdf
from interlocal.demo import DEMO_SLUG, load_demo
from interlocal.portal.tests.test_e2e_assessments import Session

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [1280, 390])
def test_it_shows_a_pdf_job_progress_then_its_download(
    transactional_db: None, live_server: Any, browser: Any, width: int
) -> None:
    from pypdf import PdfReader

    from interlocal.reports.demo import EJC_TITLE
    from interlocal.reports.models import PlanVersion

    if pdf.unavailable_reason() is not None:
        pytest.skip(f"WeasyPrint cannot render here: {pdf.unavailable_reason()}")
    load_demo()
    version = PlanVersion.objects.filter(title=EJC_TITLE).order_by("-number").first()
    assert version is not None
    base = live_server.url
    problems: dict[str, list[str]] = {}
    coordinator = Session(browser, base, width, "coordinator", problems)
    page = coordinator.page

    page.goto(f"{base}/plans/{version.plan_id}/v{version.number}/")
    page.locator("#prepare-pdf").click()
    page.wait_for_selector("#job-progress[data-status=queued]")
    assert page.locator("#job-progress").get_attribute("hx-trigger") == "every 1s"
    coordinator.look("job queued")

    call_command("worker", batch=True, interval=0)  # the worker takes the job; the page polls on its own

    page.wait_for_selector("#job-progress[data-status=done] #job-download")
    assert page.locator("#job-progress").get_attribute("hx-trigger") is None
    assert page.locator("progress").get_attribute("value") == "100"
    coordinator.look("job done")
    response = page.request.get(base + (page.locator("#job-download").get_attribute("href") or ""))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert version.snapshot["initiatives"][0]["title"].split()[0] in text

    page.goto(f"{base}/collaboratives/{DEMO_SLUG}/map/")
    page.wait_for_selector("#map-places")
    coordinator.look("members map")
    page.goto(f"{base}/collaboratives/{DEMO_SLUG}/")
    page.wait_for_selector("#pipeline-chart")
    coordinator.look("dashboard with charts")

    assert not {k: v for k, v in problems.items() if v}, problems
