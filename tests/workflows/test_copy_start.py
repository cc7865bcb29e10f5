"""Processes started in bulk (workflows.engine.processes_start_ids, written by COPY on PostgreSQL
through core.copy) are the rows viewflow's own start writes, and move on like them."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from accounts.models import Unit
from core.copy import Written, copy_rows
from notifications.models import Notification
from notifications.services import Message, Recipient, notify_each
from plans import services
from plans.flows import AssignmentFlow
from plans.models import Assignment
from tests.plans.helpers import approved_plan, draft_plan, issued_plan
from workflows import engine

pytestmark = pytest.mark.django_db

MOMENTS = {"id", "created", "started", "finished", "assigned", "process_id"}


def _row(obj, leave_out=MOMENTS):
    row = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.attname not in leave_out}
    row.update({name: getattr(obj, name) is not None for name in ("started", "finished", "assigned")
                if hasattr(obj, name)})
    return row


def _started_by_viewflow(people, unit):
    plan = draft_plan(people)
    assignment = Assignment.objects.create(plan=plan, unit=unit, report_due=plan.report_due)
    AssignmentFlow.start.run(subject=assignment)
    return Assignment.objects.get(pk=assignment.pk).process


def _started_in_bulk(unit):
    with transaction.atomic():
        [pk] = engine.processes_start_ids(
            AssignmentFlow, AssignmentFlow.receive, permission="accounts.handle_assignments",
            content_type=ContentType.objects.get_for_model(Unit), object_pks=[unit.pk])
    return Process.objects.get(pk=pk)


def _tasks(process):
    return {t.flow_task_type: t for t in Task.objects.filter(process=process)}


def test_the_rows_are_those_viewflows_own_start_writes(people):
    unit = people.tree.muong_ang
    by_viewflow, in_bulk = _started_by_viewflow(people, unit), _started_in_bulk(unit)

    assert _row(in_bulk) == _row(by_viewflow)
    assert in_bulk.flow_class is AssignmentFlow
    theirs, ours = _tasks(by_viewflow), _tasks(in_bulk)
    assert set(ours) == set(theirs) == {"START", "HUMAN"}
    for kind in ours:
        assert _row(ours[kind]) == _row(theirs[kind]), kind
    assert list(ours["HUMAN"].previous.all()) == [ours["START"]]
    assert ours["HUMAN"].flow_task is AssignmentFlow.receive and ours["HUMAN"].token == "start"


def test_completing_a_bulk_started_task_moves_the_flow_on(people):
    plan = issued_plan(people)
    assignment = Assignment.objects.get(plan=plan, unit=people.tree.muong_ang)

    engine.complete(assignment.process, AssignmentFlow.receive, by=people.muong_ang_officer)

    open_tasks = Task.objects.filter(process=assignment.process, status__in=[STATUS.NEW, STATUS.ASSIGNED])
    [report] = open_tasks
    assert report.flow_task is AssignmentFlow.report
    assert (report.owner_permission, report.owner_permission_obj_pk) == ("accounts.handle_assignments",
                                                                        str(people.tree.muong_ang.pk))
    receive = Task.objects.get(process=assignment.process, flow_task=AssignmentFlow.receive)
    assert receive.status == STATUS.DONE and receive.owner == people.muong_ang_officer


def test_each_assignment_is_written_with_its_own_process(people):
    plan = issued_plan(people)
    assignments = list(Assignment.objects.filter(plan=plan))
    tasks = Task.objects.filter(process__in=[a.process_id for a in assignments], flow_task_type="HUMAN")
    unit_of_process = {t.process_id: int(t.owner_permission_obj_pk) for t in tasks}
    assert {a.process_id: a.unit_id for a in assignments} == unit_of_process
    assert len(unit_of_process) == len(people.tree.districts)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_the_issue_copies_its_rows_in_and_updates_no_assignment(people):
    plan = approved_plan(people)
    with CaptureQueriesContext(connection) as queries:
        services.plan_issue(plan=plan, by=people.clerk)
    statements = [q["sql"] for q in queries]
    copied = {sql.split('"')[1] for sql in statements if sql.startswith("COPY")}
    assert copied == {"viewflow_process", "viewflow_task", "viewflow_task_previous", "plans_assignment",
                      "notifications_notification"}
    assert not [sql for sql in statements if sql.startswith('UPDATE "plans_assignment"')]
    task_inserts = [sql for sql in statements if sql.startswith('INSERT INTO "viewflow_task"')]
    assert task_inserts and all("PlanApprovalFlow" in sql for sql in task_inserts)  # the plan's own step on


# --- core.copy -----------------------------------------------------------------------------------

def test_rows_come_back_with_their_ids_in_order_and_the_defaults_filled(people):
    now = timezone.now()
    users = [people.muong_ang_officer, people.tuan_giao_officer, people.muong_ang_officer]
    with transaction.atomic():
        ids = copy_rows(Notification, ["recipient_id", "title"], [(u.pk, f"Tin {i}") for i, u in enumerate(users)],
                        same={"kind": "reminder", "created_at": now})
    stored = Notification.objects.in_bulk(ids)
    assert [(stored[pk].recipient, stored[pk].title) for pk in ids] == [(u, f"Tin {i}") for i, u in enumerate(users)]
    assert {(n.kind, n.created_at, n.body, n.url, n.read_at, n.delegated_from_id) for n in stored.values()} == {
        ("reminder", now, "", "", None, None)}
    assert copy_rows(Notification, ["recipient_id"], []) == []


def test_model_values_shared_by_every_row_are_stored_as_their_field_stores_them(people):
    ct = ContentType.objects.get_for_model(Unit)
    with transaction.atomic():
        [process_id] = copy_rows(Process, [], [()], same={"flow_class": AssignmentFlow, "status": "NEW"})
        [task_id] = copy_rows(Task, ["process_id"], [(process_id,)], same={
            "flow_task": AssignmentFlow.receive, "flow_task_type": "HUMAN", "owner_permission_content_type": ct})
    task = Task.objects.get(pk=task_id)
    assert task.flow_task is AssignmentFlow.receive and task.process.flow_class is AssignmentFlow
    assert task.owner_permission_content_type == ct and task.token == "start" and task.data == {}


def test_the_copy_counts_as_a_query_and_passes_the_execute_wrappers(people):
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(wrapper), transaction.atomic():
        copy_rows(Notification, ["recipient_id"], [(people.muong_ang_officer.pk,)] * 3,
                  same={"kind": "reminder", "title": "Nhắc việc"})
    written = [sql for sql in seen if "notifications_notification" in sql or "nextval" in sql]
    assert len(written) == len([q for q in queries if "notifications_notification" in q["sql"]
                                or "nextval" in q["sql"]]) >= 1


def test_the_notices_read_back_as_the_stored_rows(people, django_capture_on_commit_callbacks):
    from notifications import tasks

    officer, other = people.muong_ang_officer, people.tuan_giao_officer
    sent = []
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        rows = notify_each(kind="task", messages=[Message(Recipient(officer.pk), "Một", "Nội dung", "/a/"),
                                                  Message(Recipient(other.pk, officer.pk), "Hai")])
    assert isinstance(rows, Written) and len(rows) == 2
    first, second = rows
    for row in (first, second, rows[-1], *rows[:1]):
        stored = Notification.objects.get(pk=row.pk)
        assert _row(row, {"created_at"}) == _row(stored, {"created_at"})
        assert row.created_at == stored.created_at
    second.refresh_from_db()
    assert (second.recipient, second.delegated_from, second.title) == (other, officer, "Hai")

    from unittest import mock

    with mock.patch.object(tasks.notifications_email, "delay", side_effect=sent.append):
        for callback in callbacks:
            callback()
    assert sent == [[first.pk, second.pk]]
