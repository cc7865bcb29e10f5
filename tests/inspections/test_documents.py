"""Generated inspection documents: the conclusion notice (.docx) and the year summary sentence."""

import datetime
import io
import itertools
import re

import docx
import pytest
from django.utils import timezone

from accounts.demo import LEVEL_NAMES
from accounts.models import Role, Unit, UnitLevel
from accounts.services import position_create
from inspections import services
from inspections.documents import conclusion_docx, year_summary
from inspections.models import FindingCategory, InspectionKind, Recommendation, Severity, TeamRole
from tests.factories import UnitFactory, UserFactory
from tests.inspections.helpers import decided_inspection, programme, target_of

pytestmark = pytest.mark.django_db

SUBJECT = "Kiểm tra công tác triển khai Tháng Thanh niên năm 2024"


def text_of(content: bytes) -> str:
    """Every paragraph of the document, the heading and closing tables included, one a line."""
    document = docx.Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for cell in table._cells:
            lines += [p.text for p in cell.paragraphs]
    return "\n".join(lines)


def record(people, target, category, description, severity=""):
    return services.finding_record(target=target, by=people.inspector2, category=category,
                                   severity=severity, description=description)


@pytest.fixture
def notices(people):
    """Mường Ảng's conclusion issued with three findings and two recommendations; Tuần Giáo's a draft."""
    t = people.tree
    inspection = decided_inspection(people)
    muong_ang, tuan_giao = target_of(inspection, t.muong_ang), target_of(inspection, t.tuan_giao)
    for target, officer in ((muong_ang, people.muong_ang_officer), (tuan_giao, people.tuan_giao_officer)):
        services.target_self_report(target=target, by=officer, text="Báo cáo tự kiểm tra của đơn vị.")
    record(people, muong_ang, FindingCategory.STRENGTH, "Ban hành kế hoạch Tháng Thanh niên kịp thời.")
    record(people, muong_ang, FindingCategory.SHORTCOMING, "Sổ sách chưa cập nhật đầy đủ.", Severity.MINOR)
    record(people, muong_ang, FindingCategory.VIOLATION, "Chi kinh phí hoạt động chưa đúng mục đích.",
           Severity.MODERATE)
    record(people, tuan_giao, FindingCategory.VIOLATION, "Không tổ chức lễ ra quân tại cơ sở.", Severity.SERIOUS)
    # The services take only deadlines still to come: saved a month ahead, set back to 30/06/2024.
    due, ahead = timezone.make_aware(datetime.datetime(2024, 6, 30, 17)), timezone.now() + datetime.timedelta(days=30)
    recommendations = [("Cập nhật sổ sách đoàn viên", ahead), ("Hoàn trả kinh phí chi sai mục đích.", ahead)]
    issued = services.conclusion_save(target=muong_ang, by=people.inspector,
                                      text="Đơn vị cơ bản thực hiện tốt.\nCòn một số hạn chế cần khắc phục.",
                                      recommendations=recommendations)
    Recommendation.objects.update(due=due)
    services.conclusion_submit(conclusion=issued, by=people.inspector)
    services.conclusion_approve(conclusion=issued, by=people.inspection_chair)
    issued = services.conclusion_issue(conclusion=issued, by=people.inspection_chair)
    draft = services.conclusion_save(target=tuan_giao, by=people.inspector, text="Đơn vị chưa thực hiện tốt.",
                                     recommendations=[("Tổ chức lễ ra quân bù.", ahead)])
    Recommendation.objects.filter(conclusion=draft).update(due=due)
    return issued, draft


def test_the_issued_notice_has_the_committee_heading_its_number_and_date(notices):
    issued, _draft = notices
    text = text_of(conclusion_docx(issued))
    day = timezone.localdate(issued.issued_at)
    assert re.fullmatch(r"\d{2}-TB/UBKTTĐ", issued.number)
    for expected in ("BCH TỈNH ĐOÀN ĐIỆN BIÊN", "ỦY BAN KIỂM TRA", "ĐOÀN TNCS HỒ CHÍ MINH", f"Số: {issued.number}",
                     f"Điện Biên, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}",
                     "THÔNG BÁO KẾT LUẬN KIỂM TRA", SUBJECT, "đối với Huyện đoàn Mường Ảng"):
        assert expected in text.splitlines()
    assert "DỰ THẢO" not in text


