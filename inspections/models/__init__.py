"""Inspection and supervision (kiểm tra, giám sát): the year's programme, each inspection with
its decision, team and targets, the team's findings, one conclusion notice per target, and the
remediation of each recommendation.

State changes are django-fsm transitions; locking, permissions and history live in services.
"""

from .findings import Conclusion, ConclusionState, Finding, FindingCategory, Recommendation, Severity
from .inspection import (
    ISSUED_INSPECTION_STATES,
    SUPERVISION_KINDS,
    DecisionKind,
    Inspection,
    InspectionKind,
    InspectionState,
    InspectionTarget,
    Programme,
    TargetState,
    TeamMember,
    TeamRole,
)
from .remediation import Remediation, RemediationReport, RemediationState

__all__ = [
    "Conclusion",
    "ConclusionState",
    "DecisionKind",
    "Finding",
    "FindingCategory",
    "ISSUED_INSPECTION_STATES",
    "Inspection",
    "InspectionKind",
    "InspectionState",
    "InspectionTarget",
    "Programme",
    "Recommendation",
    "Remediation",
    "RemediationReport",
    "RemediationState",
    "SUPERVISION_KINDS",
    "Severity",
    "TargetState",
    "TeamMember",
    "TeamRole",
]
