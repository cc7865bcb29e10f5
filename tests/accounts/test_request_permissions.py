"""guardian's answers are read once per person and object in a request, and afresh outside one
or after a service changes the grants (accounts.permissions, issue 16)."""

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from guardian.exceptions import WrongAppError

from accounts.models import Role, User
from accounts.services import position_create, unit_role_grant
from core.request_cache import RequestCacheMiddleware
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def in_request(rf, body):
    """Runs `body()` as a view does, inside the request cache; returns what it returned."""
    out = []

    def view(request):
        out.append(body())
        return HttpResponse()

    RequestCacheMiddleware(view)(rf.get("/"))
    return out[0]


def fresh(user):
    return User.objects.get(pk=user.pk)


def test_the_same_object_asked_again_in_a_request_costs_no_query(people, rf):
    unit = people.tree.muong_ang
    user = fresh(people.muong_ang_officer)

    def asked():
        with CaptureQueriesContext(connection) as first:
            answers = [user.has_perm("accounts.handle_assignments", unit)]
        with CaptureQueriesContext(connection) as later:
            answers += [user.has_perm("accounts.handle_assignments", unit), user.has_perm("accounts.change_unit", unit)]
        return answers, len(first), len(later)

    answers, first, later = in_request(rf, asked)
    assert answers == [True, True, False]
    assert first > 0 and later == 0
    outside = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as asked_outside:
            assert user.has_perm("accounts.handle_assignments", unit)
        outside.append(len(asked_outside))
    assert outside[0] == outside[1] > 0  # a Celery task or a command reads afresh every time


def test_one_persons_answers_never_answer_for_another(people, rf):
    unit = people.tree.muong_ang
    insider, outsider = fresh(people.muong_ang_officer), fresh(people.tuan_giao_officer)
    answers = in_request(rf, lambda: [insider.has_perm("accounts.handle_assignments", unit),
                                      outsider.has_perm("accounts.handle_assignments", unit),
                                      insider.has_perm("accounts.handle_assignments", people.tree.tuan_giao)])
    assert answers == [True, False, False]


def test_a_grant_given_during_the_request_is_seen_at_once(people, rf):
    t = people.tree
    secretary = fresh(people.muong_ang_secretary)

    def asked():
        before = secretary.has_perm("accounts.change_unit", t.muong_ang)
        unit_role_grant(perm="accounts.change_unit", obj=t.muong_ang, unit=t.muong_ang, roles=[Role.SECRETARY])
        return before, secretary.has_perm("accounts.change_unit", t.muong_ang)

    assert in_request(rf, asked) == (False, True)


def test_a_position_taken_during_the_request_is_seen_at_once(people, rf):
    unit = people.tree.tuan_giao
    newcomer = UserFactory(username="hdtg.moi")

    def asked():
        before = newcomer.has_perm("accounts.handle_assignments", unit)
        position_create(user=newcomer, unit=unit, role=Role.OFFICER)
        return before, fresh(newcomer).has_perm("accounts.handle_assignments", unit)

    assert in_request(rf, asked) == (False, True)


def test_an_inactive_person_holds_nothing_in_a_request(people, rf):
    user = fresh(people.muong_ang_officer)
    user.is_active = False
    assert in_request(rf, lambda: user.has_perm("accounts.handle_assignments", people.tree.muong_ang)) is False


def test_a_permission_of_another_app_on_the_object_is_refused_loudly(people, rf):
    user = fresh(people.muong_ang_officer)
    with pytest.raises(WrongAppError):
        in_request(rf, lambda: user.has_perm("plans.view_plan", people.tree.muong_ang))
