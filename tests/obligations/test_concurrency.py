"""Two beats generating at the same moment (a restarted scheduler, two beat processes by
mistake). Needs PostgreSQL: SQLite serializes whole transactions and cannot show the race."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection

from accounts.models import Position
from obligations import services
from obligations.models import ScheduleRun
from plans.models import Plan, PlanKind
from tests.obligations.test_obligations import schedule_for
from tests.plans.test_concurrency import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_two_beats_at_once_issue_one_request(people):
    Position.objects.update(valid_from=datetime.date(2020, 1, 1))
    schedule_for(people)
    moment = datetime.datetime(2025, 1, 31, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))

    # The request's deadlines follow the moment; plan services refuse deadlines already past.
    with time_machine.travel(moment, tick=False):
        outcomes = race(lambda: services.generate_due(moment), lambda: services.generate_due(moment))

    assert sorted(len(o) for o in outcomes) == [0, 1], outcomes
    assert Plan.objects.filter(kind=PlanKind.REPORT_REQUEST).count() == 1
    assert ScheduleRun.objects.get().plan is not None
