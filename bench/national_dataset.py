"""A national dataset on PostgreSQL, built once and reused: two years of a national union's work.

The centre (VN), 34 provinces and 3,321 communes; a central officer, secretary and clerk, an
officer and a secretary at every province and commune; 702 issued plans (600 by the centre to
every commune, 3 by each province to its communes) giving 2,002,563 assignments with their
AssignmentFlow processes and tasks exactly as the services leave them (workflows.engine,
plans.flows), the reports, and about 2,000,000 notifications.

Most plans are closed with every report accepted; the 20 newest central plans and one plan per
province are open: not received (some past the receipt deadline), received (some returned),
reported and awaiting review (about 13,000 in the centre's queue), a few accepted, and the
oldest of them past their report deadline. A commune has about 16 open tasks.

The bulk rows are INSERT … SELECT statements over generate_series and temporary tables, in one
transaction: the secondary indexes of the big tables are dropped first and built again at the
end (a sorted build beats 12 M insertions into each), and the foreign-key triggers are skipped
for this session only (session_replication_role), the rows being consistent by construction.
The table `bench_dataset`, created last in that transaction, marks the dataset complete.

    .venv/bin/python bench/national_dataset.py [--rebuild] [--central-plans N]

With --central-plans N (default 600) a smaller dataset of the same shape goes to its own
database, kehoach_bench_national_<N>: the pages' second data size.

Not modelled: the assignments' history rows and register entries (the plans' own history is
there), attachments, indicators, implementing plans.
"""

import argparse
import datetime
import json
import time

from _setup import central_people, database_reused_or_fresh

NAME = "kehoach_bench_national"
MARKER = "bench_dataset"

CENTRAL_PLANS = 600
CENTRAL_OPEN = 20  # the newest central plans still have open work
PROVINCE_PLANS = 3  # per province, the newest one open
RECEIPT_DAYS, REPORT_DAYS, REVIEW_DAYS = 7, 45, 5
RETURNED_ONCE = 0.03  # of the accepted: returned once, then accepted
RETURNED_OPEN = 0.05  # of the received: their report returned, a new one awaited
COMMUNE_NOTICES = 240  # receive notices per commune person: their unit's work from the newest central plans
CENTRAL_REVIEW_NOTICES = 190_000  # report notices for each of the central officer and secretary

BIG_TABLES = ("viewflow_process", "viewflow_task", "viewflow_task_previous", "plans_assignment",
              "plans_plan_recipients", "plans_report", "notifications_notification")
COUNTED = ("accounts_unit", "accounts_user", "accounts_position", "auth_group", "accounts_user_groups",
           "guardian_groupobjectpermission", "plans_plan", "plans_plan_recipients", "plans_assignment",
           "plans_report", "viewflow_process", "viewflow_task", "viewflow_task_previous", "core_transitionlog",
           "notifications_notification")

TOPICS = (
    "Tháng Thanh niên", "Chiến dịch Thanh niên tình nguyện hè", "Ngày Chủ nhật xanh",
    "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", "chuyển đổi số trong tổ chức Đoàn",
    "hiến máu tình nguyện", "phòng, chống ma túy trong thanh thiếu nhi", "Tết vì bạn nghèo",
    "tuyên truyền Nghị quyết Đại hội Đoàn", "phát triển đảng viên trẻ", "khởi nghiệp thanh niên",
    "an toàn giao thông", "Kỳ nghỉ hồng", "đền ơn đáp nghĩa", "phòng, chống thiên tai",
    "sinh hoạt chủ điểm", "xây dựng nông thôn mới", "giới thiệu việc làm cho thanh niên",
    "bảo vệ môi trường", "tiếp sức mùa thi",
)
KINDS = ("KH", "KH", "KH", "HD", "CV", "YCBC")
BODY = (
    "Thực hiện chương trình công tác năm {year}, Ban Thường vụ ban hành kế hoạch {topic} như sau:\n\n"
    "I. MỤC ĐÍCH, YÊU CẦU\n1. Tổ chức các hoạt động thiết thực, hướng về cơ sở, thu hút đông đảo đoàn viên, "
    "thanh niên tham gia.\n2. Các cơ sở Đoàn chủ động xây dựng kế hoạch triển khai, bảo đảm đúng tiến độ.\n\n"
    "II. NỘI DUNG\n1. Tuyên truyền sâu rộng về ý nghĩa của hoạt động.\n2. Tổ chức ít nhất 02 công trình, "
    "phần việc thanh niên.\n3. Báo cáo kết quả, số liệu theo biểu mẫu kèm theo.\n\n"
    "III. TỔ CHỨC THỰC HIỆN\nCác đơn vị báo cáo kết quả đúng hạn qua hệ thống."
)
REPORT_TEXT = ("Báo cáo kết quả thực hiện: đơn vị đã triển khai đầy đủ các nội dung của kế hoạch, tổ chức "
               "tuyên truyền tới các chi đoàn, thực hiện công trình thanh niên và huy động đoàn viên tham gia.")
