"""The indicator results exported: the Excel matrix and the report's section (docx and text)."""

import io
from decimal import ROUND_HALF_UP, Decimal

import docx
import openpyxl
import pytest
from django.conf import settings

from accounts.models import Role
from accounts.services import position_create
from plans import services
from plans.indicators import services as indicators
from plans.indicators.exports import VERDICT_COLOURS, matrix_xlsx, results_docx, results_text
from plans.indicators.summary import plan_indicator_summary
from plans.indicators.verdicts import EXCEEDED, MET, NOT_MET
from plans.models import IndicatorAllocation
from tests.factories import UserFactory
from tests.plans.helpers import draft_plan, issued_plan
from tests.plans.indicators.helpers import add_indicator

pytestmark = pytest.mark.django_db


def officer_of(people, unit):
    known = {people.tree.muong_ang: people.muong_ang_officer, people.tree.tuan_giao: people.tuan_giao_officer}
    if unit in known:
        return known[unit]
    user = UserFactory(username=f"{unit.code.lower()}.canbo")
    position_create(user=user, unit=unit, role=Role.OFFICER)
    return user


def report(plan, people, unit, entries):
    """The unit enters its figures and reports; the province accepts: the figures are final."""
    assignment = plan.assignments.get(unit=unit)
    by = officer_of(people, unit)
    services.assignment_receive(assignment=assignment, by=by)
    indicators.indicator_values_set(assignment=assignment, by=by, entries=entries)
    services.assignment_report(assignment=assignment, by=by, text="Báo cáo kết quả thực hiện.")
    services.assignment_accept(assignment=assignment, by=people.province_officer)


# --- The Excel matrix ---------------------------------------------------------------------------

@pytest.fixture
def matrix(people):
    """Mường Ảng exceeds its share of 7a, Tuần Giáo falls short, the third district has not reported."""
    t = people.tree
    silent = next(u for u in t.districts if u not in (t.muong_ang, t.tuan_giao))
    plan = issued_plan(people, recipients=[t.muong_ang, t.tuan_giao, silent])
    trees = add_indicator(plan, "7a", target=25, unit_of_measure="cây", position=1)
    add_indicator(plan, "1b", kind="percent", aggregate="ratio_of_sums", target=60, unit_of_measure="%", position=2)
    add_indicator(plan, "9c", kind="percent", aggregate="ratio_of_sums", target=55, unit_of_measure="%", position=3)
    IndicatorAllocation.objects.create(indicator=trees, unit=t.muong_ang, target=10)
    IndicatorAllocation.objects.create(indicator=trees, unit=t.tuan_giao, target=20)
    report(plan, people, t.muong_ang, {"7a": {"value": 12}, "1b": {"numerator": 1, "denominator": 2}})
    report(plan, people, t.tuan_giao, {"7a": {"value": 15}, "1b": {"numerator": 16107, "denominator": 31076}})
    workbook = openpyxl.load_workbook(io.BytesIO(matrix_xlsx(plan_indicator_summary(plan))))
    return workbook, silent


def rows_of(sheet, first_row):
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=first_row) if row[0].value]


def colour(cell):
    return cell.fill.fgColor.rgb[-6:]


def test_the_summary_sheet_has_a_row_per_indicator_with_its_verdict(matrix):
    sheet = matrix[0]["Tổng hợp"]
    assert [(row[0], row[4], row[7], row[8], row[9]) for row in rows_of(sheet, 5)] == [
        ("7a", 27, 2, 1, "vượt chỉ tiêu"),
        ("1b", pytest.approx(16108 / 31078 * 100), 2, 1, "không đạt chỉ tiêu"),
        ("9c", None, 0, 3, "chưa báo cáo"),
    ]


def test_percentages_are_numbers_with_two_decimals(matrix):
    sheet = matrix[0]["Tổng hợp"]
    assert (sheet["F6"].value, sheet["G6"].value) == (16108, 31078)
    assert sheet["E6"].number_format == "#,##0.00" and sheet["E5"].number_format == "#,##0"


