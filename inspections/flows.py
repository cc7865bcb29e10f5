"""Process graphs of an inspection. As for plans, nodes hold no rules: inspections/services.py
completes the human tasks, and the gates read the state the services left behind.

decision:     draft → approve (or return → rework) → end; approval starts one target process each
target:       self-report → draft conclusion → approve (or return → redraft) → issue → end
remediation:  report → verify (verified → end, reopened → report)
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from workflows.engine import link_subject

from .models import ConclusionState, InspectionState, RemediationState


def _issuing_unit(process):
    return process.inspection.programme.issuing_unit


def _target_issuing_unit(process):
    return process.inspection_target.inspection.programme.issuing_unit


def _target_inspection(process):
    return process.inspection_target.inspection


def _target_owner(process):
    # An outside body has no account here: its team enters the report it received.
    target = process.inspection_target
    return target.inspection if target.is_outside else target.unit


def _target_owner_permission(activation):
    target = activation.process.inspection_target
    return "inspections.record_findings" if target.is_outside else "accounts.handle_assignments"


def _remediation_owner(process):
    target = process.remediation.target
    return target.inspection if target.is_outside else target.unit


def _remediation_owner_permission(activation):
    target = activation.process.remediation.target
    return "inspections.record_findings" if target.is_outside else "accounts.handle_assignments"


def _remediation_issuing_unit(process):
    return process.remediation.target.inspection.programme.issuing_unit


class InspectionDecisionFlow(flow.Flow):
    process_title = _("Inspection decision")
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(link_subject).Next(this.approve)
    approve = (
        flow.ManualTask()
        .Annotation(title=_("Approve the inspection decision"))
        .Permission("accounts.approve_inspections", obj=_issuing_unit)
        .Next(this.after_approval)
    )
    after_approval = (
        flow.If(lambda activation: activation.process.inspection.state == InspectionState.DRAFT)
        .Then(this.rework)
        .Else(this.end)
    )
    rework = (
        flow.ManualTask()
        .Annotation(title=_("Revise and resubmit the inspection decision"))
        .Permission("accounts.draft_inspections", obj=_issuing_unit)
        .Next(this.approve)
    )
    end = flow.End()


class InspectionTargetFlow(flow.Flow):
    process_title = _("Inspection of a unit")
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(link_subject).Next(this.self_report)
    self_report = (
        flow.ManualTask()
        .Annotation(title=_("Send the self-report"))
        .Permission(_target_owner_permission, obj=_target_owner)
        .Next(this.draft_conclusion)
    )
    draft_conclusion = (
        flow.ManualTask()
        .Annotation(title=_("Draft the conclusion"))
        .Permission("inspections.draft_conclusions", obj=_target_inspection)
        .Next(this.approve_conclusion)
    )
    approve_conclusion = (
        flow.ManualTask()
        .Annotation(title=_("Approve the conclusion"))
        .Permission("accounts.approve_inspections", obj=_target_issuing_unit)
        .Next(this.after_approval)
    )
    after_approval = (
        flow.If(lambda activation: activation.process.inspection_target.conclusion.state == ConclusionState.DRAFT)
        .Then(this.draft_conclusion)
        .Else(this.issue_conclusion)
    )
    issue_conclusion = (
        flow.ManualTask()
        .Annotation(title=_("Number and issue the conclusion"))
        .Permission("accounts.approve_inspections", obj=_target_issuing_unit)
        .Next(this.end)
    )
    end = flow.End()


class RemediationFlow(flow.Flow):
    process_title = _("Remediation")
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(link_subject).Next(this.report)
    report = (
        flow.ManualTask()
        .Annotation(title=_("Report the remediation"))
        .Permission(_remediation_owner_permission, obj=_remediation_owner)
        .Next(this.verify)
    )
    verify = (
        flow.ManualTask()
        .Annotation(title=_("Verify the remediation"))
        .Permission("accounts.draft_inspections", obj=_remediation_issuing_unit)
        .Next(this.after_verify)
    )
    after_verify = (
        flow.If(lambda activation: activation.process.remediation.state == RemediationState.VERIFIED)
        .Then(this.end)
        .Else(this.report)
    )
    end = flow.End()
