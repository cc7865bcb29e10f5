"""Admin views for support staff: read-only, since state, findings and conclusions change
only through inspections.services (history, numbering and the freeze after issuance)."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Conclusion, Finding, Inspection, InspectionTarget, Programme, Remediation


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["title", "issuing_unit", "department", "year"]
    list_filter = ["year"]
    list_select_related = ["issuing_unit", "department"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["decision_number", "subject", "kind", "state", "starts_on", "ends_on"]
    list_filter = ["state", "kind"]
    search_fields = ["decision_number", "subject"]


@admin.register(InspectionTarget)
class InspectionTargetAdmin(ReadOnlyAdmin):
    list_display = ["inspection", "unit", "outside_body", "state", "self_report_due"]
    list_filter = ["state"]
    list_select_related = ["inspection", "unit"]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["target", "category", "severity", "recorded_by", "recorded_at"]
    list_filter = ["category", "severity"]
    list_select_related = ["target__unit", "recorded_by"]


@admin.register(Conclusion)
class ConclusionAdmin(ReadOnlyAdmin):
    list_display = ["number", "target", "state", "issued_at"]
    list_filter = ["state"]
    list_select_related = ["target__unit"]


@admin.register(Remediation)
class RemediationAdmin(ReadOnlyAdmin):
    list_display = ["target", "recommendation", "due", "state"]
    list_filter = ["state"]
    list_select_related = ["target__unit", "recommendation"]
