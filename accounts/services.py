"""Writes to the organisation: positions and the per-unit role groups that carry grants."""

import datetime

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from .models import ROLE_UNIT_PERMISSIONS, Department, Position, Role, Unit, UnitRoleGroup, User


def unit_role_group(*, unit: Unit, role: str) -> Group:
    """The group for (unit, role), created on first use."""
    link = UnitRoleGroup.objects.select_related("group").filter(unit=unit, role=role).first()
    if link:
        return link.group
    with transaction.atomic():
        group, _ = Group.objects.get_or_create(name=f"{unit.code}:{role}")
        link, created = UnitRoleGroup.objects.get_or_create(unit=unit, role=role, defaults={"group": group})
        if created:
            for codename in ROLE_UNIT_PERMISSIONS[role]:
                assign_perm(f"accounts.{codename}", link.group, unit)
    return link.group


def unit_role_grant(*, perm: str, obj, unit: Unit, roles) -> None:
    """Give `perm` on `obj` to everyone who holds one of `roles` in `unit`, now or later."""
    for role in roles:
        assign_perm(perm, unit_role_group(unit=unit, role=role), obj)


def unit_role_revoke(*, perm: str, obj, unit: Unit, roles) -> None:
    for role in roles:
        remove_perm(perm, unit_role_group(unit=unit, role=role), obj)


def position_create(
    *,
    user: User,
    unit: Unit,
    role: str,
    department: Department | None = None,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
) -> Position:
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}"})
    position = Position(
        user=user,
        unit=unit,
        role=role,
        department=department,
        valid_from=valid_from or timezone.localdate(),
        valid_to=valid_to,
    )
    position.full_clean()
    with transaction.atomic():
        position.save()
        positions_sync_groups(users=[user])
    return position


def position_end(*, position: Position, on: datetime.date) -> Position:
    position.valid_to = on
    position.full_clean()
    with transaction.atomic():
        position.save(update_fields=["valid_to"])
        positions_sync_groups(users=[position.user])
    return position


def positions_sync_groups(*, users=None, on: datetime.date | None = None) -> tuple[int, int]:
    """Make unit-role group membership match the positions active on `on`.

    Runs for the given users, or everyone (the nightly beat task, when positions start or end).
    Returns (memberships added, memberships removed). Bulk: a fixed number of queries.
    """
    on = on or timezone.localdate()
    positions = Position.objects.active_on(on).filter(user__is_active=True)
    if users is not None:
        positions = positions.filter(user__in=users)
    wanted_pairs = set(positions.values_list("user_id", "unit_id", "role"))

    existing_links = {
        (link.unit_id, link.role): link.group_id for link in UnitRoleGroup.objects.all().only(
            "unit_id", "role", "group_id"
        )
    }
    missing = {(unit_id, role) for _, unit_id, role in wanted_pairs} - set(existing_links)
    if missing:
        units = Unit.objects.in_bulk({unit_id for unit_id, _ in missing})
        for unit_id, role in missing:
            existing_links[(unit_id, role)] = unit_role_group(unit=units[unit_id], role=role).pk

    wanted = {(user_id, existing_links[(unit_id, role)]) for user_id, unit_id, role in wanted_pairs}
    membership = User.groups.through.objects.filter(group__unit_role__isnull=False)
    if users is not None:
        membership = membership.filter(user__in=users)
    current = {(row.user_id, row.group_id): row.pk for row in membership.only("user_id", "group_id")}

    to_add = wanted - set(current)
    to_remove = [pk for pair, pk in current.items() if pair not in wanted]
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u, group_id=g) for u, g in to_add], ignore_conflicts=True
    )
    User.groups.through.objects.filter(pk__in=to_remove).delete()
    return len(to_add), len(to_remove)
