"""The audit log: who changed what, when."""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One write made through an action."""

    at = models.DateTimeField(auto_now_add=True, db_index=True, help_text="When the write was committed.")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        # An account that wrote history cannot vanish from it.
        on_delete=models.PROTECT,
        related_name="audit_events",
        help_text="The person who made the change; empty for anonymous system processes.",
    )
    verb = models.CharField(max_length=80, help_text="The action's name, e.g. agreement_adopt.")
    model = models.CharField(max_length=80, help_text="The changed record's type, as app_label.model.")
    object_id = models.CharField(max_length=64, help_text="The changed record's primary key.")
    object_repr = models.CharField(max_length=300, help_text="How the record read when it was changed.")
    changes = models.JSONField(default=dict, blank=True, help_text="Field name to [old, new] values.")
    note = models.TextField(blank=True, help_text="Why the change was made, when the actor said.")
    collaborative = models.ForeignKey(
        "collaboratives.Collaborative",
        null=True,
        blank=True,
        # The log outlives nothing; collaboratives are never deleted by users anyway.
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The collaborative whose activity feed shows this event.",
    )
    government = models.ForeignKey(
        "governments.Government",
        null=True,
        blank=True,
        # As above: the log keeps its references.
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The government whose activity feed shows this event.",
    )
    is_public = models.BooleanField(
        default=False,
        help_text="Whether the change concerns a published record and may appear in public feeds.",
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb} {self.object_repr}"
