from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from interlocal import access
from interlocal.adminkit import AuditedAdmin, EditableInline
from interlocal.collaboratives.actions import membership_end, membership_propose
from interlocal.collaboratives.models import Collaborative, Membership
from interlocal.collaboratives.queries import visible_collaboratives


class MembershipInline(EditableInline):
    model = Membership
    autocomplete_fields = ["government", "authorising_matter"]
    fields = ["government", "role", "joined_on", "left_on", "authorising_matter", "status"]
    readonly_fields = ["status"]


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

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        access.facts_changed()

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: Any, change: bool) -> None:
        # Memberships are proposed (the joining government accepts) or ended, always through the actions.
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        user: Any = request.user
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row in formset.forms:
            if not row.has_changed() or row in formset.deleted_forms:
                continue
            data = row.cleaned_data
            if row.instance.pk is None:
                membership_propose(
                    acting_user=user,
                    collaborative=form.instance,
                    government=data["government"],
                    joined_on=data["joined_on"],
                    role=data["role"],
                    authorising_matter=data.get("authorising_matter"),
                )
            elif row.changed_data == ["left_on"] and data["left_on"] is not None:
                stored = Membership.objects.get(pk=row.instance.pk)
                membership_end(acting_user=user, membership=stored, left_on=data["left_on"])
            else:
                raise PermissionDenied("A membership is only proposed, or ended; propose a new one instead.")
