"""Two people registering at the same moment. Needs PostgreSQL's row locks (CI's second run);
SQLite serializes whole transactions and cannot show the race."""

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Role
from accounts.services import position_create
from core.errors import TransitionNotAllowed
from core.models import DocumentSequence
from plans import services as plan_services
from plans.models import Assignment
from registers.models import DocumentKind, IncomingEntry, OutgoingEntry
from registers.services import outgoing_register_paper
from tests.factories import UserFactory
from tests.plans.helpers import approved_plan, assignment_of, issued_plan
from tests.plans.test_concurrency import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def second_clerk(people):
    clerk = UserFactory(username="vanthu2", full_name="Lò Thị Xuân")
    position_create(user=clerk, unit=people.tree.province, role=Role.CLERK, department=people.tree.vp)
    return clerk


def register(people, clerk, subject):
    return lambda: outgoing_register_paper(
        unit=people.tree.province, by=clerk, kind=DocumentKind.LETTER, subject=subject, signer="Lò Văn Thắng",
        issued_on=timezone.localdate(), recipients="Các huyện đoàn", reason="Phát hành bản giấy")


def test_two_clerks_registering_at_once_get_consecutive_numbers(people):
    other = second_clerk(people)
    outcomes = race(register(people, people.clerk, "Công văn thứ nhất"), register(people, other, "Công văn thứ hai"))
    assert all(isinstance(o, OutgoingEntry) for o in outcomes), outcomes
    assert sorted(OutgoingEntry.objects.values_list("number_seq", flat=True)) == [1, 2]
    assert len(set(OutgoingEntry.objects.values_list("number", flat=True))) == 2
    assert DocumentSequence.objects.get().last_number == 2


def test_a_paper_registration_and_a_plans_issue_at_once_share_the_sequence_without_a_gap(people):
    plan = approved_plan(people, kind=DocumentKind.LETTER)
    outcomes = race(register(people, second_clerk(people), "Công văn giấy"),
                    lambda: plan_services.plan_issue(plan=plan, by=people.clerk))
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    assert sorted(OutgoingEntry.objects.values_list("number_seq", flat=True)) == [1, 2]
    assert OutgoingEntry.objects.filter(on_paper=False).get().number_seq == plan.__class__.objects.get(
        pk=plan.pk).number_seq


def test_receipt_confirmed_twice_at_once_gets_one_arrival_number(people):
    plan = issued_plan(people)
    assignment = assignment_of(plan, people.tree.muong_ang)
    outcomes = race(
        lambda: plan_services.assignment_receive(assignment=assignment, by=people.muong_ang_officer),
        lambda: plan_services.assignment_receive(assignment=assignment, by=people.muong_ang_secretary),
    )
    assert sum(isinstance(o, Assignment) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, TransitionNotAllowed) for o in outcomes) == 1, outcomes
    assert list(IncomingEntry.objects.values_list("object_id", "arrival_number")) == [(assignment.pk, 1)]
    assert DocumentSequence.objects.get(scope__startswith="incoming:").last_number == 1


def test_two_receipts_of_one_unit_at_once_get_one_and_two(people):
    first, second = issued_plan(people), issued_plan(people)
    outcomes = race(
        lambda: plan_services.assignment_receive(assignment=assignment_of(first, people.tree.muong_ang),
                                                 by=people.muong_ang_officer),
        lambda: plan_services.assignment_receive(assignment=assignment_of(second, people.tree.muong_ang),
                                                 by=people.muong_ang_secretary),
    )
    assert all(isinstance(o, Assignment) for o in outcomes), outcomes
    assert sorted(IncomingEntry.objects.values_list("arrival_number", flat=True)) == [1, 2]
