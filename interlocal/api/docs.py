"""Swagger UI for /api/v1/docs, served from the pinned static copy (make assets) with no inline script."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import Swagger

if TYPE_CHECKING:
    from ninja import NinjaAPI


class LocalSwagger(Swagger):
    """django-ninja's Swagger page, but loading swagger-ui-dist from /static/ instead of a CDN."""

    # No validator badge: Swagger UI would otherwise fetch it from validator.swagger.io.
    default_settings = {**Swagger.default_settings, "validatorUrl": None}

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        """Render the page; its static init script reads these settings from a JSON data block."""
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, "api/swagger.html", {"api": api, "swagger_settings": settings})
