"""Read-only in the admin: rows are written only by registers.services (numbering, history)."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import IncomingEntry, OutgoingEntry


@admin.register(OutgoingEntry)
class OutgoingEntryAdmin(ReadOnlyAdmin):
    list_display = ("number", "issued_on", "kind", "subject", "issuer_unit", "on_paper")
    list_filter = ("year", "on_paper")
    search_fields = ("number", "subject")


@admin.register(IncomingEntry)
class IncomingEntryAdmin(ReadOnlyAdmin):
    list_display = ("arrival_number", "year", "unit", "document_number", "subject", "arrived_at")
    list_filter = ("year",)
    search_fields = ("document_number", "subject")