def test_the_notice_cites_the_decision_and_holds_the_conclusion_text(notices):
    issued, _draft = notices
    inspection = issued.target.inspection
    text = text_of(conclusion_docx(issued))
    decided = timezone.localdate(inspection.decided_at).strftime("%d/%m/%Y")
    assert f"Thực hiện Kế hoạch số {inspection.decision_number} ngày {decided}" in text
    assert "Đơn vị cơ bản thực hiện tốt.\nCòn một số hạn chế cần khắc phục." in text


def test_the_notice_lists_this_units_findings_by_category_and_not_another_units(notices):
    issued, _draft = notices
    lines = text_of(conclusion_docx(issued)).splitlines()
    start = lines.index("1. Ưu điểm")
    assert lines[start:start + 6] == [
        "1. Ưu điểm",
        "- Ban hành kế hoạch Tháng Thanh niên kịp thời.",
        "2. Hạn chế, thiếu sót",
        "- Sổ sách chưa cập nhật đầy đủ (mức độ nhẹ).",
        "3. Vi phạm",
        "- Chi kinh phí hoạt động chưa đúng mục đích (mức độ trung bình).",
    ]
    assert not any("ra quân" in line for line in lines)


def test_the_notice_lists_the_recommendations_with_their_deadlines(notices):
    issued, _draft = notices
    lines = text_of(conclusion_docx(issued)).splitlines()
    start = lines.index("4. Kiến nghị")
    assert lines[start + 1:start + 3] == [
        "- Cập nhật sổ sách đoàn viên (thời hạn khắc phục: trước ngày 30/06/2024).",
        "- Hoàn trả kinh phí chi sai mục đích (thời hạn khắc phục: trước ngày 30/06/2024).",
    ]


def test_the_notice_closes_with_recipients_and_the_chairs_signature(notices, people):
    issued, _draft = notices
    lines = text_of(conclusion_docx(issued)).splitlines()
    start = lines.index("Nơi nhận:")
    assert lines[start + 1:start + 4] == ["- Huyện đoàn Mường Ảng (để thực hiện);",
                                          "- Ban Thường vụ Tỉnh đoàn (để báo cáo);", "- Lưu UBKT."]
    assert {"T/M ỦY BAN KIỂM TRA", "CHỦ NHIỆM", people.inspection_chair.full_name} <= set(lines)


def test_a_draft_notice_is_marked_and_has_no_number_or_date(notices):
    _issued, draft = notices
    lines = text_of(conclusion_docx(draft)).splitlines()
    assert lines[0] == "DỰ THẢO"
    assert "Số: …-TB/UBKTTĐ" in lines
    assert not any(re.search(r"Số: \d", line) for line in lines)
    assert f"Điện Biên, ngày … tháng … năm {timezone.localdate().year}" in lines
    assert "- Không tổ chức lễ ra quân tại cơ sở (mức độ nghiêm trọng)." in lines
    assert "Tòng Văn Minh" not in lines


def test_a_correction_after_issue_is_shown_with_the_finding_it_corrects(notices, people):
    issued, _draft = notices
    target = issued.target
    shortcoming = target.findings.get(category=FindingCategory.SHORTCOMING)
    services.finding_record(target=target, by=people.inspector2, category=FindingCategory.SHORTCOMING,
                            severity=Severity.MODERATE, description="Sổ sách của 3 chi đoàn chưa cập nhật.",
                            corrects=shortcoming)
    lines = text_of(conclusion_docx(issued)).splitlines()
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert (f"- Sổ sách chưa cập nhật đầy đủ (mức độ nhẹ). Đính chính ngày {today} (hạn chế, thiếu sót): "
            "Sổ sách của 3 chi đoàn chưa cập nhật (mức độ trung bình).") in lines
    assert lines.count("2. Hạn chế, thiếu sót") == 1


def test_a_supervision_of_the_standing_board_reads_as_such(people):
    prog = programme(people, committee=False)
    inspection = decided_inspection(people, prog=prog, targets=[], kind=InspectionKind.THEMATIC_SUPERVISION,
                                    outside_bodies=["Ủy ban nhân dân huyện Mường Ảng"],
                                    subject="Giám sát việc thực hiện chính sách đối với thanh niên")
    target = inspection.targets.get()
    conclusion = services.conclusion_save(target=target, by=people.inspector, text="Thực hiện tốt.")
    lines = text_of(conclusion_docx(conclusion)).splitlines()
    assert "THÔNG BÁO KẾT LUẬN GIÁM SÁT" in lines
    assert "BCH TỈNH ĐOÀN ĐIỆN BIÊN" in lines and "ỦY BAN KIỂM TRA" not in lines
    assert "Số: …-TB/TĐTN-XDĐ" in lines
    assert {"T/M BAN THƯỜNG VỤ", "BÍ THƯ", "- Ủy ban nhân dân huyện Mường Ảng (để thực hiện);",
            "- Lưu VP, XDĐ."} <= set(lines)


