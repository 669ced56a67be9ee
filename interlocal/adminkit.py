"""Admin base classes that apply Interlocal's role rules and audit every save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from interlocal import access
from interlocal.audit.actions import admin_save, audit_record
from interlocal.audit.queries import record_history
from interlocal.conflicts import EditConflict


def _version(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _conflict_message(instance: Any, seen: int) -> str:
    history = record_history(instance, limit=1)
    who = ""
    if history:
        event = history[0]
        actor = event.actor.get_username() if event.actor else "an automatic process"
        who = f" by {actor} at {event.at:%Y-%m-%d %H:%M %Z}"
    return (
        f"{instance} was changed{who} since you opened this form (you edited version {seen}, version "
        f"{instance.lock_version} is stored). Nothing was saved. The fields below keep your values; "
        "compare them with the stored record, and save again to replace it with what you see here."
    )


def versioned_form(form_class: type[ModelForm]) -> type[ModelForm]:
    """The admin form, refusing to validate when the record changed since the form was shown."""

    def clean(self: ModelForm) -> dict[str, Any] | None:
        data = form_class.clean(self)
        seen = _version(self.data.get("_lock_version"))
        stored = getattr(self.instance, "lock_version", None)
        if self.instance.pk is not None and seen is not None and stored is not None and seen != stored:
            raise ValidationError(_conflict_message(self.instance, seen), code="edit_conflict")
        return data

    return type(form_class.__name__, (form_class,), {"clean": clean})


class _SeenVersionField(forms.IntegerField):
    # The version a row was shown at is not an edit: a stale value must not mark the row as changed.
    def has_changed(self, initial: Any, data: Any) -> bool:
        return False


class VersionedInlineForm(ModelForm):
    """An inline row that carries the version it was shown at and refuses a stale edit."""

    lock_version_seen = _SeenVersionField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lock_version_seen"].initial = getattr(self.instance, "lock_version", None)

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        seen = (data or {}).get("lock_version_seen")
        stored = getattr(self.instance, "lock_version", None)
        if self.instance.pk is not None and self.has_changed() and seen is not None and seen != stored:
            raise ValidationError(_conflict_message(self.instance, seen), code="edit_conflict")
        return data


def _is_backoffice_user(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(user.is_active and user.is_staff and user.has_perm("portal.use_backoffice"))


def scoped_queryset(user: Any, model: type[models.Model]) -> QuerySet[Any] | None:
    """The records of a model the user may see, for pickers; None when the model is not scoped."""
    from interlocal.agreements.models import Agreement, AgreementVersion, LegislativeMatter
    from interlocal.agreements.queries import visible_agreements, visible_matters
    from interlocal.collaboratives.models import Collaborative
    from interlocal.collaboratives.queries import visible_collaboratives
    from interlocal.governments.models import Government
    from interlocal.governments.queries import visible_governments
    from interlocal.initiatives.models import Initiative, Plan
    from interlocal.initiatives.queries import visible_initiatives

    scopes: dict[type[models.Model], Any] = {
        Government: visible_governments,
        Collaborative: visible_collaboratives,
        Initiative: visible_initiatives,
        Agreement: visible_agreements,
        LegislativeMatter: visible_matters,
        AgreementVersion: lambda u: AgreementVersion.objects.filter(agreement__in=visible_agreements(u)),
        Plan: lambda u: Plan.objects.filter(collaborative__in=visible_collaboratives(u)),
    }
    scope = scopes.get(model)
    return None if scope is None else scope(user)


class ScopedPickers:
    """Pickers and list filters offer only records the user may see."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "queryset" not in kwargs:
            qs = scoped_queryset(request.user, db_field.related_model)
            if qs is not None:
                kwargs["queryset"] = qs
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "queryset" not in kwargs:
            qs = scoped_queryset(request.user, db_field.related_model)
            if qs is not None:
                kwargs["queryset"] = qs
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


class AuditedAdmin(ScopedPickers, admin.ModelAdmin):
    """Permission-checked through has_perm, audited, never deletes; records outside get_queryset are 404s."""

    # Carries the record's version, so that a stale change form is refused instead of overwriting.
    change_form_template = "admin/versioned_change_form.html"

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        return versioned_form(super().get_form(request, obj, change, **kwargs))

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict as conflict:
            # Someone saved between the form's check and ours: everything was rolled back.
            messages.error(request, f"{conflict} Review the stored record and make your change again.")
            return HttpResponseRedirect(request.path)

    def perm(self, verb: str) -> str:
        """This model's permission name for a verb."""
        return access.perm_name(self.model, verb)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        scoped = scoped_queryset(request.user, self.model)
        return qs if scoped is None else qs.filter(pk__in=scoped.values("pk"))

    def get_list_filter(self, request: HttpRequest) -> Any:
        # A related filter lists only records that appear in the user's own list.
        out: list[Any] = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and "__" not in entry:
                field = self.model._meta.get_field(entry)
                if field.is_relation:
                    entry = (entry, admin.RelatedOnlyFieldListFilter)
            out.append(entry)
        return out

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_backoffice_user(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_backoffice_user(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _is_backoffice_user(request) and request.user.has_perm(self.perm("add"))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not _is_backoffice_user(request):
            return False
        return True if obj is None else request.user.has_perm(self.perm("change"), obj)

    # Records are history: users archive or unpublish, they never hard-delete.
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def check_save(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        """Raise PermissionDenied unless the user may save this object as it will be saved."""
        allowed = request.user.has_perm(self.perm("change" if change else "add"), obj)
        if not allowed:
            raise PermissionDenied("You may not save this record.")

    def check_inline(self, request: HttpRequest, parent: Any, instance: Any) -> None:
        """Raise ValidationError or PermissionDenied for an inline row the user may not save."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        # The add form can name a parent the user may not touch; check the object as it will be saved.
        self.check_save(request, obj, form, change)
        admin_save(
            acting_user=request.user,
            instance=obj,
            changed_fields=list(form.changed_data),
            created=not change,
            expected_version=_version(request.POST.get("_lock_version")) if change else None,
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
        # The admin's change message reads these lists, which formset.save() would have filled.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if not inline_form.has_changed() or inline_form in formset.deleted_forms:
                continue
            instance = inline_form.instance
            created = instance.pk is None
            if created:
                formset.new_objects.append(instance)
            else:
                formset.changed_objects.append((instance, list(inline_form.changed_data)))
            setattr(instance, formset.fk.name, form.instance)
            self.check_inline(request, form.instance, instance)
            admin_save(
                acting_user=request.user,
                instance=instance,
                changed_fields=list(inline_form.changed_data),
                created=created,
                expected_version=None if created else inline_form.cleaned_data.get("lock_version_seen"),
            )
            # save_m2m exists only after save(commit=False); the row was saved by admin_save instead.
            inline_form._save_m2m()


class ReadOnlyInline(ScopedPickers, admin.TabularInline):
    """An inline that lists related rows without editing them."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EditableInline(ScopedPickers, admin.TabularInline):
    """An inline whose rows may be added and changed (never deleted, nor from a stale copy) by those who may change the parent."""

    extra = 0
    can_delete = False
    form = VersionedInlineForm

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_fields(request, obj))
        return fields if "lock_version_seen" in fields else [*fields, "lock_version_seen"]

    def _parent_perm(self, request: HttpRequest, obj: Any) -> bool:
        return obj is not None and request.user.has_perm(access.perm_name(type(obj), "change"), obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_backoffice_user(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent_perm(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent_perm(request, obj)