def test_the_units_sheet_colours_each_units_figure_by_its_own_verdict(matrix):
    workbook, silent = matrix
    sheet = workbook["Theo đơn vị"]
    figures = {row[0].value: (row[1].value, colour(row[1])) for row in sheet.iter_rows(min_row=6, max_row=8)}
    assert figures["Huyện đoàn Mường Ảng"] == (12, VERDICT_COLOURS[EXCEEDED])
    assert figures["Huyện đoàn Tuần Giáo"] == (15, VERDICT_COLOURS[NOT_MET])
    assert figures[silent.name] == ("chưa báo cáo", VERDICT_COLOURS[None])


def test_the_summary_verdict_cells_are_coloured(matrix):
    sheet = matrix[0]["Tổng hợp"]
    assert [colour(sheet[f"J{row}"]) for row in (5, 6, 7)] == [
        VERDICT_COLOURS[EXCEEDED], VERDICT_COLOURS[NOT_MET], VERDICT_COLOURS[None]]


def test_both_sheets_keep_their_headers_and_first_column_in_view(matrix):
    workbook = matrix[0]
    assert (workbook["Tổng hợp"].freeze_panes, workbook["Theo đơn vị"].freeze_panes) == ("B5", "B6")
    assert workbook["Tổng hợp"].column_dimensions["B"].width == 60


# --- The report section for the province's 33 targets of 2024 -----------------------------------

UNITS = 16
SHARES = {NOT_MET: Decimal("0.5"), MET: Decimal(1), EXCEEDED: Decimal("1.5")}
OUTCOMES = (NOT_MET, MET, EXCEEDED)


def synthetic(indicator, index: int) -> dict | None:
    """District `index`'s entry for a target, steered towards a verdict that cycles by position.

    7a adds up to 4,112 trees and 17a to 16,107/31,076; the last district never reports 4c.
    """
    aim = OUTCOMES[indicator.position % 3]
    target = indicator.target
    if indicator.code == "4c" and index == UNITS - 1:
        return None
    if indicator.aggregate == "ratio_of_sums":
        if indicator.code == "17a":
            return {"numerator": 1006 + 11 * (index == 0), "denominator": 1942 + 4 * (index == 0)}
        share = {NOT_MET: target - 10, MET: target, EXCEEDED: min(target + 5, Decimal(100))}[aim]
        return {"numerator": (10 + index) * share, "denominator": (10 + index) * 100}
    if indicator.aggregate == "all_units":
        return {"value": 0 if aim == NOT_MET and index == 0 else 1 + index % 3}
    total = 4112 if indicator.code == "7a" else int(target * SHARES[aim])
    base, rest = divmod(total, UNITS)
    return {"value": base + (index < rest)}


@pytest.fixture
def year_2024(people):
    plan = draft_plan(people, kind="CTr", subject="Chương trình công tác Đoàn và phong trào thanh thiếu nhi năm 2024")
    indicators.indicators_import(plan=plan, by=people.province_officer,
                                 path=settings.DEMO_DATA_DIR / "indicators_2024.csv")
    services.plan_submit(plan=plan, by=people.province_officer)
    services.plan_review(plan=plan, by=people.department_head)
    services.plan_approve(plan=plan, by=people.province_leader)
    services.plan_issue(plan=plan, by=people.clerk)
    targets = list(plan.indicators.order_by("position"))
    # Before the districts' reports: the last one accepted closes the plan.
    issuer = {"3a": {"value": 4}}  # 19a: the province has not given its own figure yet
    indicators.issuer_values_set(plan=plan, by=people.province_officer, entries=issuer)
    figures = {}
    for index, unit in enumerate(people.tree.districts):
        entries = {t.code: synthetic(t, index) for t in targets if t.aggregate != "province_only"}
        figures[unit.pk] = {code: entry for code, entry in entries.items() if entry is not None}
        report(plan, people, unit, figures[unit.pk])
    lines = results_text(plan_indicator_summary(plan), year=2024)
    return plan, targets, figures, issuer, lines


