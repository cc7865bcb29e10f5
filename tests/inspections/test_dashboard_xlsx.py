"""The committee's dashboard as an .xlsx file (issue 11, deliver 4): the page's figures for the same
unit and year, the overdue remediations with their working days late, nothing for a person who
inspects for no unit. Every figure expected here is counted from what the test did."""

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from inspections import services
from inspections.models import FindingCategory, Inspection, Severity
from tests.helpers import at
from tests.inspections.helpers import conclude, decided_inspection, draft_inspection, programme, target_of

pytestmark = pytest.mark.django_db

SET_UP_AT = at(2025, 3, 3, 9, 0)
READ_AT = at(2025, 4, 14, 9, 0)  # a Monday
LATE_DUE = at(2025, 4, 4, 17, 0)  # a Friday, before the Hùng Kings' day off
LATER_DUE = at(2025, 4, 8, 17, 0)  # a Tuesday
HUNG_KINGS = datetime.date(2025, 4, 7)  # Giỗ Tổ Hùng Vương, Monday 7/4/2025: not a working day
STATE_LABELS = {"draft": "Dự thảo", "awaiting_approval": "Chờ lãnh đạo phê duyệt", "in_progress": "Đang tiến hành",
                "concluded": "Đã kết luận, đang khắc phục", "closed": "Đã kết thúc"}
CATEGORY_LABELS = {"strength": "Ưu điểm", "shortcoming": "Hạn chế", "violation": "Vi phạm"}
SEVERITY_HEADINGS = ["Nhẹ", "Trung bình", "Nghiêm trọng", "Không xếp mức độ"]
OVERDUE_HEADERS = ("STT", "Đơn vị", "Cuộc kiểm tra", "Số quyết định", "Kiến nghị", "Hạn", "Số ngày làm việc trễ")


def working_days_late(due: datetime.datetime, today: datetime.date) -> int:
    """Monday to Friday after the due day up to today, less the one public holiday of the span."""
    day, count = due.date(), 0
    while day < today:
        day += datetime.timedelta(days=1)
        count += day.weekday() < 5 and day != HUNG_KINGS
    return max(count, 1)


@pytest.fixture
def year_2025(staff):
    """The committee's 2025: one inspection under way (Mường Ảng concluded with two recommendations,
    both late on READ_AT, and one not yet due; Tuần Giáo with a strength), one awaiting approval, one
    draft; and a 2024 inspection that the 2025 figures leave out."""
    t = staff.tree
    with time_machine.travel(SET_UP_AT, tick=False):
        prog = programme(staff, year=2025)
        under_way = decided_inspection(staff, prog=prog)
        submitted = draft_inspection(staff, prog=prog, targets=[t.tuan_giao], subject="Giám sát Tuần Giáo")
        services.inspection_submit(inspection=submitted, by=staff.inspector)
        draft_inspection(staff, prog=prog, targets=[t.muong_ang], subject="Kiểm tra dự thảo")
        decided_inspection(staff, prog=programme(staff, year=2024), subject="Kiểm tra năm trước")

        muong_ang = target_of(under_way, t.muong_ang)
        services.finding_record(target=muong_ang, by=staff.inspector2, category=FindingCategory.VIOLATION,
                                severity=Severity.SERIOUS, description="Thu đoàn phí không đúng quy định.")
        services.finding_record(target=target_of(under_way, t.tuan_giao), by=staff.inspector2,
                                category=FindingCategory.STRENGTH, severity="", description="Làm tốt.")
        # conclude() records one more finding: a minor shortcoming.
        conclude(staff, muong_ang, recommendations=[
            ("Cập nhật sổ sách đoàn viên.", LATER_DUE),
            ("Hoàn trả đoàn phí thu sai.", LATE_DUE),
            ("Tổ chức sinh hoạt chi đoàn định kỳ.", at(2025, 5, 30, 17, 0)),
        ])
    return Inspection.objects.get(pk=under_way.pk)


def download(client, user, **params):
    client.force_login(user)
    with time_machine.travel(READ_AT, tick=False):
        return client.get(reverse("inspections:dashboard-xlsx"), params)


