"""The leader's units × plans matrix (issue 11, Deliver 4): a cell per assignment with its status,
the four groups of DESIGN.md §7 and "awaiting review" counted per unit and per plan, one query
whatever the size, and nobody sees another unit's plans. Every figure expected here is counted
from what the test did."""

import datetime
import os
import re
from collections import Counter
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans import services
from plans.selectors import DONE_LATE, STATUS_LABELS
from tests.browser import page as browser  # noqa: F401  (fixture)
from tests.dashboards.test_dashboards import _muong_ang_issues_to_its_communes, officer_of, page, province_plan
from tests.factories import UnitFactory
from tests.helpers import at, vi
from tests.plans.test_browser import _stylesheet_served, log_in, no_horizontal_scroll  # noqa: F401

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
READ_AT = at(2025, 4, 1, 10, 0)
DUES = {"P1": at(2025, 3, 10, 17, 0), "P2": at(2025, 3, 20, 17, 0), "P3": at(2025, 4, 30, 17, 0)}
# (plan, unit index) → what the unit did; None: the plan was not addressed to it. P3 is due after
# the day the page is read; its "early" work happens on 25/3.
OUTCOMES = {
    "P1": ["accepted", "accepted_late", "reported", "none", "received"],
    "P2": [None, "accepted", "reported_late", "none", "accepted_late"],
    "P3": ["accepted_early", "none", "received", "reported_early", "returned_early"],
}
EARLY = at(2025, 3, 25, 9, 0)


def expected_status(outcome, due):
    """(status, group) that the outcome makes, read on READ_AT, written out by hand."""
    past = due < READ_AT
    if outcome.startswith("accepted"):
        return ("done-late", "late") if outcome == "accepted_late" else ("done", "on-time")
    if outcome.startswith("reported"):
        return "awaiting-review", "awaiting-review"
    if outcome == "returned_early":
        return "returned", "in-progress"
    if outcome == "received":
        return ("overdue", "overdue") if past else ("in-time", "in-progress")
    # Never confirmed receipt: the receipt deadline (a few working days after 1/3) has passed,
    # so it is overdue even while the report is not yet due, as the plan page says.
    return "overdue", "overdue"


def make(assignment, outcome, officer, reviewer):
    if outcome == "none":
        return
    due = assignment.report_due
    moment = EARLY if outcome.endswith("_early") else due + 2 * DAY if outcome.endswith("_late") else due - DAY
    with time_machine.travel(moment, tick=False):
        services.assignment_receive(assignment=assignment, by=officer)
        if outcome == "received":
            return
        services.assignment_report(assignment=assignment, by=officer, text="Đã thực hiện.")
    with time_machine.travel(moment + datetime.timedelta(hours=2), tick=False):
        if outcome.startswith("accepted"):
            services.assignment_accept(assignment=assignment, by=reviewer)
        elif outcome.startswith("returned"):
            services.assignment_return(assignment=assignment, by=reviewer, comment="Bổ sung số liệu.")


@pytest.fixture
def plan_set(staff):
    units = staff.tree.districts[:5]
    officers = [officer_of(unit) for unit in units]
    plans = {}
    for name, outcomes in OUTCOMES.items():
        recipients = [unit for unit, outcome in zip(units, outcomes, strict=True) if outcome is not None]
        plans[name] = province_plan(staff, recipients, DUES[name], subject=f"Kế hoạch {name} của Tỉnh đoàn")
        for unit, officer, outcome in zip(units, officers, outcomes, strict=True):
            if outcome is not None:
                make(plans[name].assignments.get(unit=unit), outcome, officer, staff.province_officer)
    # Neither shown nor counted: a revoked plan's cancelled work, and a report due last year.
    revoked = province_plan(staff, units, at(2025, 3, 15, 17, 0), subject="Kế hoạch đã thu hồi")
    with time_machine.travel(at(2025, 3, 2, 9, 0), tick=False):
        services.plan_revoke(plan=revoked, by=staff.province_leader, reason="Trùng nội dung.")
    last_year = province_plan(staff, units, at(2024, 12, 20, 17, 0), issued=at(2024, 12, 1, 9, 0),
                              subject="Kế hoạch năm trước")
    return units, plans, revoked, last_year


# -- reading the page ---------------------------------------------------------------------------

def columns_of(body) -> list[int]:
    return [int(pk) for pk in re.findall(r'<th class="plan" scope="col" data-plan="(\d+)"', body)]


