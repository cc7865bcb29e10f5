"""A unit's work across plans and inspections, in DESIGN.md §7's four groups: what each item is
expected to be is written beside what the test did to it, and the page is counted against that."""

import datetime
import re
from collections import Counter

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Position
from inspections import services as inspection_services
from inspections.models import Remediation
from plans import services
from tests.helpers import at, html
from tests.inspections.helpers import conclude, decided_inspection, target_of
from tests.plans.helpers import assignment_of, issued_plan

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
START = at(2025, 3, 3, 9, 0)  # a Monday
READ = START + 32 * DAY


@pytest.fixture
def work(people):
    """Mường Ảng's work, each item with the group it must fall in when read at READ."""
    t = people.tree
    officer, reviewer = people.muong_ang_officer, people.province_officer
    expected = {}
    Position.objects.update(valid_from=datetime.date(2020, 1, 1))  # the people held their posts in 2025
    with time_machine.travel(START, tick=False):
        plans = {name: issued_plan(people, recipients=[t.muong_ang], subject=f"Kế hoạch thử {name}",
                                   report_due=START + (60 if name == "in_progress" else 30) * DAY)
                 for name in ("on_time", "late", "awaiting", "overdue", "in_progress")}
        mine = {name: assignment_of(plan, t.muong_ang) for name, plan in plans.items()}
        for name in ("on_time", "awaiting"):
            services.assignment_receive(assignment=mine[name], by=officer)
            services.assignment_report(assignment=mine[name], by=officer, text="Đã thực hiện.")
        services.assignment_accept(assignment=mine["on_time"], by=reviewer)
        # Received: in progress (unreceived, its receipt deadline would make it overdue).
        services.assignment_receive(assignment=mine["in_progress"], by=officer)
        pending = decided_inspection(people, targets=[t.muong_ang], subject="Kiểm tra thử chưa tự báo cáo")
        concluded = decided_inspection(people, targets=[t.muong_ang], subject="Kiểm tra thử đã kết luận")
        conclude(people, target_of(concluded, t.muong_ang), recommendations=[
            (f"Kiến nghị thử {n}", START + 20 * DAY) for n in range(3)])
        verified, awaiting, left = Remediation.objects.filter(target__inspection=concluded).order_by("pk")
        for remediation in (verified, awaiting):
            inspection_services.remediation_report(remediation=remediation, by=officer, text="Đã khắc phục.")
        inspection_services.remediation_verify(remediation=verified, by=people.inspector)
    with time_machine.travel(START + 31 * DAY, tick=False):  # after the report deadline
        services.assignment_receive(assignment=mine["late"], by=officer)
        services.assignment_report(assignment=mine["late"], by=officer, text="Báo cáo muộn.")
        services.assignment_accept(assignment=mine["late"], by=reviewer)
    expected.update({
        "Kế hoạch thử on_time": "on-time", "Kế hoạch thử late": "late", "Kế hoạch thử awaiting": "awaiting-review",
        "Kế hoạch thử overdue": "overdue", "Kế hoạch thử in_progress": "in-progress",
        "Kiểm tra thử chưa tự báo cáo": "overdue",  # self-report due START + 10 days, never sent
        "Kiểm tra thử đã kết luận": "on-time",  # self-reported on START by conclude()
        "Kiến nghị thử 0": "on-time", "Kiến nghị thử 1": "awaiting-review", "Kiến nghị thử 2": "overdue",
    })
    assert pending.targets.get().self_reported_at is None and not left.reported_at
    return expected


def _page(client, user, **params):
    client.force_login(user)
    with time_machine.travel(READ, tick=False), CaptureQueriesContext(connection) as queries:
        body = html(client.get(reverse("dashboards:unit-work"), params))
    return body, len(queries)


def _items(body) -> dict[str, str]:
    """title → the group of the section or fold it is listed under."""
    found = {}
    for section in re.split(r'(?=<(?:section|details) class="card work-group")', body)[1:]:
        group = re.search(r'data-group="([^"]+)"', section)[1]
        for title in re.findall(r'class="item-title" href="[^"]+">([^<]+)</a>', section):
            found[title] = group
    return found


def test_every_item_is_listed_under_its_group_and_counted(client, people, work):
    body, _ = _page(client, people.muong_ang_officer, year=2025)
    items = _items(body)
    open_items = {title: group for title, group in work.items() if group not in ("on-time", "late")}
    assert {t: g for t, g in items.items() if g != "done"} == open_items
    assert {t for t, g in items.items() if g == "done"} == {t for t, g in work.items() if g in ("on-time", "late")}
    counts = Counter(work.values())
    for group in ("on-time", "late", "in-progress", "overdue", "awaiting-review"):
        assert f'data-group="{group}" data-count="{counts[group]}"' in body, group


def test_completed_work_of_another_year_is_not_counted_but_open_work_always_is(client, people, work):
    body, _ = _page(client, people.muong_ang_officer, year=2024)
    items = _items(body)
    assert "done" not in items.values()
    assert {t: g for t, g in items.items()} == {t: g for t, g in work.items() if g not in ("on-time", "late")}


def test_another_units_officer_sees_none_of_it_even_with_its_id(client, people, work):
    t = people.tree
    body, _ = _page(client, people.tuan_giao_officer, year=2025, unit=t.muong_ang.pk)
    assert _items(body) == {}
    assert f'data-unit="{t.tuan_giao.pk}"' in body and t.muong_ang.name not in body


def test_the_issuer_sees_the_work_its_own_plans_gave_the_unit(client, people, work):
    t = people.tree
    body, _ = _page(client, people.province_officer, year=2025, unit=t.muong_ang.pk)
    items = _items(body)
    plan_items = {title: group for title, group in work.items() if title.startswith("Kế hoạch")}
    assert {t: g for t, g in items.items() if t.startswith("Kế hoạch")} == {
        t: ("done" if g in ("on-time", "late") else g) for t, g in plan_items.items()}


def test_the_page_costs_the_same_queries_with_ten_items_or_none(client, people, work):
    _, with_work = _page(client, people.muong_ang_officer, year=2025)
    _, without = _page(client, people.tuan_giao_officer, year=2025)
    assert with_work == without


def test_the_matrix_leads_from_a_units_row_to_its_work(client, people, work):
    t = people.tree
    client.force_login(people.province_officer)
    with time_machine.travel(READ, tick=False):
        matrix = html(client.get(reverse("dashboards:matrix"), {"date_from": "01/01/2025", "date_to": "31/12/2025"}))
    link = f'{reverse("dashboards:unit-work")}?unit={t.muong_ang.pk}'
    assert link in matrix
    body, _ = _page(client, people.province_officer, year=2025, unit=t.muong_ang.pk)
    assert f'data-unit="{t.muong_ang.pk}"' in body and "Kế hoạch thử overdue" in body
