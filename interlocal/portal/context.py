"""Template context shared by every portal page."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """Whether to show the demonstration-data banner, and the sign-in throttling the sign-in page explains."""
    return {
        "demo_banner": settings.INTERLOCAL_DEMO_BANNER,
        "signin_failure_limit": settings.AXES_FAILURE_LIMIT,
        "signin_cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
