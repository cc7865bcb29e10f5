"""The rules of plans: return rounds, who may act, numbering, bulk issuance, revocation,
cascading, and what each unit can see."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.loading import UnitRow, units_load
from accounts.models import Role, Unit
from accounts.services import position_create
from core.errors import ActionForbidden, TransitionNotAllowed
from core.transitions import history_of
from plans import selectors, services
from plans.models import Assignment, AssignmentState, Plan, PlanState
from tests.factories import UserFactory
from tests.helpers import reload
from tests.plans.helpers import approved_plan, draft_plan, implementing_draft, issued_plan
from workflows.inbox import inbox_tasks

pytestmark = pytest.mark.django_db


# --- approval rounds -------------------------------------------------------------------------

def test_several_return_rounds_end_in_approval(people):
    plan = draft_plan(people)
    for round_no, (returner, step) in enumerate(
        [(people.department_head, "review"), (people.province_leader, "approve"), (people.province_leader, "approve")],
        start=1,
    ):
        services.plan_submit(plan=plan, by=people.province_officer)
        if step == "approve":
            services.plan_review(plan=plan, by=people.department_head)
        services.plan_return(plan=plan, by=returner, comment=f"Sửa lần {round_no}")
        assert reload(plan).state == PlanState.DRAFT
        services.plan_update(plan=plan, by=people.province_officer, subject=f"Kế hoạch (bản {round_no + 1})")
    services.plan_submit(plan=plan, by=people.province_officer)
    services.plan_review(plan=plan, by=people.department_head)
    services.plan_approve(plan=plan, by=people.province_leader)
    assert reload(plan).state == PlanState.APPROVED
    comments = [h.comment for h in history_of(plan) if h.transition == "return_to_draft"]
    assert comments == ["Sửa lần 1", "Sửa lần 2", "Sửa lần 3"]
    assert reload(plan).subject == "Kế hoạch (bản 4)"


def test_a_return_needs_a_comment_and_changes_nothing_without_one(people):
    plan = draft_plan(people)
    services.plan_submit(plan=plan, by=people.province_officer)
    with pytest.raises(ValidationError) as excinfo:
        services.plan_return(plan=plan, by=people.department_head, comment="  ")
    assert "comment" in excinfo.value.message_dict
    assert reload(plan).state == PlanState.UNDER_REVIEW
    assert len(history_of(plan)) == 1


def test_approving_a_draft_is_refused_with_the_state_named(people):
    plan = draft_plan(people)
    with pytest.raises(TransitionNotAllowed) as excinfo:
        services.plan_approve(plan=plan, by=people.province_leader)
    assert "Dự thảo" in str(excinfo.value) or "Draft" in str(excinfo.value)
    assert reload(plan).state == PlanState.DRAFT
    assert list(history_of(plan)) == []


def test_a_submitted_draft_cannot_be_edited(people):
    plan = draft_plan(people)
    services.plan_submit(plan=plan, by=people.province_officer)
    with pytest.raises(ValidationError):
        services.plan_update(plan=plan, by=people.province_officer, subject="Đổi sau khi trình")
    assert reload(plan).subject != "Đổi sau khi trình"


# --- who may act ------------------------------------------------------------------------------

def test_only_a_leader_of_the_issuing_unit_approves(people):
    plan = draft_plan(people)
    services.plan_submit(plan=plan, by=people.province_officer)
    services.plan_review(plan=plan, by=people.department_head)
    for outsider in (people.muong_ang_secretary, people.province_officer, people.clerk):
        with pytest.raises(ActionForbidden):
            services.plan_approve(plan=plan, by=outsider)
    assert reload(plan).state == PlanState.AWAITING_APPROVAL


def test_only_the_clerk_issues(people):
    plan = approved_plan(people)
    for outsider in (people.province_leader, people.province_officer):
        with pytest.raises(ActionForbidden):
            services.plan_issue(plan=plan, by=outsider)
    assert reload(plan).number == ""


def test_another_departments_head_cannot_review(people):
    t = people.tree
    other_head = UserFactory(username="truongban.tg")
    position_create(user=other_head, unit=t.province, role=Role.DEPARTMENT_HEAD,
                    department=t.province.departments.get(code="TDDB-TG"))
    plan = draft_plan(people)
    services.plan_submit(plan=plan, by=people.province_officer)
    with pytest.raises(ActionForbidden):
        services.plan_review(plan=plan, by=other_head)


def test_a_district_cannot_draft_in_the_provinces_name(people):
    with pytest.raises(ActionForbidden):
        services.plan_create(by=people.muong_ang_officer, issuing_unit=people.tree.province, subject="X",
                             report_due=timezone.now())
    assert not Plan.objects.exists()


def test_only_the_recipient_unit_receives_and_reports(people):
    plan = issued_plan(people)
    muong_ang = plan.assignments.get(unit__code="HDMA")
    with pytest.raises(ActionForbidden):
        services.assignment_receive(assignment=muong_ang, by=people.tuan_giao_officer)
    services.assignment_receive(assignment=muong_ang, by=people.muong_ang_officer)
    with pytest.raises(ActionForbidden):
        services.assignment_report(assignment=muong_ang, by=people.tuan_giao_officer, text="Không phải của tôi")
    assert reload(muong_ang).state == AssignmentState.RECEIVED


def test_only_the_issuer_accepts_a_report(people):
    plan = issued_plan(people)
    assignment = plan.assignments.get(unit__code="HDMA")
    services.assignment_receive(assignment=assignment, by=people.muong_ang_officer)
    services.assignment_report(assignment=assignment, by=people.muong_ang_officer, text="Đã hoàn thành")
    with pytest.raises(ActionForbidden):
        services.assignment_accept(assignment=assignment, by=people.muong_ang_secretary)
    assert reload(assignment).state == AssignmentState.REPORTED


def test_recipients_must_be_below_the_issuer(people):
    with pytest.raises(ValidationError) as excinfo:
        draft_plan(people, recipients=[people.tree.province])
    assert "recipients" in excinfo.value.message_dict


def test_deadlines_in_the_wrong_order_are_refused(people):
    now = timezone.now()
    with pytest.raises(ValidationError) as excinfo:
        draft_plan(people, receipt_due=now + datetime.timedelta(days=5), report_due=now + datetime.timedelta(days=1))
    assert "report_due" in excinfo.value.message_dict


# --- reports ----------------------------------------------------------------------------------

def test_a_returned_report_is_resubmitted_as_a_new_version(people):
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    assignment = plan.assignments.get()
    services.assignment_receive(assignment=assignment, by=people.muong_ang_officer)
    services.assignment_report(assignment=assignment, by=people.muong_ang_officer, text="Bản 1")
    services.assignment_return(assignment=assignment, by=people.province_officer, comment="Thiếu số liệu")
    assert reload(assignment).state == AssignmentState.RECEIVED
    services.assignment_report(assignment=assignment, by=people.muong_ang_officer, text="Bản 2, đủ số liệu")
    services.assignment_accept(assignment=assignment, by=people.province_officer)
    versions = list(assignment.reports.values_list("version", "text", "review_comment"))
    assert versions == [(2, "Bản 2, đủ số liệu", ""), (1, "Bản 1", "Thiếu số liệu")]
    assert reload(plan).state == PlanState.CLOSED


def test_an_empty_report_is_refused(people):
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    assignment = plan.assignments.get()
    services.assignment_receive(assignment=assignment, by=people.muong_ang_officer)
    with pytest.raises(ValidationError):
        services.assignment_report(assignment=assignment, by=people.muong_ang_officer, text="   ")
    assert reload(assignment).state == AssignmentState.RECEIVED
    assert not assignment.reports.exists()


# --- numbering --------------------------------------------------------------------------------

def test_numbers_are_consecutive_per_kind(people):
    first = issued_plan(people)
    second = issued_plan(people)
    guidance = issued_plan(people, kind="HD")
    assert (reload(first).number_seq, reload(second).number_seq) == (1, 2)
    assert reload(second).number == "02-KH/TĐTN-XDĐ"
    assert reload(guidance).number == "01-HD/TĐTN-XDĐ"


def test_the_inspection_committee_keeps_its_own_sequence(people):
    t = people.tree
    head = UserFactory(username="ubkt.truongban")
    position_create(user=head, unit=t.province, role=Role.DEPARTMENT_HEAD, department=t.ubkt)
    issued_plan(people)
    plan = draft_plan(people, department=t.ubkt)
    services.plan_submit(plan=plan, by=people.province_officer)
    services.plan_review(plan=plan, by=head)
    services.plan_approve(plan=plan, by=people.province_leader)
    services.plan_issue(plan=plan, by=people.clerk)
    assert reload(plan).number == "01-KH/UBKTTĐ"


def test_state_agency_style_numbers(people, settings):
    settings.DOCUMENT_NUMBERING = {**settings.DOCUMENT_NUMBERING, "style": "state", "period": "year"}
    plan = issued_plan(people)
    assert reload(plan).number == "01/KH-TĐTN"


def test_a_failed_issuance_leaves_no_gap(people, monkeypatch):
    from plans import fanout

    plan = approved_plan(people)

    def broken(assignments):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(fanout, "assignment_processes_start", broken)
    with pytest.raises(RuntimeError):
        services.plan_issue(plan=plan, by=people.clerk)
    assert reload(plan).state == PlanState.APPROVED and reload(plan).number == ""
    assert not Assignment.objects.exists()
    monkeypatch.undo()
    services.plan_issue(plan=plan, by=people.clerk)
    assert reload(plan).number_seq == 1


def test_numbers_restart_with_a_new_term(people):
    import time_machine

    with time_machine.travel(datetime.datetime(2026, 12, 30, 9, tzinfo=datetime.UTC)):
        last_of_term = issued_plan(people)
    with time_machine.travel(datetime.datetime(2027, 1, 5, 9, tzinfo=datetime.UTC)):
        first_of_next = issued_plan(people)
    assert reload(last_of_term).number_seq == 1
    assert reload(first_of_next).number_seq == 1
    assert reload(last_of_term).number_scope != reload(first_of_next).number_scope


# --- bulk issuance ----------------------------------------------------------------------------

def _communes_under(unit, count, prefix):
    rows = [UnitRow(line=i + 2, code=f"{prefix}{i:04d}", name=f"Đoàn xã {prefix} {i}", level="grassroots",
                    parent_code=unit.code) for i in range(count)]
    units_load(rows)
    return list(Unit.objects.filter(code__startswith=prefix).order_by("path"))


def _issue_queries(people, recipients):
    plan = approved_plan(people, recipients=recipients)
    with CaptureQueriesContext(connection) as queries:
        services.plan_issue(plan=plan, by=people.clerk)
    assert Assignment.objects.filter(plan=plan).count() == len(recipients)
    return len(queries)


def test_issuing_costs_the_same_queries_for_10_and_100_recipients(people):
    from deadlines.policy import receipt_due_from

    receipt_due_from(timezone.now())  # the deadline policy rows are created on first use, once
    ten = _communes_under(people.tree.province, 10, "A")
    hundred = _communes_under(people.tree.province, 100, "B")
    assert _issue_queries(people, ten) == _issue_queries(people, hundred)


def test_every_recipient_gets_a_receive_task_in_its_own_queue(people):
    from viewflow.workflow.models import Task

    plan = issued_plan(people)
    tasks = Task.objects.filter(process__assignment__plan=plan, flow_task_type="HUMAN")
    pairs = {(t.owner_permission, int(t.owner_permission_obj_pk)) for t in tasks}
    assert pairs == {("accounts.handle_assignments", u.pk) for u in people.tree.districts}


# --- revocation -------------------------------------------------------------------------------

def test_revoking_cancels_open_assignments_and_their_tasks(people):
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    plan = issued_plan(people)
    services.plan_revoke(plan=plan, by=people.province_leader, reason="Ban hành nhầm đối tượng")
    assert reload(plan).state == PlanState.REVOKED
    assert set(plan.assignments.values_list("state", flat=True)) == {AssignmentState.CANCELLED}
    assert not Task.objects.filter(process__assignment__plan=plan, status=STATUS.NEW).exists()
    muong_ang = plan.assignments.get(unit__code="HDMA")
    assert [h.comment for h in history_of(muong_ang)] == ["Ban hành nhầm đối tượng"]
    assert list(inbox_tasks(people.muong_ang_officer)) == []


def test_a_revocation_needs_a_reason(people):
    plan = issued_plan(people)
    with pytest.raises(ValidationError):
        services.plan_revoke(plan=plan, by=people.province_leader, reason="")
    assert reload(plan).state == PlanState.ISSUED


# --- visibility -------------------------------------------------------------------------------

def test_each_district_sees_only_its_own_assignment(people):
    plan = issued_plan(people)
    mine = list(selectors.assignments_visible_to(people.muong_ang_officer))
    assert [a.unit.code for a in mine] == ["HDMA"]
    assert selectors.assignments_visible_to(people.province_officer).filter(plan=plan).count() == 16


def test_a_district_sees_addressed_plans_but_not_the_provinces_drafts(people):
    issued = issued_plan(people)
    draft = draft_plan(people)
    visible = set(selectors.plans_visible_to(people.muong_ang_officer))
    assert issued in visible and draft not in visible


def test_a_plan_addressed_elsewhere_is_invisible(people):
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    assert not selectors.plans_visible_to(people.tuan_giao_officer).filter(pk=plan.pk).exists()
    assert not selectors.reports_visible_to(people.tuan_giao_officer).exists()


def test_search_ignores_diacritics_and_case(people):
    draft_plan(people, subject="Kế hoạch tổ chức Tháng Thanh niên năm 2024")
    draft_plan(people, subject="Hướng dẫn xây dựng Đoàn cơ sở")
    found = [p.subject for p in selectors.plan_list(people.province_officer, q="THANG thanh NIEN")]
    assert found == ["Kế hoạch tổ chức Tháng Thanh niên năm 2024"]
    assert [p.subject for p in selectors.plan_list(people.province_officer, q="doan co so")] == [
        "Hướng dẫn xây dựng Đoàn cơ sở"
    ]


def test_overdue_is_derived_from_the_due_moment(people):
    import time_machine

    plan = issued_plan(people, recipients=[people.tree.muong_ang, people.tree.tuan_giao])
    ma = plan.assignments.get(unit__code="HDMA")
    services.assignment_receive(assignment=ma, by=people.muong_ang_officer)
    services.assignment_report(assignment=ma, by=people.muong_ang_officer, text="Xong")
    later = plan.report_due + datetime.timedelta(hours=1)
    with time_machine.travel(later):
        overdue = list(Assignment.objects.overdue().values_list("unit__code", flat=True))
        assert overdue == ["HDTG"]
        assert [p.pk for p in selectors.plan_list(people.province_officer, overdue=True)] == [plan.pk]


# --- cascading --------------------------------------------------------------------------------

def test_an_implementing_plan_rolls_up_to_the_parent(people):
    t = people.tree
    communes = _communes_under(t.muong_ang, 3, "MA")
    parent = issued_plan(people, recipients=[t.muong_ang, t.tuan_giao])
    child, clerk = implementing_draft(people, parent, communes)
    assignment = child.parent_assignment
    services.plan_submit(plan=child, by=people.muong_ang_officer)
    assert reload(child).state == PlanState.AWAITING_APPROVAL  # no department: straight to the leader
    services.plan_approve(plan=child, by=people.muong_ang_secretary)
    services.plan_issue(plan=child, by=clerk)
    assert reload(child).number == "01-KH/HĐMA"
    assert reload(child).parent_plan == parent
    first = Assignment.objects.get(plan=child, unit=communes[0])
    commune_officer = UserFactory(username="xa.canbo")
    position_create(user=commune_officer, unit=communes[0], role=Role.OFFICER)
    with pytest.raises(ActionForbidden):  # the district's staff do not act for its communes
        services.assignment_receive(assignment=first, by=people.muong_ang_officer)
    services.assignment_receive(assignment=first, by=commune_officer)
    rollup = selectors.plan_rollup(parent)
    assert rollup == {assignment.pk: {"sent": 2, "received": 1}}


def test_an_implementing_plan_belongs_to_the_assigned_unit(people):
    parent = issued_plan(people, recipients=[people.tree.muong_ang])
    assignment = parent.assignments.get()
    with pytest.raises((ValidationError, ActionForbidden)):
        services.plan_create(by=people.tuan_giao_officer, issuing_unit=people.tree.tuan_giao,
                             parent_assignment=assignment, subject="X", report_due=parent.report_due)


# --- dashboard colour groups (DESIGN.md §7) -------------------------------------------------------

def test_due_classes_follow_the_official_groups(people):
    import time_machine

    now = timezone.now()
    plan = issued_plan(people, receipt_due=now + datetime.timedelta(days=5),
                       report_due=now + datetime.timedelta(days=10))
    by_unit = {a.unit.code: a for a in plan.assignments.select_related("unit")}
    assert selectors.due_class(by_unit["HDMA"]) == "not-started"
    services.assignment_receive(assignment=by_unit["HDMA"], by=people.muong_ang_officer)
    assert selectors.due_class(reload(by_unit["HDMA"])) == "in-time"
    assert selectors.due_class(by_unit["HDTG"], now + datetime.timedelta(days=4)) == "near-due"
    assert selectors.due_class(by_unit["HDTG"], now + datetime.timedelta(days=6)) == "overdue"
    with time_machine.travel(now + datetime.timedelta(days=11)):
        services.assignment_report(assignment=by_unit["HDMA"], by=people.muong_ang_officer, text="Muộn")
    assert selectors.due_class(reload(by_unit["HDMA"])) == "awaiting-review"  # sent late, not done until accepted
    services.assignment_accept(assignment=by_unit["HDMA"], by=people.province_officer)
    assert selectors.due_class(reload(by_unit["HDMA"])) == "done-late"
    services.plan_revoke(plan=plan, by=people.province_leader, reason="Thu hồi")
    assert selectors.due_class(reload(by_unit["HDTG"])) == "cancelled"
