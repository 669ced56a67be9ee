"""Sign-in throttling glue for django-axes: the client's address, and lockouts into the audit log."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """Return the client's address, trusting exactly REVERSE_PROXY_COUNT proxies' X-Forwarded-For."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    count = settings.REVERSE_PROXY_COUNT
    if not count:
        return remote
    # Each trusted proxy appends the address it saw, so only the right-most `count` entries are trustworthy.
    forwarded = [a.strip() for a in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if a.strip()]
    return forwarded[-count] if len(forwarded) >= count else remote
