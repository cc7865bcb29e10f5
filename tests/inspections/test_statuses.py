"""An inspected unit's self-report and remediation judged in the plans' status vocabulary, and
the inbox coloured by that judgement."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections.models import InspectionTarget, Remediation, RemediationState, TargetState
from inspections.statuses import remediation_status, self_report_status
from plans import selectors
from tests.helpers import html
from tests.inspections.helpers import conclude, decided_inspection, target_of

HOUR = datetime.timedelta(hours=1)
NOW = timezone.make_aware(datetime.datetime(2025, 6, 2, 10, 0))


@pytest.mark.parametrize(("state", "due", "sent", "expected"), [
    (TargetState.PENDING, None, None, ""),
    (TargetState.NOTIFIED, NOW + 72 * HOUR, None, selectors.IN_TIME),
    (TargetState.NOTIFIED, NOW + 5 * HOUR, None, selectors.NEAR_DUE),
    (TargetState.NOTIFIED, NOW - HOUR, None, selectors.OVERDUE),
    (TargetState.SELF_REPORTED, NOW - HOUR, NOW - 2 * HOUR, selectors.DONE),
    (TargetState.CONCLUDED, NOW - 2 * HOUR, NOW - HOUR, selectors.DONE_LATE),
])
def test_a_self_report(state, due, sent, expected):
    target = InspectionTarget(state=state, self_report_due=due, self_reported_at=sent)
    assert self_report_status(target, NOW) == expected


@pytest.mark.parametrize(("state", "due", "reported", "expected"), [
    (RemediationState.OPEN, NOW + 72 * HOUR, None, selectors.IN_TIME),
    (RemediationState.OPEN, NOW - HOUR, None, selectors.OVERDUE),
    (RemediationState.OPEN, NOW - HOUR, NOW - 2 * HOUR, selectors.OVERDUE),  # reopened after the deadline
    (RemediationState.REPORTED, NOW - HOUR, NOW - 2 * HOUR, selectors.AWAITING_REVIEW),
    (RemediationState.VERIFIED, NOW - HOUR, NOW - 2 * HOUR, selectors.DONE),
    (RemediationState.VERIFIED, NOW - 2 * HOUR, NOW - HOUR, selectors.DONE_LATE),
])
def test_a_remediation(state, due, reported, expected):
    remediation = Remediation(state=state, due=due, reported_at=reported)
    assert remediation_status(remediation, NOW) == expected


@pytest.mark.django_db
def test_a_remediation_due_tomorrow_is_near_due_in_the_units_inbox(client, people):
    t = people.tree
    inspection = decided_inspection(people, targets=[t.muong_ang])
    conclude(people, target_of(inspection, t.muong_ang),
             recommendations=[("Kiện toàn chi đoàn.", timezone.now() + 20 * HOUR)])
    client.force_login(people.muong_ang_officer)
    body = html(client.get(reverse("workflows:inbox")))
    task = body.partition('data-task="report"')[2].partition("</li>")[0]
    assert f'data-status="{selectors.NEAR_DUE}"' in task
