"""The overdue dashboard as an .xlsx file (issue 11, deliver 4): the rows of the page for the same
person, in the page's order, with real dates and numbers. Every figure expected here is counted
from what the test did."""

import datetime
import io
import re

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import Assignment
from tests.dashboards.test_dashboards import act, officer_of, page, province_plan
from tests.helpers import at

pytestmark = pytest.mark.django_db

READ_AT = at(2025, 3, 13, 9, 0)  # a Thursday; no public holiday in March 2025
DUE = at(2025, 3, 10, 17, 0)  # a Monday
RECEIPT_DUE = at(2025, 3, 5, 17, 0)  # a Wednesday
HEADERS = ("STT", "Mã đơn vị", "Đơn vị", "Số kế hoạch", "Trích yếu kế hoạch", "Bước", "Hạn", "Số ngày làm việc trễ")
FIRST_ROW = 5
REPORT, RECEIPT = "Báo cáo kết quả", "Xác nhận đã nhận"


def weekdays_late(due: datetime.datetime, today: datetime.date) -> int:
    """Monday to Friday after the due day up to today: the working days of a month without holidays."""
    day, count = due.date(), 0
    while day < today:
        day += datetime.timedelta(days=1)
        count += day.weekday() < 5
    return count


@pytest.fixture
def overdue(staff):
    """Of one plan to three districts Mường Ảng reports on time, Tuần Giáo only confirms receipt and
    the third does nothing; a second plan to the third is late in confirming receipt only."""
    t = staff.tree
    third = next(u for u in t.districts if u not in (t.muong_ang, t.tuan_giao))
    plan = province_plan(staff, [t.muong_ang, t.tuan_giao, third], DUE, subject="Kế hoạch Tháng Thanh niên")
    act(plan.assignments.get(unit=t.muong_ang), "on_time", staff.muong_ang_officer)
    act(plan.assignments.get(unit=t.tuan_giao), "received", staff.tuan_giao_officer)
    receipt_only = province_plan(staff, [third], at(2025, 3, 31, 17, 0), subject="Kế hoạch xác nhận",
                                 receipt_due=RECEIPT_DUE)
    return plan, receipt_only, third


def workbook(client, user, moment=READ_AT):
    response = page(client, user, "overview-xlsx", moment)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def table(sheet):
    """The rows between the header and the total row."""
    rows = []
    for row in sheet.iter_rows(min_row=FIRST_ROW):
        if row[1].value == "Tổng cộng":
            return rows, row
        rows.append(row)
    raise AssertionError("no total row")


def test_the_issuer_gets_every_overdue_row_with_its_step_due_and_working_days(client, staff, overdue):
    plan, receipt_only, third = overdue
    t = staff.tree
    sheet = workbook(client, staff.province_leader)["Việc quá hạn"]

    assert sheet["A2"].value == "Tính đến 09:00 ngày 13/03/2025"
    assert tuple(cell.value for cell in sheet[FIRST_ROW - 1]) == HEADERS
    rows, total = table(sheet)
    today = READ_AT.date()
    expected = {
        (t.tuan_giao.code, t.tuan_giao.name, plan.number, plan.subject, REPORT, DUE, weekdays_late(DUE, today)),
        (third.code, third.name, plan.number, plan.subject, REPORT, DUE, weekdays_late(DUE, today)),
        (third.code, third.name, receipt_only.number, receipt_only.subject, RECEIPT, RECEIPT_DUE,
         weekdays_late(RECEIPT_DUE, today)),
    }
    found = {(r[1].value, r[2].value, r[3].value, r[4].value, r[5].value, r[6].value, r[7].value) for r in rows}
    assert found == {(*row[:5], row[5].replace(tzinfo=None), row[6]) for row in expected}
    assert [r[0].value for r in rows] == [1, 2, 3]
    assert total[2].value == len(expected) and isinstance(total[2].value, int)


def test_dates_are_excel_datetimes_and_days_late_numbers(client, staff, overdue):
    rows, _total = table(workbook(client, staff.province_leader)["Việc quá hạn"])
    for row in rows:
        due, days = row[6], row[7]
        assert due.is_date and isinstance(due.value, datetime.datetime)
        assert due.number_format.startswith("dd/mm/yyyy")
        assert isinstance(days.value, int)


