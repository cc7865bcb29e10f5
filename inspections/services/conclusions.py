"""The conclusion notice of each target: drafted by the team head, approved, numbered, issued."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, transitions
from core.numbering import number_next
from core.rules import require
from registers.services import outgoing_record, signer_of
from workflows import engine

from ..flows import InspectionTargetFlow, RemediationFlow
from ..models import (
    Conclusion,
    ConclusionState,
    Inspection,
    InspectionTarget,
    Recommendation,
    Remediation,
    TargetState,
)
from ..rules import TARGET_RULES
from .common import inspection_advance, require_text

CONCLUSION_KIND_CODE = "TB"  # thông báo kết luận


# Conclusions --------------------------------------------------------------------------------

def _validate_recommendations(recommendations, now):
    late = []
    for number, (text, due) in enumerate(recommendations, start=1):
        if not (text or "").strip() or due is None:
            raise ValidationError({"recommendations": _("Each recommendation needs a text and a deadline.")})
        if due <= now:
            late.append(_("Recommendation %(number)s: its deadline has already passed.") % {"number": number})
    if late:
        # The remediation copies the deadline: one already past would be overdue the day it is issued.
        raise ValidationError({"recommendations": late})


def conclusion_save(*, target: InspectionTarget, by, text: str, recommendations=None) -> Conclusion:
    """The team head writes or rewrites the draft; `recommendations` is a list of (text, due)."""
    require_text(text, "text", _("The conclusion is empty."))
    if recommendations is not None:
        recommendations = list(recommendations)
        _validate_recommendations(recommendations, timezone.now())
    with transaction.atomic():
        target = transitions.lock(InspectionTarget, target.pk)
        require(TARGET_RULES, "edit_conclusion", by, target)
        if target.state not in (TargetState.NOTIFIED, TargetState.SELF_REPORTED):
            raise ValidationError(_("The conclusion is drafted once the decision has been issued."))
        conclusion = Conclusion.objects.select_for_update().filter(target=target).first()
        if conclusion is None:
            conclusion = Conclusion(target=target, drafted_by=by)
        elif conclusion.state != ConclusionState.DRAFT:
            raise ValidationError(_("Only a draft conclusion can be edited."))
        before = _conclusion_contents(conclusion)
        conclusion.text = text
        conclusion.drafted_by = by
        conclusion.updated_at = timezone.now()
        conclusion.save()
        if recommendations is not None:
            conclusion.recommendations.all().delete()
            Recommendation.objects.bulk_create(
                [Recommendation(conclusion=conclusion, text=t.strip(), due=due) for t, due in recommendations]
            )
        audit.record_change(conclusion, by=by, before=before, after=_conclusion_contents(conclusion))
    return conclusion


def _conclusion_contents(conclusion: Conclusion) -> dict:
    """The draft's text and recommendations (text, due) as the audit row's before / after; a new
    draft has none."""
    if conclusion.pk is None:
        return {}
    return {"text": conclusion.text,
            "recommendations": [[r.text, audit.jsonable(r.due)] for r in conclusion.recommendations.order_by("pk")]}


def conclusion_submit(*, conclusion: Conclusion, by, comment: str = "") -> Conclusion:
    with transaction.atomic():
        target = transitions.lock(InspectionTarget, conclusion.target_id)
        conclusion = transitions.lock(Conclusion, conclusion.pk)
        require(TARGET_RULES, "submit_conclusion", by, target)
        if target.state != TargetState.SELF_REPORTED:
            raise ValidationError(_("The unit's self-report comes before the conclusion."))
        require_text(conclusion.text, "text", _("The conclusion is empty."))
        transitions.apply(conclusion, "submit", by=by, comment=comment, label=_("submit"))
        engine.complete(target.process, InspectionTargetFlow.draft_conclusion, by=by)
    return conclusion


def _leader_decides(conclusion: Conclusion, *, by, action: str, transition: str, label, comment: str):
    """The chair or a leader approves the draft or returns it: either way the approval step ends."""
    with transaction.atomic():
        target = transitions.lock(InspectionTarget, conclusion.target_id)
        conclusion = transitions.lock(Conclusion, conclusion.pk)
        require(TARGET_RULES, action, by, target)
        transitions.apply(conclusion, transition, by=by, comment=comment, label=label,
                          acting_unit=target.inspection.programme.issuing_unit)
        engine.complete(target.process, InspectionTargetFlow.approve_conclusion, by=by)
    return conclusion


def conclusion_return(*, conclusion: Conclusion, by, comment: str) -> Conclusion:
    require_text(comment, "comment", _("A comment is required to return it."))
    return _leader_decides(conclusion, by=by, action="return_conclusion", transition="return_to_draft",
                           label=_("return"), comment=comment)


def conclusion_approve(*, conclusion: Conclusion, by, comment: str = "") -> Conclusion:
    return _leader_decides(conclusion, by=by, action="approve_conclusion", transition="approve",
                           label=_("approve"), comment=comment)


def conclusion_issue(*, conclusion: Conclusion, by, comment: str = "") -> Conclusion:
    """Number and send the notice; each recommendation becomes a remediation for the unit."""
    with transaction.atomic():
        inspection = transitions.lock(Inspection, conclusion.target.inspection_id)
        target = transitions.lock(InspectionTarget, conclusion.target_id)
        conclusion = transitions.lock(Conclusion, conclusion.pk)
        programme = inspection.programme
        require(TARGET_RULES, "issue_conclusion", by, target)
        now = timezone.now()
        number = None
        if conclusion.state == ConclusionState.APPROVED:
            number = number_next(unit=programme.issuing_unit, department=programme.department,
                                 kind_code=CONCLUSION_KIND_CODE, day=timezone.localdate(now))
        transitions.apply(conclusion, "issue", by=by, comment=comment, label=_("issue"), number=number, at=now,
                          acting_unit=programme.issuing_unit)
        if number is not None:
            # The leader who approved the notice signs it; its row is written with the number it took.
            outgoing_record(number=number, unit=programme.issuing_unit, department=programme.department,
                            kind=CONCLUSION_KIND_CODE, signer=signer_of(conclusion, default=by), issued_at=now,
                            by=by, document=conclusion, recipients=target.name,
                            subject=_("Conclusion of the inspection: %(subject)s (%(target)s)") % {
                                "subject": inspection.subject, "target": target.name})
        engine.complete(target.process, InspectionTargetFlow.issue_conclusion, by=by)
        transitions.apply(target, "conclude", by=by, label=_("conclude"))
        recommendations = list(conclusion.recommendations.all())
        for recommendation in recommendations:
            remediation = Remediation.objects.create(recommendation=recommendation, target=target,
                                                     due=recommendation.due)
            RemediationFlow.start.run(subject=remediation)
        if not recommendations:
            transitions.apply(target, "close", by=by, label=_("close"),
                              comment=_("The conclusion has no recommendations to remediate."))
        inspection_advance(inspection, by=by)
    return conclusion
