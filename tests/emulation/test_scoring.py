"""The computed criteria of a scoring table (emulation.scoring): timeliness of reports,
indicator targets met, inspection results. The work is done through the services of plans and
inspections at moments of 2025; every expected figure is worked out here from what the test did."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Position, Role
from accounts.services import position_create
from emulation.models import Criterion, CriterionGroup, Denominator, ScoringTable, Source
from emulation.scoring import computed_scores
from emulation.selectors import table_scores
from inspections import services as inspecting
from inspections.models import FindingCategory, Severity
from plans import services
from plans.models import Assignment, AssignmentState, IndicatorAllocation
from tests.factories import UserFactory
from tests.helpers import at, reload
from tests.inspections.helpers import conclude, decided_inspection, programme, target_of
from tests.plans.helpers import issued_plan
from tests.plans.indicators.helpers import add_indicator, put

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
YEAR = 2025
AFTER_THE_YEAR = at(2026, 2, 1, 9, 0)  # scoring once the year is over
ISSUED_AT = at(YEAR, 3, 1, 9, 0)


@pytest.fixture
def table(staff):
    table = ScoringTable.objects.create(organiser=staff.tree.province, year=YEAR, level=staff.tree.muong_ang.level,
                                        name="Bảng chấm điểm thi đua cấp huyện năm 2025")
    CriterionGroup.objects.create(table=table, code="I", name="Công tác chỉ đạo, báo cáo")
    return table


def criterion(table, code, source, max_points, **parameters) -> Criterion:
    return Criterion.objects.create(group=table.groups.get(), code=code, name=f"Tiêu chí {code}", source=source,
                                    max_points=Decimal(str(max_points)), **parameters)


def officer_of(unit):
    user = UserFactory(username=f"{unit.code.lower()}.test")
    position_create(user=user, unit=unit, role=Role.OFFICER)
    Position.objects.filter(user=user).update(valid_from=datetime.date(2020, 1, 1))
    return user


def province_plan(staff, recipients, due, issued=ISSUED_AT, subject=None):
    with time_machine.travel(issued, tick=False):
        plan = issued_plan(staff, recipients=recipients, report_due=due,
                           subject=subject or f"Kế hoạch hạn {due:%d/%m/%Y}")
    return reload(plan)


def act(staff, plan, unit, officer, outcome):
    """The unit reports on time (a day early) or late (two days late) and the province accepts;
    "none": it never reports."""
    if outcome == "none":
        return
    assignment = plan.assignments.get(unit=unit)
    moment = assignment.report_due - DAY if outcome == "on_time" else assignment.report_due + 2 * DAY
    with time_machine.travel(moment, tick=False):
        services.assignment_receive(assignment=assignment, by=officer)
        services.assignment_report(assignment=assignment, by=officer, text="Đã thực hiện.")
        services.assignment_accept(assignment=assignment, by=staff.province_officer)


# -- timeliness ---------------------------------------------------------------------------------

@pytest.fixture
def reporting(staff):
    """Mường Ảng: P1 on time, P2 late. Tuần Giáo: P1 late, P2 never reported. All accepted.

    Neither counted: a revoked plan's cancelled work, and a plan due in 2024 reported on time."""
    t = staff.tree
    units = [t.muong_ang, t.tuan_giao]
    officers = {t.muong_ang: staff.muong_ang_officer, t.tuan_giao: staff.tuan_giao_officer}
    p1 = province_plan(staff, units, at(YEAR, 3, 10, 17, 0))
    p2 = province_plan(staff, units, at(YEAR, 3, 20, 17, 0))
    for plan, outcomes in ((p1, {t.muong_ang: "on_time", t.tuan_giao: "late"}),
                           (p2, {t.muong_ang: "late", t.tuan_giao: "none"})):
        for unit, outcome in outcomes.items():
            act(staff, plan, unit, officers[unit], outcome)
    revoked = province_plan(staff, units, at(YEAR, 3, 15, 17, 0), subject="Kế hoạch đã thu hồi")
    with time_machine.travel(at(YEAR, 3, 2, 9, 0), tick=False):
        services.plan_revoke(plan=revoked, by=staff.province_leader, reason="Trùng nội dung.")
    last_year = province_plan(staff, units, at(YEAR - 1, 12, 20, 17, 0), issued=at(YEAR - 1, 12, 1, 9, 0))
    for unit in units:
        act(staff, last_year, unit, officers[unit], "on_time")
    return {"p1": p1, "p2": p2, "revoked": revoked, "last_year": last_year}


