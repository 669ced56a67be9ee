"""A full-page cache for anonymous reads, keyed on a data generation that every committed write renews.

Every write goes through an action that writes an audit event; audit_record and audit_records_bulk call
bump_generation after the transaction commits, so a page cached before a write is never served after it. The
generation lives in a file (PAGE_CACHE_STAMP_FILE): reading it costs no database round trip, and every process
on the host sees a write at once. Several hosts must share that file, or run with PAGE_CACHE_SECONDS=0.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

_SKIPPED_HEADERS = {"set-cookie"}


def _stamp_file() -> Path:
    return Path(settings.PAGE_CACHE_STAMP_FILE)


def current_generation() -> str:
    """The token of the last committed write, shared by every process on the host through one small file."""
    try:
        return _stamp_file().read_text()
    except FileNotFoundError:
        return "0"


def bump_generation() -> None:
    """Give the data a new generation; run it from transaction.on_commit so readers see the write first."""
    # A fresh random token, not a counter: two writers bumping at once can never leave the old value behind.
    path = _stamp_file()
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{uuid.uuid4().hex}")
    temporary.write_text(uuid.uuid4().hex)
    os.replace(temporary, path)


def _request_is_cacheable(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or settings.PAGE_CACHE_SECONDS <= 0:
        return False
    # A session, or a message waiting in its cookie, may change the page: only the anonymous share one.
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _response_is_cacheable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    # A page that holds a CSRF token belongs to one visitor.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    control = response.get("Cache-Control", "")
    return not any(word in control for word in ("private", "no-store", "no-cache"))


class AnonymousPageCacheMiddleware:
    """Serve anonymous GETs from the cache before sessions, authentication and CSRF run."""

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        if not _request_is_cacheable(request):
            return self.get_response(request)
        cache = caches[settings.PAGE_CACHE_ALIAS]
        # htmx asks the initiative list for its results only: a different page at the same address.
        key = "page:{}:{}:{}:{}".format(
            current_generation(),
            request.META.get("HTTP_HOST", ""),
            bool(request.headers.get("HX-Request")),
            request.get_full_path(),
        )
        stored = cache.get(key)
        if stored is not None:
            status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if _response_is_cacheable(request, response):
            headers = [(k, v) for k, v in response.items() if k.lower() not in _SKIPPED_HEADERS]
            cache.set(key, (response.status_code, headers, response.content), settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response


T = TypeVar("T")


def remember(key: str, compute: Callable[[], T]) -> T:
    """compute()'s result, kept until the next committed write (for reads shared by many visitors)."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        return compute()
    cache = caches[settings.PAGE_CACHE_ALIAS]
    full_key = f"data:{current_generation()}:{hashlib.sha256(key.encode()).hexdigest()}"
    found = cache.get(full_key, _MISSING)
    if found is _MISSING:
        found = compute()
        cache.set(full_key, found, settings.PAGE_CACHE_SECONDS)
    return found  # type: ignore[no-any-return]


_MISSING = object()


class GenerationPaginator(Paginator):
    """A paginator over a queryset that remembers its total and each page's keys until the next write.

    The total and the sorted keys of a page cost a scan of every visible row; the page's rows are then
    fetched by primary key. The SQL (filters and the visitor's scope included) is the cache key.
    """

    def __init__(self, object_list: QuerySet[Any], per_page: int) -> None:
        super().__init__(object_list, per_page)
        self._rows = object_list
        self._sql = str(object_list.query)

    @cached_property
    def count(self) -> int:
        """The number of rows, remembered for this data generation."""
        return remember(f"count:{self._sql}", lambda: self._rows.count())

    def page(self, number: Any) -> Page:
        """One page: its keys remembered, its rows fetched by key with everything the queryset prefetches."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        pks = remember(
            f"pks:{bottom}:{top}:{self._sql}",
            lambda: list(self._rows.values_list("pk", flat=True)[bottom:top]),
        )
        rows = {row.pk: row for row in self._rows.filter(pk__in=pks)}
        return Page([rows[pk] for pk in pks if pk in rows], number, self)