def test_the_rows_come_in_the_pages_order(client, staff, overdue):
    body = page(client, staff.province_leader, "overview", READ_AT).content.decode()
    shown = [int(pk) for pk in re.findall(r'data-assignment="(\d+)"', body)]
    assignments = Assignment.objects.select_related("unit", "plan").in_bulk(shown)
    on_page = [(assignments[pk].unit.code, assignments[pk].plan.subject) for pk in shown]

    rows, _total = table(workbook(client, staff.province_leader)["Việc quá hạn"])
    assert [(r[1].value, r[4].value) for r in rows] == on_page


def test_the_plan_sheet_counts_overdue_of_total_and_the_most_days_late(client, staff, overdue):
    plan, receipt_only, _third = overdue
    today = READ_AT.date()
    sheet = workbook(client, staff.province_leader)["Theo kế hoạch"]
    rows, total = table(sheet)

    # Two of the plan's three recipients are late; the second plan's one recipient is.
    assert [(r[1].value, r[2].value, r[4].value, r[5].value, r[6].value) for r in rows] == [
        (plan.number, plan.subject, 2, 3, weekdays_late(DUE, today)),
        (receipt_only.number, receipt_only.subject, 1, 1, weekdays_late(RECEIPT_DUE, today)),
    ]
    assert rows[0][3].value == staff.tree.province.name
    assert (total[4].value, total[5].value, total[6].value) == (3, 4, weekdays_late(RECEIPT_DUE, today))


def test_a_recipient_gets_only_its_own_overdue_work(client, staff, overdue):
    plan, _receipt_only, _third = overdue
    book = workbook(client, staff.tuan_giao_officer)
    rows, total = table(book["Việc quá hạn"])
    assert [(r[1].value, r[4].value) for r in rows] == [(staff.tree.tuan_giao.code, plan.subject)]
    assert total[2].value == 1
    plans, _total = table(book["Theo kế hoạch"])
    assert [(r[2].value, r[4].value, r[5].value) for r in plans] == [(plan.subject, 1, 1)]


def test_a_unit_with_nothing_overdue_and_an_outsider_get_no_rows(client, staff, overdue):
    t = staff.tree
    stranger = officer_of(next(u for u in t.districts[::-1] if u not in (t.muong_ang, t.tuan_giao, overdue[2])))
    for user in (staff.muong_ang_officer, stranger):
        book = workbook(client, user)
        for name in ("Việc quá hạn", "Theo kế hoạch"):
            rows, _total = table(book[name])
            assert rows == [], (user, name)
        assert table(book["Việc quá hạn"])[1][2].value == 0


def test_the_page_links_the_file_only_when_something_is_overdue(client, staff, overdue):
    link = f'href="{reverse("dashboards:overview-xlsx")}"'
    assert link in page(client, staff.province_leader, "overview", READ_AT).content.decode()
    assert link not in page(client, staff.muong_ang_officer, "overview", READ_AT).content.decode()


def test_the_file_needs_a_login(client):
    response = client.get(reverse("dashboards:overview-xlsx"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_file_costs_the_same_queries_for_3_and_30_overdue_rows(client, staff):
    districts = staff.tree.districts

    def queries():
        client.force_login(staff.province_leader)  # the login's own queries are not the file's
        with time_machine.travel(READ_AT, tick=False), CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("dashboards:overview-xlsx"))
        rows, _total = table(openpyxl.load_workbook(io.BytesIO(response.content))["Việc quá hạn"])
        return len(ctx.captured_queries), len(rows)

    province_plan(staff, districts[:3], DUE, subject="Kế hoạch đầu")
    few, rows_few = queries()
    province_plan(staff, districts, DUE, subject="Kế hoạch thứ hai")
    province_plan(staff, districts[:10], at(2025, 3, 31, 17, 0), subject="Kế hoạch xác nhận",
                  receipt_due=RECEIPT_DUE)
    province_plan(staff, districts[3:4], at(2025, 3, 11, 17, 0), subject="Kế hoạch cuối")
    many, rows_many = queries()

    assert len(districts) == 16 and (rows_few, rows_many) == (3, 3 + 16 + 10 + 1)
    assert few == many
