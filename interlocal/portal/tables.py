"""Sortable, paginated tables: column header links with aria-sort, USWDS pagination."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page
from django.db.models import F, QuerySet
from django.http import HttpRequest, StreamingHttpResponse

from interlocal.pagecache import GenerationPaginator
from interlocal.portal.downloads import Field, download_response, wanted_format

PAGE_SIZE = 25


@dataclass(frozen=True)
class Column:
    """A table column: its key in ?sort=, its heading, and the fields it orders by (None: not sortable)."""

    key: str
    label: str
    order_by: tuple[str, ...] | None = None
    # The cell's value in the page's CSV/JSON download (None: the column is not in the download).
    value: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class Header:
    """A column heading as the template draws it."""

    label: str
    href: str | None
    aria_sort: str | None
    next_direction: str


@dataclass(frozen=True)
class Table:
    """One page of a sorted table with its headings and the query string for page links."""

    page: Page[Any]
    headers: list[Header]
    querystring: str
    sort: str
    # (value, label) for a "Sort by" menu: on a phone the stacked table has no column headings to select.
    sort_choices: list[tuple[str, str]]


def _sorting(request: HttpRequest, columns: list[Column], default: str) -> tuple[str, bool, list[Any]]:
    """The sort asked for by ?sort=key or ?sort=-key (unknown keys fall back to the default), and its ordering."""
    wanted = request.GET.get("sort", default)
    descending = wanted.startswith("-")
    key = wanted.lstrip("-")
    by_key = {c.key: c for c in columns if c.order_by}
    if key not in by_key:
        key, descending = default.lstrip("-"), default.startswith("-")
    fields = by_key[key].order_by or ()
    ordering = [F(f).desc(nulls_last=True) if descending else F(f).asc(nulls_last=True) for f in fields] + [
        "pk"
    ]
    return key, descending, ordering


def download_for(
    request: HttpRequest,
    name: str,
    qs: QuerySet[Any],
    columns: list[Column],
    default: str,
    *,
    url: Callable[[Any], str],
    filters: dict[str, str] | None = None,
) -> StreamingHttpResponse | None:
    """The table's every row as ?format=csv|json asked, in the page's order; None when the page is asked for."""
    if wanted_format(request) is None:
        return None
    key, descending, ordering = _sorting(request, columns, default)
    fields = [Field("id", lambda r: r.pk), Field("url", lambda r: request.build_absolute_uri(url(r)))]
    fields += [Field(c.key, c.value) for c in columns if c.value is not None]
    applied = {**(filters or {}), "sort": f"{'-' if descending else ''}{key}"}
    return download_response(request, name=name, fields=fields, rows=qs.order_by(*ordering), filters=applied)


def sorted_table(request: HttpRequest, qs: QuerySet[Any], columns: list[Column], default: str) -> Table:
    """Sort by ?sort=key or ?sort=-key (unknown keys fall back to the default) and paginate."""
    key, descending, ordering = _sorting(request, columns, default)
    page = GenerationPaginator(qs.order_by(*ordering), PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    headers = []
    for c in columns:
        if not c.order_by:
            headers.append(Header(c.label, None, None, ""))
            continue
        current = c.key == key
        flip = "-" if current and not descending else ""
        link = params.copy()
        link["sort"] = f"{flip}{c.key}"
        aria = ("descending" if descending else "ascending") if current else None
        headers.append(Header(c.label, f"?{link.urlencode()}", aria, "descending" if flip else "ascending"))
    choices = []
    for c in columns:
        if c.order_by:
            choices += [(c.key, f"{c.label}, ascending"), (f"-{c.key}", f"{c.label}, descending")]
    return Table(page, headers, params.urlencode(), f"{'-' if descending else ''}{key}", choices)
