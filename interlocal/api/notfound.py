"""A JSON 404 for any /api/ address no operation matches (a negative id, a word where an id goes, a typo).

The OpenAPI document promises JSON on every answer; without this, Django's HTML error page would answer.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # a program's POST to a wrong address gets this 404, not the CSRF page
def api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """404 with the API's error body."""
    return JsonResponse({"detail": "Not Found"}, status=404)
