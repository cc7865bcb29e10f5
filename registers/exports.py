"""The registers as Excel sheets, headed in Vietnamese like the province's own tables (core.sheets)."""

from core import sheets

OUTGOING_HEADERS = ("STT", "Số, ký hiệu văn bản", "Ngày văn bản", "Loại văn bản", "Trích yếu nội dung",
                    "Người ký", "Nơi nhận", "Ghi chú")
OUTGOING_WIDTHS = {"A": 6, "B": 24, "C": 13, "D": 16, "E": 50, "F": 22, "G": 40, "H": 30}
INCOMING_HEADERS = ("Số đến", "Ngày đến", "Tác giả (nơi gửi)", "Số, ký hiệu văn bản", "Ngày văn bản",
                    "Trích yếu nội dung")
INCOMING_WIDTHS = {"A": 9, "B": 17, "C": 34, "D": 24, "E": 13, "F": 55}
HEADER_ROW = 4
PAPER_NOTE = "Văn bản giấy ngoài hệ thống: {reason}"


def outgoing_xlsx(entries, *, issuer_name: str, year: int) -> bytes:
    book, sheet = sheets.workbook("Sổ văn bản đi")
    sheets.title_row(sheet, f"SỔ ĐĂNG KÝ VĂN BẢN ĐI NĂM {year}", columns=len(OUTGOING_HEADERS))
    sheet["A2"] = f"Đơn vị ban hành: {issuer_name}"
    sheets.header_row(sheet, HEADER_ROW, OUTGOING_HEADERS)
    row = HEADER_ROW
    for position, entry in enumerate(entries, start=1):
        row += 1
        sheets.boxed_row(sheet, row, [
            position, entry.number, entry.issued_on, entry.get_kind_display(), entry.subject, entry.signer,
            entry.recipients, PAPER_NOTE.format(reason=entry.reason) if entry.on_paper else None,
        ], formats={3: sheets.DATE}, wrap=(5, 7, 8))
    sheets.column_widths(sheet, OUTGOING_WIDTHS)
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    return sheets.to_bytes(book)


def incoming_xlsx(entries, *, unit_name: str, year: int) -> bytes:
    book, sheet = sheets.workbook("Sổ văn bản đến")
    sheets.title_row(sheet, f"SỔ ĐĂNG KÝ VĂN BẢN ĐẾN NĂM {year}", columns=len(INCOMING_HEADERS))
    sheet["A2"] = f"Đơn vị: {unit_name}"
    sheets.header_row(sheet, HEADER_ROW, INCOMING_HEADERS)
    row = HEADER_ROW
    for entry in entries:
        row += 1
        sheets.boxed_row(sheet, row, [
            entry.arrival_number, sheets.local_moment(entry.arrived_at), entry.sender, entry.document_number,
            entry.document_date, entry.subject,
        ], formats={2: sheets.DATETIME, 5: sheets.DATE}, wrap=(3, 6))
    sheets.column_widths(sheet, INCOMING_WIDTHS)
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    return sheets.to_bytes(book)