RETURN_COMMENT = "Đề nghị bổ sung số liệu cụ thể và minh chứng kèm theo."

# The rows AssignmentFlow has at each shape (as plans.services leave them; see the docstring of
# workflows.engine.processes_start_bulk): (node, task type, open, whose permission, created at,
# finished at), the moments being indexes into the assignment's times
# [issued, received, reported, decided, reported again, decided again].
STEPS = {
    "sent": [("start", "START", False, None, 1, 1), ("receive", "HUMAN", True, "unit", 1, 1)],
    "received": [("start", "START", False, None, 1, 1), ("receive", "HUMAN", False, "unit", 1, 2),
                 ("report", "HUMAN", True, "unit", 2, 2)],
    "returned": [("start", "START", False, None, 1, 1), ("receive", "HUMAN", False, "unit", 1, 2),
                 ("report", "HUMAN", False, "unit", 2, 3), ("review", "HUMAN", False, "issuer", 3, 4),
                 ("after_review", "EXCLUSIVE_GATEWAY", False, None, 4, 4), ("report", "HUMAN", True, "unit", 4, 4)],
    "reported": [("start", "START", False, None, 1, 1), ("receive", "HUMAN", False, "unit", 1, 2),
                 ("report", "HUMAN", False, "unit", 2, 3), ("review", "HUMAN", True, "issuer", 3, 3)],
    "accepted": [("start", "START", False, None, 1, 1), ("receive", "HUMAN", False, "unit", 1, 2),
                 ("report", "HUMAN", False, "unit", 2, 3), ("review", "HUMAN", False, "issuer", 3, 4),
                 ("after_review", "EXCLUSIVE_GATEWAY", False, None, 4, 4), ("end", "END", False, None, 4, 4)],
    "accepted_after_return": [
        ("start", "START", False, None, 1, 1), ("receive", "HUMAN", False, "unit", 1, 2),
        ("report", "HUMAN", False, "unit", 2, 3), ("review", "HUMAN", False, "issuer", 3, 4),
        ("after_review", "EXCLUSIVE_GATEWAY", False, None, 4, 4), ("report", "HUMAN", False, "unit", 4, 5),
        ("review", "HUMAN", False, "issuer", 5, 6), ("after_review", "EXCLUSIVE_GATEWAY", False, None, 6, 6),
        ("end", "END", False, None, 6, 6)],
}
# PlanApprovalFlow of a plan issued without department review.
PLAN_STEPS = [("start", "START", None), ("route", "EXCLUSIVE_GATEWAY", None), ("approve", "HUMAN", "approve"),
              ("after_approval", "EXCLUSIVE_GATEWAY", None), ("issue", "HUMAN", "issue"), ("end", "END", None)]
# Ids in the order the app makes them, not one table's rows after another's (the planner reads the
# ranges: with every plan's process below every assignment's, it took a merge join on process_id
# for "the open tasks of plan processes" and read 11.7 M tasks). A plan's approval process comes
# just before the processes of its assignments: plan process = (its first assignment id) + plan id
# - 1, an assignment's process = its id + its plan's id. Task id = process id * 10 + step.
TASK_SLOTS = 10


class Build:
    def __init__(self, cursor):
        self.cursor = cursor
        self.steps: list[tuple[str, float]] = []

    def run(self, label, statement, params=None):
        started = time.perf_counter()
        self.cursor.execute(statement, params)
        seconds = time.perf_counter() - started
        self.steps.append((label, seconds))
        print(f"  {label}: {seconds:.1f} s ({self.cursor.rowcount} rows)", flush=True)


