"""Every action the screens and the API offer has its rule, and every rule refuses the outsider.

The outsider is Tuần Giáo's officer: he sees the province's plans addressed to his district but
holds no position in the province, in Mường Ảng, or on the inspection team.
"""

import pytest

from core.errors import ActionForbidden
from core.rules import allowed, require
from inspections import api as inspection_api
from inspections import api_results as inspection_api_results
from inspections import selectors as inspection_selectors
from inspections import services as inspection_services
from inspections import views as inspection_views
from inspections import views_remediation, views_targets
from inspections.models import FindingCategory, Inspection, InspectionState, Severity, TargetState
from inspections.rules import DRAFTING as INSPECTION_DRAFTING
from inspections.rules import FINDING_RULES, INSPECTION_RULES, REMEDIATION_RULES, TARGET_RULES
from plans import api as plan_api
from plans import bulk, views_assignments
from plans import services as plan_services
from plans import views as plan_views
from plans.models import PlanState
from plans.rules import ASSIGNMENT_RULES, DRAFTING, PLAN_RULES
from tests.inspections.helpers import conclude, decided_inspection, draft_inspection, target_of
from tests.plans.helpers import approved_plan, assignment_of, draft_plan, issued_plan

pytestmark = pytest.mark.django_db


def _post_actions(viewset) -> set[str]:
    """The POST actions of a viewset, by URL name (`return`, not `return_`)."""
    return {extra.url_name for extra in viewset.get_extra_actions() if "post" in extra.mapping}


# What each screen and API offers, and the rule table that must cover it.
OFFERED = [
    ("plan screen", set(plan_views.PLAN_ACTIONS), PLAN_RULES),
    # …/bulk/ runs the assignments' own rules on each unit (its row below).
    ("plan API", _post_actions(plan_api.PlanViewSet) - {"bulk"}, PLAN_RULES),
    ("bulk decisions", set(bulk.ACTIONS), ASSIGNMENT_RULES),
    ("assignment screen", set(views_assignments.ASSIGNMENT_ACTIONS), ASSIGNMENT_RULES),
    ("assignment API", _post_actions(plan_api.AssignmentViewSet) - {"report"}, ASSIGNMENT_RULES),
    ("inspection screen", set(inspection_views.INSPECTION_ACTIONS), INSPECTION_RULES),
    ("inspection API", _post_actions(inspection_api.InspectionViewSet), INSPECTION_RULES),
    ("conclusion screen", {name for name, _, _ in views_targets.CONCLUSION_ACTIONS.values()}, TARGET_RULES),
    ("remediation screen", set(views_remediation.REMEDIATION_ACTIONS), REMEDIATION_RULES),
    ("remediation API", _post_actions(inspection_api_results.RemediationViewSet) - {"report"}, REMEDIATION_RULES),
]


@pytest.mark.parametrize(("where", "actions", "rules"), OFFERED, ids=[row[0] for row in OFFERED])
def test_every_offered_action_has_a_rule(where, actions, rules):
    assert actions, f"{where} offers nothing: the list above no longer reads it"
    assert actions <= set(rules), f"{where} offers actions without a rule: {actions - set(rules)}"


def test_the_reports_are_ruled_too():
    # POST …/report/ creates a report version rather than answering the object, so it is no
    # transition_action; it is ruled all the same.
    assert "report" in _post_actions(plan_api.AssignmentViewSet) and "report" in ASSIGNMENT_RULES
    assert "report" in _post_actions(inspection_api_results.RemediationViewSet) and "report" in REMEDIATION_RULES


