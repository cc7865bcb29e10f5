"""The indicator results as the province files them: an Excel matrix and the report's section.

Both read a Summary from plans.indicators.summary and compute nothing of their own beyond
formatting, so the page, the API and the documents always agree. The words are the
document's own (Vietnamese data), not interface strings; the verdicts are the screens' labels
(plans.indicators.verdicts) in Vietnamese, whatever the language of the person downloading.
"""

import io

import openpyxl
import pandas as pd
from django.utils import timezone
from docx import Document
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from core.docx_layout import official_style
from core.vi_format import vi_fraction, vi_number, vi_percent
from plans.models import Aggregate, Comparison, IndicatorKind

from .formatting import with_unit
from .summary import Summary, accepted_only, is_percentage
from .verdicts import EXCEEDED, MET, NOT_MET, NOT_REPORTED, document_labels, document_text

NO_DATA = "chưa có số liệu"
SUMMARY_SHEET, UNITS_SHEET = "Tổng hợp", "Theo đơn vị"
SUMMARY_HEADERS = ("Mã", "Tên chỉ tiêu", "Đơn vị tính", "Mục tiêu", "Kết quả", "Tử số / Số đơn vị đạt",
                   "Mẫu số / Số đơn vị báo cáo", "Đơn vị đã báo cáo", "Đơn vị chưa báo cáo", "Đánh giá",
                   "Đơn vị có số liệu tạm tính (báo cáo chưa duyệt)", "Kết quả theo báo cáo đã duyệt",
                   "Đánh giá theo báo cáo đã duyệt")
SUMMARY_WIDTHS = (8, 60, 12, 14, 14, 16, 18, 12, 12, 20, 16, 16, 20)
VERDICT_COLUMN, ACCEPTED_VERDICT_COLUMN = 10, 13
HEADER_ROW = 4
WHOLE, DECIMAL = "#,##0", "#,##0.00"
# Green for met and exceeded (darker when exceeded), red for not met, grey for not reported.
VERDICT_COLOURS = {EXCEEDED: "A9D08E", MET: "C6EFCE", NOT_MET: "FFC7CE", None: "D9D9D9"}
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="808080")
PROVISIONAL_FONT = Font(italic=True, color="7F6000")
NONE_ACCEPTED = "chưa có báo cáo được duyệt"
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE = "Kết quả thực hiện các chỉ tiêu công tác năm {year}"
RESULT = "Kết quả:"
# Figures of a report the province has not accepted yet are counted and marked as such.
PROVISIONAL_NOTE = "số liệu tạm tính, gồm {count} đơn vị có báo cáo chưa được duyệt"
PROVISIONAL = "Tạm tính (chưa duyệt)"
ACCEPTED = "Đã duyệt"
SUMMARY_NOTE = ("Kết quả gồm cả số liệu tạm tính của đơn vị có báo cáo chưa được duyệt (cột K); "
                "cột L, M: kết quả chỉ theo các báo cáo đã được duyệt.")
UNITS_NOTE = "Chữ nghiêng: số liệu tạm tính, báo cáo của đơn vị chưa được duyệt."


def _missing(value) -> bool:
    return value is None or pd.isna(value)


def _cell_number(value):
    if _missing(value):
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


def _format(row, value) -> str:
    if is_percentage(row) or row["kind"] == IndicatorKind.MONEY:
        return DECIMAL
    return DECIMAL if not _missing(value) and not float(value).is_integer() else WHOLE


def _verdict_label(row, labels: dict) -> str:
    """`labels`: document_labels(), read once for the whole document."""
    if row["reported"] == 0:
        return document_text(NOT_REPORTED)
    return labels.get(row["verdict"], NO_DATA)


def report_year(plan) -> int:
    """The year the results are filed for: the plan's period, else when it was issued or made."""
    day = plan.period_end or plan.period_start
    if day:
        return day.year
    return timezone.localtime(plan.issued_at or plan.created_at).year


def _fill(verdict) -> PatternFill:
    return PatternFill("solid", fgColor=VERDICT_COLOURS[verdict])


# --- Excel --------------------------------------------------------------------------------------

def matrix_xlsx(summary: Summary) -> bytes:
    workbook = openpyxl.Workbook()
    _summary_sheet(workbook.active, summary)
    _units_sheet(workbook.create_sheet(UNITS_SHEET), summary)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _heading(sheet, summary, title, width):
    plan = summary.plan
    for row, (text, font) in enumerate(((title, Font(bold=True, size=14)),
                                        (f"{plan.number}: {plan.subject}" if plan.number else plan.subject,
                                         Font(italic=True))), start=1):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        cell = sheet.cell(row, 1, text)
        cell.font, cell.alignment = font, Alignment(horizontal="center")


def _header_cell(sheet, row, column, text):
    cell = sheet.cell(row, column, text)
    cell.font, cell.fill, cell.border = Font(bold=True), HEADER_FILL, BOX
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return cell


