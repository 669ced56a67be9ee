"""Creating and revoking API tokens: audited like every other write."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from interlocal import access
from interlocal.api.models import ApiToken
from interlocal.audit.actions import audit_record
from interlocal.governments.models import Person

SECRET_PREFIX = "il_"
PREFIX_LENGTH = 11  # "il_" and 8 characters of the secret: enough to recognise, far too few to guess


def hash_secret(secret: str) -> str:
    """The stored form of a token's secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, acting_user: Person, name: str) -> tuple[ApiToken, str]:
    """Make a token for the acting person; returns it and its secret, which is never available again."""
    access.require(acting_user, "api.add_apitoken", None, "Sign in to create an API token.")
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the token after what will use it."})
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        owner=acting_user,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        secret_hash=hash_secret(secret),
        created_at=timezone.now(),
    )
    token.full_clean()
    token.save()
    audit_record(
        acting_user=acting_user,
        verb="api_token_create",
        obj=token,
        changes={"name": (None, token.name), "prefix": (None, token.prefix)},
        government=acting_user.government,
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, acting_user: Person, token: ApiToken) -> ApiToken:
    """Revoke a token: every later request with it is refused."""
    access.require(acting_user, "api.change_apitoken", token, "Only the token's owner revokes it.")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise ValidationError("This token was already revoked.")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        acting_user=acting_user,
        verb="api_token_revoke",
        obj=token,
        changes={"revoked_at": (None, token.revoked_at)},
        government=acting_user.government,
    )
    return token
