"""Sync 6,642 new positions (an officer and a secretary in each of the 3,321 communes) into their
unit-role groups on PostgreSQL: every (commune, role) group is new, so this times the bulk
creation of groups, links and guardian unit permissions as well as the memberships.

    .venv/bin/python bench/positions_national.py [runs]

Users and positions are inserted in bulk; only `positions_sync_groups` is timed, once for the
given users (what restructuring and the admin do) and once for everyone (the nightly task).
Each run starts from fresh users and positions with no commune group left from the run before.
"""

import sys
import time

from _setup import fresh_database, summary

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 3


def main():
    fresh_database("kehoach_bench_positions")
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from guardian.models import GroupObjectPermission

    from accounts.models import ROLE_UNIT_PERMISSIONS, Position, Role, Unit, UnitRoleGroup, User
    from accounts.national import national_units_load
    from accounts.services import positions_sync_groups

    national_units_load()
    communes = list(Unit.objects.filter(level__code="commune").only("pk", "code"))
    assert len(communes) == 3321
    roles = (Role.OFFICER, Role.SECRETARY)
    grants = len(communes) * sum(len(ROLE_UNIT_PERMISSIONS[role]) for role in roles)

    def fresh_positions(tag):
        # Deleting the groups takes their links, memberships and guardian rows with them.
        Group.objects.filter(unit_role__unit__level__code="commune").delete()
        User.objects.filter(username__startswith="bench.").delete()
        users = User.objects.bulk_create(
            [User(username=f"bench.{tag}.{unit.code}.{role}") for unit in communes for role in roles])
        Position.objects.bulk_create([
            Position(user=users[i * len(roles) + j], unit=unit, role=role)
            for i, unit in enumerate(communes) for j, role in enumerate(roles)])
        return users

    def timed(**kwargs):
        connection.queries_log.clear()  # a log of more than 9,000 statements would count short
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            added, removed = positions_sync_groups(**kwargs)
            seconds = time.perf_counter() - started
        assert (added, removed) == (len(communes) * len(roles), 0), (added, removed)
        assert UnitRoleGroup.objects.filter(unit__level__code="commune").count() == len(communes) * len(roles)
        assert GroupObjectPermission.objects.filter(group__unit_role__unit__level__code="commune").count() == grants
        return seconds, len(captured)

    results = {"users": ([], []), "everyone": ([], [])}
    again = []
    for run in range(RUNS):
        for label in results:
            users = fresh_positions(f"{run}{label[0]}")
            seconds, statements = timed(users=users) if label == "users" else timed()
            results[label][0].append(seconds)
            results[label][1].append(statements)
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            assert positions_sync_groups(users=users) == (0, 0)
            again.append((time.perf_counter() - started, len(captured)))

    count = len(communes) * len(roles)
    print(f"{count:,} new positions in {len(communes):,} communes: {count:,} new groups, {grants:,} unit grants")
    for label, (seconds, statements) in results.items():
        title = "the given users" if label == "users" else "everyone (users=None)"
        print(summary(f"positions_sync_groups for {title} (PostgreSQL)", seconds))
        print(f"  statements per run: {sorted(set(statements))}")
    print(f"the same sync again, nothing to do: {max(s for s, _ in again):.2f} s at most, "
          f"statements {sorted({n for _, n in again})}")


if __name__ == "__main__":
    main()
