"""Issue 15's acceptance on the demo itself: the 16 district-level units in 2 clusters, computed
criteria that agree with the demo's own reports and indicators (recomputed here from the raw
rows for two units, another way than emulation.scoring does), Tuần Giáo's points lowered by its
cluster head with a comment, the board's approval, a numbered decision, and the ranking's .xlsx
and .docx with the figures of the sheets."""

import io
from decimal import ROUND_HALF_UP, Decimal

import docx
import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from emulation.models import Emulation, EmulationState, Score, SheetState, Source
from emulation.scoring import year_bounds
from plans.models import Aggregate, AssignmentState, Comparison, Indicator, IndicatorAllocation, IndicatorValue, Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    with open("/dev/null", "w") as quiet:
        call_command("seed_demo", password="demo-pass-1-long-enough", stdout=quiet)
    return Emulation.objects.select_related("table").get()


def _points(sheet, source):
    return sheet.scores.get(criterion__source=source)


def _timeliness_by_hand(unit, year, maximum):
    """Accepted reports due in the year: on time when the last version came in by the deadline."""
    start, end = year_bounds(year)
    on_time = late = 0
    for assignment in unit.assignments.filter(report_due__gte=start, report_due__lt=end,
                                              state=AssignmentState.ACCEPTED):
        last = Report.objects.filter(assignment=assignment).order_by("-version").first()
        if last.submitted_at <= assignment.report_due:
            on_time += 1
        else:
            late += 1
    total = on_time + late
    share = (Decimal(on_time) + Decimal("0.7") * late) / total if total else Decimal(0)
    return (maximum * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), on_time + late


def _goal(indicator, unit):
    allocated = IndicatorAllocation.objects.filter(indicator=indicator, unit=unit).first()
    if allocated is not None:
        return allocated.target
    if indicator.aggregate == Aggregate.RATIO_OF_SUMS:
        return indicator.target
    if indicator.aggregate == Aggregate.ALL_UNITS:
        return indicator.unit_target if indicator.unit_target is not None else Decimal("0.0001")
    return None


def _indicators_by_hand(unit, year, maximum):
    """The unit's own targets on the plans due in the year it received: met when its figure, sent
    to the issuer, reaches the goal (rounded to 2 decimals; at-most targets the other way); not
    sent is not met once the plan is due, and not counted before."""
    start, end = year_bounds(year)
    met = judged = 0
    for indicator in Indicator.objects.filter(plan__assignments__unit=unit, plan__report_due__gte=start,
                                              plan__report_due__lt=end).exclude(aggregate=Aggregate.ISSUER_ONLY):
        goal = _goal(indicator, unit)
        if goal is None:
            continue
        sent = indicator.plan.assignments.get(unit=unit).state in (AssignmentState.REPORTED, AssignmentState.ACCEPTED)
        if not sent and indicator.plan.report_due > timezone.now():
            continue
        judged += 1
        if not sent:
            continue
        value = IndicatorValue.objects.filter(indicator=indicator, unit=unit).first()
        if value is None:
            continue
        if indicator.aggregate == Aggregate.RATIO_OF_SUMS:
            if not value.denominator:
                continue
            result = value.numerator / value.denominator * 100
        elif value.value is None:
            continue
        else:
            result = value.value
        result, goal = round(result, 2), round(goal, 2)
        met += result <= goal if indicator.comparison == Comparison.AT_MOST else result >= goal
    share = Decimal(met) / judged if judged else Decimal(0)
    return (maximum * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), judged


def test_the_demo_emulation_from_opening_to_the_numbered_decision(demo, client):
    sheets = demo.sheets.select_related("unit", "cluster")
    assert sheets.count() == 16 and demo.table.organiser.code == "TDDB"
    assert sorted(len([s for s in sheets if s.cluster_id == c]) for c in {s.cluster_id for s in sheets}) == [6, 10]
    assert demo.state == EmulationState.DECIDED and demo.number.startswith("01-QĐ/TĐTN")
    assert {s.state for s in sheets} == {SheetState.APPROVED}

    year = demo.table.year
    for code in ("TPDBP", "HDMA"):
        sheet = next(s for s in sheets if s.unit.code == code)
        timeliness = _points(sheet, Source.TIMELINESS)
        expected, counted = _timeliness_by_hand(sheet.unit, year, timeliness.criterion.max_points)
        assert (timeliness.final_points, timeliness.computed["counts"]["total"]) == (expected, counted)
        indicators = _points(sheet, Source.INDICATORS)
        expected, judged = _indicators_by_hand(sheet.unit, year, indicators.criterion.max_points)
        assert (indicators.final_points, indicators.computed["counts"]["judged"]) == (expected, judged)
        assert judged > 0  # the demo's programme gives each district targets of its own

    lowered = Score.objects.get(sheet__unit__code="HDTG", sheet__emulation=demo, criterion__code="1",
                                criterion__group__code="II")
    assert lowered.verified_points < lowered.self_points and lowered.verify_comment
    assert lowered.final_points == lowered.verified_points

    client.force_login(User.objects.get(username="chuyenvien"))
    finals = {s.unit.name: sum(sc.final_points for sc in s.scores.all()) for s in sheets}
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("emulation:ranking-xlsx", args=[demo.pk])).content))
    written = {}
    for row in book["Xếp hạng"].iter_rows(values_only=True):
        if row and row[1] in finals:
            written[row[1]] = Decimal(str(row[4]))
    assert written == finals
    document = docx.Document(io.BytesIO(client.get(reverse("emulation:decision-docx", args=[demo.pk])).content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert any(demo.number in cell for cell in cells) and "QUYẾT ĐỊNH" in text
    assert all(name in cells for name in finals)
