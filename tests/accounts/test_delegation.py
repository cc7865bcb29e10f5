"""Ủy quyền: while the leader is away the named deputy approves, and history says so."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.selectors import deputies_of
from accounts.services import delegation_create, positions_sync_groups
from core.errors import ActionForbidden
from core.transitions import history_of
from plans import services
from tests.plans.helpers import draft_plan
from workflows.inbox import inbox_tasks

pytestmark = pytest.mark.django_db


def _submitted(people):
    plan = draft_plan(people)
    services.plan_submit(plan=plan, by=people.province_officer)
    services.plan_review(plan=plan, by=people.department_head)
    return plan


def test_deputy_approves_in_the_window_and_history_marks_it_delegated(people):
    today = timezone.localdate()
    deputy = people.department_head
    delegation_create(principal=people.province_leader, deputy=deputy, starts_on=today,
                      ends_on=today + datetime.timedelta(days=5), reason="Đi công tác Hà Nội")
    plan = _submitted(people)
    assert inbox_tasks(deputy).filter(process__plan=plan, flow_task_type="HUMAN").exists()
    services.plan_approve(plan=plan, by=deputy)
    entry = history_of(plan).get(transition="approve")
    assert entry.by == deputy and entry.on_behalf_of == people.province_leader
    assert deputies_of([people.province_leader.pk]) == {people.province_leader.pk: deputy.pk}


def test_leader_acting_in_own_right_is_not_marked(people):
    plan = _submitted(people)
    services.plan_approve(plan=plan, by=people.province_leader)
    assert history_of(plan).get(transition="approve").on_behalf_of is None


def test_outside_the_window_the_deputy_has_no_leaders_rights(people):
    today = timezone.localdate()
    deputy = people.department_head
    delegation_create(principal=people.province_leader, deputy=deputy, starts_on=today + datetime.timedelta(days=3),
                      ends_on=today + datetime.timedelta(days=5))
    plan = _submitted(people)
    with pytest.raises(ActionForbidden):
        services.plan_approve(plan=plan, by=deputy)
    # The nightly sync on the first day of the window grants, and after the last day takes back.
    positions_sync_groups(on=today + datetime.timedelta(days=3))
    deputy = type(deputy).objects.get(pk=deputy.pk)  # fresh permission cache
    assert deputy.has_perm("accounts.approve_plans", people.tree.province)
    positions_sync_groups(on=today + datetime.timedelta(days=6))
    deputy = type(deputy).objects.get(pk=deputy.pk)
    assert not deputy.has_perm("accounts.approve_plans", people.tree.province)
    assert deputies_of([people.province_leader.pk], on=today) == {}


def test_bad_delegations_are_refused(people):
    today = timezone.localdate()
    leader = people.province_leader
    cases = [
        {"principal": leader, "deputy": leader, "starts_on": today, "ends_on": today},
        {"principal": leader, "deputy": people.clerk, "starts_on": today, "ends_on": today - datetime.timedelta(1)},
        {"principal": people.clerk, "deputy": people.province_officer, "starts_on": today, "ends_on": today},
        {"principal": leader, "deputy": people.clerk, "starts_on": today, "ends_on": today, "by": people.clerk},
    ]
    for case in cases:
        with pytest.raises(ValidationError):
            delegation_create(**case)
    delegation_create(principal=leader, deputy=people.clerk, starts_on=today, ends_on=today)
    with pytest.raises(ValidationError):  # overlapping window
        delegation_create(principal=leader, deputy=people.province_officer, starts_on=today, ends_on=today)


def test_plan_page_shows_the_approval_as_delegated(people, client):
    today = timezone.localdate()
    delegation_create(principal=people.province_leader, deputy=people.department_head, starts_on=today,
                      ends_on=today)
    plan = _submitted(people)
    services.plan_approve(plan=plan, by=people.department_head)
    client.force_login(people.province_officer)
    page = client.get(f"/ke-hoach/{plan.pk}/").content.decode()
    assert 'data-delegated="1"' in page and people.province_leader.full_name in page


def test_leader_names_a_deputy_on_the_home_page(people, client):
    from accounts.models import Delegation

    client.force_login(people.province_leader)
    page = client.get("/").content.decode()
    assert page.count('action="/uy-quyen/"') == 1
    title = page[page.index("<title>"):page.index("</title>")]
    assert "<form" not in title and "<section" not in title
    today = timezone.localdate()
    bad = client.post("/uy-quyen/", {"deputy": people.department_head.pk, "starts_on": today.isoformat(),
                                      "ends_on": (today - datetime.timedelta(days=1)).isoformat()}, follow=True)
    assert Delegation.objects.count() == 0 and bad.status_code == 200
    client.post("/uy-quyen/", {"deputy": people.department_head.pk, "starts_on": today.isoformat(),
                               "ends_on": today.isoformat(), "reason": "Nghỉ phép"})
    assert Delegation.objects.get().deputy == people.department_head
    # Someone from another unit cannot be named, and a non-leader has no form.
    client.post("/uy-quyen/", {"deputy": people.muong_ang_officer.pk, "starts_on": today.isoformat(),
                               "ends_on": today.isoformat()})
    assert Delegation.objects.count() == 1
    client.force_login(people.clerk)
    assert 'action="/uy-quyen/"' not in client.get("/").content.decode()
    client.post("/uy-quyen/", {"deputy": people.province_officer.pk, "starts_on": today.isoformat(),
                               "ends_on": today.isoformat()})
    assert Delegation.objects.count() == 1
