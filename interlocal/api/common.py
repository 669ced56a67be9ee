"""What every read endpoint shares: the page envelope, conditional GETs, `updated_since` and documented errors."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import BigIntegerField, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from ninja import Field, NinjaAPI, Schema
from ninja.errors import ValidationError
from ninja.responses import NinjaJSONEncoder
from pydantic import AfterValidator

from interlocal.pagecache import GenerationPaginator, remember

MAX_PAGE_SIZE = 100


def _utc(moment: dt.datetime) -> dt.datetime:
    # PostgreSQL refuses offsets beyond +-15:59 ("time zone displacement out of range", a 500 Schemathesis found);
    # the same moment in UTC is always storable, and one before year 1 in UTC is no moment at all.
    if moment.tzinfo is None:
        raise ValueError("Give a time zone, e.g. 2025-01-31T00:00:00Z.")
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("The moment is out of range.") from None


# A moment parameter, given with any time zone, used in UTC.
Since = Annotated[dt.datetime, AfterValidator(_utc)]


def F(description: str, example: Any, **kw: Any) -> Any:
    """A documented field: its description and one example, for the OpenAPI document."""
    return Field(..., description=description, examples=[example], **kw)


class ErrorOut(Schema):
    """A 404: the record is missing, or the caller may not see it (the two are never told apart)."""

    detail: str = F("What went wrong.", "Not Found")


class InvalidOut(Schema):
    """A 400: a parameter could not be read; each problem names where it was."""

    detail: list[dict[str, Any]] = F(
        "One entry per bad parameter: its location, a message and the error type.",
        [{"type": "int_parsing", "loc": ["query", "page"], "msg": "Input should be a valid integer"}],
    )


# The responses every read operation documents besides its 200.
ERRORS: dict[int, Any] = {304: None, 400: InvalidOut, 404: ErrorOut}


@functools.cache
def page_of(item: type[Schema]) -> type[Schema]:
    """The page envelope for a list of `item`: count, next, previous and results."""
    fields = {
        "__annotations__": {
            "count": int,
            "next": str | None,
            "previous": str | None,
            "results": list[item],  # type: ignore[valid-type]
        },
        "__doc__": f"One page of {item.__name__.removesuffix('Out')} records, in a stable order.",
        "count": F("How many records match the filters, on every page.", 1234),
        "next": F(
            "The address of the next page, or null on the last.", "https://example.org/api/v1/x?page=3"
        ),
        "previous": F(
            "The address of the previous page, or null on the first.", "https://example.org/api/v1/x?page=1"
        ),
        "results": F("This page's records.", []),
    }
    return type(f"{item.__name__.removesuffix('Out')}Page", (Schema,), fields)


def _page_url(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def paginate(
    request: HttpRequest,
    qs: QuerySet[Any],
    to_dict: Callable[[Any], dict[str, Any]],
    page: int,
    page_size: int,
    item: type[Schema],
    prepare: Callable[[list[Any]], None] | None = None,
) -> HttpResponse:
    """One page of an ordered queryset as the envelope, rendered once per write for everyone with the same scope.

    The queryset's SQL (filters and the caller's scope included) and the full address are the cache key, as
    for the portal's lists (pagecache.GenerationPaginator): a signed-in reader pays for the session, not the page.
    `prepare` gets the page's rows before they are turned into dicts, to fetch what they share in one query.
    """
    try:
        sql = str(qs.query)
    except EmptyResultSet:  # a scope that can match nothing (no collaboratives, say) has no SQL at all
        sql = ""
    key = f"api-page:{request.build_absolute_uri()}:{sql}"
    body = remember(
        key, lambda: _render(request, qs if sql else None, to_dict, page, page_size, item, prepare)
    )
    if body is None:
        raise Http404("No such page.")
    return conditional(request, HttpResponse(body, content_type="application/json; charset=utf-8"))


def _render(
    request: HttpRequest,
    qs: QuerySet[Any] | None,
    to_dict: Callable[[Any], dict[str, Any]],
    page: int,
    page_size: int,
    item: type[Schema],
    prepare: Callable[[list[Any]], None] | None,
) -> bytes | None:
    empty: dict[str, Any] = {"count": 0, "next": None, "previous": None, "results": []}
    data: dict[str, Any]
    if qs is None:
        data = empty
    else:
        paginator = GenerationPaginator(qs, page_size)
        try:
            found = paginator.page(page)
        except (EmptyPage, PageNotAnInteger):
            if page != 1:
                return None
            found = None
        if found is None:
            data = empty
        else:
            rows = list(found.object_list)
            if prepare is not None:
                prepare(rows)
            data = {
                "count": paginator.count,
                "next": _page_url(request, page + 1) if found.has_next() else None,
                "previous": _page_url(request, page - 1) if found.has_previous() else None,
                "results": [to_dict(r) for r in rows],
            }
    # Validated against the documented schema, exactly as ninja renders a returned dict.
    checked = page_of(item).model_validate(data).model_dump(by_alias=True)
    return json.dumps(checked, cls=NinjaJSONEncoder).encode()


def audited_since(label: str, since: dt.datetime) -> QuerySet[Any]:
    """Primary keys of the records of one type (app_label.model) written through an action since a moment."""
    from interlocal.audit.models import AuditEvent

    return (
        AuditEvent.objects.filter(model=label, at__gte=since, object_id__regex=r"^[0-9]+$")
        .annotate(record=Cast("object_id", BigIntegerField()))
        .values("record")
    )


def changed_since(qs: QuerySet[Any], since: dt.datetime | None, *, also: Q | None = None) -> QuerySet[Any]:
    """Rows the audit log shows written since `since` (or matching `also`, a model's own timestamp)."""
    if since is None:
        return qs
    found = Q(pk__in=audited_since(qs.model._meta.label_lower, since))
    return qs.filter(found | also if also is not None else found)


def last_write() -> int | None:
    """When the last write anywhere was committed (the page cache's generation stamp), as a Unix time."""
    try:
        return int(os.stat(settings.PAGE_CACHE_STAMP_FILE).st_mtime)
    except OSError:
        return None


def conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Give a GET's 200 answer its ETag and Last-Modified, and answer 304 when the caller's copy is current."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    # Strong: the body's digest, so two equal bodies share it whoever asked.
    etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
    response["ETag"] = etag
    modified = last_write()
    if modified is not None:
        response["Last-Modified"] = http_date(modified)
    # Each reader's answer depends on who they are; other caches must ask again before reusing it (the
    # anonymous page cache still keeps it, until the next write).
    response["Cache-Control"] = "max-age=0, must-revalidate"
    response.headers.setdefault("Vary", "Cookie")
    return get_conditional_response(request, etag=etag, last_modified=modified, response=response) or response


class ReadAPI(NinjaAPI):
    """NinjaAPI whose GET answers carry an ETag and Last-Modified and honour If-None-Match / If-Modified-Since."""

    def create_response(self, request: HttpRequest, data: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        return conditional(request, super().create_response(request, data, *args, **kwargs))


def install_errors(api: NinjaAPI) -> None:
    """Bad parameters answer 400 (documented as InvalidOut) rather than ninja's 422."""

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return api.create_response(request, {"detail": exc.errors}, status=400)


def ids(rows: Iterable[Any], attr: str) -> set[Any]:
    """The distinct non-null values of one attribute over rows."""
    return {v for r in rows if (v := getattr(r, attr)) is not None}
