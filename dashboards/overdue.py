"""What is overdue now, and by how many working days.

Days late are Vietnamese working days (workflows.calendar: weekends, public holidays and Tết,
the deployment's own days off and make-up Saturdays), as every deadline here is counted: a
report due Friday 27/11 at 17:00 and still missing on Wednesday 02/12 is 3 days late, not 5.
"""

import datetime

from django.utils import timezone

from workflows.calendar import WorkingCalendar


def working_days_counter(first: datetime.date, last: datetime.date):
    """`late(day)` → working days after `day` up to `last`, for any day from `first` on.

    One calendar query for the whole span, and one pass over it: an overview of thousands of
    overdue rows costs what one row does (workflows.calendar.working_days_between reads the
    exceptions again on each call).
    """
    calendar = WorkingCalendar(first, last)
    after: dict[datetime.date, int] = {}  # day → working days after it, up to `last`
    count, day = 0, last
    while day >= first:
        after[day] = count
        count += calendar.is_working_day(day)
        day -= datetime.timedelta(days=1)
    return lambda day: after.get(day, 0)


def overdue_rows(assignments, now: datetime.datetime) -> list[dict]:
    """The overdue assignments with the deadline they missed and the working days since."""
    assignments = list(assignments)
    missed = [_missed(a, now) for a in assignments]
    today = timezone.localdate(now)
    days = [timezone.localdate(due) for due, _step in missed]
    late = working_days_counter(min(days, default=today), today)
    # Late the same evening, or over a weekend, is still one day late.
    return [{"assignment": a, "plan": a.plan, "due": due, "step": step, "days_late": max(late(day), 1)}
            for a, (due, step), day in zip(assignments, missed, days, strict=True)]


def _missed(assignment, now) -> tuple[datetime.datetime, str]:
    # The report deadline outranks the receipt one once both have passed.
    report_late = assignment.report_due < now
    if report_late or not assignment.receipt_due:
        return assignment.report_due, "report"
    return assignment.receipt_due, "receipt"


def plan_summary(rows: list[dict], totals: dict[int, int]) -> list[dict]:
    """Per plan of `rows`: its overdue rows, its assignments the person sees (`totals`, by plan id:
    dashboards.selectors.assignment_counts) and the most days late; the most overdue plan first."""
    by_plan: dict[int, dict] = {}
    for row in rows:
        entry = by_plan.setdefault(row["plan"].pk, {"plan": row["plan"], "overdue": 0, "worst": 0})
        entry["overdue"] += 1
        entry["worst"] = max(entry["worst"], row["days_late"])
    for pk, entry in by_plan.items():
        entry["total"] = totals.get(pk, entry["overdue"])
    return sorted(by_plan.values(), key=lambda p: (-p["overdue"], -p["worst"], p["plan"].pk))
