"""The Excel round trip of a unit's figures: a signed template to fill in, and its upload.

The template has one row per indicator the unit reports. A hidden sheet holds the assignment
id and an HMAC over it and the ordered indicator codes, so a template made for another unit,
or one whose rows were added, removed, reordered or recoded, is refused instead of being read
into the wrong indicators. The upload checks every cell first and names it (sheet, row,
column); only a clean sheet reaches indicator_values_set, which saves all rows or none. Nothing
is parsed before the file has passed core.ooxml, and the sheet is read read-only, no further
than the template's rows and columns (_read).
"""

import datetime
import io
import json
from decimal import Decimal, InvalidOperation

import openpyxl
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from core.ooxml import NOT_OOXML, ooxml_check
from core.vi_format import parse_vi_number
from plans.models import Aggregate, Assignment, Indicator, IndicatorAllocation, IndicatorKind, IndicatorValue

from .services import indicator_values_set, require_permission

SHEET = "Chỉ tiêu"
META_SHEET = "_meta"
HEADERS = ("STT", "Mã", "Chỉ tiêu", "Đơn vị tính", "Chỉ tiêu giao", "Giá trị", "Tử số", "Mẫu số", "Ghi chú")
CUTOFF_LABEL = "Ngày chốt số liệu (dd/mm/yyyy):"
CUTOFF_CELL = "D4"
HEADER_ROW = 6
FIRST_ROW = 7
CODE, VALUE, NUMERATOR, DENOMINATOR, NOTE = "B", "F", "G", "H", "I"
WHOLE_KINDS = (IndicatorKind.COUNT, IndicatorKind.RATIO, IndicatorKind.YES_NO)
COLUMNS = "ABCDEFGHI"  # the template's columns, one per heading
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Far more than a filled template unpacks to (a few KB of parts, a short row per indicator).
MAX_INFLATED_BYTES = 5 * 1024 * 1024
# Rows below the last indicator and columns beyond I that the sheet may declare: Excel counts
# cells that only carry a format. More is refused before a cell is parsed.
ROW_SLACK = 50
MAX_COLUMNS = 26
# IndicatorValue columns are DecimalField(max_digits=18, decimal_places=4).
MAX_FIGURE = Decimal(10) ** 14
# The module's old name: changing the salt would refuse every template already downloaded.
SIGNATURE_SALT = "plans.indicator_excel.template"

KIND_NAMES = {"KH": "Kế hoạch", "HD": "Hướng dẫn", "CTr": "Chương trình", "CV": "Công văn",
              "YCBC": "Yêu cầu báo cáo"}
LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
UNUSED_FILL = PatternFill("solid", fgColor="A6A6A6")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WIDTHS = {"A": 6, "B": 8, "C": 60, "D": 14, "E": 14, "F": 14, "G": 14, "H": 14, "I": 32}


def reported_indicators(plan) -> list[Indicator]:
    """The rows of the template, in the plan's order; the issuer's own figures are not the unit's."""
    return list(plan.indicators.exclude(aggregate=Aggregate.ISSUER_ONLY).order_by("position", "pk"))


def _signature(assignment_id, codes) -> str:
    message = json.dumps([assignment_id, list(codes)], ensure_ascii=False)
    return salted_hmac(SIGNATURE_SALT, message, algorithm="sha256").hexdigest()


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


# --- The template -------------------------------------------------------------------------------

