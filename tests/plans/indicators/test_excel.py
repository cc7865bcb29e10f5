"""The Excel template of a unit's figures and its upload: signed, checked cell by cell, all or nothing."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.errors import ActionForbidden
from plans.indicators.excel import (
    HEADERS,
    META_SHEET,
    SHEET,
    UNUSED_FILL,
    assignment_template,
    assignment_upload,
)
from plans.indicators.services import indicator_values_set
from plans.indicators.summary import plan_indicator_summary
from plans.models import IndicatorAllocation, IndicatorValue
from tests.plans.helpers import issued_plan
from tests.plans.indicators.helpers import add_indicator

pytestmark = pytest.mark.django_db

# Rows of the Mường Ảng template: the issuer's own 3a is not the unit's to report.
ROWS = {"1b": 7, "4c": 8, "11a": 9, "13b": 10}


@pytest.fixture
def plan(people):
    t = people.tree
    plan = issued_plan(people, recipients=[t.muong_ang, t.tuan_giao])
    add_indicator(plan, "1b", kind="percent", aggregate="ratio_of_sums", target=80, unit_of_measure="%", position=1)
    add_indicator(plan, "3a", aggregate="province_only", target=3, unit_of_measure="công trình", position=2)
    add_indicator(plan, "4c", target=1000, unit_of_measure="đơn vị máu", position=3)
    add_indicator(plan, "11a", kind="money", target=1134, unit_of_measure="tỷ đồng", position=4)
    add_indicator(plan, "13b", kind="yes_no", aggregate="all_units", target=100, position=5)
    return plan


def sheet_of(data, name=SHEET):
    return openpyxl.load_workbook(io.BytesIO(data))[name]


def edited(data, change) -> io.BytesIO:
    """The template as a user saves it after `change(sheet)`."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    change(workbook[SHEET])
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def filled(data, cells: dict) -> io.BytesIO:
    def change(sheet):
        for coordinate, value in cells.items():
            sheet[coordinate] = value
    return edited(data, change)


GOOD = {"G7": 1200, "H7": 1500, "F8": 120, "F9": 2.5, "F10": 1, "I8": "Hiến máu đợt Xuân"}


def saved(assignment):
    return {v.indicator.code: (v.value, v.numerator, v.denominator, v.note, v.cutoff_date)
            for v in IndicatorValue.objects.filter(unit=assignment.unit).select_related("indicator")}


def file_errors(excinfo):
    return excinfo.value.message_dict["file"]


# --- The template -------------------------------------------------------------------------------

def test_the_template_has_vietnamese_headers_and_a_row_per_indicator_the_unit_reports(received):
    sheet = sheet_of(assignment_template(received))
    assert tuple(cell.value for cell in sheet[6][:9]) == HEADERS
    assert [sheet[f"B{row}"].value for row in range(7, 11)] == list(ROWS)
    assert sheet["B11"].value is None


def test_the_template_names_the_plan_and_the_unit(received):
    sheet = sheet_of(assignment_template(received))
    titles = " ".join(str(sheet[f"A{row}"].value) for row in range(1, 4))
    assert f"Kế hoạch số {received.plan.number}: {received.plan.subject}" in titles
    assert "Mường Ảng" in titles


def test_labels_are_locked_and_only_the_cells_to_fill_are_open(received):
    sheet = sheet_of(assignment_template(received))
    assert sheet.protection.sheet
    assert sheet["C8"].protection.locked and sheet["E8"].protection.locked
    assert not sheet["F8"].protection.locked and not sheet["I8"].protection.locked
    assert sheet["G8"].protection.locked  # a count has no numerator


def test_cells_a_kind_does_not_use_are_greyed_out(received):
    sheet = sheet_of(assignment_template(received))
    grey = UNUSED_FILL.fgColor.rgb
    assert sheet["F7"].fill.fgColor.rgb == grey  # 1b is a ratio of sums: numerator and denominator
    assert sheet["G8"].fill.fgColor.rgb == grey and sheet["H8"].fill.fgColor.rgb == grey
    assert sheet["G7"].fill.fgColor.rgb != grey and sheet["F8"].fill.fgColor.rgb != grey


def test_figures_are_validated_by_kind(received):
    sheet = sheet_of(assignment_template(received))
    rules = {}
    for dv in sheet.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            rules[cell_range.coord] = (dv.type, dv.operator, dv.formula1, dv.formula2)
    assert rules["F8"] == ("whole", "greaterThanOrEqual", "0", None)  # a count
    assert rules["F9"] == ("decimal", "greaterThanOrEqual", "0", None)  # money
    assert rules["F10"] == ("whole", "between", "0", "1")  # yes / no
    assert rules["G7"] == ("decimal", "greaterThanOrEqual", "0", None)  # people behind a percentage


