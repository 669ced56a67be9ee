"""Template context shared by every portal page."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """Whether to show the demonstration-data banner."""
    return {"demo_banner": settings.INTERLOCAL_DEMO_BANNER}
