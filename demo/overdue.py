"""Demo: a report Mường Ảng owes the province, past due by more than the level-2 delay, then a
sweep. Mường Ảng's secretary (hdma.bithu) finds the overdue notice, the leader (lanhdao) and the
head of XDĐ (truongban) the escalation. Idempotent: the plan is made once, and the sweep never
sends a level twice (running it again later sends only levels whose moment has since come)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Department, Unit, User
from deadlines.models import StepKind
from deadlines.policy import policies, shift
from deadlines.sweep import SweepResult, deadlines_sweep
from plans import services
from plans.models import Plan
from workflows.calendar import WorkingCalendar

SUBJECT = "Báo cáo nhanh kết quả Tháng Thanh niên"


def _past_due_moment(now) -> datetime.datetime:
    """Office closing time one working day further back than the level-2 delay: level 2 has
    come, level 3 (a few days more) has not."""
    policy = policies()[StepKind.ASSIGNMENT_REPORT]
    today = timezone.localdate(now)
    back = policy.level2_after_working_days + 1
    calendar = WorkingCalendar(today - datetime.timedelta(days=2 * back + 21), today)
    day = shift(calendar, today, -back)
    return timezone.make_aware(datetime.datetime.combine(day, settings.WORKDAY_ENDS_AT))


@transaction.atomic
def _overdue_plan() -> Plan:
    users = User.objects.in_bulk(["chuyenvien", "truongban", "lanhdao", "vanthu", "hdma.canbo", "hdtg.canbo"],
                                 field_name="username")
    province = Unit.objects.get(code="TDDB")
    muong_ang, tuan_giao = Unit.objects.get(code="HDMA"), Unit.objects.get(code="HDTG")
    now = timezone.now()
    plan = services.plan_create(
        by=users["chuyenvien"], issuing_unit=province, department=Department.objects.get(code="TDDB-XDD"),
        kind="YCBC", subject=SUBJECT, report_due=now + datetime.timedelta(days=30),
        body="Đề nghị các đơn vị báo cáo nhanh số liệu hoạt động Tháng Thanh niên.",
        recipients=[muong_ang, tuan_giao],
    )
    services.plan_submit(plan=plan, by=users["chuyenvien"])
    services.plan_review(plan=plan, by=users["truongban"])
    services.plan_approve(plan=plan, by=users["lanhdao"])
    services.plan_issue(plan=plan, by=users["vanthu"])
    # The services refuse a deadline already past (a plan overdue at birth): the request goes out
    # with one ahead and its deadline is then set back, as if those days had gone by since.
    due = _past_due_moment(now)
    Plan.objects.filter(pk=plan.pk).update(report_due=due)
    plan.assignments.update(receipt_due=due, report_due=due)
    by_unit = {a.unit_id: a for a in plan.assignments.all()}
    services.assignment_receive(assignment=by_unit[muong_ang.pk], by=users["hdma.canbo"])
    services.assignment_receive(assignment=by_unit[tuan_giao.pk], by=users["hdtg.canbo"])
    services.assignment_report(assignment=by_unit[tuan_giao.pk], by=users["hdtg.canbo"],
                               text="Huyện đoàn Tuần Giáo báo cáo nhanh kết quả Tháng Thanh niên (nộp muộn).")
    return plan


def demo_overdue_seed() -> SweepResult:
    if not Plan.objects.filter(subject=SUBJECT).exists():
        _overdue_plan()
    return deadlines_sweep()
