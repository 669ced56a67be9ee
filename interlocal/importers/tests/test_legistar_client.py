"""The Legistar Web API client: URLs, retry and backoff, and one-line errors (no server, no Django)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from interlocal.importers.legistar_client import (
    LegistarClient,
    LegistarError,
    Response,
    odata_datetime,
    retry_delay,
)


class Script:
    """An opener answering from a list, recording each URL it was asked."""

    def __init__(self, *answers: Response | OSError) -> None:
        self.answers = list(answers)
        self.urls: list[str] = []

    def __call__(self, url: str, timeout: float) -> Response:
        self.urls.append(url)
        answer = self.answers.pop(0)
        if isinstance(answer, OSError):
            raise answer
        return answer


def client(script: Script, waits: list[float]) -> LegistarClient:
    return LegistarClient("https://legistar.test/v1", "nyc", opener=script, sleep=waits.append, page_size=2)


def test_it_builds_the_odata_page_url_legistar_expects() -> None:
    api = LegistarClient("https://webapi.legistar.com/v1/", "nyc")
    since = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    url = api.url("matters", api.page_params("matters", skip=2000, since=since))
    assert url == (
        "https://webapi.legistar.com/v1/nyc/matters?%24top=1000&%24skip=2000"
        "&%24filter=MatterLastModifiedUtc%20gt%20datetime'2024-05-01T12:30:00.000'&%24orderby=MatterId"
    )
    assert odata_datetime(datetime(2024, 5, 1, 8, 0, tzinfo=UTC).astimezone()) == "2024-05-01T08:00:00.000"


def test_it_waits_as_retry_after_says_or_backs_off_exponentially() -> None:
    now = datetime(2024, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_delay(1, "7") == 7.0
    assert retry_delay(1, "Mon, 01 Jan 2024 12:00:30 GMT", now) == 30.0
    assert retry_delay(1, "100000") == 300.0  # capped
    assert [retry_delay(n, None) for n in (1, 2, 3, 4, 8)] == [1.0, 2.0, 4.0, 8.0, 60.0]
    assert retry_delay(2, "soon") == 2.0  # unreadable Retry-After: back off as usual


def test_it_retries_429_and_5xx_and_network_failures_then_pages_until_a_short_page() -> None:
    rows = b'[{"MatterId": 1}, {"MatterId": 2}]'
    script = Script(
        Response(429, b"", "3"),
        OSError("connection reset"),
        Response(200, rows),
        Response(502, b""),
        Response(200, b'[{"MatterId": 3}]'),
    )
    waits: list[float] = []
    api = client(script, waits)
    pages = list(api.pages("matters"))
    assert [len(rows) for _, rows in pages] == [2, 1]
    assert [skip for skip, _ in pages] == [0, 2]
    assert waits == [3.0, 2.0, 1.0]
    assert api.requests == 5 and api.retries == 3


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (Response(503, b""), "HTTP 503 after 3 attempts"),
        (Response(404, b'{"Message":"No HTTP resource"}'), 'HTTP 404: \'{"Message":"No HTTP resource"}\''),
        (Response(200, b"<html>Object moved</html>"), "not JSON (Expecting value: line 1 column 1 (char 0))"),
        (Response(200, b'{"MatterId": "x"}'), "expected a JSON list of records, got dict"),
        (Response(200, b"[1, 2]"), "expected a JSON list of records, got a list holding int"),
        (Response(200, b'[{"MatterFile": "1"}]'), "row 0 has no integer MatterId (got None)"),
        (OSError("Connection refused"), "server unreachable after 3 attempts (Connection refused)"),
    ],
)
def test_it_fails_with_one_line_naming_the_url(answer: Response | OSError, message: str) -> None:
    script = Script(*([answer] * 3))
    api = client(script, [])
    api.max_attempts = 3
    with pytest.raises(LegistarError) as caught:
        api.page("matters", skip=0, since=None)
    text = str(caught.value)
    assert (
        message in text and text.startswith("GET https://legistar.test/v1/nyc/matters") and "\n" not in text
    )


def test_it_refuses_a_client_name_or_base_url_it_cannot_put_in_a_url() -> None:
    with pytest.raises(LegistarError, match="invalid Legistar client name"):
        LegistarClient("https://webapi.legistar.com/v1/", "nyc/../x")
    with pytest.raises(LegistarError, match="must start with http"):
        LegistarClient("ftp://example/", "nyc")