def people_create(build, now):
    """Central people through the service; the others in bulk with their groups and grants."""
    from accounts.services import positions_sync_groups, role_groups_grant_missing

    central, people = central_people("Trung ương —")
    joined = now - datetime.timedelta(days=800)
    build.run("users of the provinces and communes", """
        INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                                   is_active, date_joined, full_name, phone)
        SELECT '!', false, lower(u.code) || r.suffix, '', '', '', false, true, %s, r.title || ' ' || u.name, ''
        FROM accounts_unit u JOIN accounts_unitlevel l ON l.id = u.level_id
        CROSS JOIN (VALUES ('.canbo', 'Cán bộ', 1), ('.bithu', 'Bí thư', 2)) AS r(suffix, title, n)
        WHERE l.code IN ('province', 'commune') ORDER BY u.path, r.n""", [joined])
    build.run("their positions", """
        INSERT INTO accounts_position (role, valid_from, valid_to, department_id, user_id, unit_id)
        SELECT CASE WHEN us.username LIKE '%%.canbo' THEN 'officer' ELSE 'secretary' END, %s, NULL, NULL,
               us.id, u.id
        FROM accounts_user us JOIN accounts_unit u ON lower(u.code) = split_part(us.username, '.', 1)
        ORDER BY us.id""", [joined.date()])
    # The unit-role groups as unit_role_group() names them, then their unit grants and the
    # memberships through the services' bulk paths (one by one would be 100,000 queries).
    build.run("unit-role groups", """
        INSERT INTO auth_group (name)
        SELECT u.code || ':' || p.role FROM accounts_position p JOIN accounts_unit u ON u.id = p.unit_id
        WHERE NOT EXISTS (SELECT 1 FROM accounts_unitrolegroup g WHERE g.unit_id = p.unit_id AND g.role = p.role)
        GROUP BY u.code, p.role""")
    build.run("their links", """
        INSERT INTO accounts_unitrolegroup (unit_id, role, group_id)
        SELECT u.id, split_part(g.name, ':', 2), g.id FROM auth_group g
        JOIN accounts_unit u ON u.code = split_part(g.name, ':', 1)
        WHERE NOT EXISTS (SELECT 1 FROM accounts_unitrolegroup l WHERE l.group_id = g.id)""")
    started = time.perf_counter()
    granted = role_groups_grant_missing()
    added, _ = positions_sync_groups()
    build.steps.append(("grants and memberships (services)", time.perf_counter() - started))
    print(f"  grants and memberships (services): {build.steps[-1][1]:.1f} s ({granted} grants, "
          f"{added} memberships)", flush=True)
    return people


def database_name(central_plans: int) -> str:
    return NAME if central_plans == CENTRAL_PLANS else f"{NAME}_{central_plans}"


