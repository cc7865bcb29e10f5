"""Fixtures of the indicator tests. A module may define its own `plan` (or `received`): pytest then
uses that one, and `received` below is Mường Ảng's assignment of the module's `plan`."""

import pytest

from plans import services
from tests.plans.helpers import issued_plan
from tests.plans.indicators.helpers import add_four


@pytest.fixture
def plan(people):
    t = people.tree
    plan = issued_plan(people, recipients=[t.muong_ang, t.tuan_giao])
    add_four(plan)
    return plan


@pytest.fixture
def received(plan, people):
    assignment = plan.assignments.get(unit=people.tree.muong_ang)
    services.assignment_receive(assignment=assignment, by=people.muong_ang_officer)
    return assignment
