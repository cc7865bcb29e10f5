"""Reminders, the overdue notice and escalation, walked through with frozen time.

Mường Ảng must report by Friday 15/03/2030 17:00 (no holidays that month). With the default
policy (reminder 2 working days before, level 2 two and level 3 five working days after):
reminder Wed 13/03 17:00 → overdue Fri 15/03 17:00 → level 2 Tue 19/03 17:00 → level 3 Fri 22/03 17:00.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from accounts.services import delegation_create, position_create
from deadlines.models import DeadlineEvent, DeadlinePolicy, Level, StepKind
from deadlines.policy import policies, receipt_due_from
from deadlines.sweep import deadlines_sweep
from notifications.models import DEADLINE_KINDS as SWEEP_KINDS
from notifications.models import Notification
from plans import services
from plans.models import Assignment, Plan
from tests.factories import UserFactory
from tests.plans.helpers import issued_plan

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day, hour=9, minute=0):
    return datetime.datetime(2030, 3, day, hour, minute, tzinfo=HCM)


DUE = at(15, 17)


class Clock:
    """Frozen time that the test moves; `sweep()` runs the sweep there and returns what it sent."""

    def __init__(self, traveller):
        self.traveller = traveller

    def sweep(self, moment=None):
        if moment is not None:
            self.traveller.move_to(moment)
        before = Notification.objects.order_by("pk").values_list("pk", flat=True).last() or 0
        deadlines_sweep()
        # Only what this sweep sent: workflow events (task created, approved) notify on their own.
        return list(Notification.objects.filter(pk__gt=before, kind__in=SWEEP_KINDS).order_by("pk"))


@pytest.fixture
def clock():
    with time_machine.travel(at(4), tick=False) as traveller:
        yield Clock(traveller)


def swept():
    """What the sweep sent; workflow events (task created, approved) notify on their own."""
    return Notification.objects.filter(kind__in=SWEEP_KINDS)


def sent(notifications):
    """{(kind, username, on behalf of username)} of a list of notifications."""
    return {(n.kind, n.recipient.username, n.delegated_from.username if n.delegated_from else None)
            for n in notifications}


def muong_ang_assignment(people, *, due=DUE, receive=True, **fields):
    plan = issued_plan(people, recipients=[people.tree.muong_ang], report_due=due, **fields)
    assignment = plan.assignments.get()
    if receive:
        services.assignment_receive(assignment=assignment, by=people.muong_ang_officer)
    return assignment


def test_one_assignment_walks_through_every_level_once_with_the_right_people(people, clock):
    assignment = muong_ang_assignment(people)

    assert clock.sweep(at(13, 16, 59)) == []
    reminder = clock.sweep(at(13, 17))
    assert sent(reminder) == {("reminder", "hdma.canbo", None), ("reminder", "hdma.bithu", None)}
    assert reminder[0].url == f"/ke-hoach/giao-viec/{assignment.pk}/"
    assert "Kế hoạch tổ chức Tháng Thanh niên năm 2024" in reminder[0].title
    assert clock.sweep(at(14)) == []

    assert clock.sweep(at(15, 16, 59)) == []
    assert sent(clock.sweep(at(15, 17))) == {("overdue", "hdma.bithu", None)}
    assert clock.sweep(at(18, 17)) == []

    assert sent(clock.sweep(at(19, 17))) == {("escalation", "truongban", None), ("escalation", "lanhdao", None)}
    assert clock.sweep(at(21, 17)) == []

    assert sent(clock.sweep(at(22, 17))) == {("escalation", "lanhdao", None)}
    for day in (25, 26, 29):
        assert clock.sweep(at(day, 17)) == []

    events = DeadlineEvent.objects.filter(step_kind=StepKind.ASSIGNMENT_REPORT, object_id=assignment.pk)
    assert sorted(events.values_list("level", flat=True)) == ["level2", "level3", "overdue", "reminder"]
    assert set(events.values_list("due", flat=True)) == {DUE}


def test_the_standing_board_is_every_leader_of_the_issuer(people, clock):
    deputy = UserFactory(username="phobithu")
    position_create(user=deputy, unit=people.tree.province, role=Role.DEPUTY_SECRETARY)
    muong_ang_assignment(people)
    clock.sweep(at(19, 17))
    assert sent(clock.sweep(at(22, 17))) == {("escalation", "lanhdao", None), ("escalation", "phobithu", None)}


def test_a_task_finished_before_its_reminder_gets_none(people, clock):
    assignment = muong_ang_assignment(people)
    clock.traveller.move_to(at(12))
    services.assignment_report(assignment=assignment, by=people.muong_ang_officer, text="Đã hoàn thành.")
    for day in (13, 15, 19, 22, 29):
        assert clock.sweep(at(day, 17)) == []
    assert not DeadlineEvent.objects.exists()


def test_finishing_between_levels_stops_the_next_ones(people, clock):
    assignment = muong_ang_assignment(people)
    assert sent(clock.sweep(at(15, 17))) == {("overdue", "hdma.bithu", None)}
    clock.traveller.move_to(at(18))
    services.assignment_report(assignment=assignment, by=people.muong_ang_officer, text="Báo cáo muộn.")
    assert clock.sweep(at(19, 17)) == [] and clock.sweep(at(22, 17)) == []


def test_a_row_first_seen_long_after_its_deadline_gets_every_escalation_but_no_reminder(people, clock):
    muong_ang_assignment(people)
    assert sent(clock.sweep(at(25))) == {
        ("overdue", "hdma.bithu", None), ("escalation", "truongban", None), ("escalation", "lanhdao", None),
    }
    assert swept().filter(recipient=people.province_leader).count() == 2  # level 2 and level 3


def test_the_sweep_run_twice_sends_nothing_new(people, clock):
    muong_ang_assignment(people)
    clock.traveller.move_to(at(19, 17))
    first = deadlines_sweep()
    second = deadlines_sweep()
    assert first.events == 2 and first.notifications == 3  # overdue, level 2 (2 people); no reminder after due
    assert second.events == 0 and second.notifications == 0
    assert swept().count() == 3


def test_receipt_not_confirmed_is_its_own_step(people, clock):
    # Issued Monday 04/03 09:00: 3 working days to confirm, Thursday 07/03 17:00.
    assignment = muong_ang_assignment(people, receive=False)
    assert assignment.receipt_due == at(7, 17)
    assert sent(clock.sweep(at(5, 17))) == {("reminder", "hdma.canbo", None), ("reminder", "hdma.bithu", None)}
    assert sent(clock.sweep(at(7, 17))) == {("overdue", "hdma.bithu", None)}
    assert DeadlineEvent.objects.filter(step_kind=StepKind.ASSIGNMENT_RECEIPT).count() == 2
    clock.traveller.move_to(at(8))
    services.assignment_receive(assignment=assignment, by=people.muong_ang_officer)
    assert clock.sweep(at(11, 17)) == []  # level 2 of the receipt would have been Monday 11/03


def test_a_moved_deadline_starts_its_levels_again(people, clock):
    assignment = muong_ang_assignment(people)
    clock.sweep(at(15, 17))
    Assignment.objects.filter(pk=assignment.pk).update(report_due=at(20, 17))
    assert clock.sweep(at(16)) == []
    assert sent(clock.sweep(at(20, 17))) == {("overdue", "hdma.bithu", None)}


def test_a_deadline_across_a_holiday_counts_working_days(people):
    # Due Thursday 11/04/2030 17:00; Friday 12/04 is the Hùng Kings' day: level 2 on Tuesday 16/04.
    with time_machine.travel(datetime.datetime(2030, 4, 1, 9, tzinfo=HCM), tick=False) as traveller:
        muong_ang_assignment(people, due=datetime.datetime(2030, 4, 11, 17, tzinfo=HCM))
        traveller.move_to(datetime.datetime(2030, 4, 15, 17, tzinfo=HCM))
        deadlines_sweep()
        assert not DeadlineEvent.objects.filter(level=Level.LEVEL2).exists()
        traveller.move_to(datetime.datetime(2030, 4, 16, 17, tzinfo=HCM))
        deadlines_sweep()
        assert DeadlineEvent.objects.filter(level=Level.LEVEL2).count() == 1


# Delegation ---------------------------------------------------------------------------------

def test_a_leader_away_is_replaced_by_the_deputy_on_their_behalf(people, clock):
    deputy = UserFactory(username="phobithu")
    position_create(user=deputy, unit=people.tree.province, role=Role.STANDING_MEMBER)
    delegation_create(principal=people.province_leader, deputy=deputy, starts_on=datetime.date(2030, 3, 18),
                      ends_on=datetime.date(2030, 3, 20), reason="Đi công tác")
    muong_ang_assignment(people)
    clock.sweep(at(15, 17))
    assert sent(clock.sweep(at(19, 17))) == {("escalation", "truongban", None), ("escalation", "phobithu", "lanhdao")}
    # Back from Thursday: the standing board is told in person, the deputy in their own right.
    assert sent(clock.sweep(at(22, 17))) == {("escalation", "lanhdao", None), ("escalation", "phobithu", None)}


def test_a_unit_head_away_is_replaced_too(people, clock):
    deputy = UserFactory(username="hdma.phobithu")
    position_create(user=deputy, unit=people.tree.muong_ang, role=Role.DEPUTY_SECRETARY)
    delegation_create(principal=people.muong_ang_secretary, deputy=deputy, starts_on=datetime.date(2030, 3, 15),
                      ends_on=datetime.date(2030, 3, 15))
    muong_ang_assignment(people)
    assert sent(clock.sweep(at(15, 17))) == {("overdue", "hdma.phobithu", "hdma.bithu")}


def test_the_leader_in_charge_is_whoever_approved_or_the_secretary(people, clock):
    from core.models import TransitionLog

    assignment = muong_ang_assignment(people)
    # The approver no longer leads the issuing unit (here: someone who never did): its secretary instead.
    TransitionLog.objects.filter(object_id=assignment.plan_id, transition="approve").update(by=people.clerk)
    assert sent(clock.sweep(at(19, 17))) >= {("escalation", "lanhdao", None)}
    assert not swept().filter(recipient=people.clerk).exists()


def test_a_plan_without_a_department_escalates_to_the_leader_only(people, clock):
    from tests.plans.helpers import draft_plan

    plan = draft_plan(people, recipients=[people.tree.muong_ang], report_due=DUE, department=None)
    services.plan_submit(plan=plan, by=people.province_officer)  # straight to the leader
    services.plan_approve(plan=plan, by=people.province_leader)
    services.plan_issue(plan=plan, by=people.clerk)
    services.assignment_receive(assignment=plan.assignments.get(), by=people.muong_ang_officer)
    assert sent(clock.sweep(at(19, 17))) == {("overdue", "hdma.bithu", None), ("escalation", "lanhdao", None)}


# Inspections ---------------------------------------------------------------------------------

def test_an_inspection_self_report_is_swept(people, clock):
    from tests.inspections.helpers import decided_inspection

    inspection = decided_inspection(people, targets=[people.tree.muong_ang], self_report_due=DUE)
    target = inspection.targets.get()
    reminder = clock.sweep(at(13, 17))
    assert sent(reminder) == {("reminder", "hdma.canbo", None), ("reminder", "hdma.bithu", None)}
    assert reminder[0].url == f"/kiem-tra/doi-tuong/{target.pk}/"
    assert sent(clock.sweep(at(15, 17))) == {("overdue", "hdma.bithu", None)}
    # The committee chair approved the decision: chair and leader in charge are one person.
    assert sent(clock.sweep(at(19, 17))) == {("escalation", "ubkt.chunhiem", None)}
    assert sent(clock.sweep(at(22, 17))) == {("escalation", "lanhdao", None)}
    assert DeadlineEvent.objects.filter(step_kind=StepKind.INSPECTION_SELF_REPORT, object_id=target.pk).count() == 4


def test_a_self_report_sent_in_time_gets_nothing(people, clock):
    from inspections import services as inspection_services
    from tests.inspections.helpers import decided_inspection

    inspection = decided_inspection(people, targets=[people.tree.muong_ang], self_report_due=DUE)
    inspection_services.target_self_report(target=inspection.targets.get(), by=people.muong_ang_officer,
                                           text="Báo cáo tự kiểm tra.")
    assert clock.sweep(at(25)) == []


def test_a_remediation_is_swept(people, clock):
    from inspections.models import Remediation
    from tests.inspections.helpers import conclude, decided_inspection

    inspection = decided_inspection(people, targets=[people.tree.muong_ang], self_report_due=at(6, 17))
    conclude(people, inspection.targets.get(), recommendations=[("Cập nhật sổ sách đoàn viên.", DUE)])
    remediation = Remediation.objects.get()
    reminder = clock.sweep(at(13, 17))
    assert sent(reminder) == {("reminder", "hdma.canbo", None), ("reminder", "hdma.bithu", None)}
    assert reminder[0].url == f"/kiem-tra/khac-phuc/{remediation.pk}/"
    assert "Cập nhật sổ sách đoàn viên." in reminder[0].title
    assert sent(clock.sweep(at(15, 17))) == {("overdue", "hdma.bithu", None)}
    assert sent(clock.sweep(at(22, 17))) == {("escalation", "ubkt.chunhiem", None), ("escalation", "lanhdao", None)}


def test_an_outside_body_remediation_reminds_the_team_head(people, clock):
    from inspections.models import InspectionKind
    from tests.inspections.helpers import conclude, decided_inspection

    inspection = decided_inspection(people, targets=[], outside_bodies=["UBND huyện Mường Ảng"],
                                    kind=InspectionKind.REGULAR_SUPERVISION, self_report_due=at(6, 17))
    conclude(people, inspection.targets.get(), recommendations=[("Bố trí kinh phí hoạt động.", DUE)])
    assert sent(clock.sweep(at(13, 17))) == {("reminder", "ubkt.uyvien1", None)}
    assert sent(clock.sweep(at(15, 17))) == {("overdue", "ubkt.uyvien1", None)}


# Cost ---------------------------------------------------------------------------------------

def _far_future_assignments(people, count):
    """Open assignments due next year: rows the sweep must never read."""
    units = people.tree.districts
    far = at(4) + datetime.timedelta(days=365)
    plans = Plan.objects.bulk_create([
        Plan(issuing_unit=people.tree.province, subject=f"Kế hoạch dài hạn {i}", report_due=far,
             created_by=people.province_officer) for i in range((count + len(units) - 1) // len(units))
    ])
    pairs = [(plan, unit) for plan in plans for unit in units][:count]
    Assignment.objects.bulk_create([Assignment(plan=p, unit=u, receipt_due=far, report_due=far) for p, u in pairs])


def _measured_sweep():
    DeadlineEvent.objects.all().delete()
    Notification.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        result = deadlines_sweep()
    return len(queries), result


def test_the_query_count_does_not_grow_with_rows_not_yet_due(people, clock):
    muong_ang_assignment(people)
    clock.traveller.move_to(at(19, 17))
    _measured_sweep()  # warm-up: policies created, content types cached
    _far_future_assignments(people, 10)
    with_10, result_10 = _measured_sweep()
    _far_future_assignments(people, 190)
    with_200, result_200 = _measured_sweep()
    assert Assignment.objects.count() == 201
    assert result_10.as_dict() == result_200.as_dict() == {
        "candidates": 1, "events": 2, "notifications": 3, "levels": {"overdue": 1, "level2": 1}}
    assert with_10 == with_200


def test_the_query_count_does_not_grow_with_rows_due(people, clock):
    """Recipients are resolved per batch: 1 or 16 overdue units, the same number of queries."""
    issued_plan(people, recipients=[people.tree.muong_ang], report_due=DUE)
    clock.traveller.move_to(at(19, 17))
    _measured_sweep()
    one, _ = _measured_sweep()
    clock.traveller.move_to(at(4))
    issued_plan(people, subject="Kế hoạch thứ hai", report_due=DUE)
    clock.traveller.move_to(at(19, 17))
    many, result = _measured_sweep()
    assert result.candidates == 34  # receipt and report of 17 assignments
    assert one == many


def test_rows_are_processed_in_batches_with_the_same_outcome(people, clock):
    issued_plan(people, report_due=DUE)
    clock.traveller.move_to(at(7, 17))
    result = deadlines_sweep(batch_size=3)
    # 16 districts have not confirmed receipt; only Mường Ảng has a secretary in these fixtures.
    assert (result.candidates, result.events) == (16, 16)
    assert sent(swept()) == {("overdue", "hdma.bithu", None)}
    assert swept().count() == 1
    assert deadlines_sweep(batch_size=3).events == 0


# Exactly once, even when a sweep dies ------------------------------------------------------

def test_a_sweep_that_dies_before_commit_is_redone_by_the_next(people, clock, monkeypatch):
    import deadlines.sweep

    muong_ang_assignment(people)
    clock.traveller.move_to(at(15, 17))

    def crash(notifications):
        raise RuntimeError("worker killed")

    with monkeypatch.context() as patched:
        patched.setattr(deadlines.sweep, "_send", crash)
        with pytest.raises(RuntimeError):
            deadlines_sweep()
    assert not DeadlineEvent.objects.exists()
    assert sent(clock.sweep()) == {("overdue", "hdma.bithu", None)}
    assert clock.sweep() == []


# Policy ---------------------------------------------------------------------------------------

def test_policies_are_created_with_the_defaults_on_first_use():
    rows = policies()
    assert set(rows) == set(StepKind.values)
    report = rows[StepKind.ASSIGNMENT_REPORT]
    assert (report.receipt_working_days, report.reminder_working_days, report.level2_after_working_days,
            report.level3_after_working_days) == (3, 2, 2, 5)
    assert policies().keys() == rows.keys() and DeadlinePolicy.objects.count() == len(StepKind.values)


def test_policy_edits_move_the_moments(people, clock):
    muong_ang_assignment(people)
    policies()
    DeadlinePolicy.objects.filter(step_kind=StepKind.ASSIGNMENT_REPORT).update(
        reminder_working_days=4, level2_after_working_days=1, level3_after_working_days=3)
    assert sent(clock.sweep(at(11, 17))) == {("reminder", "hdma.canbo", None), ("reminder", "hdma.bithu", None)}
    clock.sweep(at(15, 17))
    assert sent(clock.sweep(at(18, 17))) == {("escalation", "truongban", None), ("escalation", "lanhdao", None)}
    assert sent(clock.sweep(at(20, 17))) == {("escalation", "lanhdao", None)}


def test_no_reminder_when_the_policy_says_zero(people, clock):
    muong_ang_assignment(people)
    policies()
    DeadlinePolicy.objects.filter(step_kind=StepKind.ASSIGNMENT_REPORT).update(reminder_working_days=0)
    assert clock.sweep(at(14, 17)) == []
    assert sent(clock.sweep(at(15, 17))) == {("overdue", "hdma.bithu", None)}


def test_receipt_due_follows_the_policy(clock):
    monday = at(4)
    assert receipt_due_from(monday) == at(7, 17)
    DeadlinePolicy.objects.filter(step_kind=StepKind.ASSIGNMENT_RECEIPT).update(receipt_working_days=5)
    assert receipt_due_from(monday) == at(11, 17)


def test_the_policy_refuses_escalations_out_of_order():
    from django.core.exceptions import ValidationError

    policy = policies()[StepKind.REMEDIATION]
    policy.level3_after_working_days = policy.level2_after_working_days
    with pytest.raises(ValidationError):
        policy.full_clean()


# Entry points --------------------------------------------------------------------------------

def test_the_beat_task_and_the_command_run_the_sweep(people, clock):
    from deadlines.tasks import sweep

    muong_ang_assignment(people)
    clock.traveller.move_to(at(15, 17))
    assert sweep.name == "deadlines.tasks.sweep"
    assert sweep.delay().get()["events"] == 1
    call_command("deadlines_sweep", stdout=open("/dev/null", "w"))
    assert swept().count() == 1
