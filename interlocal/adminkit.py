"""Admin base classes that apply Interlocal's role rules and audit every save."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from interlocal.audit.actions import admin_save, audit_record


def _is_backoffice_user(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(user.is_active and user.is_staff and (user.is_superuser or user.government_id))


class AuditedAdmin(admin.ModelAdmin):
    """Role-checked, audited, never deletes; subclasses say who may edit through can_edit()."""

    def can_edit(self, request: HttpRequest, obj: Any) -> bool:
        """Whether the user may change this object; subclasses narrow it."""
        return bool(getattr(request.user, "is_superuser", False))

    def can_add(self, request: HttpRequest) -> bool:
        """Whether the user may add records of this type."""
        return bool(getattr(request.user, "is_superuser", False))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_backoffice_user(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_backoffice_user(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _is_backoffice_user(request) and self.can_add(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not _is_backoffice_user(request):
            return False
        return True if obj is None else self.can_edit(request, obj)

    # Records are history: users archive or unpublish, they never hard-delete.
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        # The add form can name a parent the user may not touch; check the object as it will be saved.
        if not self.can_edit(request, obj):
            raise PermissionDenied("You may not save this record.")
        admin_save(
            acting_user=request.user, instance=obj, changed_fields=list(form.changed_data), created=not change
        )

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        # Many-to-many fields are saved after the object, so their diff is audited here.
        obj = form.instance
        m2m = [f for f in form.changed_data if f in {m.name for m in obj._meta.many_to_many}]
        before = {f: sorted(str(x) for x in getattr(obj, f).all()) for f in m2m} if change else {}
        super().save_related(request, form, formsets, change)
        changes = {f: (before.get(f), sorted(str(x) for x in getattr(obj, f).all())) for f in m2m}
        if changes:
            audit_record(
                acting_user=request.user,
                verb=f"{obj._meta.model_name}_relations_admin",
                obj=obj,
                changes=changes,
            )

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        for inline_form in formset.forms:
            if not inline_form.has_changed() or inline_form in formset.deleted_forms:
                continue
            instance = inline_form.instance
            created = instance.pk is None
            setattr(instance, formset.fk.name, form.instance)
            admin_save(
                acting_user=request.user,
                instance=instance,
                changed_fields=list(inline_form.changed_data),
                created=created,
            )
            inline_form.save_m2m()


class ReadOnlyInline(admin.TabularInline):
    """An inline that lists related rows without editing them."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EditableInline(admin.TabularInline):
    """An inline whose rows may be added and changed but never deleted."""

    extra = 0
    can_delete = False
