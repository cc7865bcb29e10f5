"""The dashboards as Excel sheets, headed in Vietnamese like the province's own tables (core.sheets)."""

import math

from core import sheets

from .ontime import late_weight

SHEET = "Tỷ lệ đúng hạn"
# The four groups of DESIGN.md §7 (dashboards.ontime), then what is kept apart from them.
HEADERS = ("STT", "Mã", "Đơn vị", "Số việc đến hạn", "Hoàn thành đúng hạn", "Hoàn thành trễ hạn",
           "Quá hạn, chưa hoàn thành", "Đang thực hiện, chưa đến hạn", "Tỷ lệ đúng hạn", "Đã báo cáo, chờ duyệt",
           "Điểm (đúng hạn + {weight} × trễ hạn)")
NOTE = ("Hoàn thành: báo cáo đã được duyệt; đúng hạn hay trễ hạn tính theo thời điểm đơn vị gửi báo cáo được duyệt. "
        "Báo cáo chờ duyệt chưa tính vào tỷ lệ.")
HEADER_ROW = 5
PERCENT = "0.00%"
RATES = {9: PERCENT, 11: PERCENT}
WIDTHS = {"A": 6, "B": 10, "C": 40, "D": 14, "E": 14, "F": 14, "G": 16, "H": 16, "I": 14, "J": 14, "K": 18}


def _fraction(rate):
    """Excel keeps percentages as fractions: 75 % is 0.75, shown by the cell's format."""
    return None if rate is None or (isinstance(rate, float) and math.isnan(rate)) else rate / 100


def on_time_xlsx(table, totals: dict, *, unit, start, end) -> bytes:
    book, sheet = sheets.workbook(SHEET)
    sheets.title_row(sheet, "TỶ LỆ BÁO CÁO ĐÚNG HẠN CỦA CÁC ĐƠN VỊ", columns=len(HEADERS))
    sheet["A2"] = f"Đơn vị giao: {unit.name}"
    sheet["A3"] = f"Hạn báo cáo từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"
    sheets.note(sheet, 4, NOTE)
    weight = f"{late_weight():g}".replace(".", ",")
    sheets.header_row(sheet, HEADER_ROW, [heading.format(weight=weight) for heading in HEADERS])
    row = HEADER_ROW
    for number, unit_row in enumerate(table.itertuples(index=False), start=1):
        row += 1
        sheets.boxed_row(sheet, row, [
            number, unit_row.code, unit_row.name, int(unit_row.due), int(unit_row.on_time), int(unit_row.late),
            int(unit_row.overdue), int(unit_row.not_yet_due), _fraction(unit_row.rate),
            int(unit_row.awaiting_review), _fraction(unit_row.score)], formats=RATES)
    row += 1
    sheets.boxed_row(sheet, row, [
        None, None, "Tổng cộng", totals["due"], totals["on_time"], totals["late"], totals["overdue"],
        totals["not_yet_due"], _fraction(totals["rate"]), totals["awaiting_review"], _fraction(totals["score"])],
        bold=True, formats=RATES)
    sheets.column_widths(sheet, WIDTHS)
    sheet.freeze_panes = f"D{HEADER_ROW + 1}"
    return sheets.to_bytes(book)


# -- overdue now --------------------------------------------------------------------------------

OVERDUE_SHEET, PLAN_SHEET = "Việc quá hạn", "Theo kế hoạch"
OVERDUE_HEADERS = ("STT", "Mã đơn vị", "Đơn vị", "Số kế hoạch", "Trích yếu kế hoạch", "Bước", "Hạn",
                   "Số ngày làm việc trễ")
PLAN_HEADERS = ("STT", "Số kế hoạch", "Trích yếu kế hoạch", "Đơn vị giao", "Số việc quá hạn", "Số đơn vị được giao",
                "Số ngày làm việc trễ nhiều nhất")
STEPS = {"receipt": "Xác nhận đã nhận", "report": "Báo cáo kết quả"}
DAYS_NOTE = "Số ngày trễ tính theo ngày làm việc: không kể thứ Bảy, Chủ nhật, ngày nghỉ lễ, Tết."
OVERDUE_HEADER_ROW = 4
OVERDUE_WIDTHS = {"A": 6, "B": 12, "C": 32, "D": 16, "E": 50, "F": 18, "G": 17, "H": 12}
PLAN_WIDTHS = {"A": 6, "B": 16, "C": 50, "D": 32, "E": 12, "F": 12, "G": 14}
# A real number in the total row, read as words: "12 việc quá hạn".
COUNT = '0" việc quá hạn"'


def overdue_xlsx(rows: list[dict], plans: list[dict], *, now) -> bytes:
    """`rows` as dashboards.overdue.overdue_rows gives them, in the page's order; `plans` as
    dashboards.overdue.plan_summary does."""
    book, sheet = sheets.workbook(OVERDUE_SHEET)
    _head(sheet, "DANH SÁCH VIỆC QUÁ HẠN", OVERDUE_HEADERS, now)
    row = OVERDUE_HEADER_ROW
    for number, entry in enumerate(rows, start=1):
        row += 1
        unit, plan = entry["assignment"].unit, entry["plan"]
        sheets.boxed_row(sheet, row, [
            number, unit.code, unit.name, plan.number or None, plan.subject, STEPS[entry["step"]],
            sheets.local_moment(entry["due"]), entry["days_late"]], formats={7: sheets.DATETIME}, wrap=(3, 5))
    sheets.boxed_row(sheet, row + 1, [None, "Tổng cộng", len(rows)], bold=True, formats={3: COUNT})
    sheets.column_widths(sheet, OVERDUE_WIDTHS)
    sheet.freeze_panes = f"A{OVERDUE_HEADER_ROW + 1}"

    by_plan = book.create_sheet(PLAN_SHEET)
    _head(by_plan, "VIỆC QUÁ HẠN THEO KẾ HOẠCH", PLAN_HEADERS, now)
    row = OVERDUE_HEADER_ROW
    for number, entry in enumerate(plans, start=1):
        row += 1
        plan = entry["plan"]
        sheets.boxed_row(by_plan, row, [number, plan.number or None, plan.subject, plan.issuing_unit.name,
                                        entry["overdue"], entry["total"], entry["worst"]], wrap=(3, 4))
    sheets.boxed_row(by_plan, row + 1, [
        None, "Tổng cộng", None, None, sum(p["overdue"] for p in plans), sum(p["total"] for p in plans),
        max((p["worst"] for p in plans), default=None)], bold=True)
    sheets.column_widths(by_plan, PLAN_WIDTHS)
    by_plan.freeze_panes = f"A{OVERDUE_HEADER_ROW + 1}"
    return sheets.to_bytes(book)


def _head(sheet, title, headers, now):
    sheets.title_row(sheet, title, columns=len(headers))
    sheet["A2"] = sheets.taken_at(now)
    sheets.note(sheet, 3, DAYS_NOTE)
    sheets.header_row(sheet, OVERDUE_HEADER_ROW, headers)
