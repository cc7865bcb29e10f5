"""Dashboards: overdue now (per unit, per plan) and on-time reporting per recipient unit, as a
page and as an Excel sheet. Every figure expected here is counted from what the test did."""

import datetime
import io
import re
from collections import Counter

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Position, Role, UnitLevel
from accounts.services import position_create
from plans import services
from tests.factories import UnitFactory, UserFactory
from tests.helpers import at
from tests.plans.helpers import issued_plan

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def officer_of(unit):
    user = UserFactory(username=f"{unit.code.lower()}.test")
    position_create(user=user, unit=unit, role=Role.OFFICER)
    Position.objects.filter(user=user).update(valid_from=datetime.date(2020, 1, 1))
    return user


ISSUED_AT = at(2025, 3, 1, 9, 0)


def province_plan(staff, recipients, due, issued=ISSUED_AT, **fields):
    with time_machine.travel(issued, tick=False):
        return issued_plan(staff, recipients=recipients, report_due=due,
                           subject=fields.pop("subject", f"Kế hoạch hạn {due:%d/%m/%Y}"), **fields)


def act(assignment, outcome, officer, moment=None, reviewer=None):
    """Make `outcome` true of an assignment: reported on time, late, only received, or nothing.

    With a `reviewer`, a report is also accepted (done): only accepted work is completed."""
    if outcome == "none":
        return
    due = assignment.report_due
    moment = moment or (due - DAY if outcome in ("on_time", "received") else due + 2 * DAY)
    with time_machine.travel(moment, tick=False):
        services.assignment_receive(assignment=assignment, by=officer)
        if outcome != "received":
            services.assignment_report(assignment=assignment, by=officer, text="Đã thực hiện.")
            if reviewer is not None:
                services.assignment_accept(assignment=assignment, by=reviewer)


def page(client, user, name, moment, **params):
    client.force_login(user)
    with time_machine.travel(moment, tick=False):
        return client.get(reverse(f"dashboards:{name}"), params)


# -- on-time rates ------------------------------------------------------------------------------

# (plan, unit index) → what the unit did. P3 is due after the day the page is read.
OUTCOMES = {
    "P1": ["on_time", "on_time", "late", "none", "on_time"],
    "P2": ["on_time", "late", "none", "none", "late"],
    "P3": ["on_time", "none", "none", "none", "on_time"],
}
DUES = {"P1": at(2025, 3, 10, 17, 0), "P2": at(2025, 3, 20, 17, 0), "P3": at(2025, 4, 30, 17, 0)}
READ_AT = at(2025, 4, 1, 10, 0)


def expected_table(units):
    """Counted from OUTCOMES alone: {code: (due, on time, late, not reported, not yet due, rate)}."""
    table = {}
    for index, unit in enumerate(units):
        counts = Counter()
        for plan, outcomes in OUTCOMES.items():
            outcome = outcomes[index]
            counts["due"] += 1
            if outcome in ("on_time", "late"):
                counts[outcome] += 1
            elif DUES[plan] < READ_AT:
                counts["not_reported"] += 1
            else:
                counts["not_yet_due"] += 1
        settled = counts["on_time"] + counts["late"] + counts["not_reported"]
        table[unit.code] = (counts["due"], counts["on_time"], counts["late"], counts["not_reported"],
                            counts["not_yet_due"], counts["on_time"] / settled * 100)
    return table


@pytest.fixture
def reporting(staff):
    units = staff.tree.districts[:5]
    officers = [officer_of(unit) for unit in units]
    plans = {name: province_plan(staff, units, due) for name, due in DUES.items()}
    for name, outcomes in OUTCOMES.items():
        for unit, officer, outcome in zip(units, officers, outcomes, strict=True):
            # Early reports of P3 come in before the day the page is read.
            early = at(2025, 3, 25, 9, 0) if name == "P3" else None
            act(plans[name].assignments.get(unit=unit), outcome, officer, early, reviewer=staff.province_officer)
    # Neither counted: a revoked plan's cancelled work, and a report due last year.
    revoked = province_plan(staff, units, at(2025, 3, 15, 17, 0), subject="Kế hoạch đã thu hồi")
    with time_machine.travel(at(2025, 3, 2, 9, 0), tick=False):
        services.plan_revoke(plan=revoked, by=staff.province_leader, reason="Trùng nội dung.")
    province_plan(staff, units, at(2024, 12, 20, 17, 0), issued=at(2024, 12, 1, 9, 0))
    return units


