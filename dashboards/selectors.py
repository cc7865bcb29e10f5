"""Reads of the dashboards, on top of the plans' visibility selectors: nobody sees here what
plans.selectors would not show them elsewhere."""

import datetime

from django.db.models import Count, QuerySet
from django.utils import timezone

from accounts.selectors import units_of
from plans.models import Assignment, AssignmentState, Plan
from plans.selectors import assignments_visible_to

# What the on-time frame is built from: one row per assignment, no model instances. No receipt
# deadline: on-time reporting judges the report deadline only (dashboards.ontime).
ON_TIME_FIELDS = ("unit_id", "unit__code", "unit__name", "unit__path", "state", "report_due", "reported_at")


def overdue_assignments(user, now: datetime.datetime) -> QuerySet[Assignment]:
    """Overdue now, on both sides: the user's units' own work and the work of their plans' recipients."""
    return assignments_visible_to(user).overdue(now).order_by("unit__path", "report_due", "plan_id")


def assignment_counts(user, plan_ids) -> dict[int, int]:
    """How many assignments of each plan the user sees (all of them for the issuer, their own otherwise)."""
    rows = (assignments_visible_to(user).filter(plan_id__in=list(plan_ids)).order_by()
            .values("plan_id").annotate(n=Count("pk")))
    return {row["plan_id"]: row["n"] for row in rows}


def issuing_units(user):
    """The units whose plans' on-time rates the user may see: their own, and no other."""
    return units_of(user)


def on_time_rows(user, *, unit, start: datetime.date, end: datetime.date):
    """Assignments of `unit`'s plans due from `start` to `end` (local days, inclusive), one query.

    Cancelled work (a revoked plan) was never owed, so it is left out.
    """
    first = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    after = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min))
    return (
        assignments_visible_to(user)
        .filter(plan__issuing_unit=unit, report_due__gte=first, report_due__lt=after)
        .exclude(state=AssignmentState.CANCELLED)
        .order_by()
        .values_list(*ON_TIME_FIELDS)
    )


# What the units × plans matrix is built from (dashboards.matrix): one row per assignment.
MATRIX_FIELDS = ("pk", "plan_id", "plan__number", "plan__subject", "plan__report_due",
                 "unit_id", "unit__code", "unit__name", "unit__path",
                 "state", "receipt_due", "report_due", "reported_at")


def matrix_rows(user, *, unit, start: datetime.date, end: datetime.date, plans: int):
    """Assignments of the first `plans` of `unit`'s plans with a report due from `start` to `end`
    (local days, inclusive; plans taken by their report deadline), one query.

    The plans are cut inside the query (a subquery with LIMIT), so a year of a big province never
    loads more than `plans` × its recipients rows; ask for one plan more than shown to learn that
    some were cut. Cancelled work (a revoked plan) is left out, as on_time_rows does.
    """
    first = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    after = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min))
    due = (assignments_visible_to(user)
           .filter(plan__issuing_unit=unit, report_due__gte=first, report_due__lt=after)
           .exclude(state=AssignmentState.CANCELLED))
    first_plans = (Plan.objects.filter(pk__in=due.values("plan_id"))
                   .order_by("report_due", "pk").values("pk")[:plans])
    return due.filter(plan_id__in=first_plans).order_by().values_list(*MATRIX_FIELDS)
