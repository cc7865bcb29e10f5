"""The on-time table as an Excel sheet, headed in Vietnamese like the province's own tables."""

import io
import math

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from .ontime import late_weight

SHEET = "Tỷ lệ đúng hạn"
# The four groups of DESIGN.md §7 (dashboards.ontime), then what is kept apart from them.
HEADERS = ("STT", "Mã", "Đơn vị", "Số việc đến hạn", "Hoàn thành đúng hạn", "Hoàn thành trễ hạn",
           "Quá hạn, chưa hoàn thành", "Đang thực hiện, chưa đến hạn", "Tỷ lệ đúng hạn", "Đã báo cáo, chờ duyệt",
           "Điểm (đúng hạn + {weight} × trễ hạn)")
NOTE = ("Hoàn thành: báo cáo đã được duyệt; đúng hạn hay trễ hạn tính theo thời điểm đơn vị gửi báo cáo được duyệt. "
        "Báo cáo chờ duyệt chưa tính vào tỷ lệ.")
HEADER_ROW = 5
RATE_COLUMNS = (9, 11)
PERCENT = "0.00%"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WIDTHS = {"A": 6, "B": 10, "C": 40, "D": 14, "E": 14, "F": 14, "G": 16, "H": 16, "I": 14, "J": 14, "K": 18}


def _fraction(rate):
    """Excel keeps percentages as fractions: 75 % is 0.75, shown by the cell's format."""
    return None if rate is None or (isinstance(rate, float) and math.isnan(rate)) else rate / 100


def on_time_xlsx(table, totals: dict, *, unit, start, end) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet["A1"] = "TỶ LỆ BÁO CÁO ĐÚNG HẠN CỦA CÁC ĐƠN VỊ"
    sheet["A1"].font, sheet["A1"].alignment = Font(bold=True, size=14), Alignment(horizontal="center")
    sheet["A2"] = f"Đơn vị giao: {unit.name}"
    sheet["A3"] = f"Hạn báo cáo từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"
    sheet["A4"] = NOTE
    sheet["A4"].font = Font(italic=True)
    headers = [heading.format(weight=f"{late_weight():g}".replace(".", ",")) for heading in HEADERS]
    for column, heading in enumerate(headers, start=1):
        cell = sheet.cell(HEADER_ROW, column, heading)
        cell.font, cell.fill, cell.border = Font(bold=True), HEADER_FILL, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    row = HEADER_ROW
    for number, unit_row in enumerate(table.itertuples(index=False), start=1):
        row += 1
        _write(sheet, row, [number, unit_row.code, unit_row.name, int(unit_row.due), int(unit_row.on_time),
                            int(unit_row.late), int(unit_row.overdue), int(unit_row.not_yet_due),
                            _fraction(unit_row.rate), int(unit_row.awaiting_review), _fraction(unit_row.score)])
    row += 1
    _write(sheet, row, [None, None, "Tổng cộng", totals["due"], totals["on_time"], totals["late"],
                        totals["overdue"], totals["not_yet_due"], _fraction(totals["rate"]),
                        totals["awaiting_review"], _fraction(totals["score"])], bold=True)
    for column, width in WIDTHS.items():
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = f"D{HEADER_ROW + 1}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _write(sheet, row, values, bold=False):
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row, column, value)
        cell.border = BOX
        if bold:
            cell.font = Font(bold=True)
    for column in RATE_COLUMNS:
        sheet.cell(row, column).number_format = PERCENT
