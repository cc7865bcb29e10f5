"""What plans tell the mechanisms about themselves, once, from PlansConfig.ready(): their
flows for the inbox and task notices, the department-head rule of the review queue, who is
told of a return or an approval, their deadline steps, who may read their files, and the register
rows of the plans and receipts of before the registers (plans.backfill)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.attachments import register_owner
from core.audit import register_subject
from deadlines.steps import register_step
from notifications.models import NotificationKind
from notifications.registry import Authored, register_task_notice_recipients, register_transition_notices
from registers.registry import register_incoming_source, register_outgoing_source
from workflows.registry import register_flow, register_queue_rule

from . import backfill, deadline_steps, inbox
from .flows import AssignmentFlow
from .models import Assignment, Plan, Report
from .screens import TRANSITION_LABELS
from .selectors import assignments_visible_to, plans_issued_by_units_of, plans_visible_to, reports_visible_to


def _plan_author(plan) -> Authored:
    return Authored(plan.created_by_id, plan.subject, reverse("plans:detail", args=[plan.pk]))


def _report_author(assignment) -> Authored:
    last = assignment.reports.order_by("-version").values_list("submitted_by_id", flat=True).first()
    return Authored(last, assignment.plan.subject, reverse("plans:assignment", args=[assignment.pk]))


def _plan_drafter(task) -> int | None:
    """A unit's report is reviewed by whoever drafted the plan: told alone while they may take it."""
    return (Assignment.objects.filter(process_id=task.process_id)
            .values_list("plan__created_by_id", flat=True).first())


def register() -> None:
    for kind in inbox.FLOWS:
        register_flow(kind)
    register_queue_rule("accounts.review_plans", inbox.REVIEW_RULE)
    register_task_notice_recipients(AssignmentFlow, "review", responsible=_plan_drafter)
    register_transition_notices(Plan, author=_plan_author, titles={
        "return_to_draft": (NotificationKind.RETURNED, _("Your draft plan was returned: %(subject)s")),
        "approve": (NotificationKind.APPROVED, _("Your plan was approved: %(subject)s")),
    })
    register_transition_notices(Assignment, author=_report_author, titles={
        "return_report": (NotificationKind.RETURNED, _("Your report was returned: %(subject)s")),
    })
    for step in deadline_steps.STEPS:
        register_step(step)
    # Whoever sees a plan or a report sees its files; nobody else does.
    register_owner(Plan, plans_visible_to)
    register_owner(Report, reports_visible_to)
    # Who may export an object's audit trail: whoever sees the object (core.audit_views); a plan's
    # trail holds its drafting rounds and edits, which recipients never see, so only its issuer.
    register_subject(Plan, plans_issued_by_units_of, TRANSITION_LABELS)
    register_subject(Assignment, assignments_visible_to, TRANSITION_LABELS)
    register_subject(Report, reports_visible_to)
    register_outgoing_source("plans", backfill.plans_unregistered)
    register_incoming_source("assignments", backfill.receipts_unregistered)
