from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from interlocal import access
from interlocal.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "verb", "model", "object_repr"]
    list_filter = ["verb", "model"]
    search_fields = ["object_repr", "verb", "actor__username"]
    date_hierarchy = "at"
    list_select_related = ["actor"]

    # The log is evidence: nobody edits or deletes it; a coordinator reads their own collaboratives' events.
    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        qs = super().get_queryset(request)
        if access.is_admin(request.user):
            return qs
        return qs.filter(collaborative_id__in=access.coordinated_collaborative_ids(request.user))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("audit.view_auditevent", obj))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
