"""The province officer decides for many districts at once in real Chromium, on a phone."""

import pytest
from django.urls import reverse

from core.transitions import history_of
from plans.models import Assignment, AssignmentState
from tests.browser import page  # noqa: F401  (fixture)
from tests.plans.helpers import assignment_of, issued_plan
from tests.plans.test_browser import _stylesheet_served, log_in, no_horizontal_scroll, shot  # noqa: F401
from tests.plans.test_bulk import reported

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ten_accepted_two_returned_and_a_slipped_in_report_named(live_server, people, page):  # noqa: F811
    plan = issued_plan(people)
    assignments = reported(people, plan, people.tree.districts)
    other = issued_plan(people, recipients=[people.tree.muong_ang])
    foreign = reported(people, other, [people.tree.muong_ang])[0]
    log_in(page, live_server, people.province_officer)
    page.goto(live_server.url + reverse("plans:bulk", args=[plan.pk]))
    assert page.locator('input[name="ids"]').count() == 16
    for a in assignments[:10]:
        page.locator(f'input[name="ids"][data-unit="{a.unit.code}"]').check()
    # A report of another plan slipped into the ids (a stale page, a crafted request).
    page.evaluate("""id => { const box = document.createElement('input'); box.type = 'checkbox';
        box.name = 'ids'; box.value = id; box.checked = true; document.querySelector('form.bulk').append(box); }""",
                  str(foreign.pk))
    shot(page, "bulk-1-chosen")
    page.locator('button[data-action="accept"]').click()
    page.wait_for_load_state()
    assert "10" in page.locator(".messages .msg-success").inner_text()
    assert f"#{foreign.pk}" in page.locator(".messages .msg-error").inner_text()
    assert no_horizontal_scroll(page)
    shot(page, "bulk-2-accepted")

    assert page.locator('input[name="ids"]').count() == 6
    for a in assignments[10:12]:
        page.locator(f'input[name="ids"][data-unit="{a.unit.code}"]').check()
    page.locator("#bulk-comment").fill("Bổ sung số liệu tháng 3")
    page.locator('button[data-action="return"]').click()
    page.wait_for_load_state()
    shot(page, "bulk-3-returned")

    states = dict(Assignment.objects.filter(plan=plan).values_list("pk", "state"))
    assert {states[a.pk] for a in assignments[:10]} == {AssignmentState.ACCEPTED}
    assert {states[a.pk] for a in assignments[10:12]} == {AssignmentState.RECEIVED}
    assert {states[a.pk] for a in assignments[12:]} == {AssignmentState.REPORTED}
    assert assignment_of(other, people.tree.muong_ang).state == AssignmentState.REPORTED
    for a in assignments[:10]:
        assert [h.transition for h in history_of(a)][-1] == "accept"
    for a in assignments[10:12]:
        last = list(history_of(a))[-1]
        assert (last.transition, last.comment, last.by) == ("return_report", "Bổ sung số liệu tháng 3",
                                                            people.province_officer)