def plans_create(build, now, people, central_plans):
    """702 plans in issue order, numbered by core.numbering, with their approval processes and history."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from accounts.models import Position, Unit
    from core.models import TransitionLog
    from core.numbering import number_next
    from core.text import fold
    from plans.models import Plan

    central = Unit.objects.get(code="VN")
    provinces = list(Unit.objects.filter(level__code="province").order_by("path"))
    province_people = {(p.unit_id, p.role): p.user_id for p in Position.objects.filter(unit__in=provinces)}
    drafts = []  # (issued_at, unit, officer, secretary, issuer of the number, open, profile)
    for rank in range(central_plans):  # rank 0: the newest
        is_open = rank < CENTRAL_OPEN
        days = 2 + 3 * rank if is_open else 60 + (rank - CENTRAL_OPEN) * 1.2
        # Open plans progress with age: cumulative thresholds of (accepted, reported, received).
        profile = (0.006 * rank, 0.0265 * rank, 0.0265 * rank + 0.35) if is_open else (1.0, 1.0, 1.0)
        drafts.append((now - datetime.timedelta(days=days), central, people["officer"].pk,
                       people["secretary"].pk, people["clerk"].pk, is_open, profile, rank))
    for index, province in enumerate(provinces):
        for round_ in range(PROVINCE_PLANS):
            is_open = round_ == 0
            officer = province_people[(province.pk, "officer")]
            secretary = province_people[(province.pk, "secretary")]
            drafts.append((now - datetime.timedelta(days=5 + index + 200 * round_, hours=3), province, officer,
                           secretary, officer, is_open, (0.2, 0.5, 0.8) if is_open else (1.0, 1.0, 1.0), None))
    drafts.sort(key=lambda d: d[0])
    build.cursor.execute("""
        SELECT par.id, count(*) FROM accounts_unit u JOIN accounts_unitlevel l ON l.id = u.level_id
        JOIN accounts_unit par ON par.path = substr(u.path, 1, length(u.path) - 4)
        WHERE l.code = 'commune' GROUP BY par.id""")
    recipients = dict(build.cursor.fetchall())
    recipients[central.pk] = sum(recipients.values())
    first_assignment = 1
    unit_type = ContentType.objects.get_for_model(Unit).pk
    plan_type = ContentType.objects.get_for_model(Plan)
    plan_rows, plan_meta, logs = [], [], []
    started = time.perf_counter()
    for plan_id, (issued, unit, officer, secretary, clerk, is_open, profile, rank) in enumerate(drafts, start=1):
        kind = KINDS[plan_id % len(KINDS)]
        topic = TOPICS[plan_id % len(TOPICS)]
        subject = f"Kế hoạch {topic} năm {issued.year} (đợt {plan_id})"
        with transaction.atomic():
            number = number_next(unit=unit, department=None, kind_code=kind, day=issued.date())
        created = issued - datetime.timedelta(days=5)
        receipt_due = issued + datetime.timedelta(days=RECEIPT_DAYS)
        report_due = issued + datetime.timedelta(days=REPORT_DAYS)
        state = "issued" if is_open else "closed"
        process_id = first_assignment + plan_id - 1
        first_assignment += recipients[unit.pk]
        plan_rows.append((plan_id, kind, subject, BODY.format(year=issued.year, topic=topic),
                          issued.date(), (issued + datetime.timedelta(days=60)).date(), receipt_due, report_due,
                          state, number.text, number.scope, number.seq, issued, created,
                          fold(f"{number.text} {subject}"), officer, unit.pk, process_id))
        plan_meta.append((plan_id, unit.pk, rank, is_open, issued, receipt_due, report_due, subject, officer,
                          secretary, clerk, *profile, process_id))
        moments = [created + datetime.timedelta(hours=1), created + datetime.timedelta(days=2), issued]
        logs += [TransitionLog(content_type=plan_type, object_id=plan_id, transition=t, source=s, target=g, by_id=b,
                               at=at)
                 for (t, s, g, b), at in zip([("submit", "draft", "awaiting_approval", officer),
                                              ("approve", "awaiting_approval", "approved", secretary),
                                              ("issue", "approved", "issued", clerk)], moments, strict=True)]
    build.cursor.executemany("""
        INSERT INTO plans_plan (id, kind, subject, body, period_start, period_end, receipt_due, report_due, state,
                                number, number_scope, number_seq, issued_at, created_at, search_text,
                                created_by_id, department_id, issuing_unit_id, parent_assignment_id, process_id,
                                document_docx, document_pdf)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, NULL, %s, NULL, %s, '', '')""",
                             plan_rows)
    build.run("bench_plan (temporary)", """
        CREATE TEMP TABLE bench_plan (id bigint PRIMARY KEY, unit_id bigint, rank int, is_open bool,
            issued timestamptz, receipt_due timestamptz, report_due timestamptz, subject text, officer_id bigint,
            secretary_id bigint, clerk_id bigint, p_accepted float8, p_reported float8, p_received float8,
            process_id bigint)
        ON COMMIT DROP""")
    build.cursor.executemany("INSERT INTO bench_plan VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
                             "%s)",
                             plan_meta)
    # Closed plans: the secretary's last acceptance closed them, once every report was in.
    for plan_id, _unit, _rank, is_open, issued, *_dues, _subject, _officer, secretary, _clerk, _a, _b, _c, _p \
            in plan_meta:
        if not is_open:
            logs.append(TransitionLog(content_type=plan_type, object_id=plan_id, transition="close",
                                      source="issued", target="closed", by_id=secretary,
                                      at=issued + datetime.timedelta(days=58),
                                      comment="Mọi đơn vị đã được chấp nhận báo cáo."))
    logs.sort(key=lambda log: log.at)
    TransitionLog.objects.bulk_create(logs, batch_size=2000)  # sealed into the audit chain
    build.steps.append(("plans, numbers and history", time.perf_counter() - started))
    print(f"  plans, numbers and history: {build.steps[-1][1]:.1f} s ({len(plan_rows)} plans)", flush=True)
    build.run("plan processes", """
        INSERT INTO viewflow_process (id, flow_class, status, created, finished, data)
        SELECT process_id, 'plans/flows.PlanApprovalFlow', 'DONE', issued - interval '5 days', issued, '{}'
        FROM bench_plan""")
    steps = ", ".join(f"({k}, '{node}', '{kind}', {_text(who)})" for k, (node, kind, who) in enumerate(PLAN_STEPS))
    build.run("plan tasks", f"""
        INSERT INTO viewflow_task (id, flow_task, flow_task_type, status, created, started, finished, token,
                                   owner_permission, owner_id, process_id, owner_permission_content_type_id,
                                   owner_permission_obj_pk, assigned, data)
        SELECT p.process_id * {TASK_SLOTS} + s.k, 'plans/flows.PlanApprovalFlow.' || s.node, s.kind, 'DONE', m.at,
               CASE WHEN s.kind <> 'EXCLUSIVE_GATEWAY' THEN m.at END, m.at, 'start',
               CASE s.who WHEN 'approve' THEN 'accounts.approve_plans' WHEN 'issue' THEN 'accounts.issue_plans' END,
               CASE s.who WHEN 'approve' THEN p.secretary_id WHEN 'issue' THEN p.clerk_id END, p.process_id,
               CASE WHEN s.who IS NOT NULL THEN {unit_type} END, CASE WHEN s.who IS NOT NULL THEN p.unit_id::text END,
               CASE WHEN s.who IS NOT NULL THEN m.at END, '{{}}'
        FROM bench_plan p CROSS JOIN (VALUES {steps}) AS s(k, node, kind, who)
        CROSS JOIN LATERAL (SELECT CASE WHEN s.k < 3 THEN p.issued - interval '5 days' + interval '2 days'
                                   ELSE p.issued END AS at) m
        ORDER BY 1""")
    build.run("plan task links", """
        INSERT INTO viewflow_task_previous (from_task_id, to_task_id)
        SELECT t.id, t.id - 1 FROM viewflow_task t
        WHERE t.flow_task LIKE 'plans/flows.PlanApprovalFlow.%' AND t.flow_task NOT LIKE '%.start'""")
    return unit_type


def indexes_drop(build) -> list[str]:
    """The big tables' secondary indexes (not those of a constraint), to build again once filled."""
    build.cursor.execute("""
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ('public.' || i.indexname)::regclass)""",
                         [list(BIG_TABLES)])
    rows = build.cursor.fetchall()
    for name, _ in rows:
        build.cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in rows]


