from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from interlocal.adminkit import AuditedAdmin, ReadOnlyInline
from interlocal.initiatives.queries import visible_initiatives
from interlocal.tracking.models import Kpi, Measurement


class MeasurementInline(ReadOnlyInline):
    model = Measurement
    fields = ("measured_on", "value", "note", "entered_by", "entered_at")
    readonly_fields = fields


@admin.register(Kpi)
class KpiAdmin(AuditedAdmin):
    list_display = ["name", "initiative", "unit", "direction", "status", "owner"]
    list_filter = ["status", "direction"]
    search_fields = ["name", "initiative__title", "initiative__code"]
    autocomplete_fields = ["initiative", "owner"]
    readonly_fields = ["status"]
    inlines = [MeasurementInline]
    list_select_related = ["initiative", "owner"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Kpi]:
        return Kpi.objects.filter(initiative__in=visible_initiatives(request.user))
