"""Việc cần xử lý: the open human tasks a person may take, whatever flow they belong to."""

from django.db.models import Q, QuerySet
from guardian.models import GroupObjectPermission
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from . import registry


def inbox_tasks(user) -> QuerySet[Task]:
    """Open human tasks of the user's units' queues, and tasks the user holds.

    The queue test is on (permission, object) pairs taken from the user's groups, a handful per
    person (unit grants of the unit-role groups, object grants such as an inspection team's),
    instead of viewflow's per-object permission scan. A permission with a queue rule (a
    department's drafts go to its head only) is narrowed by that rule.
    """
    pairs = GroupObjectPermission.objects.filter(group__user=user).values_list(
        "content_type__app_label", "permission__codename", "object_pk"
    )
    narrowing: dict[str, Q] = {}
    queue = Q()
    for app_label, codename, object_pk in pairs:
        permission = f"{app_label}.{codename}"
        pair = Q(owner_permission=permission, owner_permission_obj_pk=object_pk)
        rule = registry.queue_rule(permission)
        if rule is not None:
            if permission not in narrowing:
                narrowing[permission] = rule.inbox_filter(user)
            pair &= narrowing[permission]
        queue |= pair
    mine = Q(owner=user, status=STATUS.ASSIGNED)
    condition = mine | (queue & Q(status=STATUS.NEW)) if queue else mine
    return (
        Task.objects.filter(condition, flow_task_type="HUMAN")
        .select_related(*registry.related_paths())
        .order_by("created")
    )


def inbox_rows(user, now) -> list[registry.TaskView]:
    """The inbox described, most urgent first; steps without a due moment after the dated ones."""
    rows = []
    for task in inbox_tasks(user):
        view = registry.describe(task, now)
        if view is not None:
            rows.append((task, view))
    rows.sort(key=lambda row: (row[1].due is None, row[1].due or now))
    return [{"task": task, "node": task.flow_task.name, "view": view} for task, view in rows]
