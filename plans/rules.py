"""Who may do what to a plan or an assignment, and in which state: one rule per action.

plans.services call `require(PLAN_RULES, "approve", user, plan)` before acting; the action
selectors list the rules that pass (core.rules).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Position, Role
from core.rules import Rule, both, holds, in_states
from core.transitions import history_of

from .models import AssignmentState, PlanState


def is_department_head(user, plan) -> bool:
    if plan.department_id is None:
        return True
    return Position.objects.active_on().filter(
        user_id=user.pk, unit_id=plan.issuing_unit_id, department_id=plan.department_id, role=Role.DEPARTMENT_HEAD
    ).exists()


def _may(codename: str, action, unit_of):
    """The person holds the unit permission `accounts.<codename>` on the unit `unit_of(obj)`."""
    return holds(f"accounts.{codename}", unit_of, lambda obj: _("You may not %(action)s for %(unit)s.") % {
        "action": action, "unit": unit_of(obj)})


def _heads_its_department(user, plan):
    if is_department_head(user, plan):
        return None
    return _("Only the head of %(dept)s reviews its drafts.") % {"dept": plan.department}


def _issuer(plan):
    return plan.issuing_unit


def _review_or_approve_return(user, plan):
    """A draft under review goes back from its department head, one awaiting approval from a leader."""
    if plan.state == PlanState.UNDER_REVIEW:
        return both(_may("review_plans", gettext_lazy("return drafts"), _issuer), _heads_its_department)(user, plan)
    return _may("approve_plans", gettext_lazy("return drafts"), _issuer)(user, plan)


def last_by(plan, transition: str):
    """Whoever last took `transition` on the plan (the clerk who issued it, the leader who approved it)."""
    entry = history_of(plan).filter(transition=transition).last()
    return entry.by if entry is not None else None


def approver_of(plan):
    """The leader who approved the plan last (their signature is the one its documents carry)."""
    return last_by(plan, "approve")


def approver_id_of(plan) -> int | None:
    """approver_of's id; a list annotates it (plans.selectors.with_approver), so no query per row."""
    if hasattr(plan, "approver_pk"):
        return plan.approver_pk
    leader = approver_of(plan)
    return leader.pk if leader is not None else None


def _approved_it(user, plan):
    if approver_id_of(plan) == user.pk:
        return None
    return _("Only the leader who approved the document can upload its signed version.")


PLAN_RULES = {
    "edit": Rule(_may("draft_plans", gettext_lazy("edit plans"), _issuer), in_states(PlanState.DRAFT)),
    "submit": Rule(_may("draft_plans", gettext_lazy("submit plans"), _issuer), in_states(PlanState.DRAFT)),
    "review": Rule(both(_may("review_plans", gettext_lazy("review drafts"), _issuer), _heads_its_department),
                   in_states(PlanState.UNDER_REVIEW)),
    "return": Rule(_review_or_approve_return, in_states(PlanState.UNDER_REVIEW, PlanState.AWAITING_APPROVAL)),
    "approve": Rule(_may("approve_plans", gettext_lazy("approve plans"), _issuer),
                    in_states(PlanState.AWAITING_APPROVAL)),
    "issue": Rule(_may("issue_plans", gettext_lazy("issue plans"), _issuer), in_states(PlanState.APPROVED)),
    "revoke": Rule(_may("approve_plans", gettext_lazy("revoke plans"), _issuer), in_states(PlanState.ISSUED)),
    # The leader's own signature, made with their token and uploaded (plans.signatures).
    "sign": Rule(_approved_it, in_states(PlanState.APPROVED, PlanState.ISSUED, PlanState.CLOSED)),
}


def _unit(assignment):
    return assignment.acting_unit


def _assignment_issuer(assignment):
    return assignment.plan.issuing_unit


ASSIGNMENT_RULES = {
    "receive": Rule(_may("handle_assignments", gettext_lazy("confirm receipt"), _unit),
                    in_states(AssignmentState.SENT)),
    "report": Rule(_may("handle_assignments", gettext_lazy("report"), _unit), in_states(AssignmentState.RECEIVED)),
    # The assigned unit passes the work on to the units below it while it is under way.
    "draft_implementing_plan": Rule(_may("draft_plans", gettext_lazy("draft plans"), _unit),
                                    in_states(AssignmentState.RECEIVED)),
    "accept": Rule(_may("review_reports", gettext_lazy("accept reports"), _assignment_issuer),
                   in_states(AssignmentState.REPORTED)),
    "return": Rule(_may("review_reports", gettext_lazy("return reports"), _assignment_issuer),
                   in_states(AssignmentState.REPORTED)),
    # The issuer reminds a unit that has not reported yet.
    "remind": Rule(_may("review_reports", gettext_lazy("remind units"), _assignment_issuer),
                   in_states(AssignmentState.SENT, AssignmentState.RECEIVED)),
    # …or gives it more time, before it has reported.
    "extend": Rule(_may("review_reports", gettext_lazy("extend deadlines"), _assignment_issuer),
                   in_states(AssignmentState.SENT, AssignmentState.RECEIVED)),
}


# Drafting a new plan, asked of its issuing unit before there is a plan.
DRAFTING = {"draft": Rule(_may("draft_plans", gettext_lazy("draft plans"), lambda unit: unit), lambda unit: True)}
