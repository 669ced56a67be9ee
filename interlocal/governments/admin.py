from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from interlocal.adminkit import AuditedAdmin
from interlocal.governments.models import Government, Person


@admin.register(Government)
class GovernmentAdmin(AuditedAdmin):
    list_display = ["name", "kind", "state", "county_name", "geoid", "population", "population_year"]
    list_filter = ["kind", "state", "is_published"]
    search_fields = ["name", "geoid", "ocd_division_id"]
    autocomplete_fields = ["parent", "neighbours"]
    list_select_related = ["parent"]
    fieldsets = [
        (None, {"fields": ["kind", "name", "slug", "website", "is_published"]}),
        ("Place", {"fields": ["state", "county_name", "parent", "neighbours", "land_area_m2"]}),
        ("Identifiers", {"fields": ["ocd_division_id", "geoid"]}),
        ("Population", {"fields": ["population", "population_year", "population_source"]}),
    ]


@admin.register(Person)
class PersonAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "government", "role", "is_active"]
    list_filter = ["role", "is_active", "government"]
    autocomplete_fields = ["government"]
    fieldsets = [
        *(UserAdmin.fieldsets or []),
        ("Interlocal", {"fields": ["government", "role", "title"]}),
    ]

    # Accounts are managed by site administrators only (governments.view_person is granted to nobody else).
    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("governments.view_person")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("governments.view_person")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("governments.view_person")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("governments.view_person")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
