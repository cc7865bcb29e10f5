"""How the plans' tasks appear in the inbox and in task notices (registered in plans.apps)."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Position, Role
from workflows.registry import About, FlowKind, QueueRule, TaskGroup, TaskView

from . import selectors
from .flows import AssignmentFlow, PlanApprovalFlow

# What each open step asks of the person.
PLAN_STEPS = {
    "review": _("Review the draft"),
    "approve": _("Approve the plan"),
    "rework": _("Revise and resubmit the returned draft"),
    "issue": _("Number and issue the plan"),
}
ASSIGNMENT_STEPS = {
    "receive": _("Confirm receipt"),
    "report": _("Report the results"),
    "review": _("Review the unit's report"),
}


def describe_plan_task(task, now) -> TaskView:
    node = task.flow_task.name
    plan = task.process.plan
    return TaskView(what=PLAN_STEPS.get(node, node), title=plan.subject, subject=plan.subject,
                    unit=plan.issuing_unit.name, number=plan.number, data={"plan": plan.pk},
                    url=reverse("plans:detail", args=[plan.pk]))


def describe_assignment_task(task, now) -> TaskView:
    node = task.flow_task.name
    assignment = task.process.assignment
    plan = assignment.plan
    due = {"receive": assignment.receipt_due, "report": assignment.report_due,
           "review": assignment.review_due}.get(node)
    if node == "review":  # the issuer's own deadline, coloured by it rather than by the unit's work
        status = selectors.deadline_status(due, now)
    else:
        status = selectors.due_class(assignment, now) if due else ""
    url = reverse("plans:assignment", args=[assignment.pk])
    quick = main = None
    if node == "receive":
        quick = (reverse("plans:assignment-action", args=[assignment.pk, "receive"]), _("Confirm receipt"), "receive")
    elif node == "report":
        main = (f"{url}#bao-cao", _("Report"))
    return TaskView(what=ASSIGNMENT_STEPS.get(node, node), title=plan.subject, subject=plan.subject,
                    unit=assignment.unit.name, where=f"{plan.issuing_unit.name} → {assignment.unit.name}",
                    number=plan.number, due=due, status=status,
                    status_label=selectors.STATUS_LABELS.get(status, ""), url=url, quick_action=quick,
                    main_link=main, data={"plan": plan.pk})


# Notice titles; None: no notice, because the author already has the "returned" one with the
# comment, and every drafter of the unit could take the rework step.
PLAN_NOTICES = {
    "review": _("A draft plan to review: %(subject)s"),
    "approve": _("A plan awaiting your approval: %(subject)s"),
    "rework": None,
    "issue": _("A plan to number and issue: %(subject)s"),
}
ASSIGNMENT_NOTICES = {
    "receive": _("New work to receive: %(subject)s"),
    "report": _("Report the results: %(subject)s"),
    "review": _("A report to review from %(where)s: %(subject)s"),
}

def _bulk_review_url(plan_id) -> str:
    return reverse("plans:bulk", args=[plan_id])


FLOWS = (
    FlowKind(PlanApprovalFlow, describe_plan_task, related=("process__plan__issuing_unit",),
             notice_titles=PLAN_NOTICES, search_paths=("process__plan__search_text",),
             about=About("plan", key="process__plan__id", title="process__plan__subject",
                         number="process__plan__number"),
             unit_path="process__plan__issuing_unit"),
    FlowKind(AssignmentFlow, describe_assignment_task,
             related=("process__assignment__plan__issuing_unit", "process__assignment__unit"),
             notice_titles=ASSIGNMENT_NOTICES,
             due_paths={"receive": "process__assignment__receipt_due", "report": "process__assignment__report_due",
                        "review": "process__assignment__review_due"},
             # The issuer reviews the reports of one plan together (plans.views_bulk).
             groups={"review": TaskGroup(key="process__assignment__plan_id",
                                         title="process__assignment__plan__subject",
                                         number="process__assignment__plan__number", url=_bulk_review_url)},
             search_paths=("process__assignment__plan__search_text",),
             about=About("plan", key="process__assignment__plan_id", title="process__assignment__plan__subject",
                         number="process__assignment__plan__number"),
             unit_path="process__assignment__unit"),
)


def _headed_departments(user):
    return Position.objects.active_on().filter(user=user, role=Role.DEPARTMENT_HEAD).values("department_id")


def _own_department_drafts(user) -> Q:
    return Q(process__plan__department__isnull=True) | Q(process__plan__department_id__in=_headed_departments(user))


def _department_heads_only(task, members):
    plan = getattr(task.process, "plan", None)
    if plan is None or plan.department_id is None:
        return members
    heads = Position.objects.active_on().filter(role=Role.DEPARTMENT_HEAD, department_id=plan.department_id)
    return members.filter(user_id__in=heads.values("user_id"))


# A department's drafts are reviewed by that department's head only, not every head of the unit.
REVIEW_RULE = QueueRule(inbox_filter=_own_department_drafts, narrow_recipients=_department_heads_only)