def rows_of(body) -> dict[str, dict]:
    """{unit code: {"cells": [status or ""], "counts": {group: n}, "total": n}} in the page's order."""
    tbody = body.split("<tbody>")[1].split("</tbody>")[0]
    rows = {}
    for code, inner in re.findall(r'<tr data-unit="([^"]+)">(.*?)</tr>', tbody, re.S):
        rows[code] = {
            "cells": re.findall(r'<td class="cell[^"]*"(?: data-plan="\d+")? data-status="([^"]*)"', inner),
            "counts": {group: int(n) for group, n in re.findall(r'<td class="num" data-group="([^"]+)">(\d+)<', inner)},
            "total": int(re.search(r'data-total="(\d+)"', inner).group(1)),
        }
    return rows


def column_counts(body) -> dict[str, dict[int, int]]:
    """{group: {plan id: n}} from the foot of the table."""
    tfoot = body.split("<tfoot>")[1].split("</tfoot>")[0]
    counts = {}
    for group, inner in re.findall(r'<tr data-group="([^"]+)">(.*?)</tr>', tfoot, re.S):
        cells = re.findall(r'<td class="num pm-col" data-plan="(\d+)">(\d+)<', inner)
        counts[group] = {int(pk): int(n) for pk, n in cells}
    return counts


def matrix_page(client, user, moment=READ_AT, **params):
    response = page(client, user, "matrix", moment, **params)
    assert response.status_code == 200
    return response.content.decode()


# -- what the cells and counts say --------------------------------------------------------------

def test_each_cell_is_the_status_the_unit_made(client, staff, plan_set):
    units, plans, _revoked, _last_year = plan_set
    body = matrix_page(client, staff.province_leader)

    assert columns_of(body) == [plans[name].pk for name in ("P1", "P2", "P3")]  # by report deadline
    rows = rows_of(body)
    assert list(rows) == [unit.code for unit in units]  # by the unit's path
    for index, unit in enumerate(units):
        expected = [expected_status(OUTCOMES[name][index], DUES[name])[0] if OUTCOMES[name][index] else ""
                    for name in ("P1", "P2", "P3")]
        assert rows[unit.code]["cells"] == expected, unit.code


def test_each_cell_links_its_assignment_with_its_label(client, staff, plan_set):
    units, plans, _revoked, _last_year = plan_set
    body = matrix_page(client, staff.province_leader)
    late = plans["P1"].assignments.get(unit=units[1])
    link, label = reverse("plans:assignment", args=[late.pk]), vi(STATUS_LABELS[DONE_LATE])
    assert f'<a href="{link}" title="{label}" aria-label="{plans["P1"].number}: {label}">' in body
    # P2 was not addressed to the first unit: a neutral cell, no link.
    first_row = body.split(f'<tr data-unit="{units[0].code}">')[1].split("</tr>")[0]
    assert first_row.count('class="cell empty"') == 1 and first_row.count('" aria-label="') == 2


def test_counts_per_unit_and_per_plan_are_the_groups_made(client, staff, plan_set):
    units, plans, _revoked, _last_year = plan_set
    body = matrix_page(client, staff.province_leader)

    per_unit = {unit.code: Counter() for unit in units}
    per_plan = {name: Counter() for name in plans}
    for name, outcomes in OUTCOMES.items():
        for unit, outcome in zip(units, outcomes, strict=True):
            if outcome is not None:
                group = expected_status(outcome, DUES[name])[1]
                per_unit[unit.code][group] += 1
                per_plan[name][group] += 1
    groups = ("on-time", "late", "in-progress", "overdue", "awaiting-review")

    rows = rows_of(body)
    for code, counts in per_unit.items():
        assert rows[code]["counts"] == {group: counts[group] for group in groups}, code
        assert rows[code]["total"] == sum(counts.values())
    foot = column_counts(body)
    for group in groups:
        assert foot[group] == {plans[name].pk: per_plan[name][group] for name in plans}, group
    totals = re.search(r'<tr class="total" data-group="">(.*?)</tr>', body, re.S).group(1)
    done = {int(pk): int(n) for pk, n in re.findall(r'data-plan="(\d+)" data-done="(\d+)"', totals)}
    assert done == {plans[name].pk: per_plan[name]["on-time"] + per_plan[name]["late"] for name in plans}
    assert f'<td class="num pm-total">{sum(map(sum, (c.values() for c in per_plan.values())))}</td>' in totals


def test_a_legend_of_the_colours_heads_the_matrix(client, staff, plan_set):
    body = matrix_page(client, staff.province_leader)
    legend = body.split('class="legend pm-legend"')[1].split("</ul>")[0]
    for status in ("done", "done-late", "awaiting-review", "in-time", "near-due", "overdue", "returned"):
        assert f'<li data-status="{status}"><span class="pm-key st-{status}"' in legend
    assert "cancelled" not in legend
    assert body.index('class="legend pm-legend"') < body.index('<table class="pmatrix">')


