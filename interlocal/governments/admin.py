from typing import Any

from axes.models import AccessAttempt, AccessLog
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse

from interlocal import access
from interlocal.adminkit import AuditedAdmin
from interlocal.governments import actions as governments
from interlocal.governments.models import Government, Person

# Records are history: nothing is hard-deleted from the back office, not even in bulk.
admin.site.disable_action("delete_selected")


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

    actions = ["unlock"]

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        if not change:
            person = governments.person_create(
                acting_user=request.user,  # type: ignore[arg-type]
                username=form.cleaned_data["username"],
                government=None,
                role=obj.role,
                password=form.cleaned_data.get("password1") or None,
            )
            # The admin goes on with its own instance (messages, redirect): point it at the saved row.
            obj.pk, obj.password = person.pk, person.password
            obj._state.adding, obj._state.db = False, "default"
            return
        fields = {f: form.cleaned_data[f] for f in form.changed_data if f in governments.PERSON_FIELDS}
        governments.person_update(
            acting_user=request.user,  # type: ignore[arg-type]
            person=Person.objects.get(pk=obj.pk),
            **fields,
        )

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        # Groups and direct permissions are privileges: set them through the audited action.
        data = form.cleaned_data
        if "groups" in data or "user_permissions" in data:
            governments.person_set_access(
                acting_user=request.user,  # type: ignore[arg-type]
                person=form.instance,
                groups=data.get("groups"),
                permissions=data.get("user_permissions"),
            )

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        # Django's view saves the password itself; afterwards the action records it (never the value),
        # inside one transaction so there is no password change without its audit event.
        with transaction.atomic():
            before = Person.objects.filter(pk=id).values_list("password", flat=True).first()
            response = super().user_change_password(request, id, form_url)
            person = Person.objects.filter(pk=id).first()
            if person is not None and before != person.password:
                governments.person_password_changed(
                    acting_user=request.user,  # type: ignore[arg-type]
                    person=person,
                    note="Set in the back office.",
                )
        return response

    @admin.action(description="Unlock sign-in for the selected people")
    def unlock(self, request: HttpRequest, queryset: QuerySet[Person]) -> None:
        for person in queryset:
            governments.person_unlock(acting_user=request.user, person=person)  # type: ignore[arg-type]
        messages.success(request, f"Unlocked {queryset.count()} account(s).")


admin.site.unregister(Group)


@admin.register(Group)
class AuditedGroupAdmin(GroupAdmin):
    """Permission groups: site administrators only, every change audited, never deleted."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access.is_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.is_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.is_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return access.is_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        # The form already wrote the new name onto obj; the action compares against the stored group.
        group = Group.objects.get(pk=obj.pk) if change else Group()
        saved = governments.group_save(
            acting_user=request.user,  # type: ignore[arg-type]
            group=group,
            name=form.cleaned_data["name"],
            permissions=form.cleaned_data.get("permissions"),
        )
        obj.pk, obj._state.adding, obj._state.db = saved.pk, False, "default"

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        # group_save already set the permissions, with their audit event.
        return None


class _SignInLogAdmin(admin.ModelAdmin):
    """django-axes' sign-in records, read-only for site administrators (axes' own admin deletes)."""

    search_fields = ["username", "ip_address"]
    list_filter = ["attempt_time"]
    date_hierarchy = "attempt_time"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access.is_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.is_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AccessAttempt)
class AccessAttemptAdmin(_SignInLogAdmin):
    """Failed sign-ins and lockouts; unlock a person from the people list instead."""

    list_display = ["attempt_time", "username", "ip_address", "failures_since_start", "path_info"]


@admin.register(AccessLog)
class AccessLogAdmin(_SignInLogAdmin):
    """Successful sign-ins and sign-outs."""

    list_display = ["attempt_time", "username", "ip_address", "logout_time", "path_info"]
