"""A plan from draft to closed over the 16 districts of the demo province."""

import pytest
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from core.transitions import history_of
from plans import services
from plans.models import Assignment, AssignmentState, Plan, PlanState
from tests.helpers import state_of
from tests.plans.helpers import draft_plan, issued_plan

pytestmark = pytest.mark.django_db


def open_tasks(process):
    return list(Task.objects.filter(process=process, status__in=[STATUS.NEW, STATUS.ASSIGNED])
                .values_list("flow_task", flat=True))


def test_draft_to_closed_over_sixteen_districts(people):
    plan = draft_plan(people)
    assert plan.state == PlanState.DRAFT and plan.number == ""

    services.plan_submit(plan=plan, by=people.province_officer)
    assert state_of(plan) == PlanState.UNDER_REVIEW
    plan = Plan.objects.get(pk=plan.pk)
    assert [node.name for node in open_tasks(plan.process)] == ["review"]

    services.plan_review(plan=plan, by=people.department_head)
    services.plan_approve(plan=plan, by=people.province_leader, comment="Đồng ý ban hành")
    assert state_of(plan) == PlanState.APPROVED
    assert Plan.objects.get(pk=plan.pk).number == ""  # numbers only at issuance

    services.plan_issue(plan=plan, by=people.clerk)
    plan = Plan.objects.get(pk=plan.pk)
    assert plan.state == PlanState.ISSUED
    assert plan.number.endswith("-KH/TĐTN-XDĐ")
    assert plan.process.status == PROCESS.DONE
    assignments = list(plan.assignments.select_related("unit", "process"))
    assert sorted(a.unit.code for a in assignments) == sorted(u.code for u in people.tree.districts)
    assert all(a.state == AssignmentState.SENT for a in assignments)

    for assignment in assignments:
        officer = people.muong_ang_officer if assignment.unit.code == "HDMA" else None
        actor = officer or _unit_officer(people, assignment.unit)
        services.assignment_receive(assignment=assignment, by=actor)
        services.assignment_report(assignment=assignment, by=actor, text=f"Báo cáo của {assignment.unit.name}")
        assert state_of(plan) == PlanState.ISSUED
        services.assignment_accept(assignment=assignment, by=people.province_officer)

    assert state_of(plan) == PlanState.CLOSED
    assert all(a.state == AssignmentState.ACCEPTED for a in Assignment.objects.filter(plan=plan))
    processes = Process.objects.filter(pk__in=[a.process_id for a in assignments])
    assert sorted(p.status for p in processes) == [PROCESS.DONE] * 16
    steps = [(h.source, h.target) for h in history_of(plan)]
    assert steps == [
        ("draft", "under_review"), ("under_review", "awaiting_approval"), ("awaiting_approval", "approved"),
        ("approved", "issued"), ("issued", "closed"),
    ]
    assert history_of(plan)[2].comment == "Đồng ý ban hành"
    assert history_of(plan)[2].by == people.province_leader


def _unit_officer(people, unit):
    from accounts.models import Role
    from accounts.services import position_create
    from tests.factories import UserFactory

    user = UserFactory(username=f"{unit.code.lower()}.canbo")
    position_create(user=user, unit=unit, role=Role.OFFICER)
    return user


def test_the_inbox_holds_each_districts_own_receive_task_only(people):
    from workflows.inbox import inbox_tasks

    plan = issued_plan(people)
    muong_ang = list(inbox_tasks(people.muong_ang_officer))
    assert [t.process.assignment.unit.code for t in muong_ang] == ["HDMA"]
    assert muong_ang[0].process.assignment.plan == plan
    assert [t.process.assignment.unit.code for t in inbox_tasks(people.tuan_giao_officer)] == ["HDTG"]
    assert list(inbox_tasks(people.province_leader)) == []


def test_the_inbox_follows_the_approval_steps(people):
    from workflows.inbox import inbox_tasks

    plan = draft_plan(people)
    services.plan_submit(plan=plan, by=people.province_officer)
    assert [t.process.plan for t in inbox_tasks(people.department_head)] == [plan]
    assert list(inbox_tasks(people.province_leader)) == []  # leaders hold no review_plans grant
    services.plan_review(plan=plan, by=people.department_head)
    assert [t.process.plan for t in inbox_tasks(people.province_leader)] == [plan]
    assert list(inbox_tasks(people.muong_ang_officer)) == []
