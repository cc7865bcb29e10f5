"""Process graphs. Nodes hold no business rules: the human steps are completed by the services
in plans/services.py (from the UI, the API or a task alike), and the gates read the state
those services left on the plan or assignment."""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from workflows.engine import link_subject

from .models import AssignmentState, PlanState


def _plan_unit(process):
    return process.plan.issuing_unit


def _assignment_unit(process):
    return process.assignment.acting_unit


def _assignment_issuer(process):
    return process.assignment.plan.issuing_unit


class PlanApprovalFlow(flow.Flow):
    """Officer drafts → department head reviews → leader approves or returns → clerk issues."""

    process_title = _("Plan approval")
    # viewflow's default is no lock at all; two leaders acting at once must serialize.
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(link_subject).Next(this.route)
    route = (
        flow.If(lambda activation: activation.process.plan.state == PlanState.UNDER_REVIEW)
        .Then(this.review)
        .Else(this.approve)
    )
    review = (
        flow.ManualTask()
        .Annotation(title=_("Review the draft"))
        .Permission("accounts.review_plans", obj=_plan_unit)
        .Next(this.after_review)
    )
    after_review = (
        flow.If(lambda activation: activation.process.plan.state == PlanState.DRAFT)
        .Then(this.rework)
        .Else(this.approve)
    )
    approve = (
        flow.ManualTask()
        .Annotation(title=_("Approve the plan"))
        .Permission("accounts.approve_plans", obj=_plan_unit)
        .Next(this.after_approval)
    )
    after_approval = (
        flow.If(lambda activation: activation.process.plan.state == PlanState.DRAFT)
        .Then(this.rework)
        .Else(this.issue)
    )
    rework = (
        flow.ManualTask()
        .Annotation(title=_("Revise and resubmit the draft"))
        .Permission("accounts.draft_plans", obj=_plan_unit)
        .Next(this.route)
    )
    issue = (
        flow.ManualTask()
        .Annotation(title=_("Number and issue"))
        .Permission("accounts.issue_plans", obj=_plan_unit)
        .Next(this.end)
    )
    end = flow.End()


class AssignmentFlow(flow.Flow):
    """One per recipient unit: receive → report → the issuer reviews (accept, or return)."""

    process_title = _("Assigned work")
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(link_subject).Next(this.receive)
    receive = (
        flow.ManualTask()
        .Annotation(title=_("Confirm receipt"))
        .Permission("accounts.handle_assignments", obj=_assignment_unit)
        .Next(this.report)
    )
    report = (
        flow.ManualTask()
        .Annotation(title=_("Report the results"))
        .Permission("accounts.handle_assignments", obj=_assignment_unit)
        .Next(this.review)
    )
    review = (
        flow.ManualTask()
        .Annotation(title=_("Review the unit's report"))
        .Permission("accounts.review_reports", obj=_assignment_issuer)
        .Next(this.after_review)
    )
    after_review = (
        flow.If(lambda activation: activation.process.assignment.state == AssignmentState.ACCEPTED)
        .Then(this.end)
        .Else(this.report)
    )
    end = flow.End()
