"""API pages whose count stops at a cap (core.pagination), and facts read once per request
(core.request_cache): what keeps a national list cheap (issue 16)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.selectors import user_unit_ids
from core import pagination
from core.request_cache import RequestCacheMiddleware
from plans import services
from tests.helpers import ok
from tests.plans.helpers import approved_plan

pytestmark = pytest.mark.django_db


def issued(people, n):
    plans = []
    for _ in range(n):
        plan = approved_plan(people)
        plans.append(services.plan_issue(plan=plan, by=people.clerk))
    return plans


def test_the_count_stops_at_the_cap_and_says_so(as_, people, monkeypatch):
    issued(people, 2)  # 32 assignments visible to the province
    api = as_(people.province_officer)
    monkeypatch.setattr(pagination, "COUNT_CAP", 20)
    capped = ok(api.get("/api/assignments/", {"page_size": 5}))
    assert (capped["count"], capped["count_capped"], len(capped["results"])) == (20, True, 5)
    monkeypatch.setattr(pagination, "COUNT_CAP", 32)
    exact = ok(api.get("/api/assignments/", {"page_size": 5}))
    assert (exact["count"], exact["count_capped"]) == (32, False)


def test_a_page_is_at_most_200_rows_whatever_is_asked(as_, people):
    issued(people, 13)  # 208 assignments
    page = ok(as_(people.province_officer).get("/api/assignments/", {"page_size": 10_000}))
    assert len(page["results"]) == 200 and page["count"] == 208


def test_the_assignments_list_is_newest_plan_first_in_the_same_queries_at_two_sizes(as_, people):
    api = as_(people.province_officer)
    first = issued(people, 1)
    with CaptureQueriesContext(connection) as small:
        ok(api.get("/api/assignments/"))
    latest = issued(people, 5)[-1]
    with CaptureQueriesContext(connection) as large:
        rows = ok(api.get("/api/assignments/", {"page_size": 200}))["results"]
    assert len(small) == len(large)
    plans = [row["plan"]["id"] if isinstance(row["plan"], dict) else row["plan"] for row in rows]
    assert plans == sorted(plans, reverse=True)
    newest = ok(api.get("/api/assignments/", {"page_size": 16}))["results"]
    assert {row["plan"]["id"] if isinstance(row["plan"], dict) else row["plan"] for row in newest} == {latest.pk}
    assert first[0].pk in plans


def test_a_commune_lists_only_its_own_assignments(as_, people):
    issued(people, 2)
    rows = ok(as_(people.muong_ang_officer).get("/api/assignments/"))["results"]
    assert len(rows) == 2
    assert {row["unit"]["code"] if isinstance(row["unit"], dict) else row["unit"] for row in rows} in (
        {"HDMA"}, {people.tree.muong_ang.pk})


def test_a_persons_units_are_read_once_per_request_and_afresh_outside(people, rf):
    user = people.muong_ang_officer
    counted = []

    def view(request):
        with CaptureQueriesContext(connection) as captured:
            assert user_unit_ids(user) == user_unit_ids(user) == [people.tree.muong_ang.pk]
        counted.append(len(captured))
        from django.http import HttpResponse

        return HttpResponse()

    RequestCacheMiddleware(view)(rf.get("/"))
    assert counted == [1]
    with CaptureQueriesContext(connection) as outside:
        user_unit_ids(user)
        user_unit_ids(user)
    assert len(outside) == 2  # a Celery task or a command sees changes at once


def reported(people, plan):
    from tests.plans.helpers import assignment_of

    assignment = assignment_of(plan, people.tree.muong_ang)
    services.assignment_receive(assignment=assignment, by=people.muong_ang_officer)
    services.assignment_report(assignment=assignment, by=people.muong_ang_officer, text="Xong")


def test_the_reports_list_is_newest_first_in_the_same_queries_at_two_sizes(as_, people):
    api = as_(people.province_officer)
    plans = issued(people, 4)
    reported(people, plans[0])
    ok(api.get("/api/reports/"))  # the first request of a process fills Django's caches
    with CaptureQueriesContext(connection) as small:
        ok(api.get("/api/reports/"))
    for plan in plans[1:]:
        reported(people, plan)
    with CaptureQueriesContext(connection) as large:
        rows = ok(api.get("/api/reports/"))["results"]
    assert len(small) == len(large) and len(rows) == 4
    assert [row["id"] for row in rows] == sorted((row["id"] for row in rows), reverse=True)
    # Tuần Giáo reported nothing and issued nothing: it sees none of them.
    assert ok(as_(people.tuan_giao_officer).get("/api/reports/"))["results"] == []


def test_the_notifications_page_takes_the_same_queries_for_3_and_60(client, people):
    from django.urls import reverse

    from notifications.models import Notification

    def make(n):
        Notification.objects.bulk_create([Notification(recipient=people.muong_ang_officer, kind="task",
                                                       title=f"Việc {i}", body="", url="/") for i in range(n)])

    client.force_login(people.muong_ang_officer)
    make(3)
    client.get(reverse("notifications:list"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("notifications:list")).status_code == 200
    make(57)
    with CaptureQueriesContext(connection) as many:
        body = client.get(reverse("notifications:list")).content.decode()
    assert len(few) == len(many)
    from notifications.views import PAGE_SIZE

    assert body.count("data-notification=") == PAGE_SIZE
