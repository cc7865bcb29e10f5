"""Read-only in the admin: rows are written only by registers.services (numbering, history)."""

from django.contrib import admin

from .models import IncomingEntry, OutgoingEntry


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutgoingEntry)
class OutgoingEntryAdmin(_ReadOnly):
    list_display = ("number", "issued_on", "kind", "subject", "issuer_unit", "on_paper")
    list_filter = ("year", "on_paper")
    search_fields = ("number", "subject")


@admin.register(IncomingEntry)
class IncomingEntryAdmin(_ReadOnly):
    list_display = ("arrival_number", "year", "unit", "document_number", "subject", "arrived_at")
    list_filter = ("year",)
    search_fields = ("document_number", "subject")