def workbook(client, user, **params):
    response = download(client, user, **params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def table_after(sheet, first_heading):
    """The rows of the table whose header row starts with `first_heading`, its total row last."""
    rows, inside = [], False
    for row in sheet.iter_rows(values_only=True):
        if row[0] == first_heading:
            inside = True
        elif inside:
            rows.append(row)
            if row[0] == "Tổng cộng" or row[1] == "Tổng cộng":
                return rows
    raise AssertionError(f"no table {first_heading}")


def test_the_summary_sheet_counts_the_years_inspections_by_state(client, staff, year_2025):
    sheet = workbook(client, staff.inspection_chair)["Tổng hợp"]
    assert sheet["A2"].value == f"Đơn vị: {staff.tree.province.name}"
    assert sheet["A3"].value == "Tính đến 09:00 ngày 14/04/2025"

    rows = table_after(sheet, "Cuộc kiểm tra, giám sát theo trạng thái")
    expected = {"draft": 1, "awaiting_approval": 1, "in_progress": 1, "concluded": 0, "closed": 0}
    assert {label: n for label, n, *_rest in rows[:-1]} == {STATE_LABELS[c]: n for c, n in expected.items()}
    assert rows[-1][:2] == ("Tổng cộng", 3)


def test_the_summary_sheet_has_the_category_by_severity_matrix_with_totals(client, staff, year_2025):
    sheet = workbook(client, staff.inspection_chair)["Tổng hợp"]
    header = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "Phát hiện theo loại")
    assert list(header[1:6]) == [*SEVERITY_HEADINGS, "Tổng cộng"]

    rows = table_after(sheet, "Phát hiện theo loại")
    # minor, moderate, serious, without severity, total
    assert {row[0]: row[1:6] for row in rows[:-1]} == {
        CATEGORY_LABELS["strength"]: (0, 0, 0, 1, 1),
        CATEGORY_LABELS["shortcoming"]: (1, 0, 0, 0, 1),
        CATEGORY_LABELS["violation"]: (0, 0, 1, 0, 1),
    }
    assert rows[-1][:6] == ("Tổng cộng", 1, 0, 1, 1, 3)


def test_the_summary_sentence_is_the_pages(client, staff, year_2025):
    sheet = workbook(client, staff.inspection_chair)["Tổng hợp"]
    with time_machine.travel(READ_AT, tick=False):
        body = client.get(reverse("inspections:dashboard")).content.decode()
    sentence = sheet["A5"].value
    assert sentence
    assert f'<p class="context year-summary">{sentence}</p>' in body


def test_the_overdue_sheet_lists_the_late_remediations_with_working_days_late(client, staff, year_2025):
    sheet = workbook(client, staff.inspection_chair)["Khắc phục quá hạn"]
    rows = table_after(sheet, "STT")
    assert tuple(next(r for r in sheet.iter_rows(values_only=True) if r[0] == "STT")) == OVERDUE_HEADERS

    today = READ_AT.date()
    unit, subject, number = staff.tree.muong_ang.name, year_2025.subject, year_2025.decision_number
    assert number
    # Earliest due first; the recommendation due in May is not late.
    assert rows[:-1] == [
        (1, unit, subject, number, "Hoàn trả đoàn phí thu sai.", datetime.datetime(2025, 4, 4),
         working_days_late(LATE_DUE, today)),
        (2, unit, subject, number, "Cập nhật sổ sách đoàn viên.", datetime.datetime(2025, 4, 8),
         working_days_late(LATER_DUE, today)),
    ]
    assert [r[6] for r in rows[:-1]] == [5, 4]  # the holiday of 7/4 is not counted
    assert rows[-1][1:3] == ("Tổng cộng", 2)


def test_the_due_dates_are_excel_dates(client, staff, year_2025):
    sheet = workbook(client, staff.inspection_chair)["Khắc phục quá hạn"]
    dues = [row[5] for row in sheet.iter_rows(min_row=5) if isinstance(row[0].value, int)]
    assert len(dues) == 2
    for cell in dues:
        assert cell.is_date and isinstance(cell.value, datetime.datetime)
        assert cell.number_format == "dd/mm/yyyy"


def test_another_year_counts_only_that_years_inspections(client, staff, year_2025):
    book = workbook(client, staff.inspection_chair, year=2024, unit=staff.tree.province.pk)
    rows = table_after(book["Tổng hợp"], "Cuộc kiểm tra, giám sát theo trạng thái")
    assert {label: n for label, n, *_rest in rows[:-1] if n} == {STATE_LABELS["in_progress"]: 1}
    assert table_after(book["Khắc phục quá hạn"], "STT") == [(None, "Tổng cộng", 0, None, None, None, None)]


def test_a_person_who_inspects_for_no_unit_gets_404(client, staff, year_2025):
    for user in (staff.muong_ang_officer, staff.tuan_giao_officer):
        assert download(client, user).status_code == 404, user
        assert download(client, user, unit=staff.tree.province.pk, year=2025).status_code == 404, user


def test_asking_for_a_unit_one_does_not_inspect_for_gets_ones_own(client, staff, year_2025):
    sheet = workbook(client, staff.inspector, unit=staff.tree.muong_ang.pk, year=2025)["Tổng hợp"]
    assert sheet["A2"].value == f"Đơn vị: {staff.tree.province.name}"


def test_the_page_links_the_file_for_its_unit_and_year(client, staff, year_2025):
    with time_machine.travel(READ_AT, tick=False):
        client.force_login(staff.inspection_chair)
        body = client.get(reverse("inspections:dashboard"), {"year": 2024}).content.decode()
        client.force_login(staff.muong_ang_officer)
        outsider = client.get(reverse("inspections:dashboard"))
    link = f'{reverse("inspections:dashboard-xlsx")}?unit={staff.tree.province.pk}&amp;year=2024'
    assert f'href="{link}"' in body
    assert reverse("inspections:dashboard-xlsx") not in outsider.content.decode()


def test_the_file_needs_a_login(client):
    response = client.get(reverse("inspections:dashboard-xlsx"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
