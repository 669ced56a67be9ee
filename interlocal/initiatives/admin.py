from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.db.models.fields.related import ForeignKey
from django.forms import ModelChoiceField
from django.http import HttpRequest

from interlocal import access
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
    fieldsets = [
        (
            None,
            {"fields": ["collaborative", "plan", "plan_position", "code", "title", "description", "status"]},
        ),
        ("Type", {"fields": ["is_project", "is_partnership", "is_policy"]}),
        ("Vocabularies", {"fields": ["terms"]}),
        ("Considerations", {"fields": ["equity_considerations", "sustainability_considerations"]}),
        (
            "Cost and timeline",
            {"fields": ["cost_band", "cost_estimate", "timeline_band", "start_on", "end_on"]},
        ),
        (
            "Tracking",
            {
                "fields": [
                    "tracking_implementation",
                    "tracking_success",
                    "if_overperforming",
                    "if_underperforming",
                ]
            },
        ),
        (None, {"fields": ["owner", "services", "is_published"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Initiative]:
        return visible_initiatives(request.user).select_related("collaborative")

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if db_field.name == "collaborative":
            kwargs["queryset"] = visible_collaboratives(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def can_add(self, request: HttpRequest) -> bool:
        return any(access.can_add_initiative(request.user, c) for c in visible_collaboratives(request.user))

    def can_edit(self, request: HttpRequest, obj: Any) -> bool:
        if obj.pk is None:
            return access.can_add_initiative(request.user, obj.collaborative)
        return access.can_edit_initiative(request.user, obj)


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    list_display = ["name", "collaborative", "adopted_on"]
    search_fields = ["name"]
    autocomplete_fields = ["collaborative"]

    def can_add(self, request: HttpRequest) -> bool:
        return access.is_admin(request.user) or bool(getattr(request.user, "is_coordinator", False))

    def can_edit(self, request: HttpRequest, obj: Any) -> bool:
        return access.can_edit_collaborative(request.user, obj.collaborative)


@admin.register(Term)
class TermAdmin(AuditedAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def can_add(self, request: HttpRequest) -> bool:
        return access.is_admin(request.user) or bool(getattr(request.user, "is_coordinator", False))

    def can_edit(self, request: HttpRequest, obj: Any) -> bool:
        return self.can_add(request)


@admin.register(StageGate)
class StageGateAdmin(AuditedAdmin):
    list_display = ["collaborative", "stage", "conditions"]
    list_filter = ["stage"]
    autocomplete_fields = ["collaborative"]
    # The codes a gate may list, shown on the change form.
    fields = ["collaborative", "stage", "conditions"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        form.base_fields["conditions"].help_text = "A list of condition codes: " + ", ".join(CONDITIONS)
        return form

    def can_add(self, request: HttpRequest) -> bool:
        return access.is_admin(request.user) or bool(getattr(request.user, "is_coordinator", False))

    def can_edit(self, request: HttpRequest, obj: Any) -> bool:
        if obj.conditions and unknown_codes(list(obj.conditions)):
            return False
        return access.can_edit_collaborative(request.user, obj.collaborative)


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

    # New versions come from criteria_set_create so that old scores keep their criteria.
    def can_add(self, request: HttpRequest) -> bool:
        return False

    def can_edit(self, request: HttpRequest, obj: Any) -> bool:
        return access.can_edit_collaborative(request.user, obj.collaborative)
