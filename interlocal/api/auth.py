"""Who a request to /api/v1 acts as: the owner of its bearer token, else the signed-in session, else anonymous.

A request that sends an Authorization header is judged by that header alone: an unknown, malformed or revoked
token is refused (401), never treated as anonymous, so a program with a broken token learns it at once instead of
silently reading only public records. Reads allow anonymous callers (the endpoints then show what the public
sees); writes need a token, or a session with its CSRF token.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security.http import HttpBearer
from ninja.utils import check_csrf

from interlocal.api.actions import hash_secret
from interlocal.api.models import ApiToken

# last_used_at is written at most this often per token, so a busy program costs no write per request.
TOUCH_EVERY = dt.timedelta(minutes=1)


class TokenError(AuthenticationError):
    """A 401 that says what was wrong with the credentials."""

    def __init__(self, message: str) -> None:
        super().__init__(status_code=401, message=message)


def token_owner(request: HttpRequest, secret: str) -> Any:
    """The active owner of an unrevoked token with this secret; TokenError otherwise."""
    token = ApiToken.objects.select_related("owner").filter(secret_hash=hash_secret(secret.strip())).first()
    if token is None:
        raise TokenError("The API token is not known.")
    if token.revoked_at is not None:
        raise TokenError("The API token was revoked.")
    if not token.owner.is_active:
        raise TokenError("The API token's owner may no longer sign in.")
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.owner


class ApiAuth(HttpBearer):
    """Bearer tokens for programs; sessions for the browser; anonymous callers where `anonymous` allows.

    Documented in OpenAPI as HTTP bearer authentication ("Authorization: Bearer il_..."). The request's user
    becomes the token's owner, so every permission check downstream is the owner's own.
    """

    def __init__(self, *, anonymous: bool) -> None:
        super().__init__()
        self.anonymous = anonymous

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header)
        if header:
            scheme, _, secret = header.partition(" ")
            if scheme.lower() != "bearer" or not secret.strip():
                raise TokenError("Send the API token as 'Authorization: Bearer <token>'.")
            return self.authenticate(request, secret)
        user: Any = request.user
        if user.is_authenticated:
            # A browser session writes only with the page's CSRF token, as on the portal.
            exempt = self.anonymous or getattr(request, "_ninja_csrf_exempt", False)
            if not exempt and check_csrf(request) is not None:
                raise AuthenticationError(403, "A session write needs the CSRF token (X-CSRFToken header).")
            return user
        if self.anonymous:
            return user  # AnonymousUser: truthy, so ninja lets the read through with the public's view
        raise TokenError("This operation needs an API token: send 'Authorization: Bearer <token>'.")

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        """Resolve the token and make its owner the request's user."""
        owner = token_owner(request, token)
        request.user = owner
        return owner


# Reads: anyone, as themselves. Writes: a token or a session.
READ_AUTH = ApiAuth(anonymous=True)
WRITE_AUTH = ApiAuth(anonymous=False)
