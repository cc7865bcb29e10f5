"""Remediation of each recommendation: the unit reports, the committee verifies or reopens."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import transitions
from core.rules import require
from workflows import engine

from ..flows import RemediationFlow
from ..models import (
    Inspection,
    InspectionTarget,
    Remediation,
    RemediationReport,
    RemediationState,
)
from ..rules import REMEDIATION_RULES
from .common import inspection_advance, require_text

# Remediation --------------------------------------------------------------------------------

def remediation_report(*, remediation: Remediation, by, text: str, files=()) -> RemediationReport:
    from core.attachments import attachments_add

    require_text(text, "text", _("The remediation report cannot be empty."))
    with transaction.atomic():
        remediation = transitions.lock(Remediation, remediation.pk)
        require(REMEDIATION_RULES, "report", by, remediation)
        transitions.apply(remediation, "report", by=by, label=_("report"), at=timezone.now())
        report = RemediationReport.objects.create(remediation=remediation, version=remediation.reports.count() + 1,
                                                  text=text, submitted_by=by)
        if files:
            attachments_add(owner=report, files=files, by=by)
        engine.complete(remediation.process, RemediationFlow.report, by=by)
    return report


def remediation_verify(*, remediation: Remediation, by, comment: str = "") -> Remediation:
    with transaction.atomic():
        inspection = transitions.lock(Inspection, remediation.target.inspection_id)
        target = transitions.lock(InspectionTarget, remediation.target_id)
        remediation = transitions.lock(Remediation, remediation.pk)
        require(REMEDIATION_RULES, "verify", by, remediation)
        transitions.apply(remediation, "verify", by=by, comment=comment, label=_("verify"), at=timezone.now())
        engine.complete(remediation.process, RemediationFlow.verify, by=by)
        if not target.remediations.exclude(state=RemediationState.VERIFIED).exists():
            transitions.apply(target, "close", by=by, label=_("close"),
                              comment=_("Every recommendation has been remediated and verified."))
            inspection_advance(inspection, by=by)
    return remediation


def remediation_reopen(*, remediation: Remediation, by, comment: str) -> Remediation:
    require_text(comment, "comment", _("Say what is still missing."))
    with transaction.atomic():
        remediation = transitions.lock(Remediation, remediation.pk)
        require(REMEDIATION_RULES, "reopen", by, remediation)
        transitions.apply(remediation, "reopen", by=by, comment=comment, label=_("reopen"))
        engine.complete(remediation.process, RemediationFlow.verify, by=by)
    return remediation
