"""Demo inspections of the Điện Biên province for 2024, walked through inspections.services so
that numbers, processes and history are real:

- the standing board's programme (advised by Ban Xây dựng Đoàn): an inspection of 6 district
  units on Chỉ thị 01-CT/TWĐTN, under way (self-reports, findings, a conclusion awaiting approval);
- the inspection committee's programme: the Youth Month inspection of Mường Ảng walked to
  closure (one return round of the conclusion, one reopened remediation); a thematic
  supervision of 6 other district units under way; a supervision of the district People's
  Committee with its conclusion approved and awaiting issue; a decision returned once and
  awaiting approval again.

Idempotent: a programme is looked up by issuer and year, an inspection by programme and
subject; what exists is left as it is, so a second run adds nothing.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.demo import PROVINCE_CODE
from accounts.models import Department, Unit, User
from core import audit
from core.models import TransitionLog
from core.text import nfc
from plans.models import Plan
from workflows.calendar import is_working_day

from . import services
from .models import (
    Conclusion,
    Finding,
    FindingCategory,
    Inspection,
    InspectionKind,
    InspectionTarget,
    Programme,
    Recommendation,
    Remediation,
    RemediationReport,
    Severity,
    TeamRole,
)

YEAR = 2024
YOUTH_MONTH = "Kiểm tra công tác triển khai Tháng Thanh niên năm 2024"
MEMBERSHIP = "Giám sát chuyên đề công tác phát triển và quản lý đoàn viên năm 2024"
YOUTH_POLICY = "Giám sát việc thực hiện chính sách đối với thanh niên trên địa bàn huyện Mường Ảng"
DIRECTIVE = "Kiểm tra việc thực hiện Chỉ thị 01-CT/TWĐTN"
CHARTER = "Kiểm tra việc chấp hành Điều lệ Đoàn và thu, nộp, quản lý đoàn phí năm 2024"
PEOPLES_COMMITTEE = "Ủy ban nhân dân huyện Mường Ảng"
# Six district units for each of the two province-level inspections, none in both.
BOARD_TARGETS = ("HDDB", "HDDBD", "HDTG", "HDTC", "HDMC", "HDMN")
COMMITTEE_TARGETS = ("TPDBP", "TXML", "HDNP", "DKCQDN", "DTNCA", "DTNBDBP")
CHARTER_TARGETS = ("DTNQS", "DTCDSP")


def _at(month: int, day: int, hour: int = 17) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(YEAR, month, day, hour))


class _Demo:
    """The people and units the scenarios use, read once."""

    def __init__(self):
        names = ["ubkt.chunhiem", "ubkt.uyvien1", "ubkt.uyvien2", "lanhdao", "truongban", "chuyenvien"]
        self.province = Unit.objects.get(code=PROVINCE_CODE)
        self.units = {u.code: u for u in Unit.objects.filter(path__startswith=self.province.path,
                                                              depth=self.province.depth + 1, is_active=True)}
        names += [f"{code.lower()}.canbo" for code in self.units]
        self.users = User.objects.in_bulk(names, field_name="username")
        self.chair, self.member1, self.member2 = (self.users[n] for n in ("ubkt.chunhiem", "ubkt.uyvien1",
                                                                           "ubkt.uyvien2"))
        self.secretary = self.users["lanhdao"]

    def officer(self, unit) -> User:
        return self.users[f"{unit.code.lower()}.canbo"]

    def targets(self, codes):
        return [self.units[code] for code in codes]


def _programme(demo: _Demo, department: Department, title: str) -> Programme:
    existing = Programme.objects.filter(issuing_unit=demo.province, department=department, year=YEAR).first()
    return existing or services.programme_create(by=demo.member1, issuing_unit=demo.province, department=department,
                                                 year=YEAR, title=title)


def _fitting_plan(subject: str) -> Plan | None:
    """An issued plan of the province that the inspection checks, if the plan demo made one."""
    return Plan.objects.filter(subject=nfc(subject), issuing_unit__code=PROVINCE_CODE).exclude(number="").first()


@transaction.atomic
def demo_inspections_seed() -> list[Inspection]:
    demo = _Demo()
    board = _programme(demo, Department.objects.get(code="TDDB-XDD"),
                       "Chương trình kiểm tra, giám sát năm 2024 của Ban Thường vụ Tỉnh đoàn")
    committee = _programme(demo, Department.objects.get(code="TDDB-UBKT"),
                           "Chương trình kiểm tra, giám sát năm 2024 của Ủy ban Kiểm tra Tỉnh đoàn")
    scenarios = [
        # In the order the decisions are approved: 01-KH/UBKTTĐ is the Youth Month inspection.
        (committee, YOUTH_MONTH, _youth_month),
        (committee, MEMBERSHIP, _membership),
        (committee, YOUTH_POLICY, _youth_policy),
        (board, DIRECTIVE, _directive),
        (committee, CHARTER, _charter),
    ]
    inspections = []
    for programme, subject, scenario in scenarios:
        inspection = Inspection.objects.filter(programme=programme, subject=nfc(subject)).first()
        if inspection is None:
            inspection = scenario(demo, programme, subject)
            _backdate(inspection)
        inspections.append(inspection)
    return inspections


# Moments the services stamp with "now", per model: (field, ...) and how to find the rows.
_STAMPED = [
    (Inspection, ("created_at", "decided_at"), "pk"),
    (InspectionTarget, ("self_reported_at",), "inspection"),
    (Finding, ("recorded_at",), "inspection"),
    (Conclusion, ("updated_at", "issued_at"), "target__inspection"),
    (Remediation, ("reported_at", "verified_at"), "target__inspection"),
    (RemediationReport, ("submitted_at",), "remediation__target__inspection"),
]


def _backdate(inspection: Inspection) -> None:
    """Spread what the services just stamped with today over the inspection's own weeks of 2024,
    in the order it happened and in office hours, so the demo's history reads like that year's."""
    rows = {}
    for model, _fields, lookup in _STAMPED:
        rows.update({(model, row.pk): row for row in model.objects.filter(**{lookup: inspection.pk})})
    kinds = ContentType.objects.get_for_models(*{model for model, _pk in rows})
    history = Q(pk__in=[])
    for model, content_type in kinds.items():
        history |= Q(content_type=content_type, object_id__in=[pk for (m, pk) in rows if m is model])
    rows.update({(TransitionLog, log.pk): log for log in TransitionLog.objects.filter(history)})

    fields = {model: fields for model, fields, _lookup in _STAMPED} | {TransitionLog: ("at",)}
    # (when, which row, which field), in the order things happened; the pk breaks ties.
    stamps = sorted((getattr(row, f), model.__name__, pk, f) for (model, pk), row in rows.items()
                    for f in fields[model] if getattr(row, f))
    if not stamps:
        return
    start = timezone.localtime(inspection.self_report_due).date() - datetime.timedelta(days=21)
    end = max([inspection.ends_on, *(row.due.date() for (m, _pk), row in rows.items() if m is Remediation)])
    days = [d for d in (start + datetime.timedelta(n) for n in range((end - start).days + 1)) if is_working_day(d)]
    models_by_name = {model.__name__: model for model in fields}
    per_day = {}
    for rank, (_when, name, pk, field) in enumerate(stamps):
        day = days[rank * len(days) // len(stamps)]
        per_day[day] = per_day.get(day, 0) + 1
        moment = datetime.datetime.combine(day, datetime.time(8)) + datetime.timedelta(minutes=20 * per_day[day])
        setattr(rows[models_by_name[name], pk], field, timezone.make_aware(moment))
    for (model, pk), row in rows.items():
        model.objects.filter(pk=pk).update(**{f: getattr(row, f) for f in fields[model]})
    # The history rows' moments are hashed: link the chain again from the first one moved.
    moved = [pk for model, pk in rows if model is TransitionLog]
    if moved:
        audit.rechain(since_pk=min(moved))


def _decision(programme, subject, *, by, team, kind, starts_on, ends_on, self_report_due, units=(),
              outside_bodies=(), content="", legal_basis="", checked_plan=None, approver=None):
    """Draft and submit the decision; approve it when an approver is given."""
    inspection = services.inspection_create(
        by=by, programme=programme, team=team, target_units=units, outside_bodies=outside_bodies, kind=kind,
        subject=subject, content=content, legal_basis=legal_basis, checked_plan=checked_plan,
        starts_on=starts_on, ends_on=ends_on, self_report_due=self_report_due,
    )
    services.inspection_submit(inspection=inspection, by=by)
    if approver is not None:
        services.inspection_approve(inspection=inspection, by=approver)
    return inspection


def _conclusion_save(*, target, by, text, recommendations):
    """conclusion_save with the story's 2024 deadlines. The service takes only deadlines still to
    come; the draft is saved with them a year ahead, then set back, as _backdate sets back the
    moments the services stamp. Before the issue, so that each remediation copies its 2024 one."""
    ahead = timezone.now() + datetime.timedelta(days=365)
    conclusion = services.conclusion_save(target=target, by=by, text=text,
                                          recommendations=[(wording, ahead) for wording, _due in recommendations])
    saved = conclusion.recommendations.order_by("pk")
    for recommendation, (_text, due) in zip(saved, recommendations, strict=True):
        Recommendation.objects.filter(pk=recommendation.pk).update(due=due)
    return conclusion


def _targets(inspection):
    return list(inspection.targets.select_related("unit").order_by("pk"))


def _youth_month(demo, programme, subject):
    """Walked to closure: findings, a conclusion returned once then issued, a remediation reopened."""
    muong_ang = demo.units["HDMA"]
    officer = demo.officer(muong_ang)
    inspection = _decision(
        programme, subject, by=demo.member1, approver=demo.chair,
        team=[(demo.member1, TeamRole.HEAD, None), (demo.member2, TeamRole.MEMBER, None)],
        kind=InspectionKind.THEMATIC_INSPECTION, units=[muong_ang],
        content="Việc ban hành kế hoạch, tổ chức các hoạt động cao điểm, sử dụng kinh phí và báo cáo kết quả "
                "Tháng Thanh niên năm 2024.",
        legal_basis="Điều lệ Đoàn TNCS Hồ Chí Minh; Chương trình kiểm tra, giám sát năm 2024 của Ủy ban Kiểm tra "
                    "Tỉnh đoàn.",
        checked_plan=_fitting_plan("Kế hoạch tổ chức Tháng Thanh niên năm 2024"),
        starts_on=datetime.date(YEAR, 4, 8), ends_on=datetime.date(YEAR, 4, 19), self_report_due=_at(4, 5),
    )
    [target] = _targets(inspection)
    services.target_self_report(
        target=target, by=officer,
        text="Huyện đoàn Mường Ảng đã ban hành kế hoạch, tổ chức lễ ra quân tại 10/10 xã, thị trấn; "
             "hoàn thành 12 công trình thanh niên; báo cáo kết quả đúng hạn.",
    )
    findings = [
        (FindingCategory.STRENGTH, "", "Ban hành kế hoạch triển khai Tháng Thanh niên kịp thời, nội dung bám sát "
                                       "hướng dẫn của Tỉnh đoàn."),
        (FindingCategory.SHORTCOMING, Severity.MINOR, "Hồ sơ, sổ sách theo dõi các hoạt động của một số cơ sở "
                                                      "Đoàn chưa cập nhật đầy đủ."),
        (FindingCategory.VIOLATION, Severity.MODERATE, "Chi hỗ trợ hoạt động tình nguyện 2.500.000 đồng không có "
                                                       "chứng từ hợp lệ."),
    ]
    for category, severity, description in findings:
        services.finding_record(target=target, by=demo.member2, category=category, severity=severity,
                                description=description)
    text = ("Ban Thường vụ Huyện đoàn Mường Ảng đã lãnh đạo, chỉ đạo triển khai Tháng Thanh niên năm 2024 "
            "cơ bản đạt yêu cầu, các hoạt động có sức lan tỏa.")
    recommendations = [
        ("Rà soát, cập nhật đầy đủ hồ sơ, sổ sách theo dõi hoạt động của các cơ sở Đoàn.", _at(6, 28)),
        ("Kiểm điểm, rút kinh nghiệm đối với tập thể và cá nhân có liên quan đến khoản chi không có chứng từ.",
         _at(6, 28)),
    ]
    conclusion = _conclusion_save(target=target, by=demo.member1, text=text, recommendations=recommendations)
    services.conclusion_submit(conclusion=conclusion, by=demo.member1)
    services.conclusion_return(conclusion=conclusion, by=demo.chair,
                               comment="Bổ sung kiến nghị hoàn trả khoản kinh phí chi không có chứng từ hợp lệ.")
    recommendations.append(("Hoàn trả 2.500.000 đồng kinh phí chi không có chứng từ hợp lệ.", _at(5, 31)))
    conclusion = _conclusion_save(target=target, by=demo.member1, text=text, recommendations=recommendations)
    services.conclusion_submit(conclusion=conclusion, by=demo.member1, comment="Đã bổ sung kiến nghị.")
    services.conclusion_approve(conclusion=conclusion, by=demo.chair)
    services.conclusion_issue(conclusion=conclusion, by=demo.chair)

    remediations = list(target.remediations.select_related("recommendation").order_by("pk"))
    reports = [
        "Đã rà soát, cập nhật hồ sơ, sổ sách của 10/10 cơ sở Đoàn.",
        "Ban Thường vụ Huyện đoàn đã tổ chức kiểm điểm, rút kinh nghiệm; có biên bản kèm theo.",
        "Đã hoàn trả kinh phí.",
    ]
    for remediation, report in zip(remediations, reports, strict=True):
        services.remediation_report(remediation=remediation, by=officer, text=report)
    refund = remediations[-1]
    services.remediation_reopen(remediation=refund, by=demo.member1,
                                comment="Chưa gửi kèm giấy nộp tiền hoặc phiếu thu của cơ quan tài chính.")
    services.remediation_report(remediation=refund, by=officer,
                                text="Đã hoàn trả 2.500.000 đồng; gửi kèm phiếu thu số 15 ngày 27/5/2024.")
    for remediation in remediations:
        services.remediation_verify(remediation=remediation, by=demo.member1, comment="Đã khắc phục.")
    return inspection


def _membership(demo, programme, subject):
    """Under way: three self-reports in, two findings, one conclusion awaiting the chair."""
    inspection = _decision(
        programme, subject, by=demo.member2, approver=demo.chair,
        team=[(demo.member2, TeamRole.HEAD, None), (demo.member1, TeamRole.MEMBER, None)],
        kind=InspectionKind.THEMATIC_SUPERVISION, units=demo.targets(COMMITTEE_TARGETS),
        content="Việc kết nạp, quản lý đoàn viên, sinh hoạt chi đoàn và cập nhật dữ liệu đoàn viên.",
        legal_basis="Điều lệ Đoàn TNCS Hồ Chí Minh; Hướng dẫn thực hiện Điều lệ Đoàn.",
        starts_on=datetime.date(YEAR, 6, 3), ends_on=datetime.date(YEAR, 7, 31), self_report_due=_at(5, 31),
    )
    targets = _targets(inspection)
    for target in targets[:3]:
        services.target_self_report(target=target, by=demo.officer(target.unit),
                                    text=f"{target.unit.name} báo cáo công tác phát triển và quản lý đoàn viên.")
    first, second = targets[:2]
    services.finding_record(target=first, by=demo.member1, category=FindingCategory.STRENGTH,
                            description="Kết nạp vượt chỉ tiêu đoàn viên mới được giao.")
    services.finding_record(target=second, by=demo.member1, category=FindingCategory.SHORTCOMING,
                            severity=Severity.MINOR, description="Chưa cập nhật đủ thông tin đoàn viên lên phần mềm.")
    conclusion = _conclusion_save(
        target=first, by=demo.member2, text="Đơn vị thực hiện tốt công tác phát triển và quản lý đoàn viên.",
        recommendations=[("Duy trì việc cập nhật dữ liệu đoàn viên hằng quý.", _at(9, 30))],
    )
    services.conclusion_submit(conclusion=conclusion, by=demo.member2)
    return inspection


def _youth_policy(demo, programme, subject):
    """An outside body: the team enters its report; the conclusion is approved, awaiting issue."""
    inspection = _decision(
        programme, subject, by=demo.member1, approver=demo.chair,
        team=[(demo.member1, TeamRole.HEAD, None), (demo.member2, TeamRole.MEMBER, None)],
        kind=InspectionKind.THEMATIC_SUPERVISION, outside_bodies=[PEOPLES_COMMITTEE],
        content="Việc thực hiện Luật Thanh niên và Chiến lược phát triển thanh niên trên địa bàn huyện.",
        legal_basis="Quyết định 217-QĐ/TW về giám sát và phản biện xã hội của Mặt trận Tổ quốc và các "
                    "đoàn thể chính trị - xã hội.",
        starts_on=datetime.date(YEAR, 8, 5), ends_on=datetime.date(YEAR, 8, 30), self_report_due=_at(8, 2),
    )
    [target] = _targets(inspection)
    services.target_self_report(target=target, by=demo.member1,
                                text="Báo cáo của Ủy ban nhân dân huyện Mường Ảng về việc thực hiện chính sách "
                                     "đối với thanh niên giai đoạn 2021-2024.")
    services.finding_record(target=target, by=demo.member2, category=FindingCategory.STRENGTH,
                            description="Bố trí kinh phí hỗ trợ thanh niên khởi nghiệp hằng năm.")
    services.finding_record(target=target, by=demo.member2, category=FindingCategory.SHORTCOMING,
                            severity=Severity.MODERATE,
                            description="Chưa ban hành kế hoạch thực hiện Chiến lược phát triển thanh niên cấp huyện.")
    conclusion = _conclusion_save(
        target=target, by=demo.member1,
        text="Ủy ban nhân dân huyện quan tâm thực hiện chính sách đối với thanh niên; còn một số nội dung chậm.",
        recommendations=[("Ban hành kế hoạch thực hiện Chiến lược phát triển thanh niên giai đoạn 2021-2030.",
                          _at(12, 31))],
    )
    services.conclusion_submit(conclusion=conclusion, by=demo.member1)
    services.conclusion_approve(conclusion=conclusion, by=demo.chair)
    return inspection


def _directive(demo, programme, subject):
    """The standing board's inspection: four self-reports, findings, one conclusion awaiting the secretary."""
    xdd_head, xdd_officer = demo.users["truongban"], demo.users["chuyenvien"]
    inspection = _decision(
        programme, subject, by=demo.member1, approver=demo.secretary,
        team=[(xdd_head, TeamRole.HEAD, None), (xdd_officer, TeamRole.MEMBER, None),
              (demo.member2, TeamRole.MEMBER, None)],
        kind=InspectionKind.REGULAR_INSPECTION, units=demo.targets(BOARD_TARGETS),
        content="Việc quán triệt, xây dựng kế hoạch và tổ chức thực hiện Chỉ thị; kết quả sau một năm thực hiện.",
        legal_basis="Điều lệ Đoàn TNCS Hồ Chí Minh; Chương trình kiểm tra, giám sát năm 2024 của Ban Thường vụ "
                    "Tỉnh đoàn.",
        starts_on=datetime.date(YEAR, 9, 9), ends_on=datetime.date(YEAR, 10, 31), self_report_due=_at(9, 6),
    )
    targets = _targets(inspection)
    for target in targets[:4]:
        services.target_self_report(target=target, by=demo.officer(target.unit),
                                    text=f"{target.unit.name} báo cáo kết quả thực hiện Chỉ thị 01-CT/TWĐTN.")
    first, second = targets[:2]
    services.finding_record(target=first, by=xdd_officer, category=FindingCategory.STRENGTH,
                            description="Ban hành kế hoạch thực hiện Chỉ thị kịp thời, có sơ kết định kỳ.")
    services.finding_record(target=first, by=xdd_officer, category=FindingCategory.SHORTCOMING,
                            severity=Severity.MINOR, description="Chưa phân công theo dõi cụ thể từng cơ sở.")
    services.finding_record(target=second, by=demo.member2, category=FindingCategory.VIOLATION,
                            severity=Severity.MINOR, description="Không tổ chức sơ kết 6 tháng theo yêu cầu.")
    conclusion = _conclusion_save(
        target=first, by=xdd_head, text="Đơn vị triển khai Chỉ thị nghiêm túc, đạt kết quả tốt.",
        recommendations=[("Phân công ủy viên Ban Thường vụ theo dõi từng cơ sở Đoàn.", _at(12, 15))],
    )
    services.conclusion_submit(conclusion=conclusion, by=xdd_head)
    services.conclusion_save(target=second, by=xdd_head, text="Đơn vị cần chấn chỉnh việc sơ kết định kỳ.")
    return inspection


def _charter(demo, programme, subject):
    """A decision returned once by the chair and resubmitted: awaiting approval."""
    inspection = _decision(
        programme, subject, by=demo.member2,
        team=[(demo.member2, TeamRole.HEAD, None), (demo.member1, TeamRole.MEMBER, None)],
        kind=InspectionKind.REGULAR_INSPECTION, units=demo.targets(CHARTER_TARGETS),
        content="Việc chấp hành Điều lệ Đoàn, chế độ sinh hoạt.",
        starts_on=datetime.date(YEAR, 11, 4), ends_on=datetime.date(YEAR, 11, 29), self_report_due=_at(11, 1),
    )
    services.inspection_return(inspection=inspection, by=demo.chair,
                               comment="Bổ sung nội dung kiểm tra việc thu, nộp và quản lý đoàn phí.")
    services.inspection_update(inspection=inspection, by=demo.member2,
                               content="Việc chấp hành Điều lệ Đoàn, chế độ sinh hoạt; thu, nộp và quản lý đoàn phí.")
    services.inspection_submit(inspection=inspection, by=demo.member2, comment="Đã bổ sung nội dung.")
    return inspection
