"""Demo plans for the Điện Biên province: one waiting for the leader, one issued and under way."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Department, Unit, User
from workflows.calendar import deadline_after

from . import services
from .models import Plan


def _people():
    users = User.objects.in_bulk(["chuyenvien", "truongban", "lanhdao", "vanthu"], field_name="username")
    return users["chuyenvien"], users["truongban"], users["lanhdao"], users["vanthu"]


@transaction.atomic
def demo_plans_seed() -> list[Plan]:
    officer, head, leader, clerk = _people()
    province = Unit.objects.get(code="TDDB")
    xdd = Department.objects.get(code="TDDB-XDD")
    districts = list(Unit.objects.filter(path__startswith=province.path, depth=province.depth + 1, is_active=True)
                     .order_by("path"))
    now = timezone.now()
    year = timezone.localdate().year
    plans = []

    subject = f"Kế hoạch tổ chức Tháng Thanh niên năm {year + 1}"
    plan = Plan.objects.filter(subject=subject).first()
    if plan is None:
        plan = services.plan_create(
            by=officer, issuing_unit=province, department=xdd, kind="KH", subject=subject,
            body="Triển khai Tháng Thanh niên với chủ đề “Tuổi trẻ Điện Biên xung kích, tình nguyện”.\n"
                 "Các đơn vị báo cáo kết quả về Ban Thường vụ Tỉnh đoàn (qua Ban Xây dựng Đoàn).",
            period_start=datetime.date(year + 1, 2, 26), period_end=datetime.date(year + 1, 3, 31),
            report_due=deadline_after(now, 15), recipients=districts,
        )
        services.plan_submit(plan=plan, by=officer)
        services.plan_review(plan=plan, by=head, comment="Đã rà soát, trình Thường trực.")
    plans.append(plan)

    subject = f"Kế hoạch kiểm tra công tác xây dựng Đoàn cơ sở năm {year}"
    plan = Plan.objects.filter(subject=subject).first()
    if plan is None:
        plan = services.plan_create(
            by=officer, issuing_unit=province, department=xdd, kind="KH", subject=subject,
            body="Các đơn vị tự kiểm tra và báo cáo kết quả xây dựng Đoàn cơ sở “3 chủ động”.",
            period_start=datetime.date(year, 10, 1), period_end=datetime.date(year, 12, 15),
            receipt_due=deadline_after(now, 1), report_due=deadline_after(now, 2),
            recipients=districts,
        )
        services.plan_submit(plan=plan, by=officer)
        services.plan_review(plan=plan, by=head)
        services.plan_approve(plan=plan, by=leader)
        services.plan_issue(plan=plan, by=clerk)
        _progress(plan)
    plans.append(plan)
    return plans


def _progress(plan):
    """Some districts have received, some reported, one report accepted: a matrix with colours."""
    assignments = list(plan.assignments.select_related("unit").order_by("unit__path"))
    officers = User.objects.in_bulk([f"{a.unit.code.lower()}.canbo" for a in assignments], field_name="username")
    reviewer = User.objects.get(username="chuyenvien")
    for index, assignment in enumerate(assignments[:9]):
        officer = officers[f"{assignment.unit.code.lower()}.canbo"]
        services.assignment_receive(assignment=assignment, by=officer)
        if index < 5:
            services.assignment_report(assignment=assignment, by=officer,
                                       text=f"{assignment.unit.name} đã tự kiểm tra 100% cơ sở đoàn trực thuộc.")
        if index < 2:
            services.assignment_accept(assignment=assignment, by=reviewer, comment="Báo cáo đầy đủ.")


def demo_indicator_plan_seed() -> Plan:
    """The year programme with the province's 33 targets of 2024; 14 of 16 districts reported."""
    import random
    from decimal import Decimal

    from django.conf import settings

    from .indicators import services as indicators
    from .models import Aggregate, Indicator

    officer, head, leader, clerk = _people()
    province = Unit.objects.get(code="TDDB")
    subject = f"Chương trình công tác Đoàn và phong trào thanh thiếu nhi năm {timezone.localdate().year}"
    plan = Plan.objects.filter(subject=subject).first()
    if plan is not None:
        return plan
    districts = list(Unit.objects.filter(path__startswith=province.path, depth=province.depth + 1, is_active=True)
                     .order_by("path"))
    now = timezone.now()
    with transaction.atomic():
        plan = services.plan_create(
            by=officer, issuing_unit=province, department=Department.objects.get(code="TDDB-XDD"), kind="CTr",
            subject=subject, body="Các chỉ tiêu công tác năm; các đơn vị báo cáo kết quả kèm số liệu.",
            report_due=deadline_after(now, 10), recipients=districts,
        )
        indicators.indicators_import(plan=plan, by=officer, path=settings.DEMO_DATA_DIR / "indicators_2024.csv")
        # "Đoàn cấp huyện có ít nhất 02 công trình…": the unit-level condition of that target.
        Indicator.objects.filter(plan=plan, code="3b").update(unit_target=2)
        services.plan_submit(plan=plan, by=officer)
        services.plan_review(plan=plan, by=head)
        services.plan_approve(plan=plan, by=leader)
        services.plan_issue(plan=plan, by=clerk)

        rng = random.Random(2024)
        targets = list(plan.indicators.all())
        officers = User.objects.in_bulk([f"{u.code.lower()}.canbo" for u in districts], field_name="username")
        for assignment in plan.assignments.select_related("unit").order_by("unit__path")[:15]:
            officer_of_unit = officers[f"{assignment.unit.code.lower()}.canbo"]
            services.assignment_receive(assignment=assignment, by=officer_of_unit)
            if assignment.unit.code == "HDTG":
                continue  # received, figures still to come: try the Excel upload here
            entries = {}
            for target in targets:
                if target.aggregate == Aggregate.ISSUER_ONLY:
                    continue
                if target.aggregate == Aggregate.RATIO_OF_SUMS:
                    denominator = rng.randint(400, 2500)
                    share = min(1.0, float(target.target) / 100 * rng.uniform(0.8, 1.25))
                    entries[target.code] = {"numerator": round(denominator * share), "denominator": denominator}
                elif target.aggregate == Aggregate.ALL_UNITS:
                    entries[target.code] = {"value": 1 if target.kind == "yes_no" else rng.choice([1, 2, 2, 3])}
                else:
                    share = float(target.target) / len(districts) * rng.uniform(0.75, 1.35)
                    entries[target.code] = {"value": Decimal(round(share))}
            # Figures as of 14 November (the year's cut-off), or of today earlier in the year: never after today.
            indicators.indicator_values_set(assignment=assignment, by=officer_of_unit, entries=entries,
                                            cutoff_date=min(datetime.date(now.year, 11, 14), timezone.localdate(now)))
            services.assignment_report(assignment=assignment, by=officer_of_unit,
                                       text=f"{assignment.unit.name} báo cáo kết quả thực hiện các chỉ tiêu năm.")
        issuer_figures = {t.code: {"value": 4} for t in targets if t.aggregate == Aggregate.ISSUER_ONLY}
        indicators.issuer_values_set(plan=plan, by=officer, entries=issuer_figures)
    return plan
