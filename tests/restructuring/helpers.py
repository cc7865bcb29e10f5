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