def test_timeliness_over_accepted_reports(staff, table, reporting):
    t = staff.tree
    c = criterion(table, "1", Source.TIMELINESS, 10, late_weight=Decimal("0.7"), denominator=Denominator.ACCEPTED)
    scores = computed_scores([c], [t.muong_ang.pk, t.tuan_giao.pk], year=YEAR)

    ma, tg = scores[t.muong_ang.pk][c.pk], scores[t.tuan_giao.pk][c.pk]
    assert ma.points == Decimal("8.50")  # (1 on time + 0.7 × 1 late) ÷ 2 accepted × 10
    assert tg.points == Decimal("7.00")  # (0 + 0.7 × 1 late) ÷ 1 accepted × 10
    assert ma.counts == {"on_time": 1, "late": 1, "not_accepted": 0, "total": 2}
    assert tg.counts == {"on_time": 0, "late": 1, "not_accepted": 1, "total": 1}


def test_timeliness_over_every_report_due(staff, table, reporting):
    t = staff.tree
    c = criterion(table, "1", Source.TIMELINESS, 10, late_weight=Decimal("0.7"), denominator=Denominator.DUE)
    scores = computed_scores([c], [t.muong_ang.pk, t.tuan_giao.pk], year=YEAR)

    assert scores[t.muong_ang.pk][c.pk].points == Decimal("8.50")  # (1 + 0.7 × 1) ÷ 2 due × 10
    assert scores[t.tuan_giao.pk][c.pk].points == Decimal("3.50")  # (0 + 0.7 × 1) ÷ 2 due × 10
    assert scores[t.tuan_giao.pk][c.pk].counts["total"] == 2


def test_timeliness_with_another_late_weight(staff, table, reporting):
    t = staff.tree
    accepted = criterion(table, "1", Source.TIMELINESS, 10, late_weight=Decimal("0.5"))
    due = criterion(table, "2", Source.TIMELINESS, 10, late_weight=Decimal("0.5"), denominator=Denominator.DUE)
    scores = computed_scores([accepted, due], [t.muong_ang.pk, t.tuan_giao.pk], year=YEAR)

    assert scores[t.muong_ang.pk][accepted.pk].points == Decimal("7.50")  # (1 + 0.5 × 1) ÷ 2 × 10
    assert scores[t.tuan_giao.pk][accepted.pk].points == Decimal("5.00")  # (0 + 0.5 × 1) ÷ 1 × 10
    assert scores[t.tuan_giao.pk][due.pk].points == Decimal("2.50")  # (0 + 0.5 × 1) ÷ 2 × 10


def test_timeliness_names_each_report_due_in_the_year_with_its_outcome(staff, table, reporting):
    t = staff.tree
    c = criterion(table, "1", Source.TIMELINESS, 10, denominator=Denominator.DUE)
    scores = computed_scores([c], [t.muong_ang.pk, t.tuan_giao.pk], year=YEAR)

    p1, p2 = reporting["p1"].number, reporting["p2"].number
    assert scores[t.muong_ang.pk][c.pk].items == [(p1, "on_time"), (p2, "late")]
    assert scores[t.tuan_giao.pk][c.pk].items == [(p1, "late"), (p2, "not_accepted")]
    # The revoked plan's cancelled work and the report due in 2024 are not among them.
    labels = {label for uid in scores for label, _outcome in scores[uid][c.pk].items}
    assert labels == {p1, p2}
    assert reporting["revoked"].assignments.get(unit=t.muong_ang).state == "cancelled"


def test_the_previous_year_counts_only_its_own_reports(staff, table, reporting):
    t = staff.tree
    c = criterion(table, "1", Source.TIMELINESS, 10)
    scores = computed_scores([c], [t.muong_ang.pk], year=YEAR - 1)
    assert scores[t.muong_ang.pk][c.pk].points == Decimal("10.00")  # 1 on time ÷ 1 × 10
    assert scores[t.muong_ang.pk][c.pk].items == [(reporting["last_year"].number, "on_time")]