def assignments_create(build, now, unit_type):
    build.run("bench_unit (temporary)", """
        CREATE TEMP TABLE bench_unit ON COMMIT DROP AS
        SELECT u.id AS unit_id, u.name, u.path, par.id AS province_id,
               (SELECT id FROM accounts_user WHERE username = lower(u.code) || '.canbo') AS officer_id,
               (SELECT id FROM accounts_user WHERE username = lower(u.code) || '.bithu') AS secretary_id
        FROM accounts_unit u JOIN accounts_unitlevel l ON l.id = u.level_id AND l.code = 'commune'
        JOIN accounts_unit par ON par.path = substr(u.path, 1, length(u.path) - 4)""")  # treebeard steplen 4
    # The plans in issue order, each to its communes in the tree's order (as plan_issue). Six
    # independent uniform draws per assignment from a hash of its id.
    build.run("bench_a (temporary)", f"""
        CREATE TEMP TABLE bench_a ON COMMIT DROP AS
        WITH pairs AS (
            SELECT row_number() OVER (ORDER BY p.id, u.path) AS id, p.id AS plan_id,
                   u.unit_id, u.name AS unit_name, u.officer_id, u.secretary_id,
                   p.secretary_id AS reviewer_id,
                   p.unit_id AS issuer_id, p.rank, p.issued, p.receipt_due, p.report_due, p.subject,
                   p.p_accepted, p.p_reported, p.p_received, %s::timestamptz - p.issued AS age
            FROM bench_plan p JOIN bench_unit u ON p.rank IS NOT NULL OR u.province_id = p.unit_id
        ), drawn AS (
            SELECT pairs.*, {_draw('id', 1)} AS u1, {_draw('id', 2)} AS u2, {_draw('id', 3)} AS u3,
                   {_draw('id', 4)} AS u4, {_draw('id', 5)} AS u5, {_draw('id', 6)} AS u6
            FROM pairs
        ), shaped AS (
            SELECT drawn.*, CASE
                WHEN u1 < p_accepted THEN CASE WHEN u2 < {RETURNED_ONCE} THEN 'accepted_after_return'
                                              ELSE 'accepted' END
                WHEN u1 < p_reported THEN 'reported'
                WHEN u1 < p_received THEN CASE WHEN u2 < {RETURNED_OPEN} THEN 'returned' ELSE 'received' END
                ELSE 'sent' END AS shape
            FROM drawn
        ), timed AS (
            SELECT shaped.*, issued + least(age * 0.2, interval '7 days') * u3 AS t2 FROM shaped
        ), timed3 AS (
            SELECT timed.*, t2 + least(age * 0.5, interval '40 days') * u4 AS t3 FROM timed
        ), timed4 AS (
            SELECT timed3.*, t3 + least(age * 0.1, interval '5 days') * u5 AS t4 FROM timed3
        ), timed5 AS (
            SELECT timed4.*, t4 + least(age * 0.1, interval '3 days') * u6 AS t5 FROM timed4
        )
        SELECT id, plan_id, unit_id, unit_name, officer_id, secretary_id, reviewer_id, issuer_id, rank, subject,
               receipt_due, report_due, shape,
               ARRAY[issued, t2, t3, t4, t5, t5 + least(age * 0.05, interval '3 days') * u1] AS t
        FROM timed5 ORDER BY id""", [now])
    build.run("bench_a primary key", "ALTER TABLE bench_a ADD PRIMARY KEY (id)")
    build.run("plans_plan_recipients", """
        INSERT INTO plans_plan_recipients (plan_id, unit_id) SELECT plan_id, unit_id FROM bench_a ORDER BY id""")
    build.run("plans_assignment", f"""
        INSERT INTO plans_assignment (id, state, receipt_due, report_due, received_at, reported_at, accepted_at,
                                      process_id, unit_id, plan_id, original_report_due, review_due, carried_by_id)
        SELECT id,
               CASE shape WHEN 'accepted_after_return' THEN 'accepted' WHEN 'returned' THEN 'received'
                          ELSE shape END,
               receipt_due, report_due,
               CASE WHEN shape <> 'sent' THEN t[2] END,
               CASE WHEN shape = 'accepted_after_return' THEN t[5]
                    WHEN shape IN ('accepted', 'reported', 'returned') THEN t[3] END,
               CASE shape WHEN 'accepted' THEN t[4] WHEN 'accepted_after_return' THEN t[6] END,
               id + plan_id, unit_id, plan_id, NULL,
               CASE WHEN shape = 'accepted_after_return' THEN t[5] + interval '{REVIEW_DAYS} days'
                    WHEN shape IN ('accepted', 'reported', 'returned') THEN t[3] + interval '{REVIEW_DAYS} days' END,
               NULL
        FROM bench_a ORDER BY id""")
    build.run("assignment processes", """
        INSERT INTO viewflow_process (id, flow_class, status, created, finished, data)
        SELECT id + plan_id, 'plans/flows.AssignmentFlow',
               CASE WHEN shape LIKE 'accepted%' THEN 'DONE' ELSE 'NEW' END, t[1],
               CASE shape WHEN 'accepted' THEN t[4] WHEN 'accepted_after_return' THEN t[6] END, '{}'
        FROM bench_a ORDER BY id""")
    rows = ", ".join(f"('{shape}', {k}, '{node}', '{kind}', {str(is_open).lower()}, {_text(who)}, {created}, "
                     f"{finished})"
                     for shape, steps in STEPS.items()
                     for k, (node, kind, is_open, who, created, finished) in enumerate(steps))
    build.run("bench_step (temporary)", f"""
        CREATE TEMP TABLE bench_step ON COMMIT DROP AS
        SELECT * FROM (VALUES {rows}) AS s(shape, k, node, kind, is_open, who, created, finished)""")
    build.run("assignment tasks", f"""
        INSERT INTO viewflow_task (id, flow_task, flow_task_type, status, created, started, finished, token,
                                   owner_permission, owner_id, process_id, owner_permission_content_type_id,
                                   owner_permission_obj_pk, assigned, data)
        SELECT (a.id + a.plan_id) * {TASK_SLOTS} + s.k, 'plans/flows.AssignmentFlow.' || s.node, s.kind,
               CASE WHEN s.is_open THEN 'NEW' ELSE 'DONE' END, a.t[s.created],
               CASE WHEN NOT s.is_open AND s.kind <> 'EXCLUSIVE_GATEWAY' THEN a.t[s.finished] END,
               CASE WHEN NOT s.is_open THEN a.t[s.finished] END, 'start',
               CASE s.who WHEN 'unit' THEN 'accounts.handle_assignments' WHEN 'issuer' THEN 'accounts.review_reports'
                    END,
               CASE WHEN s.who IS NOT NULL AND NOT s.is_open THEN
                    CASE s.who WHEN 'unit' THEN a.officer_id ELSE a.reviewer_id END END,
               a.id + a.plan_id, CASE WHEN s.who IS NOT NULL THEN {unit_type} END,
               CASE s.who WHEN 'unit' THEN a.unit_id::text WHEN 'issuer' THEN a.issuer_id::text END,
               CASE WHEN s.who IS NOT NULL AND NOT s.is_open THEN a.t[s.finished] END, '{{}}'
        FROM bench_a a JOIN bench_step s ON s.shape = a.shape""")
    build.run("assignment task links", f"""
        INSERT INTO viewflow_task_previous (from_task_id, to_task_id)
        SELECT (a.id + a.plan_id) * {TASK_SLOTS} + s.k, (a.id + a.plan_id) * {TASK_SLOTS} + s.k - 1
        FROM bench_a a JOIN bench_step s ON s.shape = a.shape WHERE s.k > 0""")
    build.run("reports", """
        INSERT INTO plans_report (version, text, submitted_at, review_comment, assignment_id, submitted_by_id)
        SELECT v.version, %s, a.t[v.at], CASE WHEN v.version = 1 AND a.shape IN ('returned', 'accepted_after_return')
                                             THEN %s ELSE '' END, a.id, a.officer_id
        FROM bench_a a CROSS JOIN LATERAL (VALUES (1, 3), (2, 5)) AS v(version, at)
        WHERE a.shape IN ('reported', 'accepted', 'returned', 'accepted_after_return')
          AND (v.version = 1 OR a.shape = 'accepted_after_return')
        ORDER BY a.id, v.version""", [REPORT_TEXT, RETURN_COMMENT])