@pytest.fixture
def objects(people):
    """For each rule table, objects in the states where each of its actions is allowed."""
    t = people.tree
    draft = draft_plan(people)
    under_review = draft_plan(people)
    plan_services.plan_submit(plan=under_review, by=people.province_officer)
    approved = approved_plan(people)
    waiting = draft_plan(people)
    plan_services.plan_submit(plan=waiting, by=people.province_officer)
    plan_services.plan_review(plan=waiting, by=people.department_head)
    issued = issued_plan(people, recipients=[t.muong_ang, t.tuan_giao])
    sent = assignment_of(issued, t.muong_ang)
    received_plan = issued_plan(people, recipients=[t.muong_ang])
    received = assignment_of(received_plan, t.muong_ang)
    plan_services.assignment_receive(assignment=received, by=people.muong_ang_officer)
    reported_plan = issued_plan(people, recipients=[t.muong_ang])
    reported = assignment_of(reported_plan, t.muong_ang)
    plan_services.assignment_receive(assignment=reported, by=people.muong_ang_officer)
    plan_services.assignment_report(assignment=reported, by=people.muong_ang_officer, text="Đã thực hiện.")

    inspection_draft = draft_inspection(people, targets=[t.muong_ang])
    inspection_waiting = draft_inspection(people, targets=[t.muong_ang])
    inspection_services.inspection_submit(inspection=inspection_waiting, by=people.inspector)
    notified = target_of(decided_inspection(people, targets=[t.muong_ang]), t.muong_ang)
    concluded = target_of(decided_inspection(people, targets=[t.muong_ang]), t.muong_ang)
    conclude(people, concluded)
    remediation = concluded.remediations.get()
    reported_target = target_of(decided_inspection(people, targets=[t.muong_ang]), t.muong_ang)
    conclude(people, reported_target)
    remediation_reported = reported_target.remediations.get()
    inspection_services.remediation_report(remediation=remediation_reported, by=people.muong_ang_officer,
                                           text="Đã cập nhật sổ sách.")
    # A conclusion at each of its steps: drafted, awaiting approval, approved.
    steps = []
    for step in ("draft", "submitted", "approved"):
        target = target_of(decided_inspection(people, targets=[t.muong_ang]), t.muong_ang)
        inspection_services.target_self_report(target=target, by=people.muong_ang_officer, text="Tự kiểm tra.")
        conclusion = inspection_services.conclusion_save(target=target, by=people.inspector, text="Kết luận.")
        if step != "draft":
            inspection_services.conclusion_submit(conclusion=conclusion, by=people.inspector)
        if step == "approved":
            inspection_services.conclusion_approve(conclusion=conclusion, by=people.inspection_chair)
        steps.append(target)
    return {
        "plan": {PlanState.DRAFT: draft, PlanState.UNDER_REVIEW: under_review, PlanState.APPROVED: approved,
                 PlanState.AWAITING_APPROVAL: waiting, PlanState.ISSUED: issued},
        "assignment": [sent, received, reported],
        "inspection": [inspection_draft, inspection_waiting],
        "target": [notified, concluded, *steps],
        "remediation": [remediation, remediation_reported],
    }


TABLES = [
    ("plan", PLAN_RULES),
    ("assignment", ASSIGNMENT_RULES),
    ("inspection", INSPECTION_RULES),
    ("target", TARGET_RULES),
    ("finding", FINDING_RULES),
    ("remediation", REMEDIATION_RULES),
]


def _candidates(objects, kind):
    """Fresh from the database: the services changed the rows after the fixture made them."""
    chosen = list(objects["plan"].values()) if kind == "plan" else objects["target" if kind == "finding" else kind]
    return [type(obj).objects.get(pk=obj.pk) for obj in chosen]


@pytest.mark.parametrize(("kind", "rules"), TABLES, ids=[kind for kind, _ in TABLES])
def test_every_rule_refuses_the_outsider(people, objects, kind, rules):
    for action, rule in rules.items():
        for obj in _candidates(objects, kind):
            assert rule.who(people.tuan_giao_officer, obj) is not None, (action, obj)
            assert action not in allowed(rules, people.tuan_giao_officer, obj), (action, obj)
            with pytest.raises(ActionForbidden):
                require(rules, action, people.tuan_giao_officer, obj)


@pytest.mark.parametrize(("kind", "rules"), [row for row in TABLES if row[0] != "finding"],
                         ids=[kind for kind, _ in TABLES if kind != "finding"])
def test_every_rule_lets_someone_act_in_some_state(people, objects, kind, rules):
    """No rule that nobody passes: in one of the fixture's states somebody of the demo may act."""
    everyone = [p for p in vars(people).values() if hasattr(p, "has_perm")]
    candidates = _candidates(objects, kind)
    for action in rules:
        assert any(action in allowed(rules, person, obj) for obj in candidates for person in everyone), action


def test_drafting_a_plan_or_an_inspection_is_refused_to_the_outsider(people):
    province = people.tree.province
    with pytest.raises(ActionForbidden):
        require(DRAFTING, "draft", people.tuan_giao_officer, province)
    for what in INSPECTION_DRAFTING:
        with pytest.raises(ActionForbidden):
            require(INSPECTION_DRAFTING, what, people.tuan_giao_officer, province)
    require(DRAFTING, "draft", people.province_officer, province)  # the drafter may


def test_record_finding_is_offered_exactly_when_the_service_accepts_it(people):
    """The screen used to read the inspection's state, the service the target's: they agree now."""
    t = people.tree
    target = target_of(decided_inspection(people, targets=[t.muong_ang]), t.muong_ang)
    # The target is still open for findings while its inspection, bypassing the services,
    # reads otherwise: what is offered must follow the same state the service checks.
    Inspection.objects.filter(pk=target.inspection_id).update(state=InspectionState.CONCLUDED)
    target.refresh_from_db()
    assert target.state == TargetState.NOTIFIED
    assert "record_finding" in inspection_selectors.target_actions(people.inspector2, target)
    inspection_services.finding_record(target=target, by=people.inspector2, category=FindingCategory.SHORTCOMING,
                                       severity=Severity.MINOR, description="Chưa lập sổ theo dõi.")
