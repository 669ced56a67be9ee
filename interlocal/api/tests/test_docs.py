"""/api/v1/docs loads Swagger UI from our own static files only, with no inline script."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from django.contrib.staticfiles import finders
from django.test import Client


class _Page(HTMLParser):
    """Collects every URL the page loads and the bodies of its scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.inline_code: list[str] = []
        self._data_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.urls += [v for k, v in attrs if k in ("src", "href", "srcset", "data") and v is not None]
        self.inline_code += [f"{k}={v}" for k, v in attrs if k.startswith("on") or k == "style"]
        if tag == "script":
            self.scripts.append(found)
            self._data_script = "src" not in found

    def handle_data(self, data: str) -> None:
        if self._data_script and data.strip():
            self.inline_code.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._data_script = False


def _page(client: Client) -> tuple[_Page, str]:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    page = _Page()
    page.feed(html)
    return page, html


def test_it_loads_only_local_static_assets(db: None, client: Client) -> None:
    page, html = _page(client)

    assert "cdn" not in html.lower() and "//" not in "".join(page.urls)
    assert sorted(page.urls) == [
        "/static/api/swagger-init.js",
        "/static/swagger-ui/swagger-ui-bundle.js",
        "/static/swagger-ui/swagger-ui.css",
    ]
    for url in page.urls:
        assert finders.find(url.removeprefix("/static/")), f"{url} is not in the static files (make assets)"
        assert client.get(url).status_code == 200


def test_it_runs_no_inline_script(db: None, client: Client) -> None:
    page, _html = _page(client)

    data_blocks = [s for s in page.scripts if "src" not in s]
    assert [s.get("type") for s in data_blocks] == ["application/json"]
    # The only inline text is the JSON settings block, which browsers never execute.
    (settings_text,) = page.inline_code
    settings = json.loads(settings_text)
    assert settings["url"] == "/api/v1/openapi.json"
    # Swagger UI would otherwise load its validator badge from validator.swagger.io.
    assert settings["validatorUrl"] is None
