from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from interlocal import access
from interlocal.adminkit import AuditedAdmin, EditableInline
from interlocal.collaboratives.models import Collaborative, Membership
from interlocal.collaboratives.queries import visible_collaboratives


class MembershipInline(EditableInline):
    model = Membership
    autocomplete_fields = ["government", "authorising_matter"]
    fields = ["government", "role", "joined_on", "left_on", "authorising_matter"]


@admin.register(Collaborative)
class CollaborativeAdmin(AuditedAdmin):
    list_display = ["name", "facilitator", "formed_on", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["facilitator"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    list_select_related = ["facilitator"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Collaborative]:
        return visible_collaboratives(request.user)

    def can_add(self, request: HttpRequest) -> bool:
        return access.is_admin(request.user) or bool(getattr(request.user, "is_coordinator", False))

    def can_edit(self, request: HttpRequest, obj: Any) -> bool:
        if obj.pk is None:
            user: Any = request.user
            return access.is_admin(user) or (user.is_coordinator and obj.facilitator_id == user.government_id)
        return access.can_edit_collaborative(request.user, obj)