def result_line(lines, code):
    index = next(i for i, line in enumerate(lines) if line.startswith(f"- Chỉ tiêu {code}: "))
    return lines[index + 1]


def expected_verdict(target, figures, issuer):
    """The verdict worked out by hand from the figures entered, without the summary."""
    entries = [f[target.code] for f in figures.values() if target.code in f]
    if target.aggregate == "province_only":
        if target.code not in issuer:
            return None
        result = Decimal(issuer[target.code]["value"])
    elif target.aggregate == "sum":
        result = sum(Decimal(e["value"]) for e in entries)
    elif target.aggregate == "ratio_of_sums":
        result = sum(Decimal(e["numerator"]) for e in entries) / sum(Decimal(e["denominator"]) for e in entries) * 100
    else:
        result = Decimal(sum(1 for e in entries if e["value"] > 0)) / len(entries) * 100
    result = result.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return "không đạt chỉ tiêu" if result < target.target else "đạt chỉ tiêu" if result == target.target \
        else "vượt chỉ tiêu"


def test_each_of_the_33_targets_has_its_result_with_the_verdict_worked_out_by_hand(year_2024):
    _, targets, figures, issuer, lines = year_2024
    expected = {t.code: expected_verdict(t, figures, issuer) for t in targets}
    assert len(expected) == 33
    assert {"không đạt chỉ tiêu", "đạt chỉ tiêu", "vượt chỉ tiêu", None} == set(expected.values())
    for code, verdict in expected.items():
        line = result_line(lines, code)
        assert line.startswith("Kết quả: ")
        if verdict is None:
            assert line == "Kết quả: chưa có số liệu (1 đơn vị chưa báo cáo).", code
        else:
            assert f"({verdict})" in line, (code, line)


def test_the_section_opens_with_its_title_and_states_each_target(year_2024):
    lines = year_2024[-1]
    assert lines[0] == "Kết quả thực hiện các chỉ tiêu công tác năm 2024"
    assert len(lines) == 1 + 2 * 33
    assert "- Chỉ tiêu 7a: Cây xanh được trồng mới: 204.800 cây." in lines
    assert "- Chỉ tiêu 1b: Thanh niên được học tập, quán triệt, tuyên truyền, phổ biến đạt 80%." in lines


def test_counts_are_written_with_dots_for_thousands(year_2024):
    assert result_line(year_2024[-1], "7a") == "Kết quả: 4.112 cây (không đạt chỉ tiêu)."


def test_percentages_are_written_as_a_fraction_and_a_comma_decimal(year_2024):
    assert result_line(year_2024[-1], "17a") == "Kết quả: 16.107/31.076 (51,83%) (vượt chỉ tiêu)."


def test_a_whole_percentage_is_written_without_decimals(year_2024):
    assert result_line(year_2024[-1], "9c") == "Kết quả: 15.400/28.000 (55%) (đạt chỉ tiêu)."


def test_units_meeting_a_condition_are_written_as_units_of_units(year_2024):
    lines = year_2024[-1]
    assert result_line(lines, "2a") == "Kết quả: 15/16 đơn vị (không đạt chỉ tiêu)."
    assert result_line(lines, "3b") == "Kết quả: 16/16 đơn vị (đạt chỉ tiêu)."


def test_a_district_that_has_not_reported_is_named_in_the_result(year_2024):
    assert result_line(year_2024[-1], "4c").endswith(", 1 đơn vị chưa báo cáo.")


def test_the_docx_holds_the_same_paragraphs_in_times_new_roman_14(year_2024):
    plan, *_, lines = year_2024
    document = docx.Document(io.BytesIO(results_docx(plan_indicator_summary(plan), year=2024)))
    assert [p.text for p in document.paragraphs] == lines
    normal = document.styles["Normal"].font
    assert (normal.name, normal.size.pt) == ("Times New Roman", 14)
    assert document.paragraphs[0].runs[0].bold
