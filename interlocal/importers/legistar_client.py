"""A small client of the Legistar Web API: OData paging, retry with backoff, one-line errors (no Django).

Everything that touches the outside world is injectable: `opener` performs one HTTP GET and `sleep` waits,
so tests run against a local fake server without real waiting.
"""

from __future__ import annotations

import email.utils
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote, urlencode

DEFAULT_BASE_URL = "https://webapi.legistar.com/v1/"
DEFAULT_PAGE_SIZE = 1000  # Legistar's own cap on $top
DEFAULT_TIMEOUT = 30.0
DEFAULT_CONCURRENCY = 4
MAX_ATTEMPTS = 5
BACKOFF_BASE = 1.0
BACKOFF_CAP = 60.0
RETRY_AFTER_CAP = 300.0
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# OData wants the quotes, colons and parentheses of datetime'...' literally; spaces become %20.
_URL_SAFE = "'():,-"

# The Last-Modified field and identity key of each endpoint this client pages through.
PAGED_KINDS: dict[str, tuple[str, str, str]] = {
    # kind: (path, identity key, last-modified field)
    "bodies": ("bodies", "BodyId", "BodyLastModifiedUtc"),
    "persons": ("persons", "PersonId", "PersonLastModifiedUtc"),
    "officerecords": ("officerecords", "OfficeRecordId", "OfficeRecordLastModifiedUtc"),
    "matters": ("matters", "MatterId", "MatterLastModifiedUtc"),
    "events": ("events", "EventId", "EventLastModifiedUtc"),
}


class LegistarError(Exception):
    """The server is unreachable, refuses, or answers something that is not Legistar JSON; str() is one line."""


@dataclass(frozen=True)
class Response:
    """One HTTP answer: status, headers we use, body bytes."""

    status: int
    body: bytes
    retry_after: str | None = None


Opener = Callable[[str, float], Response]
Sleep = Callable[[float], None]


def urllib_opener(url: str, timeout: float) -> Response:
    """GET the URL with urllib; HTTP error statuses come back as responses, network failures raise OSError."""
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "interlocal"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            body = answer.read(MAX_RESPONSE_BYTES + 1)
            return Response(answer.status, body, answer.headers.get("Retry-After"))
    except urllib.error.HTTPError as exc:
        body = exc.read(64 * 1024) if exc.fp is not None else b""
        return Response(exc.code, body, exc.headers.get("Retry-After") if exc.headers else None)


def retry_delay(attempt: int, retry_after: str | None, now: datetime | None = None) -> float:
    """Seconds to wait before retry number `attempt` (1-based): Retry-After when given, else 1, 2, 4... s capped."""
    if retry_after:
        value = retry_after.strip()
        if value.isdigit():
            return min(float(value), RETRY_AFTER_CAP)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            seconds = (when - (now or datetime.now(UTC))).total_seconds()
            return min(max(seconds, 0.0), RETRY_AFTER_CAP)
    return float(min(BACKOFF_BASE * 2 ** (attempt - 1), BACKOFF_CAP))


def odata_datetime(value: datetime) -> str:
    """A timestamp as Legistar compares it: naive UTC, to the millisecond."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="milliseconds")


def parse_utc(value: Any) -> datetime | None:
    """A Legistar ...LastModifiedUtc value as an aware UTC datetime, None when absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


