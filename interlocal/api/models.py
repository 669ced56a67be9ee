"""Per-person API tokens: a program acting as the person who made the token, with exactly their permissions."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A bearer token for /api/v1; only the SHA-256 hash of its secret is stored, the secret is shown once."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # A token is the person's own credential and means nothing without them; it is no legal record.
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text="The person the token acts as; its requests have exactly this person's permissions.",
    )
    name = models.CharField(max_length=100, help_text="What the token is for, in the owner's words.")
    prefix = models.CharField(
        max_length=16, help_text="The secret's first characters, shown so the owner can recognise the token."
    )
    secret_hash = models.CharField(
        max_length=64, unique=True, help_text="SHA-256 of the secret, hex; the secret itself is never stored."
    )
    created_at = models.DateTimeField(help_text="When the token was created.")
    last_used_at = models.DateTimeField(
        null=True, blank=True, help_text="When a request last authenticated with the token (to the minute)."
    )
    revoked_at = models.DateTimeField(
        null=True, blank=True, help_text="When the owner revoked the token; a revoked token is refused (401)."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        """Not revoked."""
        return self.revoked_at is None
