"""The demo shows an overdue report and its escalation, once, however often it is seeded."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from deadlines.models import DeadlineEvent
from demo.overdue import SUBJECT
from notifications.models import DEADLINE_KINDS as SWEEP_KINDS
from notifications.models import Notification
from plans.models import Assignment, AssignmentState

pytestmark = pytest.mark.django_db


def _about_the_demo_plan(username):
    assignment = Assignment.objects.get(plan__subject=SUBJECT, unit__code="HDMA")
    return list(Notification.objects.filter(recipient__username=username, url__endswith=f"/{assignment.pk}/",
                                            kind__in=SWEEP_KINDS)
                .values_list("kind", flat=True))


def test_seed_demo_twice_tells_the_unit_head_and_the_leader_once(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    # Wednesday 20/03/2030: the report was due Friday 15/03 17:00 (three working days back).
    with time_machine.travel(datetime.datetime(2030, 3, 20, 10, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))):
        call_command("seed_demo", password="demo-pass-1", stdout=open("/dev/null", "w"))
        call_command("seed_demo", password="demo-pass-1", stdout=open("/dev/null", "w"))

    assignment = Assignment.objects.get(plan__subject=SUBJECT, unit__code="HDMA")
    assert assignment.state == AssignmentState.RECEIVED
    assert assignment.report_due == datetime.datetime(2030, 3, 15, 17, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert _about_the_demo_plan("hdma.bithu") == ["overdue"]
    assert _about_the_demo_plan("lanhdao") == ["escalation"]
    assert _about_the_demo_plan("truongban") == ["escalation"]
    assert sorted(DeadlineEvent.objects.filter(object_id=assignment.pk, step_kind="assignment_report")
                  .values_list("level", flat=True)) == ["level2", "overdue"]
    # Tuần Giáo reported (late): nothing about it.
    assert Assignment.objects.get(plan__subject=SUBJECT, unit__code="HDTG").state == AssignmentState.REPORTED
    assert not Notification.objects.filter(recipient__username="hdtg.bithu", title__contains=SUBJECT,
                                       kind__in=SWEEP_KINDS).exists()
