"""The dashboards count what the plan pages show (issue 11, defects 5 and 7): done means accepted,
on time is judged by when the unit sent the report that was accepted, a report awaiting review
is counted apart, and days late are working days."""

import datetime
import io
import re

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from dashboards import ontime
from plans import services
from tests.helpers import at
from tests.plans.helpers import assignment_of, issued_plan
from tests.plans.test_statuses import READ, four_groups_plan
from workflows.calendar import working_days_counter
from workflows.models import CalendarException

pytestmark = pytest.mark.django_db


def page(client, user, name, moment, **params):
    client.force_login(user)
    with time_machine.travel(moment, tick=False):
        return client.get(reverse(f"dashboards:{name}"), params)


def on_time_row(body, code):
    row = re.search(rf'<tr data-unit="{code}"[^>]*>(.*?)</tr>', body, re.S)
    assert row, code
    cells = re.findall(r'<td class="num[^"]*"[^>]*>([^<]*)</td>', row.group(1))
    return dict(zip(("due", "on_time", "late", "overdue", "not_yet_due", "rate", "awaiting_review", "score"),
                    cells, strict=True))


def test_the_on_time_page_counts_the_four_groups_with_only_accepted_reports_done(client, staff):
    plan, units = four_groups_plan(staff)
    body = page(client, staff.province_leader, "on-time", READ, date_from="01/03/2025",
                date_to="31/03/2025").content.decode()

    total = body.split("<tfoot>")[1]
    cells = re.findall(r'<td class="num[^"]*"[^>]*>([^<]*)</td>', total)
    # 6 due: 1 done on time, 1 done late, 3 overdue, 0 in progress, 1 awaiting review (apart).
    assert cells[:5] == ["6", "1", "1", "3", "0"] and cells[6] == "1"
    assert cells[5] == "20%"  # on time ÷ judged work (1 + 1 + 3), the report awaiting review left out
    assert cells[7] == "34%"  # (1 + 0,7 × 1) ÷ 5
    assert on_time_row(body, units["waiting"].code)["awaiting_review"] == "1"
    assert on_time_row(body, units["waiting"].code)["on_time"] == "0"
    assert on_time_row(body, units["waiting"].code)["rate"] == "—"  # nothing judged yet


def test_a_report_not_accepted_is_not_done_on_time():
    due = at(2025, 3, 14, 17, 0)
    rows = [("u", "C", "N", "p", "reported", due, at(2025, 3, 12, 9, 0))]
    table = ontime.on_time_frame(rows, at(2025, 3, 19, 9, 0))
    assert {name: int(table[name][0]) for name in ("on_time", "late", "overdue", "awaiting_review")} == {
        "on_time": 0, "late": 0, "overdue": 0, "awaiting_review": 1}


@pytest.mark.parametrize(("sent", "accepted", "group"), [
    # Sent by the deadline, accepted after it: on time (the unit's submission counts).
    (at(2025, 3, 14, 16, 0), at(2025, 3, 18, 9, 0), "on_time"),
    # Sent after the deadline, accepted at once: late.
    (at(2025, 3, 14, 17, 30), at(2025, 3, 14, 17, 45), "late"),
])
def test_on_time_is_judged_by_the_sending_of_the_accepted_report(sent, accepted, group):
    due = at(2025, 3, 14, 17, 0)
    rows = [("u", "C", "N", "p", "accepted", due, sent)]
    table = ontime.on_time_frame(rows, accepted + datetime.timedelta(days=1))
    assert {name: int(table[name][0]) for name in ("on_time", "late")} == {
        "on_time": int(group == "on_time"), "late": int(group == "late")}


def test_a_returned_report_past_its_deadline_is_overdue_not_done():
    due = at(2025, 3, 14, 17, 0)
    # Returned: back in "received" with the first submission's time on record.
    rows = [("u", "C", "N", "p", "received", due, at(2025, 3, 12, 9, 0))]
    table = ontime.on_time_frame(rows, at(2025, 3, 19, 9, 0))
    assert (int(table["overdue"][0]), int(table["on_time"][0])) == (1, 0)


def test_the_excel_sheet_has_the_awaiting_reviews_and_the_score(client, staff):
    four_groups_plan(staff)
    response = page(client, staff.province_leader, "on-time-xlsx", READ, date_from="01/03/2025",
                    date_to="31/03/2025")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(5, 5).value == "Hoàn thành đúng hạn" and sheet.cell(5, 10).value == "Đã báo cáo, chờ duyệt"
    total = next(row for row in sheet.iter_rows(min_row=6, values_only=True) if row[2] == "Tổng cộng")
    assert total[3:9] == (6, 1, 1, 3, 0, pytest.approx(0.2))
    assert total[9] == 1 and total[10] == pytest.approx(0.34)


# -- days late in working days (defect 7) --------------------------------------------------------

def test_days_late_are_working_days():
    late = working_days_counter(datetime.date(2026, 11, 1), datetime.date(2026, 12, 2))
    # Due Friday 27/11 at 17:00, seen on Wednesday 02/12: Mon, Tue, Wed, not 5 calendar days.
    assert late(datetime.date(2026, 11, 27)) == 3


def test_days_late_skip_the_deployments_own_days_off(db):
    CalendarException.objects.create(date=datetime.date(2026, 12, 1), is_working_day=False)
    late = working_days_counter(datetime.date(2026, 11, 27), datetime.date(2026, 12, 2))
    assert late(datetime.date(2026, 11, 27)) == 2


def test_the_overview_shows_working_days_late(client, staff):
    t = staff.tree
    with time_machine.travel(at(2026, 11, 20, 9, 0), tick=False):
        plan = issued_plan(staff, recipients=[t.muong_ang], report_due=at(2026, 11, 27, 17, 0))
    mine = assignment_of(plan, t.muong_ang)
    with time_machine.travel(at(2026, 11, 23, 9, 0), tick=False):
        services.assignment_receive(assignment=mine, by=staff.muong_ang_officer)
    body = page(client, staff.province_leader, "overview", at(2026, 12, 2, 10, 0)).content.decode()
    assert f'data-assignment="{mine.pk}" data-days-late="3"' in body