# --- The year summary ---------------------------------------------------------------------------

_subjects = itertools.count(1)


def chair_of(unit):
    """Someone who may draft and approve inspections of `unit`."""
    user = UserFactory(username=f"{unit.code.lower()}.ubkt")
    position_create(user=user, unit=unit, role=Role.INSPECTION_CHAIR)
    return user


def inspect(prog, by, approver, *, kind=InspectionKind.REGULAR_INSPECTION, units=(), outside=(), issue=True,
            submit=True):
    day = datetime.date(prog.year, 5, 1)
    inspection = services.inspection_create(
        by=by, programme=prog, team=[(by, TeamRole.HEAD, None)], target_units=units, outside_bodies=outside,
        kind=kind, subject=f"Cuộc {next(_subjects)}", starts_on=day, ends_on=day + datetime.timedelta(days=20),
        self_report_due=timezone.make_aware(datetime.datetime(prog.year, 5, 10)),
    )
    if submit:
        services.inspection_submit(inspection=inspection, by=by)
    if issue:
        services.inspection_approve(inspection=inspection, by=approver)
    return inspection


def unit_programme(unit, by, year=2024):
    return services.programme_create(by=by, issuing_unit=unit, year=year, title=f"Chương trình năm {year}")


def children(parent, level, n):
    made = []
    for _ in range(n):
        made.append(UnitFactory(parent=Unit.objects.get(pk=parent.pk), level=level))
    return made


@pytest.fixture
def levels(province_tree):
    for code, (name, rank) in LEVEL_NAMES.items():
        UnitLevel.objects.update_or_create(code=code, defaults={"name": name, "rank": rank})
    return {code: UnitLevel.objects.get(code=code) for code in LEVEL_NAMES}


def province_programmes(people):
    """The standing board inspects 6 districts; the committee supervises 6 others and one outside body."""
    t = people.tree
    others = [u for u in t.districts if u not in (t.muong_ang, t.tuan_giao)]
    board, committee = programme(people, committee=False), programme(people)
    inspect(board, people.inspector, people.province_leader, units=others[:6])
    inspect(committee, people.inspector, people.inspection_chair, kind=InspectionKind.THEMATIC_SUPERVISION,
            units=others[6:12])
    inspect(committee, people.inspector, people.inspection_chair, kind=InspectionKind.THEMATIC_SUPERVISION,
            outside=["Ủy ban nhân dân huyện Mường Ảng"])
    return others[:6], others[6:12], ["Ủy ban nhân dân huyện Mường Ảng"]


