"""Who may take a workflow task: members of the groups that hold the task's guardian object
permission on the task's object (the unit's role groups, an inspection team's groups).
The same rule as workflows.inbox.inbox_tasks, read the other way round: from the grant to people.
And who of them is told of it: the one person responsible, when a step names one."""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from guardian.models import GroupObjectPermission

from accounts.models import Position, Unit, UnitRoleGroup
from accounts.selectors import deputies_of
from workflows import registry as flows

from . import registry
from .services import Recipient


def _grants(perm: str, content_type_id: int, object_pks):
    app_label, codename = perm.split(".", 1)
    return GroupObjectPermission.objects.filter(
        permission__content_type__app_label=app_label, permission__codename=codename,
        content_type_id=content_type_id, object_pk__in=[str(pk) for pk in object_pks],
    )


def unit_handlers(unit_ids) -> dict[int, list[int]]:
    """unit id → the active people who handle work assigned to it. One query for any number of units."""
    rows = (
        _grants("accounts.handle_assignments", ContentType.objects.get_for_model(Unit).pk, unit_ids)
        .filter(group__user__is_active=True)
        .values_list("object_pk", "group__user__id")
        .distinct()
    )
    handlers: dict[int, list[int]] = {}
    for object_pk, user_id in rows:
        handlers.setdefault(int(object_pk), []).append(user_id)
    return handlers


def task_recipients(task) -> list[Recipient]:
    """The people who may take `task` now, a deputy marked with the leader they stand in for."""
    if not task.owner_permission or task.owner_permission_content_type_id is None:
        return []
    group_ids = list(
        _grants(task.owner_permission, task.owner_permission_content_type_id, [task.owner_permission_obj_pk])
        .values_list("group_id", flat=True)
    )
    members = get_user_model().groups.through.objects.filter(group_id__in=group_ids, user__is_active=True)
    rule = flows.queue_rule(task.owner_permission)
    if rule is not None:  # of the permission's holders only some may take this task (as in the inbox)
        members = rule.narrow_recipients(task, members)
    pairs = list(members.values_list("user_id", "group_id"))
    user_ids = list(dict.fromkeys(user_id for user_id, _ in pairs))
    return _mark_deputies(user_ids, pairs)


def responsible_only(task, recipients: list[Recipient]) -> list[Recipient]:
    """Of the people who may take `task`, the one its step names as responsible (and whoever
    stands in for them), if they may take it; else all of them. Telling every holder of a unit
    permission about work one of them always does buries the leader under others' notices."""
    user_id = registry.responsible_for(task)
    if user_id is None:
        return recipients
    theirs = [r for r in recipients if user_id in (r.user_id, r.delegated_from_id)]
    return theirs or recipients


def _mark_deputies(user_ids: list[int], pairs) -> list[Recipient]:
    """A deputy who is in a leader's group only through the delegation receives it on that
    leader's behalf; one who also holds the role there in their own right does not."""
    away = {principal: deputy for principal, deputy in deputies_of(user_ids).items() if deputy in user_ids}
    if not away:
        return [Recipient(user_id) for user_id in user_ids]
    deputy_ids = set(away.values())
    links = {
        link.group_id: (link.unit_id, link.role)
        for link in UnitRoleGroup.objects.filter(group_id__in={g for u, g in pairs if u in deputy_ids})
    }
    own = set(
        Position.objects.active_on().filter(user_id__in=deputy_ids, unit_id__in={u for u, _ in links.values()})
        .values_list("user_id", "unit_id", "role")
    )
    in_own_right = {
        user_id for user_id, group_id in pairs
        if user_id in deputy_ids and (group_id not in links or (user_id, *links[group_id]) in own)
    }
    on_behalf = {deputy: principal for principal, deputy in away.items() if deputy not in in_own_right}
    return [Recipient(user_id, on_behalf.get(user_id)) for user_id in user_ids]