# -- what is left out ---------------------------------------------------------------------------

def test_a_plan_outside_the_period_is_not_a_column(client, staff, plan_set):
    _units, plans, _revoked, last_year = plan_set
    assert last_year.pk not in columns_of(matrix_page(client, staff.province_leader))
    april = matrix_page(client, staff.province_leader, date_from="01/04/2025", date_to="31/12/2025")
    assert columns_of(april) == [plans["P3"].pk]
    whole = matrix_page(client, staff.province_leader, date_from="01/12/2024", date_to="31/12/2024")
    assert columns_of(whole) == [last_year.pk]


def test_a_cancelled_assignment_is_neither_shown_nor_counted(client, staff, plan_set):
    units, plans, revoked, _last_year = plan_set
    body = matrix_page(client, staff.province_leader)
    assert revoked.pk not in columns_of(body)
    assert "cancelled" not in "".join(cell for row in rows_of(body).values() for cell in row["cells"])
    addressed = sum(outcome is not None for outcomes in OUTCOMES.values() for outcome in outcomes)
    assert sum(row["total"] for row in rows_of(body).values()) == addressed


def test_plans_beyond_the_cap_are_cut_and_the_page_says_so(client, staff, plan_set, monkeypatch):
    units, plans, _revoked, _last_year = plan_set
    monkeypatch.setattr("dashboards.matrix.MAX_COLUMNS", 2)
    body = matrix_page(client, staff.province_leader)

    assert columns_of(body) == [plans["P1"].pk, plans["P2"].pk]
    assert '<p class="notice pm-cut" role="status" data-shown="2">' in body
    # A row counts the columns shown, no other: the last unit has one of each of P1 and P2.
    assert rows_of(body)[units[4].code]["total"] == 2
    assert 'class="notice pm-cut"' not in matrix_page(client, staff.province_leader, date_from="01/03/2025",
                                                        date_to="15/03/2025")


def test_units_come_a_page_at_a_time_and_plans_count_every_unit(client, staff, plan_set, monkeypatch):
    units, plans, _revoked, _last_year = plan_set
    monkeypatch.setattr("dashboards.views_matrix.UNITS_PER_PAGE", 2)
    first, last = matrix_page(client, staff.province_leader), matrix_page(client, staff.province_leader, page=3)

    assert list(rows_of(first)) == [units[0].code, units[1].code]
    assert list(rows_of(last)) == [units[4].code]
    assert 'rel="next"' in first and "Trang 1/3" in first
    assert column_counts(first) == column_counts(last)  # over all units, whatever the page
    assert sum(column_counts(last)["on-time"].values()) == sum(
        outcome.startswith("accepted") and outcome != "accepted_late"
        for outcomes in OUTCOMES.values() for outcome in outcomes if outcome)


# -- who sees what ------------------------------------------------------------------------------

def test_asking_for_another_units_id_gets_ones_own(client, staff, plan_set):
    _units, plans, _revoked, _last_year = plan_set
    province = staff.tree.province
    body = matrix_page(client, staff.tuan_giao_officer, unit=province.pk)

    assert columns_of(body) == [] and "<tbody>" not in body
    assert not any(f'data-plan="{plan.pk}"' in body for plan in plans.values())
    assert f"<strong>{staff.tree.tuan_giao.name}</strong>" in body
    assert province.name not in body.split("<h1>")[1]


def test_a_district_sees_its_own_plans_only(client, staff, plan_set):
    _units, plans, _revoked, _last_year = plan_set
    communes = _muong_ang_issues_to_its_communes(staff)
    body = matrix_page(client, staff.muong_ang_secretary, unit=staff.tree.province.pk)

    assert len(columns_of(body)) == 1 and columns_of(body)[0] not in {plan.pk for plan in plans.values()}
    assert list(rows_of(body)) == [commune.code for commune in communes]
    # The province sees its own plans, not the district's.
    assert set(columns_of(matrix_page(client, staff.province_leader))) == {plan.pk for plan in plans.values()}


