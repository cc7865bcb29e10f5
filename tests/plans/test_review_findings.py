"""Regression tests for holes found in review: each failed before its fix."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role
from accounts.services import position_create
from core.errors import ActionForbidden
from plans import selectors, services
from plans.indicators import services as indicators
from plans.indicators.targets import TargetFileError
from tests.factories import UserFactory
from tests.plans.helpers import draft_plan, issued_plan
from tests.plans.indicators.helpers import add_indicator
from workflows.inbox import inbox_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_head(people):
    head = UserFactory(username="truongban.vp")
    position_create(user=head, unit=people.tree.province, role=Role.DEPARTMENT_HEAD, department=people.tree.vp)
    return head


def submitted(people):
    plan = draft_plan(people)
    return services.plan_submit(plan=plan, by=people.province_officer)


def test_another_departments_head_cannot_return_a_draft(people, other_head):
    plan = submitted(people)
    with pytest.raises(ActionForbidden):
        services.plan_return(plan=plan, by=other_head, comment="Không phải ban tôi")
    assert type(plan).objects.get(pk=plan.pk).state == "under_review"


def test_another_departments_head_is_offered_nothing_and_has_no_task(people, other_head):
    plan = submitted(people)
    assert selectors.plan_actions(other_head, plan) == set()
    assert list(inbox_tasks(other_head)) == []
    assert [t.process.plan for t in inbox_tasks(people.department_head)] == [plan]


def test_drafting_an_implementing_plan_is_offered_only_to_drafters(people):
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    assignment = plan.assignments.get()
    assignment = services.assignment_receive(assignment=assignment, by=people.muong_ang_officer)
    clerk = UserFactory(username="hdma.vanthu")
    position_create(user=clerk, unit=people.tree.muong_ang, role=Role.CLERK)
    assert "draft_implementing_plan" not in selectors.assignment_actions(clerk, assignment)
    assert "draft_implementing_plan" in selectors.assignment_actions(people.muong_ang_officer, assignment)


@pytest.mark.parametrize("state", ["sent", "cancelled"])
def test_an_implementing_plan_needs_received_work(people, state):
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    assignment = plan.assignments.get()
    if state == "cancelled":
        services.plan_revoke(plan=plan, by=people.province_leader, reason="Thu hồi")
    with pytest.raises(ValidationError):
        services.plan_create(by=people.muong_ang_officer, issuing_unit=people.tree.muong_ang, subject="X",
                             report_due=plan.report_due, parent_assignment=assignment)


def test_the_overdue_filter_reads_only_what_the_person_may_see(people):
    t = people.tree
    plan = issued_plan(people, recipients=[t.muong_ang, t.tuan_giao],
                       report_due=timezone.now() + datetime.timedelta(days=50))
    plan.assignments.filter(unit=t.tuan_giao).update(report_due=timezone.now() - datetime.timedelta(days=1))
    assert not selectors.plan_list(people.muong_ang_officer, overdue=True).exists()
    assert selectors.plan_list(people.tuan_giao_officer, overdue=True).exists()


def test_recipients_do_not_see_the_drafting_rounds(people, as_):
    plan = submitted(people)
    services.plan_return(plan=plan, by=people.department_head, comment="BÍ MẬT: số liệu chưa đúng")
    services.plan_submit(plan=plan, by=people.province_officer)
    services.plan_review(plan=plan, by=people.department_head)
    services.plan_approve(plan=plan, by=people.province_leader)
    services.plan_issue(plan=plan, by=people.clerk)
    theirs = as_(people.muong_ang_officer).get(f"/api/plans/{plan.pk}/history/").json()
    assert [h["transition"] for h in theirs] == ["issue"]
    ours = as_(people.province_officer).get(f"/api/plans/{plan.pk}/history/").json()
    assert "BÍ MẬT: số liệu chưa đúng" in [h["comment"] for h in ours]


@pytest.mark.parametrize("figure", ["100000000000000000000", "1e30", "1,00001"])
def test_absurd_figures_are_refused(people, figure):
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    add_indicator(plan, "4c", kind="money", target=10)
    assignment = plan.assignments.get()
    services.assignment_receive(assignment=assignment, by=people.muong_ang_officer)
    with pytest.raises(ValidationError):
        indicators.indicator_values_set(assignment=assignment, by=people.muong_ang_officer,
                                        entries={"4c": {"value": figure}})


@pytest.mark.parametrize("row", [
    "1,1a,Trùng mã,count,lượt,10,at_least,sum",
    "1,1b,Quá lớn,count,lượt,1e30,at_least,sum",
    "1,1b,Âm,count,lượt,-5,at_least,sum",
    f"1,{'X' * 40},Mã dài,count,lượt,1,at_least,sum",
])
def test_bad_target_rows_are_named_and_nothing_is_imported(people, tmp_path, row):
    path = tmp_path / "targets.csv"
    path.write_text("no,code,name,kind,unit_of_measure,target,comparison,aggregate\n"
                    f"1,1a,Tốt,count,lượt,10,at_least,sum\n{row}\n", encoding="utf-8")
    plan = draft_plan(people)
    with pytest.raises(TargetFileError, match="3"):
        indicators.indicators_import(plan=plan, by=people.province_officer, path=path)
    assert not plan.indicators.exists()


@pytest.mark.parametrize("query", ["plan", "department", "assignment"])
def test_huge_ids_in_filters_are_a_400_not_a_crash(people, as_, query):
    endpoint = {"plan": "/api/assignments/", "department": "/api/plans/", "assignment": "/api/reports/"}[query]
    response = as_(people.province_officer).get(endpoint, {query: "9" * 25})
    assert response.status_code == 400
