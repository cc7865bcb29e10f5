"""Walk an inspection through its steps with the named people of conftest: the committee
member Cà Thị Lan heads the team, Vì Văn Sơn is a member, the chair Tòng Văn Minh approves."""

import datetime

from django.utils import timezone

from inspections import services
from inspections.models import InspectionKind, TeamRole


def programme(people, *, committee=True, year=2024):
    """The committee's (or the standing board's) programme of the year, created on first use."""
    from inspections.models import Programme

    t = people.tree
    existing = Programme.objects.filter(issuing_unit=t.province, department=t.ubkt if committee else t.xdd,
                                        year=year).first()
    return existing or services.programme_create(
        by=people.inspector, issuing_unit=t.province, department=t.ubkt if committee else t.xdd, year=year,
        title=f"Chương trình kiểm tra, giám sát năm {year}",
    )


def team(people):
    return [(people.inspector, TeamRole.HEAD, None), (people.inspector2, TeamRole.MEMBER, None)]


def draft_inspection(people, *, prog=None, targets=None, outside_bodies=(), kind=InspectionKind.THEMATIC_INSPECTION,
                     **fields):
    t = people.tree
    prog = prog or programme(people)
    today = timezone.localdate()
    values = {
        "kind": kind,
        "subject": "Kiểm tra công tác triển khai Tháng Thanh niên năm 2024",
        "content": "Việc ban hành kế hoạch, tổ chức các hoạt động và báo cáo kết quả.",
        "legal_basis": "Điều lệ Đoàn; Kế hoạch số 25-KH/UBKTTĐ",
        "starts_on": today,
        "ends_on": today + datetime.timedelta(days=30),
        "self_report_due": timezone.now() + datetime.timedelta(days=10),
        **fields,
    }
    return services.inspection_create(
        by=people.inspector, programme=prog, team=team(people),
        target_units=[t.muong_ang, t.tuan_giao] if targets is None else targets,
        outside_bodies=outside_bodies, **values,
    )


def decided_inspection(people, **kwargs):
    inspection = draft_inspection(people, **kwargs)
    services.inspection_submit(inspection=inspection, by=people.inspector)
    return services.inspection_approve(inspection=inspection, by=people.inspection_chair)


def target_of(inspection, unit):
    return inspection.targets.get(unit=unit)


def conclude(people, target, *, recommendations=None):
    """Self-report (by the unit, or the team for an outside body), a finding, conclusion issued."""
    from inspections.models import FindingCategory, Severity

    reporter = people.inspector if target.is_outside else _unit_officer(people, target.unit)
    services.target_self_report(target=target, by=reporter, text="Báo cáo tự kiểm tra của đơn vị.")
    services.finding_record(target=target, by=people.inspector2, category=FindingCategory.SHORTCOMING,
                            severity=Severity.MINOR, description="Sổ sách chưa cập nhật đầy đủ.")
    if recommendations is None:
        recommendations = [("Cập nhật sổ sách đoàn viên.", timezone.now() + datetime.timedelta(days=30))]
    conclusion = services.conclusion_save(target=target, by=people.inspector, text="Đơn vị cơ bản thực hiện tốt.",
                                          recommendations=recommendations)
    services.conclusion_submit(conclusion=conclusion, by=people.inspector)
    services.conclusion_approve(conclusion=conclusion, by=people.inspection_chair)
    return services.conclusion_issue(conclusion=conclusion, by=people.inspection_chair)


def _unit_officer(people, unit):
    from accounts.models import Position

    return Position.objects.active_on().filter(unit=unit).select_related("user").first().user