@dataclass
class LegistarClient:
    """GETs JSON lists from one client's endpoints under a base URL, retrying 429 and 5xx with backoff."""

    base_url: str
    client: str
    opener: Opener = urllib_opener
    sleep: Sleep = time.sleep
    timeout: float = DEFAULT_TIMEOUT
    max_attempts: int = MAX_ATTEMPTS
    page_size: int = DEFAULT_PAGE_SIZE
    # Nested records (a matter's histories...) are asked this many at a time; Legistar answers in ~0.2 s each.
    concurrency: int = DEFAULT_CONCURRENCY
    requests: int = 0
    retries: int = 0
    log: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if not self.client or not all(c.isalnum() or c in "-_" for c in self.client):
            raise LegistarError(f"invalid Legistar client name {self.client!r}")
        if not self.base_url.startswith(("http://", "https://")):
            raise LegistarError(f"base URL must start with http:// or https://, got {self.base_url!r}")
        if not self.base_url.endswith("/"):
            self.base_url += "/"

    def url(self, path: str, params: Sequence[tuple[str, str]] = ()) -> str:
        """The full URL of an endpoint of this client."""
        base = f"{self.base_url}{quote(self.client)}/{path}"
        if not params:
            return base
        return f"{base}?{urlencode(list(params), safe=_URL_SAFE, quote_via=quote)}"

    def get_json(self, url: str) -> Any:
        """GET and decode one URL; retry 429/5xx and network failures up to max_attempts, else LegistarError."""
        shown = unquote(url)  # errors show the URL as a person would type it
        attempt = 0
        while True:
            attempt += 1
            with self._lock:
                self.requests += 1
            try:
                answer = self.opener(url, self.timeout)
            except (OSError, urllib.error.URLError) as exc:
                reason = getattr(exc, "reason", exc)
                if attempt >= self.max_attempts:
                    raise LegistarError(
                        f"GET {shown}: server unreachable after {attempt} attempts ({reason})"
                    ) from exc
                self._wait(attempt, None, f"unreachable ({reason})", shown)
                continue
            if answer.status in RETRY_STATUSES:
                if attempt >= self.max_attempts:
                    raise LegistarError(f"GET {shown}: HTTP {answer.status} after {attempt} attempts")
                self._wait(attempt, answer.retry_after, f"HTTP {answer.status}", shown)
                continue
            if answer.status != 200:
                raise LegistarError(f"GET {shown}: HTTP {answer.status}{_snippet(answer.body)}")
            if len(answer.body) > MAX_RESPONSE_BYTES:
                raise LegistarError(f"GET {shown}: answer larger than {MAX_RESPONSE_BYTES // 2**20} MB")
            try:
                return json.loads(answer.body)
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise LegistarError(f"GET {shown}: not JSON ({exc}){_snippet(answer.body)}") from exc

    def _wait(self, attempt: int, retry_after: str | None, why: str, url: str) -> None:
        delay = retry_delay(attempt, retry_after)
        with self._lock:
            self.retries += 1
            self.log.append(f"{why} on {url}; retrying in {delay:g} s")
        self.sleep(delay)

    def get_list(self, path: str, params: Sequence[tuple[str, str]] = ()) -> list[dict[str, Any]]:
        """GET an endpoint that answers a JSON list of objects (or OData's {"value": [...]})."""
        url = self.url(path, params)
        data = self.get_json(url)
        if isinstance(data, dict) and isinstance(data.get("value"), list):
            data = data["value"]
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            raise LegistarError(f"GET {unquote(url)}: expected a JSON list of records, got {_shape(data)}")
        return data

    def get_lists(
        self, requests: Sequence[tuple[str, Sequence[tuple[str, str]]]]
    ) -> list[list[dict[str, Any]]]:
        """get_list for each (path, params), `concurrency` at a time, answers in order; the first error ends all."""
        if self.concurrency <= 1 or len(requests) <= 1:
            return [self.get_list(path, params) for path, params in requests]
        pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="legistar")
        try:
            futures = [pool.submit(self.get_list, path, params) for path, params in requests]
            return [future.result() for future in futures]
        finally:
            # On an error (or Ctrl-C) the requests not yet started are dropped; those running finish alone.
            pool.shutdown(wait=True, cancel_futures=True)

    def page_params(
        self, kind: str, *, skip: int, since: datetime | None, top: int | None = None
    ) -> list[tuple[str, str]]:
        """OData parameters of one page of a paged kind, ordered by identity so pages are stable."""
        _, id_key, modified = PAGED_KINDS[kind]
        params = [("$top", str(top or self.page_size)), ("$skip", str(skip))]
        if since is not None:
            params.append(("$filter", f"{modified} gt datetime'{odata_datetime(since)}'"))
        params.append(("$orderby", id_key))
        return params

    def page(self, kind: str, *, skip: int, since: datetime | None) -> list[dict[str, Any]]:
        """One page of bodies, persons, matters or events modified after `since` (all when None)."""
        path, id_key, _ = PAGED_KINDS[kind]
        rows = self.get_list(path, self.page_params(kind, skip=skip, since=since))
        for index, row in enumerate(rows):
            ident = row.get(id_key)
            if not isinstance(ident, int) or isinstance(ident, bool):
                raise LegistarError(
                    f"GET {self.url(path)} $skip={skip}: row {index} has no integer {id_key} (got {ident!r})"
                )
        return rows

    def pages(
        self, kind: str, *, skip: int = 0, since: datetime | None = None
    ) -> Iterator[tuple[int, list[Any]]]:
        """(skip, rows) for successive pages from `skip` until one comes back short."""
        while True:
            rows = self.page(kind, skip=skip, since=since)
            yield skip, rows
            if len(rows) < self.page_size:
                return
            skip += len(rows)


def _snippet(body: bytes) -> str:
    text = body[:120].decode("utf-8", errors="replace").replace("\n", " ").strip()
    return f": {text!r}" if text else ""


def _shape(data: Any) -> str:
    if isinstance(data, list):
        bad = next((row for row in data if not isinstance(row, dict)), None)
        return f"a list holding {type(bad).__name__}"
    return type(data).__name__
