"""Reads of plans, assignments and reports, with the visibility rule built in:
a unit's people see their own unit's plans and the plans addressed to their unit, the issuer
sees every assignment of its plans, and nobody sees another unit's assignment or report."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.selectors import user_unit_ids
from core.rules import allowed
from core.text import fold
from core.transitions import history_of

from .models import Assignment, AssignmentState, Plan, PlanState, Report
from .rules import ASSIGNMENT_RULES, PLAN_RULES

# Shorter than the default 3 days given to confirm receipt, so new work does not start amber.
NEAR_DUE = datetime.timedelta(days=2)


def plans_visible_to(user) -> QuerySet[Plan]:
    units = user_unit_ids(user)
    addressed = Assignment.objects.filter(unit_id__in=units).values("plan_id")
    return Plan.objects.filter(Q(issuing_unit_id__in=units) | Q(pk__in=addressed)).select_related(
        "issuing_unit", "department", "created_by"
    )


def plan_list(user, *, state=None, period_from=None, period_to=None, department=None, overdue=False,
              q=None) -> QuerySet[Plan]:
    plans = plans_visible_to(user)
    if state:
        plans = plans.filter(state=state)
    if period_from:
        plans = plans.filter(Q(period_end__isnull=True) | Q(period_end__gte=period_from))
    if period_to:
        plans = plans.filter(Q(period_start__isnull=True) | Q(period_start__lte=period_to))
    if department:
        plans = plans.filter(department_id=department)
    if overdue:
        visible = assignments_visible_to(user).overdue()
        plans = plans.filter(Exists(visible.filter(plan=OuterRef("pk"))))
    if q:
        for word in fold(q).split():
            plans = plans.filter(search_text__contains=word)
    return plans.order_by("-created_at", "-pk")


def assignments_visible_to(user) -> QuerySet[Assignment]:
    units = user_unit_ids(user)
    return Assignment.objects.filter(Q(unit_id__in=units) | Q(plan__issuing_unit_id__in=units)).select_related(
        "plan__issuing_unit", "plan__department", "unit"
    )


def reports_visible_to(user) -> QuerySet[Report]:
    return Report.objects.filter(assignment__in=assignments_visible_to(user)).select_related(
        "assignment__unit", "submitted_by"
    )


def plan_progress(plan: Plan) -> QuerySet[Assignment]:
    """The progress matrix: every recipient with its state and due moments, one query."""
    return plan.assignments.select_related("unit").annotate(report_count=Count("reports")).order_by("unit__path")


def due_class(assignment: Assignment, now=None) -> str:
    """The colour groups of DESIGN.md §7: done (green), done-late (orange), overdue (red),
    near-due (amber), in-time (blue), not-started (grey), and cancelled."""
    now = now or timezone.now()
    if assignment.state == AssignmentState.CANCELLED:
        return "cancelled"
    if assignment.state == AssignmentState.ACCEPTED or assignment.state == AssignmentState.REPORTED:
        late = assignment.reported_at and assignment.reported_at > assignment.report_due
        return "done-late" if late else "done"
    if assignment.is_overdue(now):
        return "overdue"
    due = assignment.receipt_due if assignment.state == AssignmentState.SENT and assignment.receipt_due else (
        assignment.report_due
    )
    if due - now <= NEAR_DUE:
        return "near-due"
    return "not-started" if assignment.state == AssignmentState.SENT else "in-time"


# due_class's groups as people read them; the CSS classes are the codes (app.css, "Status colours").
STATUS_LABELS = {
    "done": gettext_lazy("Done on time"),
    "done-late": gettext_lazy("Done late"),
    "in-time": gettext_lazy("In progress, in time"),
    "near-due": gettext_lazy("Near due"),
    "not-started": gettext_lazy("Not started"),
    "overdue": gettext_lazy("Overdue"),
    "cancelled": gettext_lazy("Cancelled"),
}


def plan_rollup(plan: Plan) -> dict[int, dict[str, int]]:
    """For each assignment of `plan`, the states of its implementing plans' assignments."""
    rows = (
        Assignment.objects.filter(plan__parent_assignment__plan=plan)
        .exclude(plan__state=PlanState.REVOKED)
        .values("plan__parent_assignment_id", "state")
        .annotate(n=Count("pk"))
    )
    rollup: dict[int, dict[str, int]] = {}
    for row in rows:
        rollup.setdefault(row["plan__parent_assignment_id"], {})[row["state"]] = row["n"]
    return rollup


PUBLIC_PLAN_TRANSITIONS = ("issue", "revoke", "close")


def plan_history_for(user, plan: Plan):
    """The issuer sees every step; a recipient only what happened from issuance on, never the
    drafting rounds and their comments."""
    history = history_of(plan)
    if plan.issuing_unit_id in user_unit_ids(user):
        return history
    return history.filter(transition__in=PUBLIC_PLAN_TRANSITIONS)


def plan_actions(user, plan: Plan) -> set[str]:
    """Which actions the UI and API offer this person on this plan now (plans.rules)."""
    return allowed(PLAN_RULES, user, plan)


def assignment_actions(user, assignment: Assignment) -> set[str]:
    return allowed(ASSIGNMENT_RULES, user, assignment)