def test_the_matrix_needs_a_login_and_has_its_tab(client, staff):
    response = client.get(reverse("dashboards:matrix"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    body = matrix_page(client, staff.province_leader)
    assert f'<a href="{reverse("dashboards:matrix")}" aria-current="page">' in body
    on_time = page(client, staff.province_leader, "on-time", READ_AT).content.decode()
    assert f'href="{reverse("dashboards:matrix")}"' in on_time


# -- volume -------------------------------------------------------------------------------------

def test_the_matrix_costs_the_same_queries_for_3_units_by_2_plans_and_20_by_5(client, staff):
    province = staff.tree.province
    level = staff.tree.districts[0].level
    more = [UnitFactory(parent=province, level=level, code=f"HDX{i}", name=f"Đơn vị thêm {i}") for i in range(4)]
    units = staff.tree.districts + more
    assert len(units) == 20
    for index in range(2):  # March: 3 units × 2 plans
        province_plan(staff, units[:3], at(2025, 3, 20 + index, 17, 0), subject=f"Kế hoạch nhỏ {index}")
    for index in range(5):  # May: 20 units × 5 plans
        province_plan(staff, units, at(2025, 5, 20 + index, 17, 0), subject=f"Kế hoạch lớn {index}")

    def queries(month):
        client.force_login(staff.province_leader)
        period = {"date_from": f"01/{month:02d}/2025", "date_to": f"28/{month:02d}/2025"}
        with time_machine.travel(at(2025, 3, 25, 9, 0), tick=False), CaptureQueriesContext(connection) as ctx:
            body = client.get(reverse("dashboards:matrix"), period).content.decode()
        cells = sum(len([cell for cell in row["cells"] if cell]) for row in rows_of(body).values())
        data = [query["sql"] for query in ctx.captured_queries if 'FROM "plans_assignment"' in query["sql"]]
        return len(ctx.captured_queries), (len(rows_of(body)), len(columns_of(body)), cells), data

    few, few_shape, few_data = queries(3)
    many, many_shape, many_data = queries(5)

    assert (few_shape, many_shape) == ((3, 2, 6), (20, 5, 100))
    assert few == many
    # The matrix's data is one query over the assignments, the plans cut inside it.
    assert len(few_data) == len(many_data) == 1 and "LIMIT" in many_data[0]


# -- on a phone, in real Chromium ---------------------------------------------------------------

SHOTS = Path(os.environ.get("MATRIX_SHOTS", "/tmp/shots"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_matrix_scrolls_in_its_card_with_the_unit_in_view(live_server, staff, browser):  # noqa: F811
    units = staff.tree.districts
    officers = {unit.pk: officer_of(unit) for unit in units[:6]}
    outcomes = ("accepted", "accepted_late", "reported", "none", "received", "returned_early")
    for index in range(8):
        plan = province_plan(staff, units, at(2025, 3, 3 + 3 * index, 17, 0),
                             subject=f"Kế hoạch tổ chức hoạt động số {index + 1} năm 2025 của Tỉnh đoàn")
        for shift, unit in enumerate(units[:6]):
            outcome = outcomes[(index + shift) % len(outcomes)]
            make(plan.assignments.get(unit=unit), outcome.replace("_early", "_late"), officers[unit.pk],
                 staff.province_officer)
    SHOTS.mkdir(parents=True, exist_ok=True)
    log_in(browser, live_server, staff.province_leader)  # at 390 px
    browser.goto(f"{live_server.url}{reverse('dashboards:matrix')}?date_from=01/01/2025&date_to=31/12/2025")

    box = browser.locator(".pm-scroll")
    assert browser.locator("table.pmatrix tbody tr").count() == len(units)
    assert browser.locator("table.pmatrix thead th.plan").count() == 8
    assert no_horizontal_scroll(browser)  # the page itself does not scroll sideways, its card does
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    browser.screenshot(path=str(SHOTS / "matrix-phone.png"), full_page=True)

    box.evaluate("el => { el.scrollLeft = 500; }")
    assert box.evaluate("el => el.scrollLeft") > 0
    unit = browser.locator("table.pmatrix tbody th.unit").first
    unit.scroll_into_view_if_needed()
    assert box.evaluate("el => el.scrollLeft") > 0
    left, cell = box.bounding_box()["x"], unit.bounding_box()
    assert abs(cell["x"] - left) <= 2  # stuck at the box's left edge
    seen = browser.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('th')?.textContent.trim()",
                            [cell["x"] + 8, cell["y"] + cell["height"] / 2])
    assert seen == units[0].name
    browser.screenshot(path=str(SHOTS / "matrix-phone-scrolled.png"))

    browser.locator(f"table.pmatrix tbody tr[data-unit='{units[0].code}'] td.cell a").first.click()
    browser.wait_for_url(re.compile(r".*/ke-hoach/giao-viec/\d+/$"))

    browser.set_viewport_size({"width": 1280, "height": 900})
    browser.goto(f"{live_server.url}{reverse('dashboards:matrix')}?date_from=01/01/2025&date_to=31/12/2025")
    assert no_horizontal_scroll(browser)
    browser.screenshot(path=str(SHOTS / "matrix-desktop.png"), full_page=True)
