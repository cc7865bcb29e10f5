"""One deadline sweep over 1,000,000 open assignments of which 10,000 are past due, on PostgreSQL.

    .venv/bin/python bench/deadline_sweep.py [runs]

The central union has issued 302 plans to the 3,321 communes (1,000,000 assignments, built
with INSERT … SELECT generate_series). 10,000 of them, one in a hundred, were due between an
hour and two weeks ago and are still not reported: each gets the overdue notice, and the older
ones level 2 and level 3. Every commune has a secretary and an officer. Between runs the
events and notifications are deleted, so each run does the whole work again.
"""

import statistics
import sys
import time

from _setup import fresh_database, summary

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
TOTAL = 1_000_000
DUE_EVERY = 100  # one assignment in a hundred is past due: 10,000


def build():
    import datetime

    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Department, Position, Role, Unit, User
    from accounts.national import national_units_load
    from core.models import TransitionLog
    from plans.models import Plan, PlanState

    national_units_load()
    central = Unit.objects.get(code="VN")
    xdd = Department.objects.create(unit=central, code="VN-XDD", name="Ban Xây dựng Đoàn", document_code="XDĐ")
    leaders = {}
    for username, role, department in [("tw.bithu", Role.SECRETARY, None), ("tw.pbt1", Role.DEPUTY_SECRETARY, None),
                                       ("tw.pbt2", Role.DEPUTY_SECRETARY, None),
                                       ("tw.truongban", Role.DEPARTMENT_HEAD, xdd), ("tw.canbo", Role.OFFICER, xdd)]:
        leaders[username] = User.objects.create(username=username)
        Position.objects.create(user=leaders[username], unit=central, role=role, department=department)
    communes = list(Unit.objects.filter(level__code="commune").order_by("pk").values_list("pk", "code"))
    assert len(communes) == 3321
    users = User.objects.bulk_create(
        [User(username=f"{code.lower()}.{suffix}") for _pk, code in communes for suffix in ("bithu", "canbo")],
        batch_size=5000,
    )
    Position.objects.bulk_create(
        [Position(user=user, unit_id=pk, role=role)
         for (pk, _code), pair in zip(communes, zip(users[::2], users[1::2], strict=True), strict=True)
         for user, role in zip(pair, (Role.SECRETARY, Role.OFFICER), strict=True)],
        batch_size=5000,
    )

    now = timezone.now()
    plan_count = -(-TOTAL // len(communes))
    plans = Plan.objects.bulk_create([
        Plan(issuing_unit=central, department=xdd, kind="KH", subject=f"Kế hoạch toàn quốc số {i + 1}",
             report_due=now + datetime.timedelta(days=60), state=PlanState.ISSUED, number=f"{i + 1}-KH/TWĐTN-XDĐ",
             issued_at=now, created_by=leaders["tw.canbo"]) for i in range(plan_count)
    ])
    TransitionLog.objects.bulk_create([
        TransitionLog(content_type=ContentType.objects.get_for_model(Plan), object_id=p.pk, transition="approve",
                      source="awaiting_approval", target="approved", by=leaders["tw.bithu"]) for p in plans
    ])
    with connection.cursor() as cursor:
        # Assignment g: plan g / 3321, commune g % 3321. One in a hundred is past due (1 hour to
        # 14 days ago, received, not reported); the rest are due in 30 to 60 days, a tenth of
        # them not yet received.
        cursor.execute(
            """
            INSERT INTO plans_assignment (plan_id, unit_id, state, receipt_due, report_due)
            SELECT plans[g / %(n)s + 1], units[g %% %(n)s + 1],
                   CASE WHEN g %% %(every)s <> 0 AND g %% 10 = 1 THEN 'sent' ELSE 'received' END,
                   CASE WHEN g %% %(every)s = 0 THEN %(now)s - interval '20 days'
                        ELSE %(now)s + interval '30 days' END,
                   CASE WHEN g %% %(every)s = 0
                        THEN %(now)s - interval '1 hour' - (g / %(every)s %% 336) * interval '1 hour'
                        ELSE %(now)s + interval '30 days' + (g %% 30) * interval '1 day' END
            FROM generate_series(0, %(total)s - 1) AS g,
                 (SELECT %(plans)s::bigint[] AS plans, %(units)s::bigint[] AS units) AS ids
            """,
            {"n": len(communes), "every": DUE_EVERY, "now": now, "total": TOTAL,
             "plans": [p.pk for p in plans], "units": [pk for pk, _code in communes]},
        )
        cursor.execute("VACUUM ANALYZE")  # autocommit: the planner sees the million rows


def main():
    fresh_database("kehoach_bench_deadlines")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from deadlines.models import DeadlineEvent
    from deadlines.sweep import deadlines_sweep
    from notifications.models import Notification
    from plans.models import Assignment

    started = time.perf_counter()
    build()
    print(f"built {Assignment.objects.count():,} assignments in {time.perf_counter() - started:.0f} s")

    def reset():
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {DeadlineEvent._meta.db_table}, {Notification._meta.db_table}")

    deadlines_sweep()  # warm-up: policies created, imports, content types
    timings, stale_timings, repeat_timings = [], [], []
    for _ in range(RUNS):
        reset()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = deadlines_sweep()
            timings.append(time.perf_counter() - started)
        # The next beat tick finds the same rows with nothing new to send. On a table never
        # analyzed the planner believes the event table is empty and rescans it per candidate
        # for the NOT EXISTS; autovacuum's ANALYZE (within a minute, the beat comes every five)
        # gives it the hash anti-join. Measured both ways.
        started = time.perf_counter()
        assert deadlines_sweep().events == 0
        stale_timings.append(time.perf_counter() - started)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {DeadlineEvent._meta.db_table}")
        started = time.perf_counter()
        assert deadlines_sweep().events == 0
        repeat_timings.append(time.perf_counter() - started)
    assert result.candidates == TOTAL // DUE_EVERY, result.as_dict()
    assert DeadlineEvent.objects.count() == result.events
    print(f"sweep result: {result.as_dict()}; {len(queries)} queries")
    print(summary("deadlines_sweep, 10,000 due of 1,000,000 open (PostgreSQL)", timings)
          + f"; min–max {min(timings):.2f}–{max(timings):.2f} s")
    print(f"repeat sweep with nothing new: median {statistics.median(repeat_timings):.2f} s; right after the "
          f"burst, before ANALYZE: {', '.join(f'{s:.2f}' for s in stale_timings)} s (the first run's table "
          "had never been analyzed)")


if __name__ == "__main__":
    main()
