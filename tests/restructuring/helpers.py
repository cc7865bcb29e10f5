"""What the restructuring screens' and API's tests share: the rows a refused or previewed
operation must leave as they were."""

from viewflow.workflow.models import Task

from accounts.models import Position, Unit
from core.models import TransitionLog
from plans.models import Assignment
from restructuring.models import UnitChange


def snapshot():
    return (list(Assignment.objects.order_by("pk").values_list("pk", "unit_id", "state")),
            list(Unit.objects.order_by("pk").values_list("pk", "path", "name", "is_active", "code")),
            list(Position.objects.order_by("pk").values_list("pk", "unit_id", "valid_from", "valid_to")),
            list(Task.objects.order_by("pk").values_list("pk", "owner_permission_obj_pk", "status")),
            list(UnitChange.objects.values_list("pk")), TransitionLog.objects.count())


def work_of(plan, unit):
    """The open assignment of `plan` that `unit` does: its own, or one it carries on for a unit that
    ended (a dissolved district's work carried by the province that issued the plan)."""
    from django.db.models import Q

    from plans.models import Assignment

    return Assignment.objects.get(Q(unit=unit, carried_by__isnull=True) | Q(carried_by=unit), plan=plan)
