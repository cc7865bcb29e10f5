"""The committee's dashboard as a workbook, the figures of the page (inspections.views.dashboard)
for the same unit and year: sheet 1 the year's sentence, the inspections by state and the findings
by category × severity; sheet 2 the overdue remediations with their working days late.

Labels are the page's own choices read in Vietnamese, so the file says what the screen says.
"""

import datetime

from django.utils import translation
from openpyxl.styles import Alignment

from core import sheets
from workflows.calendar import days_late

SUMMARY_SHEET, OVERDUE_SHEET = "Tổng hợp", "Khắc phục quá hạn"
UNRATED = "Không xếp mức độ"
SUMMARY_WIDTHS = {"A": 34, "B": 12, "C": 12, "D": 12, "E": 14, "F": 12}
OVERDUE_HEADERS = ("STT", "Đơn vị", "Cuộc kiểm tra", "Số quyết định", "Kiến nghị", "Hạn", "Số ngày làm việc trễ")
OVERDUE_HEADER_ROW = 4
OVERDUE_WIDTHS = {"A": 6, "B": 28, "C": 40, "D": 16, "E": 60, "F": 12, "G": 12}


def dashboard_xlsx(*, unit, year: int, summary: str | None, now: datetime.datetime, states, inspection_total: int,
                   severities, categories, finding_total: int, overdue) -> bytes:
    """`states`, `categories` and `severities` as inspections.views builds them for the page (the
    bar widths in them are left out), `overdue` the remediations of inspections.selectors.dashboard."""
    with translation.override("vi"):
        book, sheet = sheets.workbook(SUMMARY_SHEET)
        _summary(sheet, unit, year, summary, now, states, inspection_total, severities, categories, finding_total)
        _overdue(book.create_sheet(OVERDUE_SHEET), unit, year, now, list(overdue))
    return sheets.to_bytes(book)


def _summary(sheet, unit, year, summary, now, states, inspection_total, severities, categories, finding_total):
    columns = len(severities) + 3  # category, each severity, unrated, total
    sheets.title_row(sheet, f"TỔNG HỢP KIỂM TRA, GIÁM SÁT NĂM {year}", columns=columns)
    sheet["A2"] = f"Đơn vị: {unit.name}"
    sheet["A3"] = sheets.taken_at(now)
    row = 4
    if summary:
        row += 1
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
        cell = sheet.cell(row, 1, summary)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[row].height = 15 * (1 + len(summary) // 90)

    row += 2
    sheets.header_row(sheet, row, ["Cuộc kiểm tra, giám sát theo trạng thái", "Số cuộc"])
    for state in states:
        row += 1
        sheets.boxed_row(sheet, row, [str(state["label"]), state["count"]])
    row += 1
    sheets.boxed_row(sheet, row, ["Tổng cộng", inspection_total], bold=True)

    row += 2
    sheets.header_row(sheet, row, ["Phát hiện theo loại", *(str(label) for _code, label in severities), UNRATED,
                                   "Tổng cộng"])
    column_totals = [0] * (len(severities) + 1)
    for category in categories:
        counts = [n for _severity, _label, n in category["cells"]]
        counts.append(category["total"] - sum(counts))  # a strength, say, is recorded without a severity
        column_totals = [a + b for a, b in zip(column_totals, counts, strict=True)]
        row += 1
        sheets.boxed_row(sheet, row, [str(category["label"]), *counts, category["total"]])
    row += 1
    sheets.boxed_row(sheet, row, ["Tổng cộng", *column_totals, finding_total], bold=True)
    sheets.column_widths(sheet, SUMMARY_WIDTHS)


def _overdue(sheet, unit, year, now, remediations):
    sheets.title_row(sheet, f"KIẾN NGHỊ QUÁ HẠN KHẮC PHỤC NĂM {year}", columns=len(OVERDUE_HEADERS))
    sheet["A2"] = f"Đơn vị: {unit.name}. {sheets.taken_at(now)}"
    sheets.note(sheet, 3, "Số ngày trễ tính theo ngày làm việc: không kể thứ Bảy, Chủ nhật, ngày nghỉ lễ, Tết.")
    sheets.header_row(sheet, OVERDUE_HEADER_ROW, OVERDUE_HEADERS)
    late = days_late([r.due for r in remediations], now)
    row = OVERDUE_HEADER_ROW
    for number, (remediation, days) in enumerate(zip(remediations, late, strict=True), start=1):
        row += 1
        inspection = remediation.target.inspection
        sheets.boxed_row(sheet, row, [
            number, remediation.target.name, inspection.subject, inspection.decision_number or None,
            remediation.recommendation.text, sheets.local_moment(remediation.due).date(), days,
        ], formats={6: sheets.DATE}, wrap=(2, 3, 5))
    sheets.boxed_row(sheet, row + 1, [None, "Tổng cộng", len(remediations)], bold=True,
                     formats={3: '0" kiến nghị quá hạn"'})
    sheets.column_widths(sheet, OVERDUE_WIDTHS)
    sheet.freeze_panes = f"A{OVERDUE_HEADER_ROW + 1}"
