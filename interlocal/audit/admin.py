from django.contrib import admin
from django.http import HttpRequest

from interlocal.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "verb", "model", "object_repr"]
    list_filter = ["verb", "model"]
    search_fields = ["object_repr", "verb", "actor__username"]
    date_hierarchy = "at"
    list_select_related = ["actor"]

    # The log is evidence: nobody edits or deletes it, and only coordinators read it.
    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return bool(request.user.is_superuser or getattr(request.user, "is_coordinator", False))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
