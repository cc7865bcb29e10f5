"""Who may do what in an inspection, and in which state: one rule per action.

inspections.services call `require(TARGET_RULES, "record_finding", user, target)` before
acting; the action selectors list the rules that pass (core.rules). The team's rights are
guardian grants on the inspection (record_findings for every member, draft_conclusions for
the head); the committee's and the leaders' are unit permissions of the issuing unit.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.rules import Rule, holds, in_states

from .models import ConclusionState, InspectionState, RemediationState, TargetState

OPEN_TARGET_STATES = (TargetState.NOTIFIED, TargetState.SELF_REPORTED)


def _may(perm: str, action, on):
    return holds(perm, on, lambda obj: _("You may not %(action)s.") % {"action": action})


def _issuer(inspection):
    return inspection.programme.issuing_unit


def _target_issuer(target):
    return target.inspection.programme.issuing_unit


def _target_inspection(target):
    return target.inspection


def _owner_of(target_of, action):
    """The inspected unit's people; for an outside body, which has no account, the team."""

    def who(user, obj):
        target = target_of(obj)
        if target.is_outside:
            return _may("inspections.record_findings", action, _target_inspection)(user, target)
        return _may("accounts.handle_assignments", action, lambda t: t.unit)(user, target)

    return who


# Creating a programme or an inspection, asked of the issuing unit before there is one.
DRAFTING = {
    "programme": Rule(_may("accounts.draft_inspections", gettext_lazy("draft inspection programmes of this unit"),
                           lambda unit: unit), lambda unit: True),
    "inspection": Rule(_may("accounts.draft_inspections", gettext_lazy("draft inspections of this unit"),
                            lambda unit: unit), lambda unit: True),
}

INSPECTION_RULES = {
    "edit": Rule(_may("accounts.draft_inspections", gettext_lazy("edit inspections"), _issuer),
                 in_states(InspectionState.DRAFT)),
    "submit": Rule(_may("accounts.draft_inspections", gettext_lazy("submit inspections"), _issuer),
                   in_states(InspectionState.DRAFT)),
    "approve": Rule(_may("accounts.approve_inspections", gettext_lazy("approve inspections"), _issuer),
                    in_states(InspectionState.AWAITING_APPROVAL)),
    "return": Rule(_may("accounts.approve_inspections", gettext_lazy("return inspections"), _issuer),
                   in_states(InspectionState.AWAITING_APPROVAL)),
}


def _conclusion(target):
    return getattr(target, "conclusion", None)


def _issued(target) -> bool:
    conclusion = _conclusion(target)
    return conclusion is not None and conclusion.state == ConclusionState.ISSUED


def _conclusion_in(*states):
    return lambda target: _conclusion(target) is not None and _conclusion(target).state in states


def _draft_open(target) -> bool:
    conclusion = _conclusion(target)
    return target.state in OPEN_TARGET_STATES and (conclusion is None or conclusion.state == ConclusionState.DRAFT)


TARGET_RULES = {
    "self_report": Rule(_owner_of(lambda target: target, gettext_lazy("send this unit's self-report")),
                        in_states(TargetState.NOTIFIED)),
    # On the target's own state, as the service checks it (the inspection's state used to be read here).
    "record_finding": Rule(_may("inspections.record_findings", gettext_lazy("record findings of this inspection"),
                                _target_inspection),
                           lambda target: target.state in OPEN_TARGET_STATES and not _issued(target)),
    "correct_finding": Rule(_may("inspections.record_findings", gettext_lazy("record findings of this inspection"),
                                 _target_inspection), _issued),
    "edit_conclusion": Rule(_may("inspections.draft_conclusions", gettext_lazy("draft the conclusion"),
                                 _target_inspection), _draft_open),
    "submit_conclusion": Rule(_may("inspections.draft_conclusions", gettext_lazy("submit the conclusion"),
                                   _target_inspection),
                              lambda target: target.state == TargetState.SELF_REPORTED
                              and _conclusion_in(ConclusionState.DRAFT)(target)),
    "approve_conclusion": Rule(_may("accounts.approve_inspections", gettext_lazy("approve conclusions"),
                                    _target_issuer), _conclusion_in(ConclusionState.AWAITING_APPROVAL)),
    "return_conclusion": Rule(_may("accounts.approve_inspections", gettext_lazy("return conclusions"),
                                   _target_issuer), _conclusion_in(ConclusionState.AWAITING_APPROVAL)),
    "issue_conclusion": Rule(_may("accounts.approve_inspections", gettext_lazy("issue conclusions"),
                                  _target_issuer), _conclusion_in(ConclusionState.APPROVED)),
}

# Changing a finding already recorded: never offered as a button, but a rule like the others.
FINDING_RULES = {
    "edit": Rule(_may("inspections.record_findings", gettext_lazy("edit findings of this inspection"),
                      _target_inspection), lambda target: not _issued(target)),
}


def _remediation_target(remediation):
    return remediation.target


def _remediation_issuer(remediation):
    return remediation.target.inspection.programme.issuing_unit


REMEDIATION_RULES = {
    "report": Rule(_owner_of(_remediation_target, gettext_lazy("report this remediation")),
                   in_states(RemediationState.OPEN)),
    "verify": Rule(_may("accounts.draft_inspections", gettext_lazy("verify remediation"), _remediation_issuer),
                   in_states(RemediationState.REPORTED)),
    "reopen": Rule(_may("accounts.draft_inspections", gettext_lazy("reopen remediation"), _remediation_issuer),
                   in_states(RemediationState.REPORTED)),
}
