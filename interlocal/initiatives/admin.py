from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.db.models.fields.related import ForeignKey
from django.forms import ModelChoiceField, ModelForm
from django.http import HttpRequest

from interlocal.adminkit import AuditedAdmin, EditableInline
from interlocal.collaboratives.queries import visible_collaboratives
from interlocal.initiatives.gates import CONDITIONS, unknown_codes
from interlocal.initiatives.models import (
    CriteriaSet,
    Criterion,
    Initiative,
    InitiativePartner,
    Plan,
    StageGate,
    Term,
)
from interlocal.initiatives.queries import visible_initiatives


def _permitted(request: HttpRequest, qs: QuerySet[Any], perm: str) -> QuerySet[Any]:
    """The records of qs on which the user has the permission (a picker's choices)."""
    return qs.filter(pk__in=[obj.pk for obj in qs if request.user.has_perm(perm, obj)])


class PartnerInline(EditableInline):
    model = InitiativePartner
    autocomplete_fields = ["government"]
    fields = ["role", "government", "position"]


@admin.register(Initiative)
class InitiativeAdmin(AuditedAdmin):
    list_display = ["code", "title", "collaborative", "status", "cost_band", "timeline_band", "is_published"]
    list_filter = ["status", "cost_band", "timeline_band", "is_published", "collaborative", "terms"]
    search_fields = ["code", "title", "description"]
    autocomplete_fields = ["collaborative", "plan", "owner", "terms"]
    list_select_related = ["collaborative"]
    inlines = [PartnerInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Initiative]:
        return visible_initiatives(request.user).select_related("collaborative")

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if db_field.name == "collaborative":
            kwargs["queryset"] = _permitted(
                request, visible_collaboratives(request.user), "initiatives.add_initiative"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not request.user.has_perm("initiatives.move_initiative", obj):
            fields.append("collaborative")
        if obj is not None and not request.user.has_perm("initiatives.publish_initiative", obj):
            fields.append("is_published")
        return fields

    def check_save(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        user: Any = request.user
        before = Initiative.objects.select_related("collaborative").get(pk=obj.pk) if change else None
        if before is not None and not user.has_perm("initiatives.change_initiative", before):
            raise PermissionDenied("You may not change this initiative.")
        moved = before is not None and before.collaborative_id != obj.collaborative_id
        # Moving needs the power to publish in both collaboratives.
        if moved and not (
            user.has_perm("initiatives.move_initiative", before)
            and user.has_perm("initiatives.publish_initiative", obj)
        ):
            raise PermissionDenied("Only coordinators of both collaboratives move an initiative.")
        if not user.has_perm("initiatives.add_initiative", obj.collaborative):
            raise PermissionDenied("You may not add initiatives there.")
        publishing = obj.is_published != (before.is_published if before else False)
        if publishing and not user.has_perm("initiatives.publish_initiative", obj):
            raise PermissionDenied("Only coordinators publish.")
        if obj.plan_id is not None and obj.plan.collaborative_id != obj.collaborative_id:
            raise PermissionDenied("That plan belongs to another collaborative.")


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    list_display = ["name", "collaborative", "adopted_on"]
    search_fields = ["name"]
    autocomplete_fields = ["collaborative"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Plan]:
        return Plan.objects.filter(collaborative__in=visible_collaboratives(request.user))


@admin.register(Term)
class TermAdmin(AuditedAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(StageGate)
class StageGateAdmin(AuditedAdmin):
    list_display = ["collaborative", "stage", "conditions"]
    list_filter = ["stage"]
    autocomplete_fields = ["collaborative"]
    # The codes a gate may list, shown on the change form.
    fields = ["collaborative", "stage", "conditions"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        # Those who may only view the gate get no form fields at all (every field is read-only).
        if "conditions" in form.base_fields:
            form.base_fields["conditions"].help_text = "A list of condition codes: " + ", ".join(CONDITIONS)
        return form

    def get_queryset(self, request: HttpRequest) -> QuerySet[StageGate]:
        return StageGate.objects.filter(collaborative__in=visible_collaboratives(request.user))

    def check_save(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        if obj.conditions and unknown_codes(list(obj.conditions)):
            raise PermissionDenied("Unknown gate conditions.")
        super().check_save(request, obj, form, change)


class CriterionInline(EditableInline):
    model = Criterion
    fields = ["position", "name", "weight", "description"]


@admin.register(CriteriaSet)
class CriteriaSetAdmin(AuditedAdmin):
    list_display = ["name", "collaborative", "version", "is_current", "scores_hidden"]
    list_filter = ["is_current"]
    autocomplete_fields = ["collaborative"]
    inlines = [CriterionInline]
    readonly_fields = ["version", "is_current"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CriteriaSet]:
        return CriteriaSet.objects.filter(collaborative__in=visible_collaboratives(request.user))

    # New versions come from criteria_set_create so that old scores keep their criteria.
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False
