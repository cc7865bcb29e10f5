"""The computed criteria of a scoring table for every commune of the country (PostgreSQL):
emulation.selectors.table_scores over 3,321 communes, and its queries beside 300 communes.

The work is inserted in bulk, not through the services (which the tests walk): 6 plans due in
2025 and 1 due in 2024 to every commune, their assignments accepted on time, late, or still
open; 10 indicators on the last plan allocated to every commune with its figures; one inspection
of 2025 with a conclusion issued at every fifth commune, violations and remediations.

    .venv/bin/python bench/emulation_scores.py [runs]
"""

import sys
import time

from _setup import fresh_database, summary

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
YEAR = 2025
PLANS = 6  # due in the year, every other month
INDICATORS = 10  # on the last plan
FEW = 300
GOAL_SECONDS = 2.0


def main():
    fresh_database("kehoach_bench_emulation")
    import datetime
    import random
    from decimal import Decimal

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import Unit, UnitLevel, User
    from accounts.national import COMMUNE_LEVEL, national_units_load
    from emulation.models import Criterion, CriterionGroup, ScoringTable, Source
    from emulation.selectors import table_scores
    from inspections.models import (
        Conclusion,
        ConclusionState,
        Finding,
        FindingCategory,
        Inspection,
        InspectionKind,
        InspectionState,
        InspectionTarget,
        Programme,
        Recommendation,
        Remediation,
        RemediationState,
        Severity,
        TargetState,
    )
    from plans.models import (
        Assignment,
        AssignmentState,
        Indicator,
        IndicatorAllocation,
        IndicatorValue,
        Plan,
        PlanState,
    )

    one_day = datetime.timedelta(days=1)

    def moment(year, month, day, hour=17):
        return timezone.make_aware(datetime.datetime(year, month, day, hour))

    national_units_load()
    central = Unit.objects.get(code="VN")
    officer = User.objects.create(username="tw.canbo")
    communes = list(Unit.objects.filter(level__code=COMMUNE_LEVEL).order_by("path"))
    assert len(communes) == 3321
    rng = random.Random(YEAR)
    started = time.perf_counter()

    # Plans and assignments. The plans' recipients (M2M) are left out: scoring reads assignments.
    dues = [moment(YEAR, 2 * i, 15) for i in range(1, PLANS + 1)] + [moment(YEAR - 1, 12, 15)]
    plans = Plan.objects.bulk_create([
        Plan(issuing_unit=central, subject=f"Kế hoạch hạn {due:%d/%m/%Y}", report_due=due, state=PlanState.ISSUED,
             number=f"{i}-KH/TWĐTN", issued_at=due - 40 * one_day, created_by=officer)
        for i, due in enumerate(dues, start=1)])
    outcomes = {"on_time": 0.5, "late": 0.2, "reported": 0.1, "received": 0.1, "sent": 0.1}
    assignments = []
    for plan in plans:
        for unit, outcome in zip(communes, rng.choices(list(outcomes), list(outcomes.values()), k=len(communes)),
                                 strict=True):
            due = plan.report_due
            reported = due - one_day if outcome == "on_time" else due + 3 * one_day
            state = AssignmentState.ACCEPTED if outcome in ("on_time", "late") else outcome
            assignments.append(Assignment(
                plan=plan, unit=unit, state=state, report_due=due, receipt_due=plan.issued_at + 3 * one_day,
                received_at=None if outcome == "sent" else plan.issued_at + one_day,
                reported_at=reported if outcome in ("on_time", "late", "reported") else None,
                accepted_at=reported + 2 * one_day if state == AssignmentState.ACCEPTED else None))
    Assignment.objects.bulk_create(assignments, batch_size=5000)

    # Indicators on the last plan due in the year: each commune's own target and its figure
    # (about 5 % of figures not reported).
    indicators = Indicator.objects.bulk_create([
        Indicator(plan=plans[PLANS - 1], code=f"{i}", name=f"Chỉ tiêu {i}", kind="count", aggregate="sum",
                  target=Decimal(50_000), comparison="at_least", position=i) for i in range(1, INDICATORS + 1)])
    allocations, values = [], []
    for indicator in indicators:
        for unit in communes:
            allocations.append(IndicatorAllocation(indicator=indicator, unit=unit, target=rng.randint(5, 20)))
            if rng.random() >= 0.05:
                values.append(IndicatorValue(indicator=indicator, unit=unit, value=rng.randint(0, 25),
                                             updated_by=officer))
    IndicatorAllocation.objects.bulk_create(allocations, batch_size=5000)
    IndicatorValue.objects.bulk_create(values, batch_size=5000)

    # One inspection of the year: a conclusion issued in May at every fifth commune, 0–3
    # violations and a shortcoming each, two recommendations remediated or not.
    programme = Programme.objects.create(issuing_unit=central, year=YEAR, title="Chương trình kiểm tra năm 2025",
                                         created_by=officer)
    inspection = Inspection.objects.create(
        programme=programme, kind=InspectionKind.THEMATIC_INSPECTION, subject="Kiểm tra việc thực hiện chỉ tiêu",
        starts_on=datetime.date(YEAR, 4, 1), ends_on=datetime.date(YEAR, 5, 31), self_report_due=moment(YEAR, 4, 10),
        decision_number="1-KH/UBKTTW", decided_at=moment(YEAR, 3, 25), state=InspectionState.CONCLUDED,
        created_by=officer)
    inspected = communes[::5]
    targets = InspectionTarget.objects.bulk_create([
        InspectionTarget(inspection=inspection, unit=unit, state=TargetState.CONCLUDED) for unit in inspected])
    conclusions = Conclusion.objects.bulk_create([
        Conclusion(target=target, text="Kết luận.", state=ConclusionState.ISSUED, number=f"{i}-TB/UBKTTW",
                   issued_at=moment(YEAR, 5, 20), drafted_by=officer) for i, target in enumerate(targets, start=1)])
    findings = []
    for target in targets:
        findings.append(Finding(inspection=inspection, target=target, category=FindingCategory.SHORTCOMING,
                                severity=Severity.MINOR, description="Sổ sách chưa cập nhật.", recorded_by=officer))
        findings += [Finding(inspection=inspection, target=target, category=FindingCategory.VIOLATION,
                             severity=Severity.MODERATE, description=f"Vi phạm {k}.", recorded_by=officer)
                     for k in range(rng.randint(0, 3))]
    Finding.objects.bulk_create(findings, batch_size=5000)
    recommendations = Recommendation.objects.bulk_create([
        Recommendation(conclusion=conclusion, text=f"Kiến nghị {k}.", due=moment(YEAR, 4 + 4 * k, 30))
        for conclusion in conclusions for k in (1, 2)])
    remediations = []
    for recommendation in recommendations:
        state = rng.choice(list(RemediationState))
        remediations.append(Remediation(
            recommendation=recommendation, target=recommendation.conclusion.target, due=recommendation.due,
            state=state, reported_at=recommendation.due if state != RemediationState.OPEN else None,
            verified_at=recommendation.due + 5 * one_day if state == RemediationState.VERIFIED else None))
    Remediation.objects.bulk_create(remediations, batch_size=5000)
    setup_seconds = time.perf_counter() - started

    table = ScoringTable.objects.create(organiser=central, year=YEAR, level=UnitLevel.objects.get(code=COMMUNE_LEVEL),
                                        name="Bảng chấm điểm thi đua cấp xã năm 2025")
    group = CriterionGroup.objects.create(table=table, code="I", name="Kết quả thực hiện nhiệm vụ")
    Criterion.objects.bulk_create([
        Criterion(group=group, code="1", name="Báo cáo đúng hạn", max_points=10, source=Source.TIMELINESS, position=1),
        Criterion(group=group, code="2", name="Chỉ tiêu được giao", max_points=10, source=Source.INDICATORS,
                  position=2),
        Criterion(group=group, code="3", name="Kết quả kiểm tra", max_points=10, source=Source.INSPECTIONS,
                  position=3),
        Criterion(group=group, code="4", name="Công tác khác", max_points=20, source=Source.JUDGED, position=4)])
    everyone = [unit.pk for unit in communes]

    def counted(unit_ids):
        with CaptureQueriesContext(connection) as queries:
            scores = table_scores(table, unit_ids)
        return len(queries), scores

    few_queries, _ = counted(everyone[:FEW])  # also the warm-up: imports and first-use caches
    all_queries, scores = counted(everyone)
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        table_scores(table, everyone)
        timings.append(time.perf_counter() - started)

    assert len(scores) == 3321
    sources = {c.pk: c.source for c in Criterion.objects.filter(group__table=table)}
    for pk, source in sources.items():
        if source != Source.JUDGED:
            assert any(s.by_criterion[pk].points for s in scores.values()), f"{source} scored nothing"
    open_assignments = sum(1 for a in assignments if a.state != AssignmentState.ACCEPTED)
    print(f"{len(assignments)} assignments ({open_assignments} not accepted) over {PLANS} plans due in {YEAR} and 1 "
          f"due in {YEAR - 1}, {len(allocations)} allocations, {len(values)} values, {len(targets)} concluded targets "
          f"with {sum(f.category == FindingCategory.VIOLATION for f in findings)} violations and "
          f"{len(remediations)} remediations, inserted in {setup_seconds:.0f} s")
    print(f"table_scores queries: {few_queries} for {FEW} communes, {all_queries} for 3,321")
    print(summary("table_scores, 3 computed criteria + 1 judged × 3,321 communes (PostgreSQL)", timings))
    assert few_queries == all_queries
    median = sorted(timings)[len(timings) // 2]
    print(f"goal ≤ {GOAL_SECONDS:.0f} s: {'met' if median <= GOAL_SECONDS else 'NOT met'}")


if __name__ == "__main__":
    main()
