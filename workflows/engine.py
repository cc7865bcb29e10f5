"""Driving viewflow from the services: start processes, complete the current human task,
and the bulk start of one process per assignment."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from accounts.models import Unit
from core.errors import TaskMissing
from notifications import hooks as notification_hooks
from plans.models import Assignment

from .flows import AssignmentFlow, PlanApprovalFlow


def open_task(process, node) -> Task | None:
    return (
        Task.objects.filter(process=process, flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED])
        .order_by("-pk")
        .first()
    )


def complete(process, node, *, by):
    """Take the open task of `node`, record `by` as its owner, finish it and let the flow move on.

    Callers check the domain permission; viewflow only records who did it.
    """
    flow_class = node.flow_class
    with flow_class.lock(process.pk):
        task = open_task(process, node)
        if task is None:
            raise TaskMissing(f"{process} has no open {node}")
        if task.status == STATUS.NEW:
            task.owner = by
            task.status = STATUS.ASSIGNED
            task.assigned = timezone.now()
            task.save(update_fields=["owner", "status", "assigned"])
        activation = task.flow_task.activation_class(task)
        activation.start(None)
        activation.execute()


def plan_process_start(plan) -> Process:
    """Start the approval process of a plan just submitted; its first task is the review."""
    return PlanApprovalFlow.start.run(subject=plan)


def processes_cancel(processes):
    """Cancel whole processes and their open tasks in bulk (a revoked plan)."""
    now = timezone.now()
    ids = [p.pk for p in processes]
    Task.objects.filter(process_id__in=ids, status__in=[STATUS.NEW, STATUS.ASSIGNED]).update(
        status=STATUS.CANCELED, finished=now
    )
    Process.objects.filter(pk__in=ids).update(status=PROCESS.CANCELED, finished=now)


def assignment_processes_start(assignments) -> None:
    """Start an AssignmentFlow for every assignment with a fixed number of queries.

    viewflow 2.4 has no multi-instance split and starts processes one by one (several queries
    each). Here the rows a `start.run()` + first task would write are inserted in bulk:
    the processes, their finished start tasks, the open `receive` tasks with the unit's
    permission, and the task→previous links. Tests check that these tasks then behave like
    any other (complete() moves the flow on).
    """
    assert transaction.get_connection().in_atomic_block
    if not assignments:
        return
    now = timezone.now()
    flow_class = AssignmentFlow
    processes = Process.objects.bulk_create(
        [Process(flow_class=flow_class, status=PROCESS.NEW, created=now) for _ in assignments]
    )
    starts = Task.objects.bulk_create(
        [
            Task(process=p, flow_task=flow_class.start, flow_task_type=flow_class.start.task_type,
                 status=STATUS.DONE, created=now, started=now, finished=now)
            for p in processes
        ]
    )
    unit_type = ContentType.objects.get_for_model(Unit)
    receives = Task.objects.bulk_create(
        [
            Task(process=p, flow_task=flow_class.receive, flow_task_type=flow_class.receive.task_type,
                 status=STATUS.NEW, created=now, owner_permission="accounts.handle_assignments",
                 owner_permission_content_type=unit_type, owner_permission_obj_pk=str(a.unit_id))
            for p, a in zip(processes, assignments, strict=True)
        ]
    )
    Previous = Task.previous.through
    Previous.objects.bulk_create(
        [Previous(from_task_id=r.pk, to_task_id=s.pk) for r, s in zip(receives, starts, strict=True)]
    )
    for assignment, process in zip(assignments, processes, strict=True):
        assignment.process = process
    Assignment.objects.bulk_update(assignments, ["process"])
    # These tasks fire no post_save: their units' people are told here, in one bulk insert.
    notification_hooks.assignments_started(assignments)
