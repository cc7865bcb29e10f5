"""What is overdue now, and by how many working days.

Days late are Vietnamese working days (workflows.calendar: weekends, public holidays and Tết,
the deployment's own days off and make-up Saturdays), as every deadline here is counted: a
report due Friday 27/11 at 17:00 and still missing on Wednesday 02/12 is 3 days late, not 5.
"""

import datetime

from workflows.calendar import days_late


def overdue_rows(assignments, now: datetime.datetime) -> list[dict]:
    """The overdue assignments with the deadline they missed and the working days since."""
    assignments = list(assignments)
    missed = [_missed(a, now) for a in assignments]
    late = days_late([due for due, _step in missed], now)
    return [{"assignment": a, "plan": a.plan, "due": due, "step": step, "days_late": days}
            for a, (due, step), days in zip(assignments, missed, late, strict=True)]


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
