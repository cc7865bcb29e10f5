"""The central reviewer's inbox with 3,321 reports to review (PostgreSQL): queries and rows of
its first page, beside the same page with 3 reports. A count, not a timing: it must not grow.

    .venv/bin/python bench/inbox_national.py [runs]
"""

import sys
import time

from _setup import central_people, fresh_database, summary

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5


def main():
    fresh_database("kehoach_bench_inbox")
    import datetime

    from django.conf import settings

    # The page renders with the hashed-name storage, which needs collectstatic; the count needs neither.
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import Role, Unit, User
    from accounts.national import national_units_load
    from accounts.services import position_create
    from plans import services

    national_units_load()
    central, people = central_people()
    communes = list(Unit.objects.filter(level__code="commune").order_by("path"))
    assert len(communes) == 3321

    def reported_plan(units, subject):
        plan = services.plan_create(by=people[Role.OFFICER], issuing_unit=central, subject=subject,
                                    report_due=timezone.now() + datetime.timedelta(days=30), recipients=units)
        services.plan_submit(plan=plan, by=people[Role.OFFICER])
        services.plan_approve(plan=plan, by=people[Role.SECRETARY])
        services.plan_issue(plan=plan, by=people[Role.CLERK])
        for assignment in plan.assignments.select_related("unit"):
            officer, _ = User.objects.get_or_create(username=f"{assignment.unit.code.lower()}.canbo")
            if not officer.positions.exists():
                position_create(user=officer, unit=assignment.unit, role=Role.OFFICER)
            services.assignment_receive(assignment=assignment, by=officer)
            services.assignment_report(assignment=assignment, by=officer, text="Báo cáo")
        return plan

    client = Client(HTTP_HOST="localhost")
    client.force_login(people[Role.OFFICER])
    url = reverse("workflows:inbox")

    def first_page():
        timings = []
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                body = client.get(url).content.decode()
                timings.append(time.perf_counter() - started)
        return len(captured), body.count('data-task="review"'), timings

    reported_plan(communes[:3], "Kế hoạch thử 3 xã")
    few = first_page()
    started = time.perf_counter()
    reported_plan(communes, "Kế hoạch toàn quốc")
    setup_seconds = time.perf_counter() - started
    many = first_page()
    print(f"3,321 communes received and reported through the services in {setup_seconds:.0f} s")
    print(f"inbox first page, 3 reports to review: {few[0]} queries, {few[1]} rows")
    print(f"inbox first page, 3,324 reports to review: {many[0]} queries, {many[1]} rows")
    print(summary("inbox first page with 3,324 reports to review (PostgreSQL)", many[2]))
    # Never more at volume; fewer, in fact: above workflows.inbox.UNIT_CHOICES_MAX units the unit
    # filter stops after the first flow's query and asks for a plan first.
    assert many[0] <= few[0] and many[1] <= 50


if __name__ == "__main__":
    main()