def page_rows(body):
    rows = re.findall(
        r'<tr data-unit="([^"]+)" data-due="(\d+)" data-on-time="(\d+)" data-late="(\d+)" '
        r'data-not-reported="(\d+)">.*?<td class="num rate"[^>]*>([^<]+)</td>', body, re.S)
    return [(code, int(due), int(on), int(late), int(missing), rate) for code, due, on, late, missing, rate in rows]


def test_on_time_rates_per_unit_worst_first(client, staff, reporting):
    expected = expected_table(reporting)
    response = page(client, staff.province_leader, "on-time", READ_AT)

    assert response.status_code == 200
    rows = page_rows(response.content.decode())
    assert {code: (due, on, late, missing) for code, due, on, late, missing, _rate in rows} == {
        code: row[:4] for code, row in expected.items()}
    rates = {code: rate for code, *_counts, rate in rows}
    assert rates == {code: f"{row[5]:.2f}".replace(".", ",").replace(",00", "") + "%"
                     for code, row in expected.items()}
    shown = [code for code, *_rest in rows]
    worst_first = sorted(expected, key=lambda code: (expected[code][5], -expected[code][3]))
    assert shown[0] == worst_first[0] and shown[-1] == worst_first[-1]
    assert [expected[code][5] for code in shown] == sorted(expected[code][5] for code in shown)


def test_on_time_totals_are_the_rate_of_the_sums(client, staff, reporting):
    expected = expected_table(reporting)
    on_time = sum(row[1] for row in expected.values())
    settled = sum(row[1] + row[2] + row[3] for row in expected.values())
    body = page(client, staff.province_leader, "on-time", READ_AT).content.decode()
    footer = body.split("<tfoot>")[1]
    assert f">{on_time}</td>" in footer
    assert f"{on_time / settled * 100:g}%" in footer  # 6 of 12: 50%


def test_a_period_outside_the_dues_counts_nothing(client, staff, reporting):
    body = page(client, staff.province_leader, "on-time", READ_AT,
                date_from="01/05/2025", date_to="31/12/2025").content.decode()
    assert page_rows(body) == []


def test_the_excel_sheet_has_the_same_numbers(client, staff, reporting):
    expected = expected_table(reporting)
    response = page(client, staff.province_leader, "on-time-xlsx", READ_AT)

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(5, 3).value == "Đơn vị" and sheet.cell(5, 9).value == "Tỷ lệ đúng hạn"
    found = {}
    for row in sheet.iter_rows(min_row=6, values_only=True):
        if row[1]:
            found[row[1]] = row[3:9]
    assert set(found) == set(expected)
    for code, (due, on, late, missing, pending, rate) in expected.items():
        assert found[code][:5] == (due, on, late, missing, pending)
        assert found[code][5] == pytest.approx(rate / 100)
    assert sheet.cell(6, 9).number_format == "0.00%"


def _muong_ang_issues_to_its_communes(staff):
    """Mường Ảng's own plan to its two communes, issued by its own clerk."""
    level, _created = UnitLevel.objects.get_or_create(code="grassroots", defaults={"name": "Cơ sở", "rank": 3})
    parent = staff.tree.muong_ang
    communes = [UnitFactory(parent=parent, code=f"HDMA-X{i}", name=f"Đoàn xã {i}", level=level) for i in (1, 2)]
    clerk = UserFactory(username="hdma.vanthu")
    position_create(user=clerk, unit=parent, role=Role.CLERK)
    Position.objects.update(valid_from=datetime.date(2020, 1, 1))
    with time_machine.travel(at(2025, 3, 1, 9, 0), tick=False):
        plan = services.plan_create(by=staff.muong_ang_secretary, issuing_unit=parent, subject="Kế hoạch huyện",
                                    report_due=at(2025, 3, 12, 17, 0), recipients=communes)
        services.plan_submit(plan=plan, by=staff.muong_ang_secretary)
        services.plan_approve(plan=plan, by=staff.muong_ang_secretary)
        services.plan_issue(plan=plan, by=clerk)
    return communes


def test_another_units_plans_are_neither_counted_nor_shown(client, staff, reporting):
    communes = _muong_ang_issues_to_its_communes(staff)
    province = page_rows(page(client, staff.province_leader, "on-time", READ_AT).content.decode())
    district = page_rows(page(client, staff.muong_ang_secretary, "on-time", READ_AT).content.decode())

    assert {row[0] for row in province} == {u.code for u in reporting}
    assert {row[0] for row in district} == {u.code for u in communes}
    assert all(row[1] == 1 for row in district)


