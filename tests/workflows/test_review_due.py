"""A report to review has the issuer's own deadline (the policy's review working days), shown,
coloured and filtered in the inbox like any other step's."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from deadlines.models import DeadlinePolicy, StepKind
from deadlines.policy import policies
from plans.models import Assignment
from tests.helpers import html
from tests.plans.helpers import assignment_of, issued_plan
from tests.plans.test_bulk import reported
from workflows.calendar import deadline_after

pytestmark = pytest.mark.django_db


def test_a_sent_report_is_due_for_review_after_the_policys_working_days(people):
    policies()
    DeadlinePolicy.objects.filter(step_kind=StepKind.ASSIGNMENT_REPORT).update(review_working_days=4)
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    before = timezone.now()
    reported(people, plan, [people.tree.muong_ang])
    assignment = assignment_of(plan, people.tree.muong_ang)
    assert assignment.review_due == deadline_after(assignment.reported_at, 4)
    assert assignment.review_due > before + datetime.timedelta(days=4)


def test_the_review_shows_its_due_moment_and_turns_red_when_late(client, people):
    plan = issued_plan(people, recipients=[people.tree.muong_ang, people.tree.tuan_giao])
    reported(people, plan, [people.tree.muong_ang, people.tree.tuan_giao])
    client.force_login(people.province_officer)
    body = html(client.get(reverse("workflows:inbox")))
    assert body.count('data-task="review"') == 2 and 'data-status="overdue"' not in body
    late = assignment_of(plan, people.tree.tuan_giao)
    Assignment.objects.filter(pk=late.pk).update(review_due=timezone.now() - datetime.timedelta(hours=1))
    body = html(client.get(reverse("workflows:inbox")))
    assert body.count('data-status="overdue"') == 1
    # Most urgent first: the late review comes before the other.
    assert body.index('data-status="overdue"') < body.rindex('data-task="review"')
    only_late = html(client.get(reverse("workflows:inbox"), {"qua-han": "1"}))
    assert only_late.count('data-task="review"') == 1
