"""An inspected unit's self-report, and the findings the team records at it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, transitions
from core.rules import require
from workflows import engine

from ..flows import InspectionTargetFlow
from ..models import (
    Finding,
    FindingCategory,
    InspectionTarget,
    TargetState,
)
from ..rules import FINDING_RULES, TARGET_RULES
from .common import conclusion_issued, require_text

# Targets: self-report and findings ----------------------------------------------------------

def target_self_report(*, target: InspectionTarget, by, text: str, files=()) -> InspectionTarget:
    from core.attachments import attachments_add

    require_text(text, "text", _("The self-report cannot be empty."))
    with transaction.atomic():
        target = transitions.lock(InspectionTarget, target.pk)
        require(TARGET_RULES, "self_report", by, target)
        transitions.apply(target, "submit_self_report", by=by, label=_("send the self-report"), text=text,
                          author=by, at=timezone.now())
        if files:
            attachments_add(owner=target, files=files, by=by)
        engine.complete(target.process, InspectionTargetFlow.self_report, by=by)
    return target


def _validate_finding(category: str, severity: str, description: str):
    errors = {}
    if category not in FindingCategory.values:
        errors["category"] = _("Choose strength, shortcoming or violation.")
    elif category == FindingCategory.STRENGTH and severity:
        errors["severity"] = _("A strength has no severity.")
    elif category != FindingCategory.STRENGTH and not severity:
        errors["severity"] = _("Choose how serious it is.")
    if not (description or "").strip():
        errors["description"] = _("Describe what was found.")
    if errors:
        raise ValidationError(errors)


def finding_record(*, target: InspectionTarget, by, category: str, description: str, severity: str = "",
                   corrects: Finding | None = None, files=()) -> Finding:
    """A team member records a finding; once the conclusion is issued only as a correction."""
    from core.attachments import attachments_add

    with transaction.atomic():
        target = transitions.lock(InspectionTarget, target.pk)
        inspection = target.inspection
        require(TARGET_RULES, "record_finding", by, target)
        _validate_finding(category, severity, description)
        issued = conclusion_issued(target)
        if corrects is not None:
            if corrects.target_id != target.pk:
                raise ValidationError({"corrects": _("A correction refers to a finding of the same unit.")})
        elif issued:
            raise ValidationError(_("The conclusion has been issued: findings can no longer be added, only "
                                    "corrections that refer to an earlier finding."))
        elif target.state not in (TargetState.NOTIFIED, TargetState.SELF_REPORTED):
            raise ValidationError(_("Findings are recorded once the decision has been issued."))
        finding = Finding.objects.create(inspection=inspection, target=target, category=category,
                                         severity=severity, description=description, corrects=corrects,
                                         recorded_by=by)
        if files:
            attachments_add(owner=finding, files=files, by=by)
    return finding


FINDING_FIELDS = ("category", "severity", "description")


def finding_update(*, finding: Finding, by, category: str, description: str, severity: str = "") -> Finding:
    with transaction.atomic():
        target = transitions.lock(InspectionTarget, finding.target_id)
        require(FINDING_RULES, "edit", by, target)
        _validate_finding(category, severity, description)
        if conclusion_issued(target):
            raise ValidationError(_("The conclusion has been issued: a finding can no longer be changed. "
                                    "Record a correction instead."))
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        before = audit.snapshot(finding, FINDING_FIELDS)
        finding.category, finding.severity, finding.description = category, severity, description
        finding.save()
        audit.record_change(finding, by=by, before=before, after=audit.snapshot(finding, FINDING_FIELDS))
    return finding