def test_the_template_shows_the_units_allocation_else_the_plan_target(received, people):
    IndicatorAllocation.objects.create(indicator=received.plan.indicators.get(code="4c"), unit=people.tree.muong_ang,
                                       target=60)
    sheet = sheet_of(assignment_template(received))
    assert (sheet["E8"].value, sheet["E9"].value) == (60, 1134)


def test_the_template_is_prefilled_with_the_current_figures(received, people):
    indicator_values_set(assignment=received, by=people.muong_ang_officer, entries={
        "4c": {"value": "120", "note": "Đợt 1"}, "1b": {"numerator": "3", "denominator": "4"}},
        cutoff_date=datetime.date(2024, 11, 14))
    sheet = sheet_of(assignment_template(received))
    assert (sheet["F8"].value, sheet["I8"].value, sheet["G7"].value, sheet["H7"].value) == (120, "Đợt 1", 3, 4)
    assert sheet["D4"].value == datetime.datetime(2024, 11, 14)


def test_a_hidden_sheet_carries_the_assignment_and_its_signature(received):
    meta = sheet_of(assignment_template(received), META_SHEET)
    assert meta.sheet_state in ("hidden", "veryHidden")
    assert meta["B1"].value == received.pk
    assert len(meta["B3"].value) == 64  # HMAC-SHA256


# --- Upload -------------------------------------------------------------------------------------

def test_a_filled_template_lands_in_the_units_figures(received, people):
    upload = filled(assignment_template(received), {**GOOD, "D4": "14/11/2024"})
    assert assignment_upload(assignment=received, by=people.muong_ang_officer, file=upload) == 4
    cutoff = datetime.date(2024, 11, 14)
    assert saved(received) == {
        "1b": (None, Decimal(1200), Decimal(1500), "", cutoff),
        "4c": (Decimal(120), None, None, "Hiến máu đợt Xuân", cutoff),
        "11a": (Decimal("2.5"), None, None, "", cutoff),
        "13b": (Decimal(1), None, None, "", cutoff),
    }


def test_uploaded_figures_show_in_the_plan_summary(received, people):
    upload = filled(assignment_template(received), GOOD)
    assignment_upload(assignment=received, by=people.muong_ang_officer, file=upload)
    rows = plan_indicator_summary(received.plan).indicators.set_index("code")
    assert rows.loc["4c", "result"] == 120 and rows.loc["4c", "reported"] == 1
    assert rows.loc["1b", "result"] == pytest.approx(80) and rows.loc["1b", "verdict"] == "met"


def test_figures_typed_as_vietnamese_text_are_read(received, people):
    upload = filled(assignment_template(received), {"F8": "1.200", "F9": "2,5"})
    assignment_upload(assignment=received, by=people.muong_ang_officer, file=upload)
    assert (saved(received)["4c"][0], saved(received)["11a"][0]) == (Decimal(1200), Decimal("2.5"))


def test_a_bad_cell_is_named_by_sheet_row_and_column_and_nothing_is_saved(received, people):
    upload = filled(assignment_template(received), {**GOOD, "F8": "abc"})
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        assignment_upload(assignment=received, by=people.muong_ang_officer, file=upload)
    assert file_errors(excinfo) == ["Sheet “Chỉ tiêu”, row 8, column F: “abc” is not a number."]
    assert saved(received) == {}


def test_every_bad_cell_is_reported_at_once(received, people):
    upload = filled(assignment_template(received), {**GOOD, "F8": 2.5, "F10": 2, "G7": -1, "F7": 5, "D4": "mai"})
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        assignment_upload(assignment=received, by=people.muong_ang_officer, file=upload)
    assert file_errors(excinfo) == [
        "Sheet “Chỉ tiêu”, row 4, column D: “mai” is not a date (dd/mm/yyyy).",
        "Sheet “Chỉ tiêu”, row 7, column F: this indicator does not use this cell; leave it empty.",
        "Sheet “Chỉ tiêu”, row 7, column G: “-1” is negative; figures are zero or more.",
        "Sheet “Chỉ tiêu”, row 8, column F: “2.5” is not a whole number.",
        "Sheet “Chỉ tiêu”, row 10, column F: answer 1 (yes) or 0 (no), not “2”.",
    ]


