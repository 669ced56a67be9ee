"""CSV and JSON of exactly what a list page shows: the page's own query and columns, every page of it.

A list view builds its query and its columns once; `download_for` answers `?format=csv|json` from them, and the
page renders the same query otherwise. Views that offer downloads are registered with `@list_download`, so a
test can find a paginated list page that offers none.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest, StreamingHttpResponse

from interlocal.csvsafe import SafeCsvWriter

FORMATS = ("csv", "json")
# Rows fetched per round trip (and per prefetch) while streaming: memory stays bounded at any size.
CHUNK = 1000


@dataclass(frozen=True)
class Registered:
    """A list page that offers downloads: what they hold, and (for a page without pagination) the dotted name
    of the context value holding the rows it shows."""

    what: str
    rows_in: str | None = None


# URL name -> its download; filled by @list_download.
REGISTRY: dict[str, Registered] = {}

V = TypeVar("V", bound=Callable[..., Any])


def list_download(url_name: str, what: str, *, rows_in: str | None = None) -> Callable[[V], V]:
    """Mark a list view as offering ?format=csv|json of its rows."""

    def mark(view: V) -> V:
        REGISTRY[url_name] = Registered(what, rows_in)
        view.list_download = url_name  # type: ignore[attr-defined]
        return view

    return mark


@dataclass(frozen=True)
class Field:
    """One column of a download: its header and how a row's value is read from a record."""

    name: str
    value: Callable[[Any], Any]


def wanted_format(request: HttpRequest) -> str | None:
    """'csv' or 'json' when the request asks for a download of the list, else None (the page)."""
    fmt = request.GET.get("format", "")
    return fmt if fmt in FORMATS else None


def plain(value: Any) -> Any:
    """A value as JSON and CSV both write it: dates in ISO 8601, decimals as text, choices as their value."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Model):
        return str(value)
    return value


def _records(rows: Iterable[Any]) -> Iterator[Any]:
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=CHUNK)
    return iter(rows)


def _csv_stream(fields: list[Field], rows: Iterable[Any]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer)
    writer.writerow([f.name for f in fields])
    for n, record in enumerate(_records(rows), start=1):
        writer.writerow(["" if (v := plain(f.value(record))) is None else v for f in fields])
        if n % 200 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _json_stream(
    name: str, filters: Mapping[str, Any], fields: list[Field], rows: Iterable[Any]
) -> Iterator[bytes]:
    head = {"list": name, "filters": dict(filters), "fields": [f.name for f in fields]}
    yield (json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": [').encode()
    for n, record in enumerate(_records(rows)):
        row = {f.name: plain(f.value(record)) for f in fields}
        yield (("," if n else "") + json.dumps(row, ensure_ascii=False)).encode()
    yield b"]}"


def download_response(
    request: HttpRequest,
    *,
    name: str,
    fields: list[Field],
    rows: Iterable[Any],
    filters: Mapping[str, Any],
) -> StreamingHttpResponse:
    """The rows as CSV (UTF-8, header row, formulas neutralised) or JSON ({list, filters, fields, rows})."""
    fmt = wanted_format(request) or "csv"
    if fmt == "csv":
        response = StreamingHttpResponse(_csv_stream(fields, rows), content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(
            _json_stream(name, filters, fields, rows), content_type="application/json"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def applied(request: HttpRequest, names: Iterable[str]) -> dict[str, str]:
    """The query parameters among names that the request gave, as the page applied them."""
    return {n: request.GET[n] for n in names if request.GET.get(n)}