def _text(value) -> str:
    """A constant of this file as an SQL literal."""
    return "NULL" if value is None else f"'{value}'"


def _draw(column: str, salt: int) -> str:
    """A uniform draw in [0, 1) from the row's id, independent for each salt."""
    return f"((hashint8({column} * 16 + {salt}) & 2147483647)::float8 / 2147483648.0)"


def notifications_create(build):
    """About 2,000,000 notifications: each commune person is told of their unit's work from the
    newest central plans (unread while not received); the central officer and secretary of the
    newest reports (unread while awaiting review), the provinces' people of theirs; the central
    people of each plan's approval steps."""
    from django.utils import translation

    from plans.inbox import ASSIGNMENT_NOTICES, PLAN_NOTICES

    with translation.override("vi"):
        receive = str(ASSIGNMENT_NOTICES["receive"]) % {"subject": "{subject}"}
        review = str(ASSIGNMENT_NOTICES["review"]) % {"where": "{where}", "subject": "{subject}"}
        approve = str(PLAN_NOTICES["approve"]) % {"subject": "{subject}"}
        issue = str(PLAN_NOTICES["issue"]) % {"subject": "{subject}"}
        assigned = translation.gettext("%(issuer)s assigned this to your unit. Confirm receipt by %(due)s.")
    assigned = assigned % {"issuer": "{issuer}", "due": "{due}"}
    build.run("notifications: commune people", """
        INSERT INTO notifications_notification (kind, title, body, url, created_at, read_at, emailed_at,
                                                delegated_from_id, recipient_id, claimed_at)
        SELECT 'task', replace(%s, '{subject}', a.subject),
               replace(replace(%s, '{issuer}', iu.name), '{due}',
                       to_char(a.receipt_due AT TIME ZONE 'Asia/Ho_Chi_Minh', 'HH24:MI DD/MM/YYYY')),
               '/ke-hoach/giao-viec/' || a.id || '/', a.t[1] + interval '1 minute',
               CASE WHEN a.shape <> 'sent' THEN a.t[2] END, a.t[1] + interval '2 minutes', NULL, r.user_id, NULL
        FROM bench_a a JOIN accounts_unit iu ON iu.id = a.issuer_id
        CROSS JOIN LATERAL (VALUES (a.officer_id), (a.secretary_id)) AS r(user_id)
        WHERE a.rank < %s OR a.rank IS NULL ORDER BY a.t[1], a.id""", [receive, assigned, COMMUNE_NOTICES])
    build.run("notifications: reports to review", """
        INSERT INTO notifications_notification (kind, title, body, url, created_at, read_at, emailed_at,
                                                delegated_from_id, recipient_id, claimed_at)
        SELECT 'task', replace(replace(%s, '{where}', a.unit_name), '{subject}', a.subject),
               'Đơn vị: ' || a.unit_name || '.', '/ke-hoach/giao-viec/' || a.id || '/', a.at,
               CASE WHEN a.shape <> 'reported' THEN a.at + interval '1 day' END, a.at + interval '1 minute', NULL,
               r.user_id, NULL
        FROM (SELECT b.*, b.t[CASE WHEN b.shape = 'accepted_after_return' THEN 5 ELSE 3 END] AS at,
                     row_number() OVER (PARTITION BY b.issuer_id ORDER BY b.t[3] DESC) AS n
              FROM bench_a b WHERE b.shape IN ('reported', 'accepted', 'accepted_after_return')) a
        JOIN bench_plan p ON p.id = a.plan_id
        CROSS JOIN LATERAL (VALUES (p.officer_id), (p.secretary_id)) AS r(user_id)
        WHERE a.n <= %s ORDER BY a.at, a.id""", [review, CENTRAL_REVIEW_NOTICES])
    build.run("notifications: plan approval steps", """
        INSERT INTO notifications_notification (kind, title, body, url, created_at, read_at, emailed_at,
                                                delegated_from_id, recipient_id, claimed_at)
        SELECT 'task', replace(s.title, '{subject}', p.subject), 'Đơn vị: ' || u.name || '.',
               '/ke-hoach/' || p.id || '/', p.issued - s.before, p.issued - s.before + interval '1 hour',
               p.issued - s.before + interval '1 minute', NULL, s.user_id, NULL
        FROM bench_plan p JOIN accounts_unit u ON u.id = p.unit_id
        CROSS JOIN LATERAL (VALUES (%s, p.secretary_id, interval '3 days'), (%s, p.clerk_id, interval '1 hour'))
             AS s(title, user_id, before)
        ORDER BY 5""", [approve, issue])


