"""An inspected unit's own work — its self-report and its remediations — judged in the plans'
status vocabulary (plans.selectors: done on time, done late, awaiting review, overdue…), so that
a unit's work across plans and inspections falls into DESIGN.md §7's four groups by one rule.

As for a plan report, "done" means accepted: a remediation is done once the committee verifies
it, on time when the report it verified was sent by the deadline; a self-report needs no review.
"""

from plans.selectors import AWAITING_REVIEW, DONE, DONE_LATE, deadline_status, sent_late

from .models import InspectionTarget, Remediation, RemediationState, TargetState


def self_report_status(target: InspectionTarget, now) -> str:
    """"" before the decision reaches the unit (nothing is owed yet)."""
    if target.state == TargetState.PENDING:
        return ""
    if target.self_reported_at is None:
        return deadline_status(target.self_report_due, now)
    return DONE_LATE if sent_late(target.self_reported_at, target.self_report_due) else DONE


def remediation_status(remediation: Remediation, now) -> str:
    if remediation.state == RemediationState.VERIFIED:
        return DONE_LATE if sent_late(remediation.reported_at, remediation.due) else DONE
    if remediation.state == RemediationState.REPORTED:
        return AWAITING_REVIEW
    return deadline_status(remediation.due, now)
