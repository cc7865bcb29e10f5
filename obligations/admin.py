from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ReportSchedule, ScheduleRun


class ScheduleRunInline(admin.TabularInline):
    model = ScheduleRun
    fields = ("period_key", "plan", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReportSchedule)
class ReportScheduleAdmin(admin.ModelAdmin):
    list_display = ("name", "issuing_unit", "frequency", "recipient_level", "cutoff_day", "submission_day",
                    "lead_days", "active")
    list_filter = ("active", "frequency", "recipient_level")
    search_fields = ("name", "subject_template")
    autocomplete_fields = ("issuing_unit", "issued_by", "approved_by", "reviewed_by")
    fieldsets = (
        (None, {"fields": ("name", "active", "issuing_unit", "department", "recipient_level")}),
        (_("Period"), {"fields": ("frequency", "cutoff_day", "lead_days", "submission_day")}),
        (_("Request"), {"fields": ("subject_template", "body")}),
        (_("People"), {"fields": ("reviewed_by", "approved_by", "issued_by")}),
    )
    inlines = [ScheduleRunInline]
