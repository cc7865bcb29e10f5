"""The indicator summary of one plan: 33 targets × 3,321 communes, on PostgreSQL.

    .venv/bin/python bench/indicator_summary.py [runs]
"""

import random
import sys
import time
import tracemalloc

from _setup import ROOT, fresh_database, summary

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5


def main():
    fresh_database("kehoach_bench_summary")
    import datetime
    from decimal import Decimal

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import Role, Unit, User
    from accounts.national import national_units_load
    from accounts.services import position_create
    from plans import services
    from plans.indicators import services as indicators
    from plans.indicators.summary import plan_indicator_summary
    from plans.models import Aggregate, IndicatorValue

    national_units_load()
    central = Unit.objects.get(code="VN")
    people = {}
    for role in (Role.OFFICER, Role.SECRETARY, Role.CLERK):
        people[role] = User.objects.create(username=f"tw.{role}")
        position_create(user=people[role], unit=central, role=role)
    communes = list(Unit.objects.filter(level__code="commune"))
    plan = services.plan_create(by=people[Role.OFFICER], issuing_unit=central, subject="Chỉ tiêu toàn quốc",
                                report_due=timezone.now() + datetime.timedelta(days=30), recipients=communes)
    targets = indicators.indicators_import(plan=plan, by=people[Role.OFFICER],
                                           path=ROOT / "demo_data" / "indicators_2024.csv")
    services.plan_submit(plan=plan, by=people[Role.OFFICER])
    services.plan_approve(plan=plan, by=people[Role.SECRETARY])
    services.plan_issue(plan=plan, by=people[Role.CLERK])

    rng = random.Random(2024)
    rows = []
    for indicator in targets:
        for unit in communes:
            if rng.random() < 0.05:
                continue  # about 5 % of communes have not reported: "chưa báo cáo"
            if indicator.aggregate == Aggregate.RATIO_OF_SUMS:
                den = rng.randint(50, 2000)
                rows.append(IndicatorValue(indicator=indicator, unit=unit, numerator=rng.randint(0, den),
                                           denominator=den, updated_by=people[Role.OFFICER]))
            else:
                rows.append(IndicatorValue(indicator=indicator, unit=unit, value=Decimal(rng.randint(0, 60)),
                                           updated_by=people[Role.OFFICER]))
    IndicatorValue.objects.bulk_create(rows, batch_size=5000)

    timings = []
    plan_indicator_summary(plan)  # warm-up: imports and first-use caches are not the summary's cost
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = plan_indicator_summary(plan)
            timings.append(time.perf_counter() - started)
    assert len(result.indicators) == 33 and len(result.recipients) == 3321
    # Memory in a separate run: tracemalloc slows the code it watches several times over.
    tracemalloc.start()
    plan_indicator_summary(plan)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(f"{len(rows)} values, {len(result.units)} unit × indicator cells, {len(queries)} queries")
    print(summary("plan_indicator_summary, 33 × 3,321 (PostgreSQL)", timings))
    print(f"peak Python memory allocated by one summary (tracemalloc): {peak:.0f} MiB")


if __name__ == "__main__":
    main()
