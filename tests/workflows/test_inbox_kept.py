"""The inbox keeps a person's order, groups and choices a short while (INBOX_SUMMARY_SECONDS) while
their open tasks are the same ones: a task that arrives, is taken or is done shows at once; a
moved due moment shows once the time is up; the page's rows are always read afresh."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans.models import Assignment
from plans.services import assignment_receive
from tests.plans.helpers import issued_plan
from tests.plans.test_bulk import reported
from tests.workflows.test_inbox_volume import communes  # noqa: F401 (a fixture)
from workflows.inbox import inbox_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept(settings):
    settings.INBOX_SUMMARY_SECONDS = 30
    cache.clear()
    yield
    cache.clear()


def _subjects(found) -> list[str]:
    return [row["view"].title for row in found["rows"]]


def _queries(user, now, **filters):
    with CaptureQueriesContext(connection) as captured:
        found = inbox_page(user, now, **filters)
    return found, len(captured)


def test_the_same_tasks_are_summarised_once_and_their_rows_read_each_time(people, kept):
    t = people.tree
    issued_plan(people, recipients=[t.muong_ang], subject="Kế hoạch Hội trại tòng quân")
    issued_plan(people, recipients=[t.muong_ang], subject="Kế hoạch Tháng Thanh niên")
    now = timezone.now()
    first, computed = _queries(people.muong_ang_officer, now)
    again, reused = _queries(people.muong_ang_officer, now + datetime.timedelta(seconds=5))
    assert reused < computed
    assert _subjects(again) == _subjects(first) and len(_subjects(first)) == 2
    assert again["abouts"] == first["abouts"] and again["units"] == first["units"]
    # Each filter is its own summary, made afresh the first time.
    found, other_filter = _queries(people.muong_ang_officer, now, q="hoi trai")
    assert other_filter > reused and _subjects(found) == ["Kế hoạch Hội trại tòng quân"]


def test_a_task_that_arrives_or_is_done_shows_at_once(people, kept):
    t = people.tree
    now = timezone.now()
    first = issued_plan(people, recipients=[t.muong_ang], subject="Kế hoạch Hội trại tòng quân")
    assert _subjects(inbox_page(people.muong_ang_officer, now)) == ["Kế hoạch Hội trại tòng quân"]
    issued_plan(people, recipients=[t.muong_ang], subject="Kế hoạch Tháng Thanh niên")
    arrived = inbox_page(people.muong_ang_officer, now)
    assert sorted(_subjects(arrived)) == ["Kế hoạch Hội trại tòng quân", "Kế hoạch Tháng Thanh niên"]
    assert len(arrived["abouts"]) == 2
    assignment_receive(assignment=Assignment.objects.get(plan=first), by=people.muong_ang_officer)
    after = inbox_page(people.muong_ang_officer, now)
    # Received: the receive task is done and the report task took its place, a new task.
    assert sorted(row["node"] for row in after["rows"]) == ["receive", "report"]


def test_a_moved_due_moment_shows_in_the_order_once_the_time_is_up(people, kept, settings):
    t = people.tree
    later = issued_plan(people, recipients=[t.muong_ang], subject="Kế hoạch Hội trại tòng quân")
    sooner = issued_plan(people, recipients=[t.muong_ang], subject="Kế hoạch Tháng Thanh niên")
    now = timezone.now()
    Assignment.objects.filter(plan=later).update(receipt_due=now + datetime.timedelta(days=5))
    Assignment.objects.filter(plan=sooner).update(receipt_due=now + datetime.timedelta(days=1))
    assert _subjects(inbox_page(people.muong_ang_officer, now)) == ["Kế hoạch Tháng Thanh niên",
                                                                    "Kế hoạch Hội trại tòng quân"]
    Assignment.objects.filter(plan=later).update(receipt_due=now + datetime.timedelta(hours=2))
    within = inbox_page(people.muong_ang_officer, now + datetime.timedelta(seconds=10))
    assert _subjects(within)[0] == "Kế hoạch Tháng Thanh niên"  # kept: the order as it was
    assert within["rows"][1]["view"].due == now + datetime.timedelta(hours=2)  # the row itself is fresh
    after = inbox_page(people.muong_ang_officer, now + datetime.timedelta(seconds=settings.INBOX_SUMMARY_SECONDS))
    assert _subjects(after)[0] == "Kế hoạch Hội trại tòng quân"


def test_one_persons_summary_is_not_anothers(people, kept):
    t = people.tree
    issued_plan(people, recipients=[t.muong_ang], subject="Kế hoạch của Mường Ảng")
    issued_plan(people, recipients=[t.tuan_giao], subject="Kế hoạch của Tuần Giáo")
    now = timezone.now()
    assert _subjects(inbox_page(people.muong_ang_officer, now)) == ["Kế hoạch của Mường Ảng"]
    assert _subjects(inbox_page(people.tuan_giao_officer, now)) == ["Kế hoạch của Tuần Giáo"]


def test_the_kept_inbox_costs_the_same_queries_for_3_or_60_reports(client, people, communes, kept):  # noqa: F811
    client.force_login(people.province_officer)
    url = reverse("workflows:inbox")

    def kept_queries():
        client.get(url)  # made and kept
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = issued_plan(people, recipients=communes[:3])
    reported(people, few, few.recipients.all())
    queries_few = kept_queries()
    many = issued_plan(people, recipients=communes)
    reported(people, many, many.recipients.all())
    assert kept_queries() == queries_few
