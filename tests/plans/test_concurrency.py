"""Two people acting at the same moment. Needs PostgreSQL's row locks (CI's second run);
SQLite serializes whole transactions and cannot show the race."""

import threading

import pytest
from django.db import connection, connections

from core.errors import TransitionNotAllowed
from core.transitions import history_of
from plans import services
from plans.models import Plan, PlanState
from tests.plans.helpers import approved_plan, draft_plan

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def race(*calls):
    """Run the calls in threads released together; return each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as exc:  # the loser's refusal is the point of the test
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def awaiting_approval(people):
    plan = draft_plan(people)
    services.plan_submit(plan=plan, by=people.province_officer)
    services.plan_review(plan=plan, by=people.department_head)
    return plan


def test_approve_and_return_at_once_one_wins_one_gets_a_conflict(people):
    plan = awaiting_approval(people)
    outcomes = race(
        lambda: services.plan_approve(plan=plan, by=people.province_leader),
        lambda: services.plan_return(plan=plan, by=people.province_leader, comment="Cần sửa"),
    )
    refused = [o for o in outcomes if isinstance(o, TransitionNotAllowed)]
    succeeded = [o for o in outcomes if isinstance(o, Plan)]
    assert len(refused) == 1 and len(succeeded) == 1, outcomes
    final = Plan.objects.get(pk=plan.pk).state
    assert final in (PlanState.APPROVED, PlanState.DRAFT)
    after_review = [h for h in history_of(plan) if h.source == PlanState.AWAITING_APPROVAL]
    assert len(after_review) == 1
    assert after_review[0].target == final


def test_two_approvals_at_once_write_one_history_row(people):
    plan = awaiting_approval(people)
    outcomes = race(*[lambda: services.plan_approve(plan=plan, by=people.province_leader)] * 2)
    assert sum(isinstance(o, TransitionNotAllowed) for o in outcomes) == 1
    assert [h.target for h in history_of(plan)].count(PlanState.APPROVED) == 1


def test_two_clerks_issuing_at_once_get_two_consecutive_numbers(people):
    first, second = approved_plan(people), approved_plan(people)
    outcomes = race(
        lambda: services.plan_issue(plan=first, by=people.clerk),
        lambda: services.plan_issue(plan=second, by=people.clerk),
    )
    assert all(isinstance(o, Plan) for o in outcomes), outcomes
    numbers = sorted(Plan.objects.filter(pk__in=[first.pk, second.pk]).values_list("number_seq", flat=True))
    assert numbers == [1, 2]
