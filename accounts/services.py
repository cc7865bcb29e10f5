"""Writes to the organisation: positions and the per-unit role groups that carry grants."""

import datetime

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.models import GroupObjectPermission
from guardian.shortcuts import assign_perm

from core.request_cache import forget

from .models import (
    LEADER_ROLES,
    ROLE_UNIT_PERMISSIONS,
    Delegation,
    Department,
    Position,
    Role,
    Unit,
    UnitRoleGroup,
    User,
)

DELEGABLE_ROLES = [*LEADER_ROLES, Role.INSPECTION_CHAIR]


def unit_role_group(*, unit: Unit, role: str) -> Group:
    """The group for (unit, role), created on first use."""
    link = UnitRoleGroup.objects.select_related("group").filter(unit=unit, role=role).first()
    if link:
        return link.group
    pair = (unit.pk, role)
    return Group.objects.get(pk=unit_role_groups_ensure([pair])[pair])


def unit_role_groups_ensure(pairs) -> dict[tuple[int, str], int]:
    """The group id of each (unit id, role) pair, the missing groups created with their role's
    unit permissions (ROLE_UNIT_PERMISSIONS).

    Bulk: a fixed number of queries whatever the number of pairs (a national sync creates
    thousands of groups at once). Safe when two calls race: every insert ignores conflicts and
    what was inserted is read back, so the loser of a race takes the winner's group.
    """
    pairs = set(pairs)
    unknown = {role for _, role in pairs} - set(ROLE_UNIT_PERMISSIONS)
    if unknown:
        raise ValueError(f"Unknown roles {sorted(unknown)}")
    links = _unit_role_links(pairs)
    missing = pairs - set(links)
    if not missing:
        return links
    # Sorted, so that two racing calls take the unique-index locks in the same order.
    order = sorted(missing)
    with transaction.atomic():
        codes = dict(Unit.objects.filter(pk__in={unit_id for unit_id, _ in missing}).values_list("pk", "code"))
        names = {(unit_id, role): f"{codes[unit_id]}:{role}" for unit_id, role in missing}
        # A group of that name may exist without its link (made by hand, or its link deleted):
        # it is taken over, not duplicated.
        Group.objects.bulk_create([Group(name=names[pair]) for pair in order], ignore_conflicts=True)
        group_ids = dict(Group.objects.filter(name__in=names.values()).values_list("name", "pk"))
        UnitRoleGroup.objects.bulk_create(
            [UnitRoleGroup(unit_id=unit_id, role=role, group_id=group_ids[names[unit_id, role]])
             for unit_id, role in order],
            ignore_conflicts=True,
        )
        created = _unit_role_links(missing)
        if taken := missing - set(created):
            # The group of that name is linked to another unit and role (a unit code reused).
            raise IntegrityError(f"Groups {sorted(names[pair] for pair in taken)} belong to other units")
        perms = {
            p.codename: p for p in Permission.objects.filter(content_type__app_label=Unit._meta.app_label,
                                                            content_type__model=Unit._meta.model_name)
        }
        GroupObjectPermission.objects.bulk_create(
            # Ids, not instances: tens of thousands of rows at national scale.
            [GroupObjectPermission(group_id=group_id, permission_id=perms[codename].pk,
                                   content_type_id=perms[codename].content_type_id, object_pk=str(unit_id))
             for (unit_id, role), group_id in created.items() for codename in ROLE_UNIT_PERMISSIONS[role]],
            ignore_conflicts=True,
        )
    return links | created


def _unit_role_links(pairs) -> dict[tuple[int, str], int]:
    rows = UnitRoleGroup.objects.filter(unit_id__in={unit_id for unit_id, _ in pairs}).values_list(
        "unit_id", "role", "group_id")
    return {(unit_id, role): group_id for unit_id, role, group_id in rows if (unit_id, role) in pairs}


