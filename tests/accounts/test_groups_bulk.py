"""Unit-role groups are created in bulk: a national sync makes thousands at once, in a fixed
number of statements, each with its role's guardian permissions on its unit."""

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from guardian.core import ObjectPermissionChecker
from guardian.models import GroupObjectPermission

from accounts import services
from accounts.models import ROLE_UNIT_PERMISSIONS, Role, UnitRoleGroup, User
from accounts.services import positions_sync_groups, unit_role_group, unit_role_groups_ensure
from tests.factories import PositionFactory

pytestmark = pytest.mark.django_db

ROLES = (Role.OFFICER, Role.SECRETARY)


def appoint(units):
    """An officer and a secretary in each unit, saved without syncing their groups."""
    return [PositionFactory(unit=unit, role=role).user for unit in units for role in ROLES]


def statements(call):
    with CaptureQueriesContext(connection) as captured:
        call()
    return captured


def test_the_sync_takes_as_many_statements_for_twenty_new_groups_as_for_two(province_tree):
    districts = province_tree.districts
    few, many = appoint(districts[:1]), appoint(districts[1:11])
    for_two = statements(lambda: positions_sync_groups(users=few))
    for_twenty = statements(lambda: positions_sync_groups(users=many))
    assert UnitRoleGroup.objects.filter(unit__in=districts[1:11]).count() == 20
    assert len(for_two) == len(for_twenty)


def test_the_sync_of_everyone_takes_as_many_statements_for_twenty_new_groups_as_for_two(province_tree):
    districts = province_tree.districts
    appoint(districts[:1])
    for_two = statements(positions_sync_groups)
    appoint(districts[1:11])
    for_twenty = statements(positions_sync_groups)
    assert UnitRoleGroup.objects.count() == 22
    assert len(for_two) == len(for_twenty)


def test_the_bulk_creation_takes_as_many_statements_for_twenty_groups_as_for_two(province_tree):
    districts = province_tree.districts
    for_two = statements(lambda: unit_role_groups_ensure([(districts[0].pk, role) for role in ROLES]))
    for_twenty = statements(lambda: unit_role_groups_ensure(
        [(unit.pk, role) for unit in districts[1:11] for role in ROLES]))
    assert len(for_two) == len(for_twenty)


def test_each_new_group_holds_exactly_its_roles_permissions_on_its_unit(province_tree):
    muong_ang, tuan_giao = province_tree.muong_ang, province_tree.tuan_giao
    groups = unit_role_groups_ensure([(unit.pk, role) for unit in (muong_ang, tuan_giao) for role in ROLES])
    for (unit_id, role), group_id in groups.items():
        unit, other = (muong_ang, tuan_giao) if unit_id == muong_ang.pk else (tuan_giao, muong_ang)
        checker = ObjectPermissionChecker(Group.objects.get(pk=group_id))
        assert set(checker.get_perms(unit)) == set(ROLE_UNIT_PERMISSIONS[role])
        assert checker.get_perms(other) == []


def test_a_newly_appointed_officer_may_do_the_officers_work_of_that_unit_only(province_tree):
    muong_ang, tuan_giao = province_tree.muong_ang, province_tree.tuan_giao
    officer, secretary = appoint([muong_ang])
    positions_sync_groups(users=[officer, secretary])
    officer, secretary = User.objects.get(pk=officer.pk), User.objects.get(pk=secretary.pk)
    assert officer.has_perm("accounts.draft_plans", muong_ang)
    assert not officer.has_perm("accounts.approve_plans", muong_ang)
    assert not officer.has_perm("accounts.draft_plans", tuan_giao)
    assert secretary.has_perm("accounts.approve_plans", muong_ang)


def test_a_second_call_creates_nothing(province_tree):
    pairs = [(unit.pk, role) for unit in province_tree.districts[:3] for role in ROLES]
    first = unit_role_groups_ensure(pairs)
    counts = Group.objects.count(), UnitRoleGroup.objects.count(), GroupObjectPermission.objects.count()
    again = statements(lambda: unit_role_groups_ensure(pairs))
    assert unit_role_groups_ensure(pairs) == first
    assert (Group.objects.count(), UnitRoleGroup.objects.count(), GroupObjectPermission.objects.count()) == counts
    assert len(again) == 1  # the links are read, nothing is written


