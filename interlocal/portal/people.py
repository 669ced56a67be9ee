"""Typing help for views that require a signed-in person."""

from typing import cast

from django.http import HttpRequest

from interlocal.governments.models import Person


def signed_in(request: HttpRequest) -> Person:
    """The signed-in person; only for views behind login_required."""
    return cast(Person, request.user)