def build_dataset(central_plans: int):
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.national import national_units_load

    started = time.perf_counter()
    now = timezone.now().replace(microsecond=0)
    with transaction.atomic(), connection.cursor() as cursor:
        build = Build(cursor)
        for setting in ("synchronous_commit = off", "maintenance_work_mem = '1GB'", "work_mem = '256MB'",
                        "temp_buffers = '512MB'"):
            cursor.execute(f"SET LOCAL {setting}")
        step = time.perf_counter()
        national_units_load()
        build.steps.append(("national units", time.perf_counter() - step))
        print(f"  national units: {build.steps[-1][1]:.1f} s", flush=True)
        people = people_create(build, now)
        # From here on, rows consistent by construction: no per-row foreign-key trigger (this
        # transaction only; the constraints stay).
        cursor.execute("SET LOCAL session_replication_role = replica")
        definitions = indexes_drop(build)
        unit_type = plans_create(build, now, people, central_plans)
        assignments_create(build, now, unit_type)
        notifications_create(build)
        cursor.execute("SET LOCAL session_replication_role = origin")
        step = time.perf_counter()
        for definition in definitions:
            cursor.execute(definition)
        build.steps.append((f"{len(definitions)} indexes built again", time.perf_counter() - step))
        print(f"  {build.steps[-1][0]}: {build.steps[-1][1]:.1f} s", flush=True)
        for table in ("plans_plan", "viewflow_process", "viewflow_task", "plans_assignment"):  # ids given
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)")
        counts = {}
        for table in COUNTED:
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
        cursor.execute("SELECT state, count(*) FROM plans_assignment GROUP BY state ORDER BY state")
        counts["assignments by state"] = dict(cursor.fetchall())
        loaded = time.perf_counter() - started
        cursor.execute(f"CREATE TABLE {MARKER} (built_at timestamptz, seconds float8, steps jsonb, counts jsonb)")
        cursor.execute(f"INSERT INTO {MARKER} VALUES (%s, %s, %s, %s)",
                       [now, loaded, json.dumps(build.steps), json.dumps(counts)])
    step = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    vacuum = time.perf_counter() - step
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {MARKER} SET seconds = %s", [seconds])
    print(f"built in {seconds:.0f} s (load {loaded:.0f} s, VACUUM ANALYZE {vacuum:.0f} s)")
    return counts


