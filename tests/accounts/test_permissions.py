"""Object permissions go to per-unit role groups, never to individual users."""

import datetime

import pytest
from django.contrib.auth.models import Group
from guardian.models import GroupObjectPermission, UserObjectPermission
from guardian.shortcuts import get_objects_for_user

from accounts.models import Role, UnitRoleGroup, User
from accounts.services import (
    position_create,
    position_end,
    positions_sync_groups,
    unit_role_grant,
    unit_role_group,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def fresh(user):
    # Guardian and ModelBackend cache permissions on the instance.
    return User.objects.get(pk=user.pk)


def test_a_grant_reaches_the_role_holders_of_that_unit_only(people):
    t = people.tree
    unit_role_grant(perm="accounts.change_unit", obj=t.muong_ang, unit=t.muong_ang, roles=[Role.SECRETARY])
    assert fresh(people.muong_ang_secretary).has_perm("accounts.change_unit", t.muong_ang)
    assert not fresh(people.muong_ang_secretary).has_perm("accounts.change_unit", t.tuan_giao)
    assert not fresh(people.muong_ang_officer).has_perm("accounts.change_unit", t.muong_ang)
    assert not fresh(people.tuan_giao_officer).has_perm("accounts.change_unit", t.muong_ang)


def test_grants_never_create_per_user_rows(people):
    t = people.tree
    for unit in (t.muong_ang, t.tuan_giao):
        unit_role_grant(perm="accounts.view_unit", obj=unit, unit=unit, roles=[Role.OFFICER, Role.SECRETARY])
    assert UserObjectPermission.objects.count() == 0
    assert GroupObjectPermission.objects.filter(permission__codename="view_unit").count() == 4


def test_a_newly_appointed_person_inherits_the_grants_without_new_rows(people):
    t = people.tree
    unit_role_grant(perm="accounts.change_unit", obj=t.tuan_giao, unit=t.tuan_giao, roles=[Role.SECRETARY])
    rows = GroupObjectPermission.objects.count()
    newcomer = UserFactory(username="hdtg.bithu")
    position_create(user=newcomer, unit=t.tuan_giao, role=Role.SECRETARY)
    assert fresh(newcomer).has_perm("accounts.change_unit", t.tuan_giao)
    assert GroupObjectPermission.objects.count() == rows


def test_ending_a_position_takes_the_permission_away(people):
    t = people.tree
    unit_role_grant(perm="accounts.change_unit", obj=t.muong_ang, unit=t.muong_ang, roles=[Role.SECRETARY])
    position = people.muong_ang_secretary.positions.get()
    position.valid_from = datetime.date.today() - datetime.timedelta(days=30)
    position.save(update_fields=["valid_from"])
    position_end(position=position, on=datetime.date.today() - datetime.timedelta(days=1))
    assert not fresh(people.muong_ang_secretary).has_perm("accounts.change_unit", t.muong_ang)


def test_a_future_position_grants_nothing_until_the_nightly_sync(people):
    t = people.tree
    unit_role_grant(perm="accounts.change_unit", obj=t.tuan_giao, unit=t.tuan_giao, roles=[Role.SECRETARY])
    starts = datetime.date.today() + datetime.timedelta(days=3)
    successor = UserFactory(username="successor")
    position_create(user=successor, unit=t.tuan_giao, role=Role.SECRETARY, valid_from=starts)
    assert not fresh(successor).has_perm("accounts.change_unit", t.tuan_giao)
    positions_sync_groups(on=starts)
    assert fresh(successor).has_perm("accounts.change_unit", t.tuan_giao)


def test_the_nightly_task_runs_the_sync(people):
    from accounts.tasks import sync_position_groups

    group = unit_role_group(unit=people.tree.muong_ang, role=Role.OFFICER)
    group.user_set.clear()
    result = sync_position_groups.delay().get()
    assert result["added"] == 1
    assert group.user_set.filter(pk=people.muong_ang_officer.pk).exists()


def test_one_group_per_unit_and_role_whatever_the_number_of_people(people):
    t = people.tree
    for n in range(5):
        position_create(user=UserFactory(username=f"extra{n}"), unit=t.muong_ang, role=Role.OFFICER)
    assert UnitRoleGroup.objects.filter(unit=t.muong_ang, role=Role.OFFICER).count() == 1
    group = Group.objects.get(unit_role__unit=t.muong_ang, unit_role__role=Role.OFFICER)
    assert group.user_set.count() == 6


def test_listing_objects_for_a_user_goes_through_the_group(people):
    t = people.tree
    unit_role_grant(perm="accounts.view_unit", obj=t.muong_ang, unit=t.muong_ang, roles=[Role.OFFICER])
    officer = fresh(people.muong_ang_officer)
    visible = get_objects_for_user(officer, "accounts.view_unit", with_superuser=False)
    assert list(visible) == [t.muong_ang]
    assert not get_objects_for_user(fresh(people.tuan_giao_officer), "accounts.view_unit").exists()


def test_a_department_of_another_unit_is_refused(people):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        position_create(user=UserFactory(), unit=people.tree.muong_ang, role=Role.OFFICER,
                        department=people.tree.xdd)


def test_a_task_queued_in_a_rolled_back_transaction_never_runs(people, django_capture_on_commit_callbacks):
    from django.db import transaction

    from accounts.tasks import sync_position_groups

    group = unit_role_group(unit=people.tree.muong_ang, role=Role.OFFICER)
    group.user_set.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                sync_position_groups.delay_on_commit()
                raise RuntimeError("the request failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not group.user_set.exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sync_position_groups.delay_on_commit()
    assert len(callbacks) == 1
    assert group.user_set.filter(pk=people.muong_ang_officer.pk).exists()
