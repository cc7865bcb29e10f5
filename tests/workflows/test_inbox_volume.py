"""The inbox at volume: a reviewer with many reports to review gets one group line and one page
of at most 50 tasks, in a number of queries that does not grow with the tasks."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Unit, UnitLevel
from plans.models import Assignment
from tests.helpers import html
from tests.plans.helpers import issued_plan
from tests.plans.test_bulk import reported
from workflows.inbox import PAGE_SIZE

pytestmark = pytest.mark.django_db


@pytest.fixture
def communes(people):
    """60 grassroots unions under Mường Ảng, each to report on the province's plans."""
    level, _ = UnitLevel.objects.get_or_create(code="grassroots", defaults={"name": "Cơ sở", "rank": 3})
    district = people.tree.muong_ang
    for n in range(60):
        district = Unit.objects.get(pk=district.pk)  # treebeard keeps numchild on the row
        Unit.objects.add_child(district, {"code": f"MA{n:02d}", "name": f"Đoàn xã số {n + 1} Mường Ảng",
                                          "level": level})
    return list(Unit.objects.filter(code__startswith="MA").order_by("code"))


def _inbox(client, **params):
    """The page's task list (the filters above it name the plans too), and the queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        body = html(client.get(reverse("workflows:inbox"), params))
    return body.partition('class="filters"')[2].partition("</form>")[2], len(queries)


def test_the_first_page_costs_the_same_for_3_or_60_reports_and_shows_at_most_50(client, people, communes):
    client.force_login(people.province_officer)
    few = issued_plan(people, recipients=communes[:3])
    reported(people, few, few.recipients.all())
    _, queries_few = _inbox(client)
    many = issued_plan(people, recipients=communes)
    reported(people, many, many.recipients.all())
    body, queries_many = _inbox(client)
    assert queries_many == queries_few
    assert body.count('data-task="review"') == PAGE_SIZE
    # One line per plan to decide together, with its count and the bulk page.
    assert 'data-group-count="60"' in body and reverse("plans:bulk", args=[many.pk]) in body
    assert 'data-group-count="3"' in body and reverse("plans:bulk", args=[few.pk]) in body
    second, _ = _inbox(client, page=2)
    assert second.count('data-task="review"') == 63 - PAGE_SIZE


def test_tasks_come_most_urgent_first_and_filter_by_step_overdue_and_words(client, people):
    t = people.tree
    later = issued_plan(people, recipients=[t.muong_ang], subject="Kế hoạch Hội trại tòng quân")
    sooner = issued_plan(people, recipients=[t.muong_ang], subject="Kế hoạch Tháng Thanh niên")
    now = timezone.now()
    Assignment.objects.filter(plan=later).update(receipt_due=now + datetime.timedelta(days=5))
    Assignment.objects.filter(plan=sooner).update(receipt_due=now - datetime.timedelta(hours=2))
    client.force_login(people.muong_ang_officer)
    body, _ = _inbox(client)
    assert body.index("Tháng Thanh niên") < body.index("Hội trại tòng quân")
    overdue, _ = _inbox(client, **{"qua-han": "1"})
    assert "Tháng Thanh niên" in overdue and "Hội trại tòng quân" not in overdue
    found, _ = _inbox(client, q="hoi trai")  # without diacritics, any case
    assert "Hội trại tòng quân" in found and "Tháng Thanh niên" not in found
    receive_only, _ = _inbox(client, buoc="AssignmentFlow.receive")
    assert receive_only.count('data-task="receive"') == 2
    none, _ = _inbox(client, buoc="AssignmentFlow.report")
    assert 'data-task="' not in none
    unknown, _ = _inbox(client, buoc="Nope.nothing")  # an unknown step is no filter, not an error
    assert unknown.count('data-task="receive"') == 2


def test_with_more_tasks_than_units_listable_the_unit_filter_waits_for_a_plan(people, communes, monkeypatch):
    """No plan chosen and more tasks than UNIT_CHOICES_MAX: the units are not read (None, "choose
    a plan first"); once a plan is chosen they are."""
    from workflows import inbox

    for _ in range(2):  # 4 reports to review from 2 units
        plan = issued_plan(people, recipients=communes[:2])
        reported(people, plan, plan.recipients.all())
    monkeypatch.setattr(inbox, "UNIT_CHOICES_MAX", 3)
    page = inbox.inbox_page(people.province_officer, timezone.now())
    assert page["units"] is None
    chosen = inbox.inbox_page(people.province_officer, timezone.now(), about=f"plan-{plan.pk}")
    assert [choice.label for choice in chosen["units"]] == [communes[0].name, communes[1].name]
