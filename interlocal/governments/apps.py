from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.http import HttpRequest


def _audit_lockout(
    sender: Any, *, request: HttpRequest, username: str | None, ip_address: str, **kw: Any
) -> None:
    # django-axes announces a lockout only by this signal; the action decides whether to record it.
    from interlocal.governments.actions import person_record_lockout

    person_record_lockout(
        acting_user=None,
        username=username or "",
        address=ip_address or "",
        failures=int(getattr(request, "axes_failures_since_start", 0) or 0),
        limit=settings.AXES_FAILURE_LIMIT,
    )


class GovernmentsConfig(AppConfig):
    name = "interlocal.governments"
    label = "governments"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        user_locked_out.connect(_audit_lockout, dispatch_uid="interlocal-audit-lockout")