def assignment_template(assignment: Assignment) -> bytes:
    plan, unit = assignment.plan, assignment.unit
    indicators = reported_indicators(plan)
    values = {v.indicator_id: v for v in IndicatorValue.objects.filter(indicator__in=indicators, unit=unit)}
    allocations = dict(IndicatorAllocation.objects.filter(indicator__in=indicators, unit=unit)
                       .values_list("indicator_id", "target"))

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    _title(sheet, plan, unit, values)
    validations = _validations(sheet)
    for column, heading in enumerate(HEADERS, start=1):
        cell = sheet.cell(HEADER_ROW, column, heading)
        cell.font, cell.fill, cell.border = Font(bold=True), HEADER_FILL, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for offset, indicator in enumerate(indicators):
        _row(sheet, FIRST_ROW + offset, offset + 1, indicator, values.get(indicator.pk),
             allocations.get(indicator.pk), validations)

    for column, width in WIDTHS.items():
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = f"D{FIRST_ROW}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    # No password: the lock keeps labels from being typed over by accident; the signature,
    # not the lock, is what makes a doctored sheet fail on upload.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = sheet.protection.formatRows = False

    meta = workbook.create_sheet(META_SHEET)
    codes = [i.code for i in indicators]
    meta.append(["assignment", assignment.pk])
    meta.append(["codes", json.dumps(codes, ensure_ascii=False)])
    meta.append(["signature", _signature(assignment.pk, codes)])
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    workbook.security = WorkbookProtection(lockStructure=True)
    workbook.properties.title = f"{plan.number or plan.subject} – {unit.name}"[:250]

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _title(sheet, plan, unit, values):
    document = KIND_NAMES.get(plan.kind, "Văn bản")
    lines = [
        ("BIỂU BÁO CÁO SỐ LIỆU CHỈ TIÊU", Font(bold=True, size=14)),
        (f"{document} số {plan.number}: {plan.subject}" if plan.number else plan.subject, Font(bold=True)),
        (f"Đơn vị báo cáo: {unit.name}", Font(bold=True)),
    ]
    for row, (text, font) in enumerate(lines, start=1):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(HEADERS))
        cell = sheet.cell(row, 1, text)
        cell.font, cell.alignment = font, Alignment(horizontal="center", wrap_text=True)
    sheet.row_dimensions[2].height = 32
    sheet.merge_cells("A4:C4")
    sheet["A4"] = CUTOFF_LABEL
    sheet["A4"].alignment = Alignment(horizontal="right")
    cutoff = sheet[CUTOFF_CELL]
    dates = sorted(v.cutoff_date for v in values.values() if v.cutoff_date)
    cutoff.value = dates[-1] if dates else None
    cutoff.number_format = "dd/mm/yyyy"
    cutoff.protection, cutoff.border = Protection(locked=False), BOX
    sheet.merge_cells(start_row=5, start_column=1, end_row=5, end_column=len(HEADERS))
    sheet["A5"] = ("Nhập số liệu vào các ô màu trắng. Chỉ tiêu tỷ lệ nhập tử số và mẫu số; "
                   "để trống ô chưa có số liệu. Không thêm, xóa hay đổi thứ tự các dòng.")
    sheet["A5"].font = Font(italic=True, size=10)


def _validations(sheet) -> dict:
    def validation(error, **rule):
        dv = DataValidation(allow_blank=True, showErrorMessage=True, errorTitle="Số liệu không hợp lệ",
                            error=error, **rule)
        sheet.add_data_validation(dv)
        return dv

    return {
        "whole": validation("Nhập số nguyên từ 0 trở lên.", type="whole", operator="greaterThanOrEqual",
                            formula1="0"),
        "decimal": validation("Nhập số từ 0 trở lên.", type="decimal", operator="greaterThanOrEqual",
                              formula1="0"),
        "yes_no": validation("Nhập 1 (có) hoặc 0 (không).", type="whole", operator="between",
                             formula1="0", formula2="1"),
        "note": validation("Ghi chú tối đa 500 ký tự.", type="textLength", operator="lessThanOrEqual",
                           formula1="500"),
    }


def _row(sheet, row, number, indicator, value, allocated, validations):
    goal = allocated if allocated is not None else (
        indicator.unit_target if indicator.aggregate == Aggregate.ALL_UNITS and indicator.unit_target is not None
        else indicator.target)
    labels = (number, indicator.code, indicator.name, indicator.unit_of_measure, _number(goal))
    for column, text in enumerate(labels, start=1):
        cell = sheet.cell(row, column, text)
        cell.fill, cell.border = LABEL_FILL, BOX
        cell.alignment = Alignment(vertical="top", wrap_text=column == 3)
    sheet.cell(row, 5).number_format = "#,##0.##" if goal % 1 else "#,##0"

    if indicator.needs_fraction:
        used, unused = (NUMERATOR, DENOMINATOR), (VALUE,)
        prefilled = {NUMERATOR: value and value.numerator, DENOMINATOR: value and value.denominator}
    else:
        used, unused = (VALUE,), (NUMERATOR, DENOMINATOR)
        prefilled = {VALUE: value and value.value}
    if indicator.kind == IndicatorKind.YES_NO and not indicator.needs_fraction:
        rule = validations["yes_no"]
    else:
        rule = validations["whole" if indicator.kind in WHOLE_KINDS else "decimal"]
    whole = rule is not validations["decimal"]
    for column in used:
        cell = sheet[f"{column}{row}"]
        cell.value = _number(prefilled[column])
        cell.protection, cell.border = Protection(locked=False), BOX
        cell.number_format = "#,##0" if whole else "#,##0.00"
        rule.add(cell.coordinate)
    for column in unused:
        cell = sheet[f"{column}{row}"]
        cell.fill, cell.border = UNUSED_FILL, BOX
    note = sheet[f"{NOTE}{row}"]
    note.value = value.note if value is not None and value.note else None
    note.protection, note.border = Protection(locked=False), BOX
    note.alignment = Alignment(vertical="top", wrap_text=True)
    validations["note"].add(note.coordinate)


