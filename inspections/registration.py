"""What inspections tell the mechanisms about themselves, once, from InspectionsConfig.ready():
their flows for the inbox and task notices, who is told of a return or an approval, their
deadline steps, who may read their files, and the register rows of the decisions and notices of
before the registers (inspections.backfill)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.attachments import register_owner
from core.audit import register_subject
from deadlines.steps import register_step
from notifications.models import NotificationKind
from notifications.registry import Authored, register_transition_notices
from registers.registry import register_outgoing_source
from workflows.registry import register_flow

from . import backfill, deadline_steps, inbox
from .models import Conclusion, Finding, Inspection, InspectionTarget, Remediation, RemediationReport
from .selectors import (
    conclusions_visible_to,
    findings_visible_to,
    inspections_visible_to,
    remediation_reports_visible_to,
    remediations_visible_to,
    targets_visible_to,
)


def _inspection_author(inspection) -> Authored:
    return Authored(inspection.created_by_id, inspection.subject,
                    reverse("inspections:inspection", args=[inspection.pk]))


def _conclusion_author(conclusion) -> Authored:
    target = conclusion.target
    return Authored(conclusion.drafted_by_id, f"{target.inspection.subject} — {target.name}",
                    reverse("inspections:target", args=[target.pk]))


def _remediation_author(remediation) -> Authored:
    last = remediation.reports.order_by("-version").values_list("submitted_by_id", flat=True).first()
    return Authored(last, inbox.short(remediation.recommendation.text),
                    reverse("inspections:remediation", args=[remediation.pk]))


def register() -> None:
    for kind in inbox.FLOWS:
        register_flow(kind)
    register_transition_notices(Inspection, author=_inspection_author, titles={
        "return_to_draft": (NotificationKind.RETURNED, _("Your inspection decision was returned: %(subject)s")),
        "approve": (NotificationKind.APPROVED, _("Your inspection decision was approved: %(subject)s")),
    })
    register_transition_notices(Conclusion, author=_conclusion_author, titles={
        "return_to_draft": (NotificationKind.RETURNED, _("Your draft conclusion was returned: %(subject)s")),
        "approve": (NotificationKind.APPROVED, _("Your conclusion was approved: %(subject)s")),
    })
    register_transition_notices(Remediation, author=_remediation_author, titles={
        "reopen": (NotificationKind.RETURNED, _("Your remediation report was sent back: %(subject)s")),
    })
    for step in deadline_steps.STEPS:
        register_step(step)
    # Evidence follows its finding: a target sees it only once its conclusion is issued.
    register_owner(Finding, findings_visible_to)
    register_owner(InspectionTarget, targets_visible_to)
    register_owner(RemediationReport, remediation_reports_visible_to)
    # Who may export an object's audit trail: whoever sees the object (core.audit_views).
    for model, visible_to in ((Inspection, inspections_visible_to), (InspectionTarget, targets_visible_to),
                              (Finding, findings_visible_to), (Conclusion, conclusions_visible_to),
                              (Remediation, remediations_visible_to)):
        register_subject(model, visible_to)
    register_outgoing_source("inspection decisions", backfill.decisions_unregistered)
    register_outgoing_source("inspection conclusions", backfill.conclusions_unregistered)