def test_the_services_own_errors_point_at_the_row(received, people):
    upload = filled(assignment_template(received), {**GOOD, "G7": 1600})  # 1,600 of 1,500
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        assignment_upload(assignment=received, by=people.muong_ang_officer, file=upload)
    assert file_errors(excinfo) == [
        "Sheet “Chỉ tiêu”, row 7 (indicator 1b): the numerator is larger than the denominator."]
    assert saved(received) == {}


def test_a_cell_emptied_in_the_sheet_clears_the_figure(received, people):
    template = assignment_template(received)
    assignment_upload(assignment=received, by=people.muong_ang_officer, file=filled(template, GOOD))
    assignment_upload(assignment=received, by=people.muong_ang_officer, file=filled(template, {**GOOD, "F8": None}))
    assert "4c" not in saved(received)


def test_uploading_the_same_file_twice_changes_nothing(received, people):
    upload = filled(assignment_template(received), GOOD).getvalue()
    first = assignment_upload(assignment=received, by=people.muong_ang_officer, file=io.BytesIO(upload))
    before = saved(received)
    second = assignment_upload(assignment=received, by=people.muong_ang_officer, file=io.BytesIO(upload))
    assert (second, saved(received)) == (first, before)
    assert IndicatorValue.objects.count() == 4


def test_the_template_of_another_assignment_is_refused(received, people):
    other = received.plan.assignments.get(unit=people.tree.tuan_giao)
    upload = filled(assignment_template(other), GOOD)
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        assignment_upload(assignment=received, by=people.muong_ang_officer, file=upload)
    assert file_errors(excinfo) == [
        "This template was made for another unit or plan. Download the template of this assignment."]
    assert saved(received) == {}


def _remove_row(sheet):
    sheet.delete_rows(ROWS["4c"])


def _add_row(sheet):
    sheet.append([5, "3a", "Công trình thanh niên cấp tỉnh", "công trình", 3, 4])


def _swap_rows(sheet):
    for column in "BCDEF":
        sheet[f"{column}8"].value, sheet[f"{column}9"].value = sheet[f"{column}9"].value, sheet[f"{column}8"].value


def _recode(sheet):
    sheet["B8"] = "4b"


@pytest.mark.parametrize("doctor", [_remove_row, _add_row, _swap_rows, _recode])
def test_a_doctored_indicator_list_is_refused(received, people, doctor):
    template = assignment_template(received)
    upload = edited(filled(template, GOOD).getvalue(), doctor)
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        assignment_upload(assignment=received, by=people.muong_ang_officer, file=upload)
    assert file_errors(excinfo)[-1] == (
        "Rows or columns were added, removed, reordered or recoded. Download a new template.")
    assert saved(received) == {}


def test_a_forged_signature_is_refused(received, people):
    workbook = openpyxl.load_workbook(io.BytesIO(assignment_template(received)))
    workbook[META_SHEET]["B2"] = '["1b", "4c"]'
    upload = io.BytesIO()
    workbook.save(upload)
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        assignment_upload(assignment=received, by=people.muong_ang_officer, file=upload)
    assert file_errors(excinfo) == [
        "The template was changed outside this system and cannot be trusted. Download a new template."]


def test_a_file_that_is_not_a_workbook_is_refused(received, people):
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        assignment_upload(assignment=received, by=people.muong_ang_officer,
                          file=io.BytesIO("STT;Mã;Giá trị\n1;4c;120\n".encode()))
    assert file_errors(excinfo) == [
        "The file is not an Excel workbook (.xlsx). Download the template and fill it in."]


def test_a_workbook_that_is_not_our_template_is_refused(received, people):
    workbook = openpyxl.Workbook()
    workbook.active.title = SHEET
    upload = io.BytesIO()
    workbook.save(upload)
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        assignment_upload(assignment=received, by=people.muong_ang_officer, file=upload)
    assert file_errors(excinfo) == [
        "The file is not an indicator template of this system. Download the template and fill it in."]


def test_another_units_officer_cannot_upload(received, people):
    upload = filled(assignment_template(received), GOOD)
    with pytest.raises(ActionForbidden):
        assignment_upload(assignment=received, by=people.tuan_giao_officer, file=upload)
    assert saved(received) == {}


def test_figures_wait_for_receipt(plan, people):
    assignment = plan.assignments.get(unit=people.tree.muong_ang)
    upload = filled(assignment_template(assignment), GOOD)
    with pytest.raises(ValidationError) as excinfo:
        assignment_upload(assignment=assignment, by=people.muong_ang_officer, file=upload)
    assert len(file_errors(excinfo)) == 1
    assert saved(assignment) == {}
