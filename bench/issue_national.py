"""Issue one plan to all 3,321 communes on PostgreSQL, an officer and a secretary in each (6,642
notices), three ways, alternated in one run:

  (a) plans.services.plan_issue, as the project does it (COPY through core.copy);
  (b) the same plan_issue with the fan-out done the naive viewflow way: per commune an
      Assignment saved and AssignmentFlow.start.run(), its task's post_save telling the people;
  (c) the floor: the same assignments, processes, tasks, links and notices written by raw COPY,
      with ids from the sequences, and nothing else (no numbering, no document, no lookups).

Each is timed in transaction.atomic() including its exit (the COMMIT, the deferred foreign-key
checks, the on-commit e-mail tasks). Statements are counted through the connection's execute
wrappers (core.copy runs its COPY through them; the floor counts its own). The time of the
issued .docx (plans.documents.document_fix, in plan_issue's transaction) is shown apart too.

    .venv/bin/python bench/issue_national.py [runs] [naive runs]

The naive path takes about 100 s a run (73,106 statements): it runs `naive runs` times
(default: runs), alternated with the others in the first runs.
"""

import os
import statistics
import sys
import time

from _setup import central_people, fresh_database

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
NAIVE_RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else RUNS


def main():
    fresh_database("kehoach_bench_issue")
    import datetime

    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Position, Role, Unit, UnitRoleGroup, User
    from accounts.national import national_units_load
    from accounts.services import positions_sync_groups, role_groups_grant_missing
    from notifications.models import Notification
    from plans import documents, fanout, services
    from plans.models import Assignment

    started = time.perf_counter()
    national_units_load()
    central, people = central_people()
    communes = list(Unit.objects.filter(level__code="commune").order_by("path"))
    assert len(communes) == 3321
    # An officer and a secretary in every commune, in bulk: the role groups and their grants,
    # the people, their positions, then the memberships in one sync.
    roles = (Role.OFFICER, Role.SECRETARY)
    groups = Group.objects.bulk_create([Group(name=f"{u.code}:{role}") for u in communes for role in roles])
    UnitRoleGroup.objects.bulk_create([UnitRoleGroup(unit=u, role=role, group=g) for (u, role), g in zip(
        [(u, role) for u in communes for role in roles], groups, strict=True)])
    role_groups_grant_missing()
    users = User.objects.bulk_create([User(username=f"{u.code.lower()}.{role}") for u in communes for role in roles],
                                     batch_size=5000)
    Position.objects.bulk_create([Position(user=user, unit=u, role=role) for (u, role), user in zip(
        [(u, role) for u in communes for role in roles], users, strict=True)], batch_size=5000)
    positions_sync_groups()
    print(f"set-up: {Unit.objects.count()} units, {len(users)} commune people, "
          f"{time.perf_counter() - started:.0f} s")

    def approved_plan(subject):
        plan = services.plan_create(by=people[Role.OFFICER], issuing_unit=central, subject=subject,
                                    report_due=timezone.now() + datetime.timedelta(days=30), recipients=communes)
        services.plan_submit(plan=plan, by=people[Role.OFFICER])
        return services.plan_approve(plan=plan, by=people[Role.SECRETARY])

    def timed(work):
        """(seconds in all, seconds of the exit alone, statements, of which the .docx, notices sent)
        of `work` in one transaction; `work` returns the statements it ran past Django's cursor."""
        count, docx = 0, []

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        def document_fix(plan, **given):
            started = time.perf_counter()
            fix(plan, **given)
            docx.append(time.perf_counter() - started)

        before = Notification.objects.count()
        fix, documents.document_fix = documents.document_fix, document_fix
        try:
            with connection.execute_wrapper(counter):
                started = time.perf_counter()
                with transaction.atomic():
                    extra = work()
                    body = time.perf_counter()
                ended = time.perf_counter()
        finally:
            documents.document_fix = fix
        return ended - started, ended - body, count + extra, sum(docx), Notification.objects.count() - before

    def issue(plan) -> int:
        services.plan_issue(plan=plan, by=people[Role.CLERK])
        return 0  # every statement of its own went through Django's cursor, COPY included

    def project(run):
        plan = approved_plan(f"Kế hoạch toàn quốc {run}")
        return plan, timed(lambda: issue(plan))

    def naive_send(*, plan, unit_ids, receipt_due):
        from plans.flows import AssignmentFlow

        ids = []
        for unit_id in unit_ids:
            assignment = Assignment.objects.create(plan=plan, unit_id=unit_id, receipt_due=receipt_due,
                                                   report_due=plan.report_due)
            AssignmentFlow.start.run(subject=assignment)  # its receive task's post_save tells the people
            ids.append(assignment.pk)
        return ids

    def naive(run):
        plan = approved_plan(f"Kế hoạch toàn quốc, từng xã {run}")
        send, fanout.assignments_send = fanout.assignments_send, naive_send
        try:
            return plan, timed(lambda: issue(plan))
        finally:
            fanout.assignments_send = send

    floor_rows = _floor_setup(communes, central)

    def floor(run):
        plan = approved_plan(f"Kế hoạch toàn quốc, chỉ COPY {run}")
        return plan, timed(lambda: _floor_write(connection, plan, floor_rows))

    results = {"a": [], "b": [], "c": []}
    for run in range(RUNS):
        variants = [("a", project), ("b", naive), ("c", floor)] if run < NAIVE_RUNS else [("a", project), ("c", floor)]
        for key, variant in variants:
            plan, result = variant(run)
            assert Assignment.objects.filter(plan=plan, process__isnull=False).count() == 3321, key
            results[key].append(result)
            print(f"  run {run + 1} ({key}): {result[0]:.2f} s, of which exit {result[1]:.2f} s and the .docx "
                  f"{result[3]:.2f} s; {result[2]} statements, {result[4]} notices", flush=True)

    labels = {"a": "(a) plan_issue, COPY", "b": "(b) naive viewflow start per commune",
              "c": "(c) floor: raw COPY only"}
    medians, without_docx = {}, {}
    print()
    for key, label in labels.items():
        seconds = [r[0] for r in results[key]]
        if not seconds:
            continue
        medians[key] = statistics.median(seconds)
        without_docx[key] = statistics.median([r[0] - r[3] for r in results[key]])
        print(f"{label}: median {medians[key]:.3f} s (min {min(seconds):.3f}, max {max(seconds):.3f}) over "
              f"{len(seconds)} runs; exit (COMMIT) median {statistics.median(r[1] for r in results[key]):.3f} s; "
              f".docx median {statistics.median(r[3] for r in results[key]):.3f} s; "
              f"statements {sorted({r[2] for r in results[key]})}; notices {sorted({r[4] for r in results[key]})}")
    naive_ratio = f"b/a = {medians['b'] / medians['a']:.1f} (goal >= 20)" if "b" in medians else "(b) not run"
    print(f"a/c = {medians['a'] / medians['c']:.2f} (goal <= 1.5); {naive_ratio}")
    print(f"without the .docx (plans.documents.document_fix): a/c = {without_docx['a'] / medians['c']:.2f}")
    # Each (a) run beside the (c) run right after it: the machine's drift cancels in the pair.
    pairs = sorted(a[0] / c[0] for a, c in zip(results["a"], results["c"], strict=True))
    print(f"a/c run by run: median {statistics.median(pairs):.2f} (min {pairs[0]:.2f}, max {pairs[-1]:.2f})")
    if os.environ.get("STATEMENTS"):
        from django.test.utils import CaptureQueriesContext

        plan = approved_plan("Kế hoạch toàn quốc, từng câu lệnh")
        with CaptureQueriesContext(connection) as captured:
            issue(plan)
        for query in captured.captured_queries:
            print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:150]}")
    if os.environ.get("PROFILE"):
        import cProfile
        import pstats

        plan = approved_plan("Kế hoạch toàn quốc, đo từng hàm")
        profile = cProfile.Profile()
        profile.enable()
        timed(lambda: issue(plan))
        profile.disable()
        pstats.Stats(profile).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(60)


