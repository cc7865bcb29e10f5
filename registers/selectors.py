"""Reads of the registers, visible to the people of the unit that keeps them."""

from django.db.models import QuerySet
from django.utils import timezone

from accounts.selectors import units_of

from .models import IncomingEntry, OutgoingEntry


def register_units(user):
    """The units whose registers `user` may read: those they hold a position in today. Another
    unit's register, a parent's or a child's, is not theirs (the views answer 404)."""
    return units_of(user)


def issuers_of(unit) -> list[tuple[str, str, object]]:
    """(issuer key, name, department or None) of each outgoing register kept in `unit`: the unit's own,
    then each department that numbers its own documents (the inspection committee)."""
    issuers = [(f"unit:{unit.pk}", unit.name, None)]
    for department in unit.departments.filter(issues_own_documents=True).order_by("name"):
        issuers.append((f"dept:{department.pk}", department.name, department))
    return issuers


def outgoing_of(issuer: str, year: int) -> QuerySet[OutgoingEntry]:
    # One query shape for the screen and the export, on the (issuer, year, issued_on) index.
    return OutgoingEntry.objects.filter(issuer=issuer, year=year).order_by("issued_on", "pk")


def incoming_of(unit, year: int) -> QuerySet[IncomingEntry]:
    # On the (unit, year, arrival_number) unique index.
    return IncomingEntry.objects.filter(unit=unit, year=year).order_by("arrival_number")


def outgoing_years(issuer: str, *, shown: int) -> list[int]:
    return _years(OutgoingEntry.objects.filter(issuer=issuer), shown)


def incoming_years(unit, *, shown: int) -> list[int]:
    return _years(IncomingEntry.objects.filter(unit=unit), shown)


def _years(entries, shown: int) -> list[int]:
    """The years a register has rows in, this year and the one shown, newest first."""
    years = set(entries.order_by().values_list("year", flat=True).distinct())
    return sorted(years | {timezone.localdate().year, shown}, reverse=True)
