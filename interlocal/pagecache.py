"""A full-page cache for anonymous reads, keyed on a data generation that every committed write raises.

Every write goes through an action that writes an audit event; audit_record and audit_records_bulk call
bump_generation after the transaction commits, so a page cached before a write is never served after it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import F
from django.http import HttpRequest, HttpResponse

_TABLE = "portal_datageneration"
_SKIPPED_HEADERS = {"set-cookie"}


def current_generation() -> int:
    """The number of committed writes so far (one indexed lookup)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def bump_generation() -> None:
    """Raise the generation; run it from transaction.on_commit so readers see the write first."""
    from interlocal.portal.models import DataGeneration

    if not DataGeneration.objects.filter(pk=1).update(value=F("value") + 1):
        DataGeneration.objects.get_or_create(pk=1, defaults={"value": 1})


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