def _floor_setup(communes, central):
    """What the floor writes that is not its work to find: the people of each commune, the texts
    and link of the notices, the stored names of the flow, its nodes and the content type."""
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse
    from viewflow.workflow.fields import get_flow_ref, get_task_ref

    from accounts.models import Unit
    from notifications.recipients import unit_handlers
    from plans.flows import AssignmentFlow

    handlers = unit_handlers([u.pk for u in communes])
    marker = 987654321
    head, tail = reverse("plans:assignment", args=[marker]).split(str(marker), 1)
    return {
        "units": [(u.pk, handlers.get(u.pk, [])) for u in communes],
        "flow": get_flow_ref(AssignmentFlow), "start": get_task_ref(AssignmentFlow.start),
        "receive": get_task_ref(AssignmentFlow.receive), "unit_type": ContentType.objects.get_for_model(Unit).pk,
        "title": "Nhiệm vụ mới: Xác nhận đã nhận — Kế hoạch toàn quốc",
        "body": f"{central.name} đã giao việc này cho đơn vị. Xác nhận đã nhận trước 01/01/2030 17:00.",
        "head": head, "tail": tail,
    }


def _floor_write(connection, plan, floor) -> int:
    """Every row of one issue by COPY, ids taken from the sequences first. Returns its statements."""
    from django.utils import timezone

    now = timezone.now()
    units = floor["units"]
    cursor = connection.cursor().cursor  # psycopg's own: nothing of Django's on the way
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence('viewflow_process', 'id')),"
        " nextval(pg_get_serial_sequence('viewflow_task', 'id')),"
        " nextval(pg_get_serial_sequence('viewflow_task', 'id')),"
        " nextval(pg_get_serial_sequence('plans_assignment', 'id')) FROM generate_series(1, %s)", [len(units)])
    ids = cursor.fetchall()
    people = sum(len(users) for _, users in units)
    cursor.execute("SELECT nextval(pg_get_serial_sequence('notifications_notification', 'id'))"
                   " FROM generate_series(1, %s)", [people])
    notice_ids = iter([pk for (pk,) in cursor.fetchall()])

    def copy(sql, rows):
        with cursor.copy(sql) as writer:
            for row in rows:
                writer.write_row(row)

    copy("COPY viewflow_process (id, flow_class, status, created, data) FROM STDIN",
         ((p, floor["flow"], "NEW", now, "{}") for p, _s, _f, _a in ids))
    copy("COPY viewflow_task (id, process_id, flow_task, flow_task_type, status, created, started, finished, token,"
         " data) FROM STDIN",
         ((s, p, floor["start"], "START", "DONE", now, now, now, "start", "{}") for p, s, _f, _a in ids))
    copy("COPY viewflow_task (id, process_id, flow_task, flow_task_type, status, created, token, owner_permission,"
         " owner_permission_content_type_id, owner_permission_obj_pk, data) FROM STDIN",
         ((f, p, floor["receive"], "HUMAN", "NEW", now, "start", "accounts.handle_assignments", floor["unit_type"],
           str(unit_id), "{}") for (p, _s, f, _a), (unit_id, _) in zip(ids, units, strict=True)))
    copy("COPY viewflow_task_previous (from_task_id, to_task_id) FROM STDIN", ((f, s) for _p, s, f, _a in ids))
    copy("COPY plans_assignment (id, plan_id, unit_id, state, receipt_due, report_due, process_id) FROM STDIN",
         ((a, plan.pk, unit_id, "sent", plan.report_due, plan.report_due, p)
          for (p, _s, _f, a), (unit_id, _) in zip(ids, units, strict=True)))
    head, tail, title, body = floor["head"], floor["tail"], floor["title"], floor["body"]
    copy("COPY notifications_notification (id, recipient_id, kind, title, body, url, created_at) FROM STDIN",
         ((next(notice_ids), user_id, "task", title, body, f"{head}{a}{tail}", now)
          for (_p, _s, _f, a), (_, users) in zip(ids, units, strict=True) for user_id in users))
    return 8


if __name__ == "__main__":
    main()
