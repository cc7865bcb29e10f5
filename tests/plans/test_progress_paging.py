"""The plan page's and the progress API's recipients at volume: the counts of every recipient
first, then one page of rows, filtered by status group or unit name, in the same number of
queries whatever the number of recipients (issue 16)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Unit, UnitLevel
from plans import selectors, services
from plans.selectors import PROGRESS_PAGE_SIZE
from tests.factories import UnitFactory
from tests.helpers import html, ok

from .helpers import approved_plan, assignment_of

pytestmark = pytest.mark.django_db


def plan_to(people, extra: int):
    """A plan issued to the 16 districts and `extra` more units under the province."""
    level = UnitLevel.objects.get(code="district")
    more = [UnitFactory(parent=people.tree.province, level=level, name=f"Đoàn xã Mường {n:03d}") for n in range(extra)]
    plan = approved_plan(people, recipients=people.tree.districts + more)
    return services.plan_issue(plan=plan, by=people.clerk)


def detail(client, plan, **query):
    return html(client.get(reverse("plans:detail", args=[plan.pk]), query))


def test_the_issuer_sees_every_recipient_counted_and_one_page_of_rows(client, people):
    plan = plan_to(people, extra=60)  # 76 recipients: two pages
    assignment = assignment_of(plan, people.tree.muong_ang)
    services.assignment_receive(assignment=assignment, by=people.muong_ang_officer)
    services.assignment_report(assignment=assignment, by=people.muong_ang_officer, text="Xong")
    client.force_login(people.province_officer)

    first = detail(client, plan)
    assert first.count('<tr class="row-') == PROGRESS_PAGE_SIZE
    # The legend counts all 76, not the 50 shown: 75 in progress, one awaiting review.
    assert 'data-group="in-progress" data-count="75"' in first
    assert 'data-group="awaiting-review" data-count="1"' in first
    second = detail(client, plan, page=2)
    assert second.count('<tr class="row-') == 76 - PROGRESS_PAGE_SIZE
    shown = {code for body in (first, second) for code in Unit.objects.filter(
        assignments__plan=plan).values_list("code", flat=True) if f'data-unit="{code}"' in body}
    assert len(shown) == 76  # each recipient on exactly one of the two pages


def test_the_rows_are_filtered_by_status_group_and_by_name_without_diacritics(client, people):
    plan = plan_to(people, extra=3)
    assignment = assignment_of(plan, people.tree.muong_ang)
    services.assignment_receive(assignment=assignment, by=people.muong_ang_officer)
    services.assignment_report(assignment=assignment, by=people.muong_ang_officer, text="Xong")
    client.force_login(people.province_officer)

    awaiting = detail(client, plan, nhom="awaiting-review")
    assert awaiting.count('<tr class="row-') == 1 and 'data-unit="HDMA"' in awaiting
    # The counts above stay those of every recipient.
    assert 'data-group="in-progress" data-count="18"' in awaiting

    found = detail(client, plan, q="muong ang")  # typed without marks on a phone
    assert 'data-unit="HDMA"' in found and 'data-unit="HDTG"' not in found
    nothing = detail(client, plan, q="không có đơn vị này")
    assert '<tr class="row-' not in nothing and "Không có đơn vị nào khớp." in nothing
    unknown_group = detail(client, plan, nhom="khong-co")  # an unknown group is no filter
    assert unknown_group.count('<tr class="row-') == 19


def test_a_recipient_filtering_the_plan_page_still_sees_only_its_own_row(client, people):
    plan = plan_to(people, extra=3)
    client.force_login(people.muong_ang_officer)
    for query in ({}, {"q": "Tuần Giáo"}, {"nhom": "in-progress"}, {"page": "2"}):
        body = detail(client, plan, **query)
        assert 'data-unit="HDTG"' not in body, query
    assert 'data-unit="HDMA"' in detail(client, plan)


def test_the_card_names_a_few_recipients_and_counts_the_rest(client, people):
    plan = plan_to(people, extra=30)
    client.force_login(people.province_officer)
    body = detail(client, plan)
    assert "46 đơn vị nhận" in body
    assert "và 16 đơn vị khác" in body


def queries_of_detail(client, plan):
    with CaptureQueriesContext(connection) as captured:
        detail(client, plan)
    return len(captured)


def test_the_plan_page_costs_the_same_queries_for_19_and_76_recipients(client, people):
    small, large = plan_to(people, extra=3), plan_to(people, extra=60)
    client.force_login(people.province_officer)
    assert queries_of_detail(client, small) == queries_of_detail(client, large)


def test_the_progress_api_pages_with_counts_of_all(as_, people):
    plan = plan_to(people, extra=60)
    api = as_(people.province_officer)
    first = ok(api.get(f"/api/plans/{plan.pk}/progress/"))
    assert (first["total"], first["count"], first["pages"]) == (76, 76, 2)
    assert len(first["assignments"]) == PROGRESS_PAGE_SIZE
    assert sum(group["count"] for group in first["summary"]) == 76
    second = ok(api.get(f"/api/plans/{plan.pk}/progress/", {"page": 2}))
    ids = {row["id"] for row in first["assignments"]} | {row["id"] for row in second["assignments"]}
    assert ids == set(plan.assignments.values_list("pk", flat=True))
    named = ok(api.get(f"/api/plans/{plan.pk}/progress/", {"q": "muong ang"}))
    assert [row["unit"]["code"] for row in named["assignments"]] == ["HDMA"]
    assert named["count"] == 1 and named["total"] == 76


@pytest.mark.parametrize("query", [{"group": "khong-co"}, {"page": "0"}, {"page": "x"}, {"q": "x" * 101}])
def test_the_progress_api_refuses_a_bad_query_by_name(as_, people, query):
    plan = plan_to(people, extra=0)
    response = as_(people.province_officer).get(f"/api/plans/{plan.pk}/progress/", query)
    assert response.status_code == 400
    assert set(response.json()) == set(query)


def test_the_progress_api_costs_the_same_queries_for_19_and_76_recipients(as_, people):
    small, large = plan_to(people, extra=3), plan_to(people, extra=60)
    api = as_(people.province_officer)
    counts = []
    for plan in (small, large):
        with CaptureQueriesContext(connection) as captured:
            ok(api.get(f"/api/plans/{plan.pk}/progress/"))
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_progress_page_judges_each_row_by_the_one_status_rule(people):
    plan = plan_to(people, extra=3)
    from django.utils import timezone

    now = timezone.now()
    progress = selectors.plan_progress_page(plan, now)
    assert progress.statuses == {a.pk: selectors.due_class(a, now) for a in progress.page}


def test_the_sql_status_agrees_with_status_of_on_every_combination(people):
    """status_case is status_of's twin in SQL: for every state and every placing of the receipt
    deadline, the report deadline and the moment sent, both say the same."""
    import datetime
    import itertools

    from django.utils import timezone

    from plans.models import Assignment, AssignmentState

    plan = plan_to(people, extra=0)
    assignment = plan.assignments.first()
    now = timezone.now()
    hour, day = datetime.timedelta(hours=1), datetime.timedelta(days=1)
    near = selectors.NEAR_DUE_WITHIN
    moments = [now - day, now + near - hour, now + near + hour]  # past, near, later
    seen = set()
    for state, receipt_due, report_due, reported_at in itertools.product(
            AssignmentState.values, [None, *moments], moments, [None, now - 2 * day, now + 3 * day]):
        Assignment.objects.filter(pk=assignment.pk).update(
            state=state, receipt_due=receipt_due, report_due=report_due, reported_at=reported_at)
        in_sql = Assignment.objects.annotate(status=selectors.status_case(now)).get(pk=assignment.pk).status
        expected = selectors.status_of(state=state, report_due=report_due, receipt_due=receipt_due,
                                       reported_at=reported_at, now=now)
        assert in_sql == expected, (state, receipt_due, report_due, reported_at)
        seen.add(expected)
    assert seen == set(selectors.STATUS_LABELS)  # every status was reached