# --- The upload ---------------------------------------------------------------------------------

def _at(row, column, message) -> str:
    if column is None:
        return _("Sheet “%(sheet)s”, row %(row)s: %(message)s") % {"sheet": SHEET, "row": row, "message": message}
    return _("Sheet “%(sheet)s”, row %(row)s, column %(column)s: %(message)s") % {
        "sheet": SHEET, "row": row, "column": column, "message": message}


def _refuse(*messages):
    raise ValidationError({"file": list(messages)})


def _blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _shown(raw) -> str:
    text = str(raw).strip()
    return text if len(text) <= 40 else f"{text[:40]}…"


def assignment_upload(*, assignment: Assignment, by, file) -> int:
    """Read a filled template into the unit's figures; all rows or none. Returns the rows kept."""
    require_permission(by, "handle_assignments", assignment.unit, _("report figures"))
    indicators = reported_indicators(assignment.plan)
    grid = _read(file, assignment, [i.code for i in indicators])
    errors = []
    cutoff_date = _cutoff(grid.value(4, CUTOFF_CELL[0]), errors)
    entries, rows = {}, {}
    for offset, indicator in enumerate(indicators):
        row = FIRST_ROW + offset
        rows[indicator.code] = row
        entries[indicator.code] = _entry(grid, row, indicator, errors)
    if errors:
        raise ValidationError({"file": errors})
    try:
        return indicator_values_set(assignment=assignment, by=by, entries=entries, cutoff_date=cutoff_date)
    except ValidationError as exc:
        raise ValidationError({"file": [_located(message, rows) for message in exc.messages]}) from exc


class _Grid:
    """The cells A–I of the rows read, by row number and column letter; absent cells are None."""

    def __init__(self, rows: dict[int, tuple]):
        self.rows = rows

    def value(self, row: int, column: str):
        values = self.rows.get(row, ())
        index = COLUMNS.index(column)
        return values[index] if index < len(values) else None

    def row(self, row: int) -> tuple:
        return self.rows.get(row, ())


def _read(file, assignment, codes) -> _Grid:
    """In this order, each step before the next costs anything (finding V1: an 18 KB file of
    inline strings took 4.3 s when openpyxl loaded it whole before any check): the byte size,
    the ZIP directory (core.ooxml), a read-only open that parses no cell yet, the signature on
    the hidden sheet, the sheet's declared size, and only then the template's rows and columns."""
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        _refuse(_("The file is larger than %(size)s MB.") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)})
    try:
        ooxml_check(io.BytesIO(data), max_inflated=MAX_INFLATED_BYTES)
    except ValidationError as exc:
        if exc.code == NOT_OOXML:
            _refuse(_not_a_workbook())
        _refuse(*exc.messages)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    # openpyxl fails on a foreign or damaged file with whatever its zip and XML readers raise.
    except Exception:  # noqa: BLE001
        _refuse(_not_a_workbook())
    try:
        _check_signature(workbook, assignment, codes)
        return _checked_grid(workbook[SHEET], codes)
    finally:
        workbook.close()


def _not_a_workbook() -> str:
    return _("The file is not an Excel workbook (.xlsx). Download the template and fill it in.")


def _not_our_template() -> str:
    return _("The file is not an indicator template of this system. Download the template and fill it in.")


def _check_signature(workbook, assignment, codes) -> None:
    if SHEET not in workbook.sheetnames or META_SHEET not in workbook.sheetnames:
        _refuse(_not_our_template())
    # Column B of the first three rows, and nothing else of the hidden sheet.
    signed = [row[0] for row in workbook[META_SHEET].iter_rows(min_row=1, max_row=3, min_col=2, max_col=2,
                                                               values_only=True)]
    signed += [None] * (3 - len(signed))
    try:
        signed_id, signed_codes, signature = int(signed[0]), json.loads(signed[1]), str(signed[2])
    except (TypeError, ValueError, RecursionError):
        _refuse(_not_our_template())
    if not isinstance(signed_codes, list) or not constant_time_compare(_signature(signed_id, signed_codes),
                                                                       signature):
        _refuse(_("The template was changed outside this system and cannot be trusted. Download a new template."))
    if signed_id != assignment.pk:
        _refuse(_("This template was made for another unit or plan. Download the template of this assignment."))
    if signed_codes != codes:
        _refuse(_("The plan's indicators changed after this template was made. Download a new template."))


def _rows_changed() -> str:
    return _("Rows or columns were added, removed, reordered or recoded. Download a new template.")


