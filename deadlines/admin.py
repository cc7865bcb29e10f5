from django.contrib import admin

from .models import DeadlineEvent, DeadlinePolicy


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = ("step_kind", "receipt_working_days", "reminder_working_days", "level2_after_working_days",
                    "level3_after_working_days", "updated_at")
    readonly_fields = ("step_kind", "updated_at")

    # One row per kind of step, created by the code on first use.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeadlineEvent)
class DeadlineEventAdmin(admin.ModelAdmin):
    """The log of reminders and escalations: read-only, it is what makes each one happen once."""

    list_display = ("created_at", "step_kind", "object_id", "level", "due")
    list_filter = ("step_kind", "level")
    search_fields = ("=object_id",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