def _summary_sheet(sheet, summary):
    sheet.title = SUMMARY_SHEET
    _heading(sheet, summary, "TỔNG HỢP KẾT QUẢ THỰC HIỆN CHỈ TIÊU", len(SUMMARY_HEADERS))
    for column, text in enumerate(SUMMARY_HEADERS, start=1):
        _header_cell(sheet, HEADER_ROW, column, text)
    sheet.row_dimensions[HEADER_ROW].height = 45
    labels = document_labels()
    for row_number, (_, row) in enumerate(summary.indicators.iterrows(), start=HEADER_ROW + 1):
        if row["aggregate"] == Aggregate.ALL_UNITS:
            parts = (row["met_units"], row["reported"])
        elif row["aggregate"] == Aggregate.RATIO_OF_SUMS:
            parts = (row["numerator"], row["denominator"])
        else:
            parts = (None, None)
        accepted = accepted_only(row)
        cells = (row["code"], row["name"], row["unit_of_measure"], _cell_number(row["target"]),
                 _cell_number(row["result"]), _cell_number(parts[0]), _cell_number(parts[1]),
                 int(row["reported"]), int(row["missing"]), _verdict_label(row, labels),
                 int(row["provisional"]), _cell_number(accepted["result"]), _accepted_label(accepted, labels))
        for column, value in enumerate(cells, start=1):
            cell = sheet.cell(row_number, column, value)
            cell.border = BOX
            cell.alignment = Alignment(vertical="top", wrap_text=column == 2)
        sheet.cell(row_number, 4).number_format = _format(row, row["target"])
        sheet.cell(row_number, 5).number_format = _format(row, row["result"])
        sheet.cell(row_number, 12).number_format = _format(row, accepted["result"])
        if row["provisional"]:
            sheet.cell(row_number, 5).font = PROVISIONAL_FONT
        for column in (6, 7):
            sheet.cell(row_number, column).number_format = WHOLE if row["aggregate"] == Aggregate.ALL_UNITS else (
                DECIMAL if not _missing(parts[0]) and not float(parts[0]).is_integer() else WHOLE)
        for column, counted in ((VERDICT_COLUMN, row), (ACCEPTED_VERDICT_COLUMN, accepted)):
            if counted["reported"] == 0:
                sheet.cell(row_number, column).fill = _fill(None)
            elif counted["verdict"] is not None:
                sheet.cell(row_number, column).fill = _fill(counted["verdict"])
    for column, width in enumerate(SUMMARY_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 2).coordinate
    if summary.units_provisional:
        sheet.merge_cells(start_row=3, start_column=1, end_row=3, end_column=len(SUMMARY_HEADERS))
        sheet.cell(3, 1, SUMMARY_NOTE).font = PROVISIONAL_FONT


def _accepted_label(accepted: dict, labels: dict) -> str:
    if accepted["reported"] == 0:
        return NONE_ACCEPTED
    return labels.get(accepted["verdict"], NO_DATA)


