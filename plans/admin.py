"""Admin views for support staff. State only changes through the services, so it is read-only here."""

from django.contrib import admin

from .models import Assignment, Indicator, IndicatorValue, Plan, Report


class ReadOnlyStateMixin:
    def get_readonly_fields(self, request, obj=None):
        return ("state", *super().get_readonly_fields(request, obj))


@admin.register(Plan)
class PlanAdmin(ReadOnlyStateMixin, admin.ModelAdmin):
    list_display = ["number", "subject", "issuing_unit", "kind", "state", "created_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["issuing_unit"]
    search_fields = ["number", "subject"]
    raw_id_fields = ["parent_assignment", "recipients", "issuing_unit", "department", "created_by"]
    readonly_fields = ["number", "issued_at", "process"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyStateMixin, admin.ModelAdmin):
    list_display = ["plan", "unit", "state", "receipt_due", "report_due"]
    list_filter = ["state"]
    list_select_related = ["plan", "unit"]
    raw_id_fields = ["plan", "unit"]
    readonly_fields = ["process", "received_at", "reported_at", "accepted_at"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["assignment", "version", "submitted_by", "submitted_at"]
    list_select_related = ["assignment__plan", "assignment__unit", "submitted_by"]
    raw_id_fields = ["assignment", "submitted_by"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "plan", "kind", "target", "comparison", "aggregate"]
    list_filter = ["kind", "aggregate"]
    list_select_related = ["plan"]
    raw_id_fields = ["plan"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ["indicator", "unit", "value", "numerator", "denominator", "cutoff_date"]
    list_select_related = ["indicator", "unit"]
    raw_id_fields = ["indicator", "unit", "assignment", "updated_by"]
