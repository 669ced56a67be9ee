"""PDF rendering (interlocal/pdf.py): WeasyPrint, offline, text readable back with pypdf."""

from __future__ import annotations

import io

import pytest

from interlocal import charts, pdf


def _require_weasyprint() -> None:
    reason = pdf.unavailable_reason()
    if reason:
        pytest.skip(reason)


def _text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_it_renders_html_with_the_static_stylesheet_and_a_chart_to_pdf() -> None:
    _require_weasyprint()
    chart = charts.hbars(title="Score by function", labels=["Govern", "Protect"], values=[3.0, 5.5], target=5)
    html = (
        '<html><head><link rel="stylesheet" href="/static/portal/pdf.css"></head><body>'
        f'<h1>Cybersecurity review 2025</h1><img src="{chart.data_uri}" alt="{chart.summary}">'
        "<table><tr><th>Govern</th><td>3.00</td></tr></table></body></html>"
    )

    data = pdf.html_to_pdf(html)

    assert data.startswith(b"%PDF-")
    text = _text(data)
    assert "Cybersecurity review 2025" in text
    assert "Govern" in text and "3.00" in text
    assert "Page 1 of 1" in text  # pdf.css was fetched from the static files: its @page footer is there


def test_it_refuses_to_fetch_anything_but_static_files_and_data() -> None:
    _require_weasyprint()

    with pytest.raises(ValueError, match=r"offline: refused to fetch https://example\.org/x\.css"):
        pdf._fetch("https://example.org/x.css")
    with pytest.raises(ValueError, match="offline"):
        pdf._fetch("file:///etc/passwd")
    assert pdf._fetch("https://interlocal.invalid/static/portal/pdf.css")["string"].startswith(b"/*")