def _units_sheet(sheet, summary):
    indicators = summary.indicators[summary.indicators["aggregate"] != Aggregate.ISSUER_ONLY]
    # One dict lookup per cell: at national scale the matrix is 33 × 3,321 cells.
    figures = {(f.indicator_id, f.unit_id): f for f in summary.units.itertuples(index=False)}
    fills = {verdict: _fill(verdict) for verdict in VERDICT_COLOURS}
    labels, not_reported = document_labels(), document_text(NOT_REPORTED)
    right, centre = Alignment(horizontal="right"), Alignment(horizontal="center")
    _heading(sheet, summary, "KẾT QUẢ THỰC HIỆN CHỈ TIÊU THEO ĐƠN VỊ", len(indicators) + 1)
    _header_cell(sheet, HEADER_ROW, 1, "Đơn vị")
    _header_cell(sheet, HEADER_ROW + 1, 1, "")
    sheet.merge_cells(start_row=HEADER_ROW, start_column=1, end_row=HEADER_ROW + 1, end_column=1)
    columns = []
    for column, (indicator_id, indicator) in enumerate(indicators.iterrows(), start=2):
        _header_cell(sheet, HEADER_ROW, column, indicator["code"])
        unit = "%" if is_percentage(indicator) else indicator["unit_of_measure"]
        _header_cell(sheet, HEADER_ROW + 1, column, f"{indicator['name']} ({unit})" if unit else indicator["name"])
        sheet.column_dimensions[get_column_letter(column)].width = 14
        columns.append((column, indicator_id, indicator))
    status_column = len(columns) + 2
    _header_cell(sheet, HEADER_ROW, status_column, "Tình trạng báo cáo")
    _header_cell(sheet, HEADER_ROW + 1, status_column, "")
    sheet.merge_cells(start_row=HEADER_ROW, start_column=status_column, end_row=HEADER_ROW + 1,
                      end_column=status_column)
    sheet.column_dimensions[get_column_letter(status_column)].width = 20
    provisional_units = set(summary.units.loc[summary.units["provisional"], "unit_id"])
    sheet.row_dimensions[HEADER_ROW + 1].height = 120
    first = HEADER_ROW + 2
    for row_number, (unit_id, recipient) in enumerate(summary.recipients.iterrows(), start=first):
        sheet.cell(row_number, 1, recipient["name"]).border = BOX
        for column, indicator_id, indicator in columns:
            figure = figures[(indicator_id, unit_id)]
            cell = sheet.cell(row_number, column)
            cell.border, cell.alignment = BOX, right
            if not figure.reported:
                cell.value, cell.fill, cell.alignment = not_reported, fills[None], centre
                continue
            if indicator["aggregate"] == Aggregate.RATIO_OF_SUMS and _missing(figure.unit_result):
                # 0/0: reported but no percentage; show the fraction as the unit gave it.
                cell.value = f"{vi_number(figure.numerator)}/{vi_number(figure.denominator)}"
            else:
                cell.value = _cell_number(figure.unit_result)
                cell.number_format = _format(indicator, figure.unit_result)
            if figure.verdict is not None:
                cell.fill = fills[figure.verdict]
            if figure.provisional:
                cell.font = PROVISIONAL_FONT
        status = ACCEPTED if recipient["accepted"] else PROVISIONAL if unit_id in provisional_units else ""
        sheet.cell(row_number, status_column, status).border = BOX
    legend = first + len(summary.recipients) + 1
    sheet.cell(legend, 1, "Chú thích:").font = Font(italic=True)
    for offset, verdict in enumerate((EXCEEDED, MET, NOT_MET, None), start=1):
        sheet.cell(legend + offset, 1, labels.get(verdict, not_reported)).fill = fills[verdict]
    sheet.cell(legend + 5, 1, UNITS_NOTE).font = PROVISIONAL_FONT
    sheet.column_dimensions["A"].width = 30
    sheet.freeze_panes = sheet.cell(first, 2).coordinate


# --- The report section -------------------------------------------------------------------------

def _target_sentence(row) -> str:
    at_most = row["comparison"] == Comparison.AT_MOST
    if is_percentage(row):
        bound = "không quá" if at_most else "đạt"
        return f"- Chỉ tiêu {row['code']}: {row['name']} {bound} {vi_percent(row['target'])}."
    amount = " ".join(filter(None, ("không quá" if at_most else "", with_unit(vi_number(row["target"]),
                                                                              row["unit_of_measure"]))))
    return f"- Chỉ tiêu {row['code']}: {row['name']}: {amount}."


def _result_sentence(row, labels: dict) -> str:
    missing = int(row["missing"])
    if row["reported"] == 0:
        return f"{RESULT} {NO_DATA} ({missing} đơn vị chưa báo cáo)."
    if _missing(row["result"]):
        return f"{RESULT} chưa tính được tỷ lệ (tổng mẫu số bằng 0)."
    # Float sums leave tails (55.00000000000001 %); the verdict is judged on 2 decimals, and
    # figures are stored with 4, so the sentence shows no more than that.
    if row["aggregate"] == Aggregate.RATIO_OF_SUMS:
        figure = vi_fraction(round(row["numerator"], 4), round(row["denominator"], 4), round(row["result"], 2))
    elif row["aggregate"] == Aggregate.ALL_UNITS:
        figure = f"{int(row['met_units'])}/{int(row['reported'])} đơn vị"
    elif row["kind"] == IndicatorKind.PERCENT:
        # One way to write a percentage in the whole document: 45,50% as 51,83% (core.vi_format).
        figure = vi_percent(round(row["result"], 2))
    else:
        figure = with_unit(vi_number(round(row["result"], 4)), row["unit_of_measure"])
    text = f"{RESULT} {figure}"
    if row["verdict"] in labels:
        text += f" ({labels[row['verdict']]})"
    if missing:
        text += f", {missing} đơn vị chưa báo cáo"
    provisional = int(row["provisional"])
    if provisional:
        text += f"; {PROVISIONAL_NOTE.format(count=provisional)}"
    return text + "."


def results_text(summary: Summary, *, year) -> list[str]:
    """The section's paragraphs: the title, then for each indicator its target and its result."""
    paragraphs, labels = [TITLE.format(year=year)], document_labels()
    for _, row in summary.indicators.iterrows():
        paragraphs += [_target_sentence(row), _result_sentence(row, labels)]
    return paragraphs


def results_docx(summary: Summary, *, year) -> bytes:
    document = Document()
    official_style(document)
    title, *paragraphs = results_text(summary, year=year)
    document.add_paragraph().add_run(title).bold = True
    for text in paragraphs:
        paragraph = document.add_paragraph()
        if text.startswith(RESULT):
            paragraph.add_run(RESULT).italic = True
            paragraph.add_run(text[len(RESULT):])
        else:
            paragraph.add_run(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