def test_asking_for_another_units_figures_gets_ones_own(client, staff, reporting):
    province = staff.tree.province
    body = page(client, staff.tuan_giao_officer, "on-time", READ_AT, unit=province.pk).content.decode()
    assert page_rows(body) == []
    assert province.name not in body.split("<h1>")[1].split("</p>")[0]

    sheet = openpyxl.load_workbook(io.BytesIO(
        page(client, staff.tuan_giao_officer, "on-time-xlsx", READ_AT, unit=province.pk).content)).active
    assert [row[1] for row in sheet.iter_rows(min_row=6, values_only=True) if row[1]] == []
    assert sheet["A2"].value == f"Đơn vị giao: {staff.tree.tuan_giao.name}"


def test_the_on_time_page_costs_the_same_queries_for_10_and_60_assignments(client, staff):
    districts = staff.tree.districts
    due = at(2025, 3, 20, 17, 0)
    province_plan(staff, districts[:10], due)

    def queries():
        client.force_login(staff.province_leader)
        with time_machine.travel(at(2025, 3, 25, 9, 0), tick=False), CaptureQueriesContext(connection) as ctx:
            body = client.get(reverse("dashboards:on-time")).content.decode()
        return len(ctx.captured_queries), sum(row[1] for row in page_rows(body))

    few, counted_few = queries()
    for index in range(3):
        province_plan(staff, districts, due, subject=f"Kế hoạch {index}")
    province_plan(staff, districts[:2], due, subject="Kế hoạch cuối")
    many, counted_many = queries()

    assert (counted_few, counted_many) == (10, 60)
    assert few == many


# -- overdue now --------------------------------------------------------------------------------

@pytest.fixture
def overdue(staff):
    t = staff.tree
    third = next(u for u in t.districts if u not in (t.muong_ang, t.tuan_giao))
    plan = province_plan(staff, [t.muong_ang, t.tuan_giao, third], at(2025, 3, 10, 17, 0))
    act(plan.assignments.get(unit=t.muong_ang), "on_time", staff.muong_ang_officer)
    act(plan.assignments.get(unit=t.tuan_giao), "received", staff.tuan_giao_officer)
    # Receipt overdue, report still in time.
    receipt_only = province_plan(staff, [third], at(2025, 3, 31, 17, 0), subject="Kế hoạch xác nhận",
                                 receipt_due=at(2025, 3, 5, 17, 0))
    return plan, receipt_only, third


def overview_rows(body):
    return re.findall(r'data-assignment="(\d+)" data-days-late="(\d+)"', body)


def test_the_issuer_sees_each_plans_overdue_of_total_and_each_units_rows(client, staff, overdue):
    plan, receipt_only, third = overdue
    body = page(client, staff.province_leader, "overview", at(2025, 3, 13, 9, 0)).content.decode()

    assert f'data-plan="{plan.pk}" data-overdue="2" data-total="3"' in body
    assert f'data-plan="{receipt_only.pk}" data-overdue="1" data-total="1"' in body
    assert reverse("plans:detail", args=[plan.pk]) in body
    # Working days (Mon 10/3 17:00 → Thu 13/3: 3; Wed 5/3 → Thu 13/3: 6, not the 8 calendar days).
    late = {plan.assignments.get(unit=staff.tree.tuan_giao).pk: "3", plan.assignments.get(unit=third).pk: "3",
            receipt_only.assignments.get().pk: "6"}
    assert dict((int(pk), days) for pk, days in overview_rows(body)) == late
    assert f'data-unit="{third.code}" data-count="2"' in body
    assert f'data-unit="{staff.tree.muong_ang.code}"' not in body


def test_a_recipient_sees_only_its_own_overdue_work(client, staff, overdue):
    plan, _receipt_only, _third = overdue
    body = page(client, staff.tuan_giao_officer, "overview", at(2025, 3, 13, 9, 0)).content.decode()
    assert [int(pk) for pk, _days in overview_rows(body)] == [plan.assignments.get(unit=staff.tree.tuan_giao).pk]
    assert f'data-plan="{plan.pk}" data-overdue="1" data-total="1"' in body

    on_time = page(client, staff.muong_ang_officer, "overview", at(2025, 3, 13, 9, 0)).content.decode()
    assert overview_rows(on_time) == [] and 'data-total="0"' in on_time


def test_dashboards_need_a_login(client):
    for name in ("overview", "on-time", "on-time-xlsx"):
        response = client.get(reverse(f"dashboards:{name}"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_main_menu_links_the_dashboards(client, staff):
    client.force_login(staff.province_leader)
    body = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("dashboards:overview")}"' in body
