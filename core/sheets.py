"""Excel tables headed like the province's own: a bold title over the table's width, a filled and
boxed header row, boxed rows, set column widths. Shared by every app's .xlsx exports so that
they look alike; what goes in the cells is the exporting app's business.
"""

import datetime
import io

import openpyxl
from django.utils import timezone
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
DATE = "dd/mm/yyyy"
DATETIME = "dd/mm/yyyy hh:mm"


def workbook(title: str):
    """A new workbook and its first sheet, named `title` (Excel allows 31 characters)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    return book, sheet


def title_row(sheet, text: str, *, columns: int, row: int = 1):
    """The table's title, bold and centred over its `columns` columns."""
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    cell = sheet.cell(row, 1, text)
    cell.font, cell.alignment = Font(bold=True, size=14), Alignment(horizontal="center")
    return cell


def note(sheet, row: int, text: str):
    """A line of explanation above the table, in italics."""
    cell = sheet.cell(row, 1, text)
    cell.font = Font(italic=True)
    return cell


def header_row(sheet, row: int, headings):
    for column, heading in enumerate(headings, start=1):
        cell = sheet.cell(row, column, heading)
        cell.font, cell.fill, cell.border = Font(bold=True), HEADER_FILL, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def boxed_row(sheet, row: int, values, *, bold=False, formats: dict[int, str] | None = None, wrap=()):
    """One row of the table; `formats` maps a column (from 1) to its number format, `wrap` lists
    the columns whose long text wraps inside the cell."""
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row, column, value)
        cell.border = BOX
        if bold:
            cell.font = Font(bold=True)
        if column in wrap:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    for column, number_format in (formats or {}).items():
        sheet.cell(row, column).number_format = number_format


def column_widths(sheet, widths: dict[str, float]):
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width


def local_moment(moment: datetime.datetime) -> datetime.datetime:
    """A moment as Vietnam's clock shows it, without a zone: Excel's dates have none, and openpyxl
    refuses an aware datetime."""
    return timezone.localtime(moment).replace(tzinfo=None)


def taken_at(moment: datetime.datetime) -> str:
    """When the figures were read: "Tính đến 17:00 ngày 02/12/2026"."""
    local = timezone.localtime(moment)
    return f"Tính đến {local:%H:%M} ngày {local:%d/%m/%Y}"


def to_bytes(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