def role_groups_grant_missing() -> int:
    """Give existing unit-role groups the unit permissions their role gained since they were
    created (a new release adds a permission to ROLE_UNIT_PERMISSIONS). Bulk; idempotent."""
    unit_type = ContentType.objects.get_for_model(Unit)
    perms = {p.codename: p for p in Permission.objects.filter(content_type=unit_type)}
    rows = [
        GroupObjectPermission(group_id=link.group_id, permission=perms[codename], content_type=unit_type,
                              object_pk=str(link.unit_id))
        for link in UnitRoleGroup.objects.only("group_id", "unit_id", "role")
        for codename in ROLE_UNIT_PERMISSIONS.get(link.role, ())
    ]
    before = GroupObjectPermission.objects.filter(content_type=unit_type).count()
    GroupObjectPermission.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    forget()
    return GroupObjectPermission.objects.filter(content_type=unit_type).count() - before


def unit_role_grant(*, perm: str, obj, unit: Unit, roles) -> None:
    """Give `perm` on `obj` to everyone who holds one of `roles` in `unit`, now or later."""
    for role in roles:
        assign_perm(perm, unit_role_group(unit=unit, role=role), obj)
    forget()


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
    delegations = Delegation.objects.active_on(on).filter(deputy__is_active=True)
    if users is not None and not isinstance(users, QuerySet):
        # Ids once, not each of thousands of users turned into an id by every filter below.
        users = [getattr(user, "pk", user) for user in users]
    if users is not None:
        positions = positions.filter(user__in=users)
        delegations = delegations.filter(deputy__in=users)
    wanted_pairs = set(positions.values_list("user_id", "unit_id", "role"))
    # A deputy holds the absent leader's leading roles for the window of the delegation.
    deputies: dict[int, list[int]] = {}
    for principal_id, deputy_id in delegations.values_list("principal_id", "deputy_id"):
        deputies.setdefault(principal_id, []).append(deputy_id)
    leading = Position.objects.active_on(on).filter(user_id__in=list(deputies), role__in=DELEGABLE_ROLES)
    for principal_id, unit_id, role in leading.values_list("user_id", "unit_id", "role"):
        wanted_pairs |= {(deputy_id, unit_id, role) for deputy_id in deputies[principal_id]}

    unit_roles = {(unit_id, role) for _, unit_id, role in wanted_pairs}
    links = UnitRoleGroup.objects.all()
    if users is not None:
        # A few people's sync reads their units' groups, not the whole country's.
        links = links.filter(unit_id__in={unit_id for unit_id, _ in unit_roles})
    existing_links = {(unit_id, role): group_id for unit_id, role, group_id in links.values_list(
        "unit_id", "role", "group_id")}
    if missing := unit_roles - set(existing_links):
        existing_links |= unit_role_groups_ensure(missing)

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
    if to_remove:
        User.groups.through.objects.filter(pk__in=to_remove).delete()
    if to_add or to_remove:
        forget()  # the units and grants this request read are no longer the person's
    return len(to_add), len(to_remove)


def delegation_create(*, principal: User, deputy: User, starts_on: datetime.date, ends_on: datetime.date,
                      reason: str = "", by: User | None = None) -> Delegation:
    """The leader (or an administrator) names a deputy for a window; group membership follows at once."""
    errors = {}
    if deputy.pk == principal.pk:
        errors["deputy"] = _("A leader cannot delegate to themselves.")
    if ends_on < starts_on:
        errors["ends_on"] = _("The end date is before the start date.")
    leading = Position.objects.filter(user=principal, role__in=DELEGABLE_ROLES)
    if not leading.exists():
        errors["principal"] = _("Only a leader or the inspection committee chair delegates.")
    if by is not None and by.pk != principal.pk and not by.is_staff:
        errors["principal"] = _("Only the leader or an administrator names a deputy.")
    overlapping = Delegation.objects.filter(principal=principal, starts_on__lte=ends_on, ends_on__gte=starts_on)
    if overlapping.exists():
        errors["starts_on"] = _("This leader already has a deputy for part of that time.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        delegation = Delegation.objects.create(principal=principal, deputy=deputy, starts_on=starts_on,
                                               ends_on=ends_on, reason=reason)
        positions_sync_groups(users=[deputy])
    return delegation
