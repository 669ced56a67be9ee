from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.db.models.fields.related import ForeignKey
from django.forms import ModelChoiceField, ModelForm
from django.http import HttpRequest

from interlocal import access
from interlocal.adminkit import AuditedAdmin, EditableInline, ReadOnlyInline
from interlocal.agreements.actions import adoption_check, agreement_adopt
from interlocal.agreements.models import (
    Adoption,
    Agreement,
    AgreementDocument,
    AgreementParty,
    AgreementVersion,
    LegislativeMatter,
    MatterAction,
    MatterAttachment,
)
from interlocal.agreements.queries import visible_agreements, visible_matters
from interlocal.collaboratives.queries import visible_collaboratives
from interlocal.governments.queries import visible_governments
from interlocal.initiatives.queries import visible_initiatives


def _permitted(request: HttpRequest, qs: QuerySet[Any], perm: str) -> QuerySet[Any]:
    """The records of qs on which the user has the permission (a picker's choices)."""
    return qs.filter(pk__in=[obj.pk for obj in qs if request.user.has_perm(perm, obj)])


class VersionInline(ReadOnlyInline):
    model = AgreementVersion
    fields = ("number", "kind", "title", "effective_on", "in_force_at")
    readonly_fields = tuple(fields)
    show_change_link = True


@admin.register(Agreement)
class AgreementAdmin(AuditedAdmin):
    list_display = ["title", "kind", "collaborative", "is_published"]
    list_filter = ["kind", "is_published"]
    search_fields = ["title"]
    autocomplete_fields = ["collaborative"]
    inlines = [VersionInline]
    list_select_related = ["collaborative"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Agreement]:
        return visible_agreements(request.user)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if db_field.name == "collaborative":
            kwargs["queryset"] = _permitted(
                request, visible_collaboratives(request.user), "agreements.add_agreement"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "initiatives":
            # Only initiatives of collaboratives the user drafts agreements for (the save checks the match).
            mine = _permitted(request, visible_collaboratives(request.user), "agreements.add_agreement")
            kwargs["queryset"] = visible_initiatives(request.user).filter(collaborative__in=mine)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def check_save(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        super().check_save(request, obj, form, change)
        chosen = form.cleaned_data.get("initiatives") or []
        if any(i.collaborative_id != obj.collaborative_id for i in chosen):
            raise PermissionDenied("An agreement links only initiatives of its own collaborative.")


class PartyInline(EditableInline):
    model = AgreementParty
    autocomplete_fields = ["government"]


class DocumentInline(EditableInline):
    model = AgreementDocument


class AdoptionInline(ReadOnlyInline):
    model = Adoption
    fields = ("government", "matter", "adopted_on")
    readonly_fields = tuple(fields)


@admin.register(AgreementVersion)
class AgreementVersionAdmin(AuditedAdmin):
    list_display = ["__str__", "kind", "effective_on", "renewal_on", "in_force_at"]
    list_filter = ["kind"]
    search_fields = ["title", "agreement__title"]
    autocomplete_fields = ["agreement"]
    readonly_fields = ["in_force_at"]
    inlines = [PartyInline, DocumentInline, AdoptionInline]
    list_select_related = ["agreement"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AgreementVersion]:
        return AgreementVersion.objects.filter(agreement__in=visible_agreements(request.user)).select_related(
            "agreement"
        )

    def check_inline(self, request: HttpRequest, parent: Any, instance: Any) -> None:
        # Naming a party needs its consent: an accepted, current membership.
        members = access.current_member_ids(parent.agreement.collaborative)
        if isinstance(instance, AgreementParty) and instance.government_id not in members:
            raise PermissionDenied(f"{instance.government} is not a current member.")


class ActionInline(EditableInline):
    model = MatterAction
    fields = [
        "action_date",
        "version",
        "action_body_name",
        "action_name",
        "passed_flag_name",
        "tally",
        "mover_name",
        "seconder_name",
    ]


class AttachmentInline(EditableInline):
    model = MatterAttachment
    fields = ["position", "name", "url"]


@admin.register(LegislativeMatter)
class LegislativeMatterAdmin(AuditedAdmin):
    list_display = ["file_number", "government", "type_name", "status_name", "intro_date", "agenda_date"]
    list_filter = ["type_name", "government", "is_published"]
    search_fields = ["file_number", "title", "name"]
    autocomplete_fields = ["government"]
    inlines = [ActionInline, AttachmentInline]
    list_select_related = ["government"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "government",
                    "client",
                    "matter_id",
                    "file_number",
                    "name",
                    "type_name",
                    "status_name",
                ]
            },
        ),
        (
            None,
            {
                "fields": [
                    "title",
                    "body_name",
                    "intro_date",
                    "agenda_date",
                    "passed_date",
                    "enactment_number",
                ]
            },
        ),
        (None, {"fields": ["version", "sponsors", "indexes", "code_sections", "text", "is_published"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[LegislativeMatter]:
        return visible_matters(request.user)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if db_field.name == "government":
            kwargs["queryset"] = _permitted(
                request, visible_governments(request.user), "agreements.add_legislativematter"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AdoptionForm(ModelForm):
    """The add form; the action's own check marks a non-party or another council's matter on its field."""

    class Meta:
        model = Adoption
        fields = ["version", "government", "matter", "adopted_on"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("version") and data.get("government") and data.get("matter"):
            adoption_check(version=data["version"], government=data["government"], matter=data["matter"])
        return data


@admin.register(Adoption)
class AdoptionAdmin(AuditedAdmin):
    list_display = ["government", "version", "matter", "adopted_on"]
    form = AdoptionForm
    # Government and matter are plain pickers: an autocomplete would list every visible government's matters.
    autocomplete_fields = ["version"]
    list_select_related = ["government", "version__agreement", "matter"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Adoption]:
        return Adoption.objects.filter(version__agreement__in=visible_agreements(request.user))

    # Adoptions are recorded once, through agreement_adopt, and then stand as history
    # (agreements.change_adoption is granted to nobody but administrators).
    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        own = _permitted(request, visible_governments(request.user), "agreements.add_adoption")
        if db_field.name == "government":
            kwargs["queryset"] = own
        if db_field.name == "matter":
            # Only the legislation of councils whose adoptions the user records.
            kwargs["queryset"] = LegislativeMatter.objects.filter(government__in=own).select_related(
                "government"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        adoption = agreement_adopt(
            acting_user=request.user,  # type: ignore[arg-type]
            version=obj.version,
            government=obj.government,
            matter=obj.matter,
            adopted_on=obj.adopted_on,
        )
        obj.pk = adoption.pk
