"""A merge while a unit reports on a moving assignment: the report lands before the move (and
moves with the assignment) or after it (on the successor), never lost. Needs PostgreSQL's row
locks (CI's second run)."""

import pytest
from django.db import connection
from django.utils import timezone

from plans import services as plan_services
from plans.models import Assignment, AssignmentState, Report
from restructuring import services
from tests.plans.helpers import assignment_of, issued_plan
from tests.plans.test_concurrency import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


@pytest.mark.parametrize("attempt", range(3))
def test_a_report_during_a_merge_lands_on_the_moved_assignment_never_lost(staff, attempt):
    t = staff.tree
    plan = issued_plan(staff, recipients=[t.muong_ang])
    moving = assignment_of(plan, t.muong_ang)
    plan_services.assignment_receive(assignment=moving, by=staff.muong_ang_officer)
    outcomes = race(
        lambda: plan_services.assignment_report(assignment=moving, by=staff.muong_ang_officer, text="Đã thực hiện."),
        lambda: services.merge([t.muong_ang, t.tuan_giao], into=t.tuan_giao, effective_on=timezone.localdate(),
                               decision=f"10-QĐ/TĐTN/{attempt}", move_people=True).apply(by=staff.province_leader),
    )
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    moving = Assignment.objects.get(pk=moving.pk)
    assert moving.unit_id == t.tuan_giao.pk and moving.state == AssignmentState.REPORTED
    assert Report.objects.filter(assignment=moving).count() == 1
