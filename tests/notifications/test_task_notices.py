"""Task notices go to whoever holds the work, not to everyone who could take it (issue 11, defect 9).

The province's reports are reviewed by the officer who drafted the plan: the leader and the
department head, who hold review_reports on the province too, were told of every district's
report (51 unread in the demo) and are not any more. The inbox still lists the task for all.
"""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.services import delegation_create, position_create, position_end
from notifications import registry
from notifications.models import Notification, NotificationKind
from plans import services
from plans.flows import AssignmentFlow
from plans.models import Assignment, Plan
from tests.factories import UserFactory
from tests.helpers import vi
from tests.plans.helpers import issued_plan
from workflows.inbox import inbox_tasks
from workflows.registry import flow_kind

pytestmark = pytest.mark.django_db


def _plan_drafter(task):
    # As plans/registration.py is to register it (see the fixture below).
    return Assignment.objects.filter(process_id=task.process_id).values_list("plan__created_by_id", flat=True).first()


@pytest.fixture(autouse=True)
def _review_told_to_the_drafter():
    """What plans/registration.py registers; registered here too until it does."""
    key = (AssignmentFlow, "review")
    registered = registry._responsible.get(key)
    if registered is None:
        registry.register_task_notice_recipients(AssignmentFlow, "review", responsible=_plan_drafter)
    yield
    if registered is None:
        del registry._responsible[key]
    else:
        registry._responsible[key] = registered


@pytest.fixture
def three_districts(staff):
    """Mường Ảng, Tuần Giáo and a third district, each with someone to report."""
    t = staff.tree
    third = next(u for u in t.districts if u not in (t.muong_ang, t.tuan_giao))
    officer = UserFactory(username=f"{third.code.lower()}.canbo", full_name=f"Cán bộ {third.name}")
    position_create(user=officer, unit=third, role=Role.OFFICER)
    return [(t.muong_ang, staff.muong_ang_officer), (t.tuan_giao, staff.tuan_giao_officer), (third, officer)]


def all_report(people, units_and_reporters):
    plan = issued_plan(people, recipients=[unit for unit, _ in units_and_reporters])
    for unit, reporter in units_and_reporters:
        assignment = Assignment.objects.get(plan=plan, unit=unit)
        services.assignment_receive(assignment=assignment, by=reporter)
        services.assignment_report(assignment=assignment, by=reporter, text="Đã tổ chức 12 hoạt động.")
    return plan


def review_notices(user, plan, units):
    """The titles of the "report to review" notices `user` received, one per unit at most."""
    title = flow_kind(AssignmentFlow).notice_titles["review"]
    expected = {vi(title, where=unit.name, subject=plan.subject) for unit in units}
    return sorted(
        n.title for n in Notification.objects.filter(recipient=user, kind=NotificationKind.TASK) if n.title in expected
    )


def test_the_officer_who_drafted_the_plan_is_told_of_each_report_the_leaders_are_not(staff, three_districts):
    units = [unit for unit, _ in three_districts]
    plan = all_report(staff, three_districts)
    assert plan.created_by == staff.province_officer

    assert len(review_notices(staff.province_officer, plan, units)) == 3
    assert review_notices(staff.province_leader, plan, units) == []
    assert review_notices(staff.department_head, plan, units) == []


def test_everyone_who_may_review_still_finds_the_reports_in_their_inbox(staff, three_districts):
    plan = all_report(staff, three_districts)
    for reviewer in (staff.province_officer, staff.province_leader, staff.department_head):
        pending = inbox_tasks(reviewer).filter(flow_task=AssignmentFlow.review, process__assignment__plan=plan)
        assert pending.count() == 3, reviewer


def test_when_the_drafter_no_longer_reviews_there_everyone_who_may_is_told(staff, three_districts):
    units = [unit for unit, _ in three_districts]
    plan = issued_plan(staff, recipients=units)
    moved = staff.province_officer.positions.get()
    position_end(position=moved, on=timezone.localdate() - datetime.timedelta(days=1))
    for unit, reporter in three_districts:
        assignment = Assignment.objects.get(plan=plan, unit=unit)
        services.assignment_receive(assignment=assignment, by=reporter)
        services.assignment_report(assignment=assignment, by=reporter, text="Đã tổ chức 12 hoạt động.")

    assert review_notices(staff.province_officer, plan, units) == []
    assert len(review_notices(staff.province_leader, plan, units)) == 3
    assert len(review_notices(staff.department_head, plan, units)) == 3


def test_a_step_that_names_nobody_responsible_tells_everyone_who_may_take_it(staff, three_districts):
    registry.register_task_notice_recipients(AssignmentFlow, "review", responsible=lambda task: None)
    units = [unit for unit, _ in three_districts]
    plan = all_report(staff, three_districts)
    for reviewer in (staff.province_officer, staff.province_leader, staff.department_head):
        assert len(review_notices(reviewer, plan, units)) == 3, reviewer


def test_a_drafter_away_on_delegation_is_told_and_so_is_their_deputy_on_their_behalf(staff, three_districts):
    units = [unit for unit, _ in three_districts]
    leader = staff.province_leader
    deputy = UserFactory(username="pho.bithu", full_name="Đèo Văn Quyền")
    today = timezone.localdate()
    delegation_create(principal=leader, deputy=deputy, starts_on=today, ends_on=today + datetime.timedelta(days=7))
    plan = issued_plan(staff, recipients=units)
    Plan.objects.filter(pk=plan.pk).update(created_by=leader)  # the secretary drafted this one
    for unit, reporter in three_districts:
        assignment = Assignment.objects.get(plan=plan, unit=unit)
        services.assignment_receive(assignment=assignment, by=reporter)
        services.assignment_report(assignment=assignment, by=reporter, text="Đã tổ chức 12 hoạt động.")

    assert len(review_notices(leader, plan, units)) == 3
    assert len(review_notices(deputy, plan, units)) == 3
    assert set(Notification.objects.filter(recipient=deputy, kind=NotificationKind.TASK)
               .values_list("delegated_from_id", flat=True)) == {leader.pk}
    assert review_notices(staff.province_officer, plan, units) == []