def dataset_ready(*, rebuild: bool = False, central_plans: int = CENTRAL_PLANS) -> dict:
    """Django on the national dataset, built first if it is not there whole. Returns its counts."""
    name = database_name(central_plans)
    reused = database_reused_or_fresh(name, marker=MARKER, rebuild=rebuild)
    if not reused:
        return build_dataset(central_plans)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT built_at, seconds, counts FROM {MARKER}")
        built_at, seconds, counts = cursor.fetchone()
    print(f"reusing {name}, built {built_at:%Y-%m-%d %H:%M} in {seconds:.0f} s (--rebuild to build again)")
    return counts if isinstance(counts, dict) else json.loads(counts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="drop the dataset and build it again")
    parser.add_argument("--central-plans", type=int, default=CENTRAL_PLANS, help="plans issued by the centre")
    args = parser.parse_args()
    counts = dataset_ready(rebuild=args.rebuild, central_plans=args.central_plans)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
        cursor.execute("""SELECT count(*) FILTER (WHERE owner_permission = 'accounts.review_reports'
                                                    AND owner_permission_obj_pk = (SELECT id::text FROM accounts_unit
                                                                                   WHERE code = 'VN')),
                                 count(*) FILTER (WHERE owner_permission = 'accounts.handle_assignments')
                          FROM viewflow_task WHERE status IN ('NEW', 'ASSIGNED')""")
        central_reviews, commune_open = cursor.fetchone()
    for table, count in counts.items():
        print(f"  {table}: {count:,}" if isinstance(count, int) else f"  {table}: {count}")
    print(f"  open review tasks of the centre: {central_reviews:,}; open tasks of the communes: {commune_open:,} "
          f"({commune_open / 3321:.1f} a commune)")
    print(f"database size: {size}")


if __name__ == "__main__":
    main()
