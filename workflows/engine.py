"""Driving viewflow from the domain services: complete the current human task, cancel
processes, and start many processes at once. Knows no domain app."""

from django.db import transaction
from django.utils import timezone
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from core.copy import copy_rows
from core.errors import TaskMissing


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


def processes_cancel(processes):
    """Cancel whole processes and their open tasks in bulk (a revoked plan)."""
    now = timezone.now()
    ids = [p.pk for p in processes]
    Task.objects.filter(process_id__in=ids, status__in=[STATUS.NEW, STATUS.ASSIGNED]).update(
        status=STATUS.CANCELED, finished=now
    )
    Process.objects.filter(pk__in=ids).update(status=PROCESS.CANCELED, finished=now)


def processes_start_bulk(flow_class, first_node, *, permission: str, content_type, object_pks) -> list[Process]:
    """processes_start_ids() for a caller that wants the processes as objects."""
    now = timezone.now()
    ids = processes_start_ids(flow_class, first_node, permission=permission, content_type=content_type,
                              object_pks=object_pks, now=now)
    return [Process(pk=pk, flow_class=flow_class, status=PROCESS.NEW, created=now) for pk in ids]


def processes_start_ids(flow_class, first_node, *, permission: str, content_type, object_pks, now=None) -> list[int]:
    """Start one process of `flow_class` per entry of `object_pks` with a fixed number of queries
    and return the processes' ids, in the order of `object_pks`.

    viewflow 2.4 has no multi-instance split and starts processes one by one (several queries
    each), which a plan issued to 3,321 communes cannot afford. Here the rows a `start.run()`
    and its first task would write are copied in (core.copy): the processes, their finished
    start tasks, the open `first_node` tasks asking for `permission` on the object with each pk,
    and the task→previous links. The ids come first, so the caller writes its own rows with
    their process id in place. Tests check that these rows are the ones viewflow writes and that
    the tasks then behave like any other (complete() moves the flow on). They fire no post_save:
    the caller tells their people.
    """
    assert transaction.get_connection().in_atomic_block
    if not object_pks:
        return []
    now = now or timezone.now()
    start = flow_class.start
    process_ids = copy_rows(Process, [], [()] * len(object_pks),
                            same={"flow_class": flow_class, "status": PROCESS.NEW, "created": now})
    start_ids = copy_rows(Task, ["process_id"], [(pk,) for pk in process_ids], same={
        "flow_task": start, "flow_task_type": start.task_type, "status": STATUS.DONE,
        "created": now, "started": now, "finished": now,
    })
    first_ids = copy_rows(
        Task, ["process_id", "owner_permission_obj_pk"],
        [(process_id, str(pk)) for process_id, pk in zip(process_ids, object_pks, strict=True)],
        same={"flow_task": first_node, "flow_task_type": first_node.task_type, "status": STATUS.NEW,
              "created": now, "owner_permission": permission, "owner_permission_content_type": content_type},
    )
    copy_rows(Task.previous.through, ["from_task_id", "to_task_id"], zip(first_ids, start_ids, strict=True))
    return process_ids


def link_subject(activation, subject):
    """A StartHandle's body: tie the new process to its domain object before the first task is
    created, because that task's permission is read through the link."""
    activation.process.save()
    subject.process = activation.process
    subject.save(update_fields=["process"])
    return activation.process
