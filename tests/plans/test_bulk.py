"""One decision for many units of a plan (plans.bulk): through the same services, one history
row each, a refusal named and the others done."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import Role
from accounts.services import position_create
from core.models import TransitionLog
from core.transitions import history_of
from notifications.models import Notification, NotificationKind
from plans import bulk, services
from plans.models import AssignmentState
from tests.factories import UserFactory
from tests.helpers import html, messages_of, ok, reload, state_of, vi
from tests.plans.helpers import assignment_of, issued_plan

pytestmark = pytest.mark.django_db

NOT_OURS = vi(gettext_lazy("Not an assignment of this plan."))


def officer_of(unit):
    user = UserFactory(username=f"{unit.code.lower()}.bulk")
    position_create(user=user, unit=unit, role=Role.OFFICER)
    return user


def reported(people, plan, units):
    """Each unit receives and reports through its own officer."""
    for unit in units:
        officer = officer_of(unit)
        assignment = assignment_of(plan, unit)
        services.assignment_receive(assignment=assignment, by=officer)
        services.assignment_report(assignment=assignment, by=officer, text=f"Báo cáo của {unit.name}")
    return [assignment_of(plan, unit) for unit in units]


@pytest.fixture
def sixteen(people):
    plan = issued_plan(people)
    return plan, reported(people, plan, people.tree.districts)


def test_ten_accepted_two_returned_and_a_foreign_id_named(people, sixteen):
    plan, assignments = sixteen
    other = issued_plan(people, recipients=[people.tree.muong_ang])
    foreign = assignment_of(other, people.tree.muong_ang)
    result = bulk.assignments_bulk(plan=plan, by=people.province_officer, action="accept",
                                   ids=[a.pk for a in assignments[:10]] + [foreign.pk], comment="Đạt yêu cầu")
    assert [a.pk for a in result.done] == [a.pk for a in assignments[:10]]
    assert result.refused == [(foreign.pk, "", NOT_OURS)]
    assert state_of(foreign) == AssignmentState.SENT  # untouched
    returned = bulk.assignments_bulk(plan=plan, by=people.province_officer, action="return",
                                     ids=[a.pk for a in assignments[10:12]], comment="Bổ sung số liệu tháng 3")
    assert len(returned.done) == 2 and not returned.refused
    for a in assignments[:10]:
        assert state_of(a) == AssignmentState.ACCEPTED
        assert [(h.transition, h.comment) for h in history_of(a)][-1] == ("accept", "Đạt yêu cầu")
    for a in assignments[10:12]:
        assert state_of(a) == AssignmentState.RECEIVED
        assert [(h.transition, h.comment) for h in history_of(a)][-1] == ("return_report", "Bổ sung số liệu tháng 3")
    assert {state_of(a) for a in assignments[12:]} == {AssignmentState.REPORTED}


def test_a_report_already_decided_is_refused_and_the_rest_done(people, sixteen):
    plan, assignments = sixteen
    services.assignment_accept(assignment=assignments[0], by=people.province_officer)
    result = bulk.assignments_bulk(plan=plan, by=people.province_officer, action="accept",
                                   ids=[assignments[0].pk, assignments[1].pk])
    assert [a.pk for a in result.done] == [assignments[1].pk]
    (pk, unit, why), = result.refused
    assert pk == assignments[0].pk and unit == assignments[0].unit.name and why


def test_returning_needs_a_comment_before_anything_is_done(people, sixteen):
    plan, assignments = sixteen
    logs = TransitionLog.objects.count()
    with pytest.raises(ValidationError, match="comment"):
        bulk.assignments_bulk(plan=plan, by=people.province_officer, action="return", ids=[assignments[0].pk])
    assert TransitionLog.objects.count() == logs and state_of(assignments[0]) == AssignmentState.REPORTED


def test_the_outsider_decides_nothing(people, sixteen):
    plan, assignments = sixteen
    result = bulk.assignments_bulk(plan=plan, by=people.tuan_giao_officer, action="accept",
                                   ids=[a.pk for a in assignments])
    assert not result.done and {state_of(a) for a in assignments} == {AssignmentState.REPORTED}


def test_reminding_logs_a_history_row_and_tells_the_units_people(people):
    t = people.tree
    plan = issued_plan(people, recipients=[t.muong_ang, t.tuan_giao])
    sent = assignment_of(plan, t.muong_ang)
    done = reported(people, plan, [t.tuan_giao])[0]
    result = bulk.assignments_bulk(plan=plan, by=people.province_officer, action="remind",
                                   ids=[sent.pk, done.pk], comment="Đề nghị báo cáo trước thứ Sáu")
    assert [a.pk for a in result.done] == [sent.pk] and [r[0] for r in result.refused] == [done.pk]
    assert [(h.transition, h.comment) for h in history_of(sent)][-1] == ("remind", "Đề nghị báo cáo trước thứ Sáu")
    reminders = Notification.objects.filter(kind=NotificationKind.REMINDER, recipient=people.muong_ang_officer)
    assert reminders.count() == 1 and reminders.get().body == "Đề nghị báo cáo trước thứ Sáu"


def test_the_screen_lists_the_reports_and_decides_them(client, people, sixteen):
    plan, assignments = sixteen
    client.force_login(people.province_officer)
    url = reverse("plans:bulk", args=[plan.pk])
    body = html(client.get(url))
    assert body.count('name="ids"') == 16
    response = client.post(f"{url}?state=reported", {"action": "accept", "ids": [a.pk for a in assignments[:3]],
                                                     "comment": ""}, follow=True)
    assert [level for level, _ in messages_of(response)] == ["success"]
    assert {state_of(a) for a in assignments[:3]} == {AssignmentState.ACCEPTED}
    assert html(client.get(url)).count('name="ids"') == 13


def test_the_screen_is_not_found_for_a_recipient(client, people, sixteen):
    plan, _ = sixteen
    client.force_login(people.muong_ang_officer)
    assert client.get(reverse("plans:bulk", args=[plan.pk])).status_code == 404


def test_the_api_decides_and_names_the_refusals(as_, people, sixteen):
    plan, assignments = sixteen
    other = issued_plan(people, recipients=[people.tree.muong_ang])
    foreign = assignment_of(other, people.tree.muong_ang)
    answer = ok(as_(people.province_officer).post(f"/api/plans/{plan.pk}/bulk/", {
        "action": "accept", "ids": [assignments[0].pk, foreign.pk]}, format="json"))
    assert answer["done"] == [assignments[0].pk]
    assert answer["refused"] == [{"id": foreign.pk, "unit": "", "reason": NOT_OURS}]
    bad = as_(people.province_officer).post(f"/api/plans/{plan.pk}/bulk/", {"action": "delete", "ids": [1]},
                                            format="json")
    assert bad.status_code == 400 and "action" in bad.json()
    outsider = as_(people.muong_ang_officer).post(f"/api/plans/{plan.pk}/bulk/", {"action": "accept",
                                                                                  "ids": [assignments[1].pk]},
                                                  format="json")
    assert outsider.status_code == 404 and state_of(assignments[1]) == AssignmentState.REPORTED


def test_extending_moves_the_deadline_keeps_the_original_and_logs_the_reason(people):
    t = people.tree
    plan = issued_plan(people, recipients=[t.muong_ang, t.tuan_giao])
    late, other = assignment_of(plan, t.muong_ang), assignment_of(plan, t.tuan_giao)
    issued_due = late.report_due
    until = issued_due + datetime.timedelta(days=7)
    result = bulk.assignments_bulk(plan=plan, by=people.province_officer, action="extend", ids=[late.pk],
                                   comment="Lũ quét, đường vào xã bị chia cắt", until=until)
    assert [a.pk for a in result.done] == [late.pk]
    late.refresh_from_db()
    assert (late.report_due, late.original_report_due) == (until, issued_due)
    assert reload(other).report_due == issued_due and reload(other).original_report_due is None
    entry = list(history_of(late))[-1]
    assert entry.transition == "extend" and entry.comment.endswith("Lũ quét, đường vào xã bị chia cắt")
    # A second extension keeps the deadline as issued.
    bulk.assignments_bulk(plan=plan, by=people.province_officer, action="extend", ids=[late.pk], comment="Thêm",
                          until=until + datetime.timedelta(days=1))
    assert reload(late).original_report_due == issued_due


def test_extending_needs_a_reason_and_a_later_deadline(people):
    t = people.tree
    plan = issued_plan(people, recipients=[t.muong_ang])
    assignment = assignment_of(plan, t.muong_ang)
    with pytest.raises(ValidationError, match="comment"):
        bulk.assignments_bulk(plan=plan, by=people.province_officer, action="extend", ids=[assignment.pk],
                              until=assignment.report_due + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="until"):
        bulk.assignments_bulk(plan=plan, by=people.province_officer, action="extend", ids=[assignment.pk],
                              comment="Lý do", until=timezone.now() - datetime.timedelta(days=1))
    earlier = bulk.assignments_bulk(plan=plan, by=people.province_officer, action="extend", ids=[assignment.pk],
                                    comment="Lý do", until=assignment.report_due - datetime.timedelta(hours=1))
    assert not earlier.done and reload(assignment).report_due == assignment.report_due
    outsider = bulk.assignments_bulk(plan=plan, by=people.tuan_giao_officer, action="extend", ids=[assignment.pk],
                                     comment="Lý do", until=assignment.report_due + datetime.timedelta(days=1))
    assert not outsider.done and reload(assignment).original_report_due is None


def test_remind_all_reaches_every_unit_yet_to_report_on_screen_and_over_the_api(client, as_, people):
    t = people.tree
    plan = issued_plan(people)
    done = reported(people, plan, t.districts[:4])
    client.force_login(people.province_officer)
    url = reverse("plans:bulk", args=[plan.pk])
    client.post(f"{url}?state=pending", {"action": "remind-all", "comment": "Nhắc báo cáo"})
    reminded = {a.pk for a in plan.assignments.all() if [h.transition for h in history_of(a)][-1:] == ["remind"]}
    assert reminded == set(plan.assignments.exclude(pk__in=[a.pk for a in done]).values_list("pk", flat=True))
    answer = ok(as_(people.province_officer).post(f"/api/plans/{plan.pk}/bulk/",
                                                  {"action": "remind", "all_pending": True}, format="json"))
    assert sorted(answer["done"]) == sorted(reminded) and not answer["refused"]