def test_a_unit_with_no_report_due_gets_0(staff, table, reporting):
    c = criterion(table, "1", Source.TIMELINESS, 10)
    idle = next(u for u in staff.tree.districts if u not in (staff.tree.muong_ang, staff.tree.tuan_giao))
    found = computed_scores([c], [idle.pk], year=YEAR)[idle.pk][c.pk]
    assert (found.points, found.counts["total"], found.items) == (Decimal("0.00"), 0, [])


def test_table_scores_gives_the_computed_criteria_and_their_total(staff, table, reporting):
    t = staff.tree
    timely = criterion(table, "1", Source.TIMELINESS, 10)
    judged = criterion(table, "2", Source.JUDGED, 15)
    scores = table_scores(table, [t.muong_ang.pk, t.tuan_giao.pk])

    assert set(scores[t.muong_ang.pk].by_criterion) == {timely.pk}  # the judged one is people's
    assert judged.pk not in scores[t.tuan_giao.pk].by_criterion
    assert scores[t.muong_ang.pk].computed_total == Decimal("8.50")
    assert scores[t.tuan_giao.pk].computed_total == Decimal("7.00")


# -- indicators ---------------------------------------------------------------------------------

def verdict(value, goal) -> str:
    return "exceeded" if value > goal else "met" if value == goal else "not_met"


# Per unit: {indicator code: (allocated target, value reported)}; "other" reports but has no target.
TARGETS = {
    "muong_ang": {"a": (10, 12), "b": (20, 20), "c": (30, 29)},
    "tuan_giao": {"a": (5, 4)},
}


@pytest.fixture
def targets(staff):
    t = staff.tree
    other = next(u for u in t.districts if u not in (t.muong_ang, t.tuan_giao))
    units = {"muong_ang": t.muong_ang, "tuan_giao": t.tuan_giao, "other": other}
    plan = province_plan(staff, list(units.values()), at(YEAR, 6, 30, 17, 0))
    indicators = {code: add_indicator(plan, code, target=100, position=i) for i, code in enumerate("abc")}
    for name, own in TARGETS.items():
        for code, (goal, value) in own.items():
            IndicatorAllocation.objects.create(indicator=indicators[code], unit=units[name], target=goal)
            put(indicators[code], units[name], staff.clerk, value=value)
    put(indicators["a"], other, staff.clerk, value=50)
    # Not counted in 2025: a plan due in 2024 whose only target Tuần Giáo met.
    old = province_plan(staff, [t.tuan_giao], at(YEAR - 1, 12, 20, 17, 0), issued=at(YEAR - 1, 12, 1, 9, 0))
    old_a = add_indicator(old, "a", target=1)
    IndicatorAllocation.objects.create(indicator=old_a, unit=t.tuan_giao, target=1)
    put(old_a, t.tuan_giao, staff.clerk, value=5)
    sent(plan, old)
    return plan, units


def sent(*plans, units=None):
    """Their reports sent (test data straight into the table, as put() is): a figure counts once
    its report has gone to the issuer."""
    rows = Assignment.objects.filter(plan__in=plans)
    if units is not None:
        rows = rows.filter(unit__in=units)
    rows.update(state=AssignmentState.REPORTED, reported_at=at(YEAR, 6, 1, 9, 0))


def test_indicators_score_the_share_of_own_targets_met(staff, table, targets):
    plan, units = targets
    c = criterion(table, "2", Source.INDICATORS, 12)
    scores = computed_scores([c], [u.pk for u in units.values()], year=YEAR)

    for name, own in TARGETS.items():
        met = sum(1 for goal, value in own.values() if value >= goal)
        found = scores[units[name].pk][c.pk]
        assert found.counts == {"met": met, "judged": len(own)}
        assert found.points == (Decimal(12) * met / len(own)).quantize(Decimal("0.01"))
        assert dict(found.items) == {f"{plan.number} · {code}": verdict(value, goal)
                                     for code, (goal, value) in own.items()}
    assert scores[units["muong_ang"].pk][c.pk].points == Decimal("8.00")  # 2 of 3 × 12
    assert scores[units["tuan_giao"].pk][c.pk].points == Decimal("0.00")  # 0 of 1


