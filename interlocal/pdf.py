"""Render a page's own template to PDF with WeasyPrint, offline.

The PDF is the page: the view renders the same template with `pdf=True` and `base_template` set to
portal/pdf_base.html (the page's content blocks, without the site's header, navigation or forms, and a
small print stylesheet instead of the whole USWDS bundle, which WeasyPrint would spend seconds on).
Templates write `{% extends base_template|default:"portal/base.html" %}`.

Offline by construction: WeasyPrint's fetcher here serves /static/ from the static-file finders and
data: URIs (the charts) and refuses every other URL, so a PDF never waits on, or leaks to, the network.
Fonts come from the system's fontconfig (DejaVu; .ci/run installs fonts-dejavu-core).
"""

from __future__ import annotations

import functools
import mimetypes
import re
from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

PDF_BASE_TEMPLATE = "portal/pdf_base.html"
# A base URL no one can reach: relative /static/ links resolve against it and the fetcher maps them to disk.
_BASE_URL = "https://interlocal.invalid/"
_STATIC_PREFIX = _BASE_URL + "static/"
# A site-relative link (href="/plans/3/") would resolve against that unreachable base: a dead link in the PDF.
# Its text is kept and the <a> dropped, which also spares WeasyPrint an inline box and a link annotation per
# link (a 100-initiative plan has 700 of them: a sixth of its PDF time). Absolute links (https://...) stay.
_SITE_LINK = re.compile(r'<a\s[^>]*?\bhref="/[^"]*"[^>]*>(.*?)</a>', re.S)


@functools.cache
def unavailable_reason() -> str | None:
    """None when WeasyPrint and its system libraries (Pango) load; otherwise why not, for a skip or a 503."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:  # OSError: the Pango/HarfBuzz shared libraries are missing
        return f"WeasyPrint cannot load: {exc}".splitlines()[0]
    return None


def _fetch(url: str, timeout: int = 10, ssl_context: Any = None) -> dict[str, Any]:
    from weasyprint import default_url_fetcher

    if url.startswith("data:"):
        return dict(default_url_fetcher(url))
    if url.startswith(_STATIC_PREFIX):
        relative = url[len(_STATIC_PREFIX) :].split("?", 1)[0].split("#", 1)[0]
        path = finders.find(relative)
        if isinstance(path, list):
            path = path[0] if path else None
        if path:
            with open(path, "rb") as fh:
                mime_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
                return {"string": fh.read(), "mime_type": mime_type, "filename": relative.rsplit("/", 1)[-1]}
    raise ValueError(f"PDF rendering is offline: refused to fetch {url}")


def pdf_context(context: dict[str, Any]) -> dict[str, Any]:
    return {**context, "pdf": True, "base_template": PDF_BASE_TEMPLATE}


def render_pdf(template_name: str, context: dict[str, Any], *, request: HttpRequest | None = None) -> bytes:
    """The template rendered with pdf=True, as PDF bytes. Raises RuntimeError when WeasyPrint cannot load."""
    return html_to_pdf(render_to_string(template_name, pdf_context(context), request=request))


def html_to_pdf(html: str) -> bytes:
    """HTML text as PDF bytes, fetching only /static/ files and data: URIs. RuntimeError if WeasyPrint cannot load."""
    reason = unavailable_reason()
    if reason:
        raise RuntimeError(reason)
    from weasyprint import HTML

    html = _SITE_LINK.sub(r"\1", html)
    return bytes(HTML(string=html, base_url=_BASE_URL, url_fetcher=_fetch).write_pdf())


def pdf_response(
    template_name: str, context: dict[str, Any], *, request: HttpRequest, filename: str
) -> HttpResponse:
    """An inline PDF download; a plain-text 503 naming the reason when the server cannot render PDFs."""
    reason = unavailable_reason()
    if reason:
        return HttpResponse(
            f"PDF is unavailable on this server ({reason}); the page itself prints.",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(
        render_pdf(template_name, context, request=request), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
