"""What several inspection services check or do alike."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core import transitions

from ..models import Conclusion, ConclusionState, Inspection, InspectionState, TargetState


def require_text(value: str, field: str, message: str):
    if not (value or "").strip():
        raise ValidationError({field: message})


def conclusion_issued(target) -> bool:
    return Conclusion.objects.filter(target=target, state=ConclusionState.ISSUED).exists()


def inspection_advance(inspection: Inspection, *, by):
    """Concluded once every target's conclusion is issued; closed once every target is closed."""
    states = set(inspection.targets.values_list("state", flat=True))
    if inspection.state == InspectionState.IN_PROGRESS and states <= {TargetState.CONCLUDED, TargetState.CLOSED}:
        transitions.apply(inspection, "conclude", by=by, label=_("conclude"),
                          comment=_("Every inspected unit has its conclusion."))
    if states == {TargetState.CLOSED}:
        transitions.apply(inspection, "close", by=by, label=_("close"),
                          comment=_("Every recommendation has been remediated and verified."))