def test_a_unit_with_no_own_target_gets_0_and_is_judged_on_nothing(staff, table, targets):
    _plan, units = targets
    c = criterion(table, "2", Source.INDICATORS, 12)
    found = computed_scores([c], [units["other"].pk], year=YEAR)[units["other"].pk][c.pk]
    assert (found.points, found.counts, found.items) == (Decimal("0.00"), {"met": 0, "judged": 0}, [])


def test_an_own_target_left_unreported_counts_as_not_met(staff, table):
    t = staff.tree
    plan = province_plan(staff, [t.tuan_giao], at(YEAR, 6, 30, 17, 0))
    met, silent = add_indicator(plan, "a", target=10), add_indicator(plan, "b", target=10)
    IndicatorAllocation.objects.create(indicator=met, unit=t.tuan_giao, target=5)
    IndicatorAllocation.objects.create(indicator=silent, unit=t.tuan_giao, target=5)
    put(met, t.tuan_giao, staff.clerk, value=6)  # b is never reported
    sent(plan)
    c = criterion(table, "2", Source.INDICATORS, 10)
    found = computed_scores([c], [t.tuan_giao.pk], year=YEAR)[t.tuan_giao.pk][c.pk]
    assert found.counts == {"met": 1, "judged": 2}
    assert found.points == Decimal("5.00")  # 1 of its 2 own targets × 10


def test_a_figure_counts_once_its_report_is_sent_and_a_target_not_yet_due_waits(staff, table):
    t = staff.tree
    plan = province_plan(staff, [t.tuan_giao], at(YEAR, 6, 30, 17, 0))
    goal = add_indicator(plan, "a", target=10)
    IndicatorAllocation.objects.create(indicator=goal, unit=t.tuan_giao, target=5)
    put(goal, t.tuan_giao, staff.clerk, value=6)  # entered, not sent
    c = criterion(table, "2", Source.INDICATORS, 10)

    def scored(now):
        return computed_scores([c], [t.tuan_giao.pk], year=YEAR, now=now)[t.tuan_giao.pk][c.pk]

    before = scored(at(YEAR, 6, 1, 9, 0))  # the plan not due yet: nothing owed, nothing judged
    assert before.counts == {"met": 0, "judged": 0} and [o for _label, o in before.items] == ["not_due"]
    after = scored(AFTER_THE_YEAR)  # due and never sent: not met, whatever was typed
    assert after.counts == {"met": 0, "judged": 1} and [o for _label, o in after.items] == ["not_reported"]
    sent(plan)
    assert scored(AFTER_THE_YEAR).counts == {"met": 1, "judged": 1}


# -- inspections --------------------------------------------------------------------------------

VIOLATIONS = {"muong_ang": ["Chưa tổ chức sinh hoạt chi đoàn định kỳ.", "Thu chi đoàn phí không đúng quy định."],
              "tuan_giao": ["Chưa lập sổ theo dõi đoàn viên."]}


def violation(staff, target, description, corrects=None, category=FindingCategory.VIOLATION):
    return inspecting.finding_record(target=target, by=staff.inspector2, category=category,
                                     severity=Severity.MODERATE, description=description, corrects=corrects)