def test_a_group_of_that_name_without_its_link_is_taken_over_not_duplicated(province_tree):
    muong_ang = province_tree.muong_ang
    left_over = Group.objects.create(name=f"{muong_ang.code}:{Role.OFFICER}")
    groups = unit_role_groups_ensure([(muong_ang.pk, Role.OFFICER), (muong_ang.pk, Role.SECRETARY)])
    assert groups[muong_ang.pk, Role.OFFICER] == left_over.pk
    assert Group.objects.filter(name=left_over.name).count() == 1
    assert UnitRoleGroup.objects.get(unit=muong_ang, role=Role.OFFICER).group_id == left_over.pk
    assert set(ObjectPermissionChecker(left_over).get_perms(muong_ang)) == set(ROLE_UNIT_PERMISSIONS[Role.OFFICER])


def test_a_group_of_that_name_linked_to_another_unit_stops_the_creation(province_tree):
    muong_ang, tuan_giao = province_tree.muong_ang, province_tree.tuan_giao
    # Tuần Giáo's group carries the name Mường Ảng's would take (a unit code given up and reused).
    UnitRoleGroup.objects.create(unit=tuan_giao, role=Role.OFFICER,
                                 group=Group.objects.create(name=f"{muong_ang.code}:{Role.OFFICER}"))
    groups = Group.objects.count()
    with pytest.raises(IntegrityError):
        unit_role_groups_ensure([(muong_ang.pk, Role.OFFICER), (muong_ang.pk, Role.SECRETARY)])
    assert Group.objects.count() == groups
    assert not UnitRoleGroup.objects.filter(unit=muong_ang).exists()


def test_the_loser_of_a_race_takes_the_winners_group(province_tree, monkeypatch):
    muong_ang = province_tree.muong_ang
    winner = unit_role_group(unit=muong_ang, role=Role.OFFICER)
    real = services._unit_role_links
    reads = []

    def stale_first_read(pairs):
        # The loser read the links before the winner committed its group.
        reads.append(pairs)
        return {} if len(reads) == 1 else real(pairs)

    monkeypatch.setattr(services, "_unit_role_links", stale_first_read)
    groups = unit_role_groups_ensure([(muong_ang.pk, Role.OFFICER)])
    assert groups == {(muong_ang.pk, Role.OFFICER): winner.pk}
    assert Group.objects.filter(name=winner.name).count() == 1
    assert UnitRoleGroup.objects.filter(unit=muong_ang, role=Role.OFFICER).count() == 1
    assert GroupObjectPermission.objects.filter(group=winner).count() == len(ROLE_UNIT_PERMISSIONS[Role.OFFICER])


def test_the_single_group_is_the_one_the_bulk_call_gives(province_tree):
    muong_ang = province_tree.muong_ang
    group = unit_role_group(unit=muong_ang, role=Role.SECRETARY)
    assert group.name == f"{muong_ang.code}:{Role.SECRETARY}"
    assert unit_role_groups_ensure([(muong_ang.pk, Role.SECRETARY)]) == {(muong_ang.pk, Role.SECRETARY): group.pk}
    assert unit_role_group(unit=muong_ang, role=Role.SECRETARY) == group


def test_an_unknown_role_is_refused_before_anything_is_written(province_tree):
    with pytest.raises(ValueError):
        unit_role_groups_ensure([(province_tree.muong_ang.pk, Role.OFFICER), (province_tree.muong_ang.pk, "chief")])
    assert not Group.objects.exists()


def test_a_few_peoples_sync_reads_only_their_units_groups(province_tree):
    districts = province_tree.districts
    positions_sync_groups(users=appoint(districts[:10]))
    newcomers = appoint(districts[10:11])
    captured = statements(lambda: positions_sync_groups(users=newcomers))
    reads = [q["sql"] for q in captured
             if q["sql"].startswith("SELECT") and 'FROM "accounts_unitrolegroup"' in q["sql"]]
    assert reads
    assert all('"accounts_unitrolegroup"."unit_id" IN' in sql for sql in reads)
