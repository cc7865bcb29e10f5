"""Reads of plans, assignments and reports, with the visibility rule built in:
a unit's people see their own unit's plans and the plans addressed to their unit, the issuer
sees every assignment of its plans, and nobody sees another unit's assignment or report."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from guardian.models import GroupObjectPermission
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import Position, Role
from core.text import fold
from core.transitions import history_of

from .models import Assignment, AssignmentState, Plan, PlanState, Report

# Shorter than the default 3 days given to confirm receipt, so new work does not start amber.
NEAR_DUE = datetime.timedelta(days=2)


def user_unit_ids(user) -> list[int]:
    return list(Position.objects.active_on().filter(user=user).values_list("unit_id", flat=True).distinct())


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


def inbox_tasks(user) -> QuerySet[Task]:
    """Việc cần xử lý: open human tasks of the user's units' queues, and tasks the user holds.

    The queue test is on (permission, unit) pairs taken from the user's unit-role groups,
    a handful per person, instead of viewflow's per-object permission scan.
    """
    # Unit grants of the person's unit-role groups, and object grants such as an inspection team's.
    pairs = GroupObjectPermission.objects.filter(group__user=user).values_list(
        "content_type__app_label", "permission__codename", "object_pk"
    )
    # A department's drafts are reviewed by that department's head only, not every head of the unit.
    headed = Position.objects.active_on().filter(user=user, role=Role.DEPARTMENT_HEAD).values("department_id")
    own_department = Q(process__plan__department__isnull=True) | Q(process__plan__department_id__in=headed)
    queue = Q()
    for app_label, codename, object_pk in pairs:
        pair = Q(owner_permission=f"{app_label}.{codename}", owner_permission_obj_pk=object_pk)
        queue |= pair & own_department if codename == "review_plans" else pair
    mine = Q(owner=user, status=STATUS.ASSIGNED)
    condition = mine | (queue & Q(status=STATUS.NEW)) if queue else mine
    return (
        Task.objects.filter(condition, flow_task_type="HUMAN")
        .select_related(
            "process__plan__issuing_unit", "process__assignment__plan", "process__assignment__unit",
            "process__inspection__programme__issuing_unit", "process__inspection_target__unit",
            "process__inspection_target__inspection", "process__remediation__target__unit",
            "process__remediation__recommendation",
        )
        .order_by("created")
    )


def is_department_head(user, plan) -> bool:
    if plan.department_id is None:
        return True
    return Position.objects.active_on().filter(
        user=user, unit_id=plan.issuing_unit_id, department_id=plan.department_id, role=Role.DEPARTMENT_HEAD
    ).exists()


PUBLIC_PLAN_TRANSITIONS = ("issue", "revoke", "close")


def plan_history_for(user, plan: Plan):
    """The issuer sees every step; a recipient only what happened from issuance on, never the
    drafting rounds and their comments."""
    history = history_of(plan)
    if plan.issuing_unit_id in user_unit_ids(user):
        return history
    return history.filter(transition__in=PUBLIC_PLAN_TRANSITIONS)


def plan_actions(user, plan: Plan) -> set[str]:
    """Which actions the UI and API offer this person on this plan now."""
    unit = plan.issuing_unit
    has = lambda codename: user.has_perm(f"accounts.{codename}", unit)  # noqa: E731
    actions = set()
    if plan.state == PlanState.DRAFT and has("draft_plans"):
        actions |= {"edit", "submit"}
    if plan.state == PlanState.UNDER_REVIEW and has("review_plans") and is_department_head(user, plan):
        actions |= {"review", "return"}
    if plan.state == PlanState.AWAITING_APPROVAL and has("approve_plans"):
        actions |= {"approve", "return"}
    if plan.state == PlanState.APPROVED and has("issue_plans"):
        actions.add("issue")
    if plan.state == PlanState.ISSUED and has("approve_plans"):
        actions.add("revoke")
    return actions


def assignment_actions(user, assignment: Assignment) -> set[str]:
    actions = set()
    if assignment.state == "sent" and user.has_perm("accounts.handle_assignments", assignment.unit):
        actions.add("receive")
    if assignment.state == "received" and user.has_perm("accounts.handle_assignments", assignment.unit):
        actions.add("report")
    if assignment.state == "received" and user.has_perm("accounts.draft_plans", assignment.unit):
        actions.add("draft_implementing_plan")
    if assignment.state == "reported" and user.has_perm("accounts.review_reports", assignment.plan.issuing_unit):
        actions |= {"accept", "return"}
    return actions