@pytest.fixture
def inspected(staff):
    """Concluded in April 2025. Mường Ảng: 2 violations; R1 due 30/6 still open, R2 due 31/5
    verified on 25/5. Tuần Giáo: 1 violation; R3 due 30/9 verified only on 10/1/2026 (open at the
    year's end), R4 due in 2026 (not yet due at the year's end)."""
    t = staff.tree
    with time_machine.travel(at(YEAR, 4, 1, 9, 0), tick=False):
        inspection = decided_inspection(staff, prog=programme(staff, year=YEAR), targets=[t.muong_ang, t.tuan_giao])
        targets = {"muong_ang": target_of(inspection, t.muong_ang), "tuan_giao": target_of(inspection, t.tuan_giao)}
        for name, descriptions in VIOLATIONS.items():
            for description in descriptions:
                violation(staff, targets[name], description)
        conclude(staff, targets["muong_ang"], recommendations=[("R1 Tổ chức sinh hoạt định kỳ.", at(YEAR, 6, 30, 17)),
                                                               ("R2 Hoàn trả đoàn phí.", at(YEAR, 5, 31, 17))])
        conclude(staff, targets["tuan_giao"], recommendations=[("R3 Lập sổ đoàn viên.", at(YEAR, 9, 30, 17)),
                                                               ("R4 Rà soát đoàn viên.", at(YEAR + 1, 3, 31, 17))])

    def remediate(target, text, officer, verified_at):
        remediation = target.remediations.get(recommendation__text=text)
        with time_machine.travel(verified_at - DAY, tick=False):
            inspecting.remediation_report(remediation=remediation, by=officer, text="Đã khắc phục.")
        with time_machine.travel(verified_at, tick=False):
            inspecting.remediation_verify(remediation=remediation, by=staff.inspector)

    remediate(targets["muong_ang"], "R2 Hoàn trả đoàn phí.", staff.muong_ang_officer, at(YEAR, 5, 25, 9))
    remediate(targets["tuan_giao"], "R3 Lập sổ đoàn viên.", staff.tuan_giao_officer, at(YEAR + 1, 1, 10, 9))
    return inspection, targets


def test_inspections_take_points_off_per_violation_and_open_remediation(staff, table, inspected):
    t = staff.tree
    c = criterion(table, "3", Source.INSPECTIONS, 20, violation_points=Decimal(3), open_remediation_points=Decimal(2))
    scores = computed_scores([c], [t.muong_ang.pk, t.tuan_giao.pk], year=YEAR, now=AFTER_THE_YEAR)

    ma, tg = scores[t.muong_ang.pk][c.pk], scores[t.tuan_giao.pk][c.pk]
    assert ma.points == Decimal("12.00")  # 20 − 2 violations × 3 − 1 open (R1; R2 verified in May) × 2
    assert tg.points == Decimal("15.00")  # 20 − 1 × 3 − 1 open (R3 verified only in 2026; R4 not due) × 2
    assert ma.counts == {"violations": 2, "open_remediations": 1}
    assert tg.counts == {"violations": 1, "open_remediations": 1}
    number = inspected[0].decision_number
    assert ma.items == [(f"{number} · {text}", "violation") for text in VIOLATIONS["muong_ang"]] + [
        ("R1 Tổ chức sinh hoạt định kỳ.", "open_remediation")]
    assert [outcome for _label, outcome in tg.items] == ["violation", "open_remediation"]
    assert tg.items[1][0].startswith("R3")


def test_inspection_points_never_go_below_0(staff, table, inspected):
    t = staff.tree
    c = criterion(table, "3", Source.INSPECTIONS, 5, violation_points=Decimal(3), open_remediation_points=Decimal(2))
    scores = computed_scores([c], [t.muong_ang.pk, t.tuan_giao.pk], year=YEAR, now=AFTER_THE_YEAR)
    assert scores[t.muong_ang.pk][c.pk].points == Decimal("0.00")  # 5 − 6 − 2 < 0
    assert scores[t.tuan_giao.pk][c.pk].points == Decimal("0.00")  # 5 − 3 − 2 = 0


def test_during_the_year_a_remediation_counts_once_past_due(staff, table, inspected):
    t = staff.tree
    c = criterion(table, "3", Source.INSPECTIONS, 20, violation_points=Decimal(3), open_remediation_points=Decimal(2))
    # On 1 July only R1 (due 30/6) is past due and open; R2 was verified in May.
    ma = computed_scores([c], [t.muong_ang.pk], year=YEAR, now=at(YEAR, 7, 1, 9))[t.muong_ang.pk][c.pk]
    assert ma.counts == {"violations": 2, "open_remediations": 1}
    # On 1 June R1 is not due yet: nothing open.
    june = computed_scores([c], [t.muong_ang.pk], year=YEAR, now=at(YEAR, 6, 1, 9))[t.muong_ang.pk][c.pk]
    assert june.points == Decimal("14.00")  # 20 − 2 × 3


