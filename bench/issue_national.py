"""Issue one plan to all 3,321 communes on PostgreSQL: time and queries per issuance.

    .venv/bin/python bench/issue_national.py [runs]
"""

import sys
import time

from _setup import fresh_database, summary

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5


def main():
    fresh_database("kehoach_bench_issue")
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import Role, Unit, User
    from accounts.national import national_units_load
    from accounts.services import position_create
    from plans import services

    started = time.perf_counter()
    national_units_load()
    load_seconds = time.perf_counter() - started
    central = Unit.objects.get(code="VN")
    central.document_code = "TWĐTN"
    central.save()
    people = {}
    for role in (Role.OFFICER, Role.SECRETARY, Role.CLERK):
        people[role] = User.objects.create(username=f"tw.{role}")
        position_create(user=people[role], unit=central, role=role)
    communes = list(Unit.objects.filter(level__code="commune"))
    assert len(communes) == 3321

    timings, queries = [], []
    for run in range(RUNS):
        plan = services.plan_create(
            by=people[Role.OFFICER], issuing_unit=central, subject=f"Kế hoạch toàn quốc {run}",
            report_due=timezone.now() + datetime.timedelta(days=30), recipients=communes,
        )
        services.plan_submit(plan=plan, by=people[Role.OFFICER])
        services.plan_approve(plan=plan, by=people[Role.SECRETARY])
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            services.plan_issue(plan=plan, by=people[Role.CLERK])
            timings.append(time.perf_counter() - started)
        queries.append(len(captured))
        assert plan.assignments.count() == 3321
    print(f"load_national_units on PostgreSQL: {load_seconds:.2f} s for {Unit.objects.count()} units")
    print(summary("plan_issue to 3,321 communes (PostgreSQL)", timings))
    print(f"queries per issuance: {sorted(set(queries))}")


if __name__ == "__main__":
    main()