def test_the_year_summary_counts_the_provinces_own_and_the_lower_units_inspections(people, levels):
    t = people.tree
    board, committee, outside = province_programmes(people)
    # Not counted: a draft, a decision awaiting approval, another year.
    committee_prog = t.ubkt.inspection_programmes.get(year=2024)
    inspect(committee_prog, people.inspector, people.inspection_chair, units=[t.muong_ang], issue=False, submit=False)
    inspect(committee_prog, people.inspector, people.inspection_chair, units=[t.tuan_giao], issue=False)
    inspect(programme(people, committee=False, year=2023), people.inspector, people.province_leader,
            units=[t.muong_ang, t.tuan_giao])

    grassroots, branch = levels["grassroots"], levels["branch"]
    g1, g2, g3 = children(t.muong_ang, grassroots, 3)
    b1, b2 = children(g1, branch, 2)
    [b3] = children(g2, branch, 1)
    t1, t2 = children(t.tuan_giao, grassroots, 2)
    muong_ang_chair, tuan_giao_chair, g1_chair = chair_of(t.muong_ang), chair_of(t.tuan_giao), chair_of(g1)
    muong_ang = unit_programme(t.muong_ang, muong_ang_chair)
    district_inspected = [
        inspect(muong_ang, muong_ang_chair, muong_ang_chair, units=[g1, g2, g3]),
        inspect(muong_ang, muong_ang_chair, muong_ang_chair, kind=InspectionKind.THEMATIC_INSPECTION,
                units=[g1, b1, b2]),  # g1 again: a second inspection of it counts again
        inspect(unit_programme(t.tuan_giao, tuan_giao_chair), tuan_giao_chair, tuan_giao_chair, units=[t1, t2]),
    ]
    district_supervised = [
        inspect(muong_ang, muong_ang_chair, muong_ang_chair, kind=InspectionKind.REGULAR_SUPERVISION, units=[g2, b3]),
        inspect(muong_ang, muong_ang_chair, muong_ang_chair, kind=InspectionKind.THEMATIC_SUPERVISION,
                outside=["Ủy ban nhân dân xã Ẳng Nưa"]),
    ]
    inspect(muong_ang, muong_ang_chair, muong_ang_chair, units=[g3], submit=False, issue=False)
    inspect(unit_programme(t.muong_ang, muong_ang_chair, year=2023), muong_ang_chair, muong_ang_chair, units=[g1])
    grassroots_inspected = [inspect(unit_programme(g1, g1_chair), g1_chair, g1_chair, units=[b1, b2])]

    def pairs(inspections, level):
        return sum(1 for i in inspections for target in i.targets.all() if target.unit and target.unit.level == level)

    def outside_pairs(inspections):
        return sum(1 for i in inspections for target in i.targets.all() if target.unit is None)

    expected = (
        f"Ban Thường vụ Tỉnh đoàn tổ chức kiểm tra đối với {len(board):02d} đơn vị Đoàn cấp huyện; "
        f"Ủy ban kiểm tra Tỉnh đoàn giám sát chuyên đề đối với {len(committee):02d} đơn vị Đoàn cấp huyện "
        f"và {len(outside):02d} cơ quan, tổ chức ngoài Đoàn. "
        f"Đoàn cấp huyện đã kiểm tra được {pairs(district_inspected, grassroots):02d} đơn vị cơ sở "
        f"và {pairs(district_inspected, branch):02d} chi đoàn, "
        f"giám sát được {pairs(district_supervised, grassroots):02d} đơn vị cơ sở, "
        f"{pairs(district_supervised, branch):02d} chi đoàn "
        f"và {outside_pairs(district_supervised):02d} cơ quan, tổ chức ngoài Đoàn; "
        f"Đoàn cơ sở đã kiểm tra được {pairs(grassroots_inspected, branch):02d} chi đoàn."
    )
    assert year_summary(Unit.objects.get(pk=t.province.pk), 2024) == expected


def test_the_year_summary_of_a_district_speaks_of_its_own_standing_board(people, levels):
    t = people.tree
    chair = chair_of(t.muong_ang)
    units = children(t.muong_ang, levels["grassroots"], 2)
    inspect(unit_programme(t.muong_ang, chair), chair, chair, kind=InspectionKind.THEMATIC_INSPECTION, units=units)
    assert year_summary(t.muong_ang, 2024) == (
        f"Ban Thường vụ Huyện đoàn tổ chức kiểm tra chuyên đề đối với {len(units):02d} đơn vị cơ sở."
    )


def test_a_year_without_issued_inspections_says_so(people):
    inspect(programme(people), people.inspector, people.inspection_chair, units=[people.tree.muong_ang], issue=False)
    assert year_summary(people.tree.province, 2024) == "Năm 2024 chưa có cuộc kiểm tra, giám sát nào được ban hành."


def test_the_year_summary_takes_the_same_queries_whatever_the_data(people, levels, django_assert_num_queries):
    t = people.tree
    chair = chair_of(t.muong_ang)
    muong_ang = unit_programme(t.muong_ang, chair)
    inspect(muong_ang, chair, chair, units=children(t.muong_ang, levels["grassroots"], 1))
    province = Unit.objects.get(pk=t.province.pk)
    with django_assert_num_queries(3):  # the unit's level, the unit's own, the lower units'
        small = year_summary(province, 2024)

    province_programmes(people)
    grassroots = children(t.muong_ang, levels["grassroots"], 4)
    inspect(muong_ang, chair, chair, kind=InspectionKind.REGULAR_SUPERVISION,
            units=[*grassroots, *children(grassroots[0], levels["branch"], 3)])
    g_chair = chair_of(grassroots[1])
    inspect(unit_programme(grassroots[1], g_chair), g_chair, g_chair,
            units=children(grassroots[1], levels["branch"], 2))
    province = Unit.objects.get(pk=t.province.pk)
    with django_assert_num_queries(3):
        large = year_summary(province, 2024)
    assert len(large) > len(small)