def test_a_violation_corrected_as_a_shortcoming_no_longer_counts(staff, table, inspected):
    t = staff.tree
    target = inspected[1]["tuan_giao"]
    first = target.findings.get(description=VIOLATIONS["tuan_giao"][0])
    with time_machine.travel(at(YEAR, 5, 2, 9), tick=False):
        violation(staff, target, "Sổ theo dõi đoàn viên có nhưng chưa cập nhật.", corrects=first,
                  category=FindingCategory.SHORTCOMING)
    c = criterion(table, "3", Source.INSPECTIONS, 20, violation_points=Decimal(3), open_remediation_points=Decimal(2))
    tg = computed_scores([c], [t.tuan_giao.pk], year=YEAR, now=AFTER_THE_YEAR)[t.tuan_giao.pk][c.pk]
    assert tg.counts["violations"] == 0
    assert tg.points == Decimal("18.00")  # 20 − 1 open × 2


def test_a_finding_counts_as_its_last_correction_says(staff, table, inspected):
    t = staff.tree
    target = inspected[1]["tuan_giao"]
    first = target.findings.get(description=VIOLATIONS["tuan_giao"][0])
    with time_machine.travel(at(YEAR, 5, 2, 9), tick=False):
        violation(staff, target, "Chưa lập sổ theo dõi đoàn viên năm 2025.", corrects=first)
    with time_machine.travel(at(YEAR, 5, 9, 9), tick=False):
        violation(staff, target, "Sổ theo dõi đoàn viên có nhưng chưa cập nhật.", corrects=first,
                  category=FindingCategory.SHORTCOMING)
    c = criterion(table, "3", Source.INSPECTIONS, 20, violation_points=Decimal(3), open_remediation_points=Decimal(2))
    tg = computed_scores([c], [t.tuan_giao.pk], year=YEAR, now=AFTER_THE_YEAR)[t.tuan_giao.pk][c.pk]
    assert tg.counts["violations"] == 0  # the last word on the only violation: a shortcoming


# -- the number of queries ----------------------------------------------------------------------

def test_computed_scores_cost_the_same_queries_for_2_and_8_units(staff, table, inspected):
    t = staff.tree
    units = [t.muong_ang, t.tuan_giao] + [u for u in t.districts if u not in (t.muong_ang, t.tuan_giao)][:6]
    officers = {u: officer_of(u) for u in units[2:]} | {t.muong_ang: staff.muong_ang_officer,
                                                         t.tuan_giao: staff.tuan_giao_officer}
    plans = [province_plan(staff, units, at(YEAR, 3, day, 17, 0)) for day in (10, 20)]
    for index, unit in enumerate(units):
        act(staff, plans[0], unit, officers[unit], "on_time" if index % 2 else "late")
    goal = add_indicator(plans[1], "a", target=100)
    for index, unit in enumerate(units):
        IndicatorAllocation.objects.create(indicator=goal, unit=unit, target=10)
        put(goal, unit, staff.clerk, value=10 + index % 3 - 1)
    sent(plans[1])
    criteria = [criterion(table, "1", Source.TIMELINESS, 10), criterion(table, "2", Source.INDICATORS, 10),
                criterion(table, "3", Source.INSPECTIONS, 10), criterion(table, "4", Source.JUDGED, 10)]

    def queries(some):
        with CaptureQueriesContext(connection) as ctx:
            scores = computed_scores(criteria, [u.pk for u in some], year=YEAR, now=AFTER_THE_YEAR)
        return len(ctx.captured_queries), scores

    few, _ = queries(units[:2])
    many, scores = queries(units)
    assert few == many
    # The 8 units were each counted on something: a report and a target.
    timely, targeted = criteria[0].pk, criteria[1].pk
    assert [scores[u.pk][timely].counts["total"] for u in units] == [1] * 8
    assert [scores[u.pk][targeted].counts["judged"] for u in units] == [1] * 8
    assert scores[t.muong_ang.pk][criteria[2].pk].counts["violations"] == 2