def _checked_grid(sheet, codes) -> _Grid:
    last = FIRST_ROW + len(codes) - 1
    # The size the sheet declares (its <dimension>), read without parsing a cell. Excel counts
    # cells that only carry a format, hence the slack; a sheet that lies about its size is still
    # read no further than the slack below.
    claimed_rows, claimed_columns = sheet.max_row or 0, sheet.max_column or 0
    if claimed_rows > last + ROW_SLACK or claimed_columns > MAX_COLUMNS:
        _refuse(_("The sheet “%(sheet)s” has %(rows)s rows and %(columns)s columns; this template has "
                  "%(expected_rows)s rows and %(expected_columns)s columns.") % {
                    "sheet": SHEET, "rows": claimed_rows, "columns": claimed_columns,
                    "expected_rows": last, "expected_columns": len(HEADERS)}, _rows_changed())
    read = sheet.iter_rows(min_row=1, max_row=last + ROW_SLACK, max_col=len(HEADERS), values_only=True)
    grid = _Grid(dict(enumerate(read, start=1)))

    errors = []
    if tuple(grid.value(HEADER_ROW, c) for c in COLUMNS) != HEADERS:
        errors.append(_at(HEADER_ROW, None, _("the column headings were changed.")))
    # The rows must be the signed list, in order: a shifted row would put figures on the wrong
    # indicator. The first difference is enough to say where the sheet was changed.
    for row in range(FIRST_ROW, max(max(grid.rows, default=0), last) + 1):
        index = row - FIRST_ROW
        found = grid.value(row, CODE)
        found = "" if found is None else str(found).strip()
        if index < len(codes) and found != codes[index]:
            errors.append(_at(row, CODE, _("expected the indicator “%(expected)s”, found “%(found)s”.")
                              % {"expected": codes[index], "found": found}))
            break
        if index >= len(codes) and any(not _blank(value) for value in grid.row(row)):
            errors.append(_at(row, None, _("this row is not in the template.")))
            break
    if errors:
        errors.append(_rows_changed())
        raise ValidationError({"file": errors})
    return grid


def _cutoff(raw, errors) -> datetime.date | None:
    if _blank(raw):
        return None
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    if isinstance(raw, str):
        for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                return datetime.datetime.strptime(raw.strip(), pattern).date()
            except ValueError:
                continue
    errors.append(_at(4, CUTOFF_CELL[0], _("“%(raw)s” is not a date (dd/mm/yyyy).") % {"raw": _shown(raw)}))
    return None


def _entry(grid, row, indicator, errors) -> dict:
    note = grid.value(row, NOTE)
    note = "" if _blank(note) else str(note).strip()
    if len(note) > 500:
        errors.append(_at(row, NOTE, _("the note is longer than 500 characters.")))
    fraction = indicator.needs_fraction
    used, unused = ((NUMERATOR, DENOMINATOR), (VALUE,)) if fraction else ((VALUE,), (NUMERATOR, DENOMINATOR))
    for column in unused:
        if not _blank(grid.value(row, column)):
            errors.append(_at(row, column, _("this indicator does not use this cell; leave it empty.")))
    figures = {column: _figure(grid.value(row, column), indicator, row, column, errors) for column in used}
    if fraction:
        return {"numerator": figures[NUMERATOR], "denominator": figures[DENOMINATOR], "note": note}
    return {"value": figures[VALUE], "note": note}


def _figure(raw, indicator, row, column, errors) -> Decimal | None:
    if _blank(raw):
        return None
    shown = {"raw": _shown(raw)}
    try:
        if isinstance(raw, (bool, datetime.date, datetime.time, datetime.timedelta)):
            raise InvalidOperation
        number = parse_vi_number(raw)
        if not number.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors.append(_at(row, column, _("“%(raw)s” is not a number.") % shown))
        return None
    if number < 0:
        errors.append(_at(row, column, _("“%(raw)s” is negative; figures are zero or more.") % shown))
    elif number >= MAX_FIGURE:
        errors.append(_at(row, column, _("“%(raw)s” is too large.") % shown))
    elif indicator.kind == IndicatorKind.YES_NO and column == VALUE and number not in (0, 1):
        errors.append(_at(row, column, _("answer 1 (yes) or 0 (no), not “%(raw)s”.") % shown))
    elif indicator.kind in WHOLE_KINDS and number != number.to_integral_value():
        errors.append(_at(row, column, _("“%(raw)s” is not a whole number.") % shown))
    else:
        return number
    return None


def _located(message: str, rows: dict[str, int]) -> str:
    """The service names an indicator by its code ("4c: …"); point at its row instead."""
    for code, row in rows.items():
        if message.startswith(f"{code}: "):
            return _("Sheet “%(sheet)s”, row %(row)s (indicator %(code)s): %(message)s") % {
                "sheet": SHEET, "row": row, "code": code, "message": message[len(code) + 2:]}
    return message
