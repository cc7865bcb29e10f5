"""A scoring table from an .xlsx sheet, checked whole before anything is saved.

One row a criterion under a header row: group_code, group_name, code, criterion, max_points,
source (timeliness | indicators | inspections | judged, or the Vietnamese label), and optionally
guidance, late_weight, denominator (accepted | due), violation_points, open_remediation_points.
Every bad row is named; with any error nothing is saved. Importing into a table that has
criteria replaces them all, in the same transaction.
"""

import io
import unicodedata
from decimal import Decimal, InvalidOperation

import openpyxl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core.ooxml import ooxml_check

from .models import Criterion, CriterionGroup, Denominator, ScoringTable, Source

REQUIRED = ("group_code", "group_name", "code", "criterion", "max_points", "source")
OPTIONAL = ("guidance", "late_weight", "denominator", "violation_points", "open_remediation_points")
MAX_ROWS = 500
MAX_INFLATED_BYTES = 5 * 1024 * 1024


#: The template the import page offers (and the demo imports): a table as an officer would type it.
EXAMPLE = [
    ("I", "Công tác chỉ đạo, điều hành và báo cáo", "1", "Báo cáo đúng hạn, đầy đủ", 20, "timeliness"),
    ("I", "", "2", "Thực hiện các chỉ tiêu được giao", 30, "indicators"),
    ("I", "", "3", "Kết quả kiểm tra, giám sát; khắc phục sau kiểm tra", 20, "inspections"),
    ("II", "Phong trào và hoạt động trọng tâm", "1", "Tổ chức Tháng Thanh niên", 15, "judged"),
    ("II", "", "2", "Hiến máu tình nguyện, hoạt động tình nguyện hè", 15, "judged"),
]


def template_xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Bảng chấm điểm"
    sheet.append(list(REQUIRED))
    for row in EXAMPLE:
        sheet.append(list(row))
    for column, width in zip("ABCDEF", (10, 40, 6, 50, 11, 12), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class TableFileError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def _text(value) -> str:
    return unicodedata.normalize("NFC", str(value if value is not None else "")).strip()


def _choice(value: str, choices) -> str | None:
    """A choice by its code or its label, in Vietnamese or in English."""
    folded = value.casefold()
    for code, label in choices.choices:
        with translation.override("en"):
            english = str(label).casefold()
        if folded in (code, str(label).casefold(), english):
            return code
    return None


INVALID = object()  # a cell that is not a number the table can hold


def _decimal(value, *, digits: int = 6):
    """The cell as a number of at most `digits` digits with 2 decimals (the columns' own size),
    None when empty, INVALID when it is anything else (text, NaN, infinity, too big, 3 decimals)."""
    if value is None or _text(value) == "":
        return None
    if isinstance(value, bool):
        return INVALID
    try:
        number = Decimal(_text(value).replace(",", "."))
    except InvalidOperation:
        return INVALID
    if not number.is_finite() or number.adjusted() >= digits - 2 or number != number.quantize(Decimal("0.01")):
        return INVALID
    return number


#: The longest text each column holds (emulation.models).
LENGTHS = {"group_code": 20, "group_name": 300, "code": 20, "criterion": 500}


def read_rows(data: bytes) -> list[dict]:
    """The sheet's rows as {column: text}, numbered as Excel shows them (the header is row 1)."""
    try:
        ooxml_check(io.BytesIO(data), max_inflated=MAX_INFLATED_BYTES)
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except ValidationError as exc:
        raise TableFileError(list(exc.messages)) from exc
    except Exception as exc:  # openpyxl raises many kinds on a file that is not a workbook
        raise TableFileError([_("The file is not an Excel workbook (.xlsx).")]) from exc
    rows = book.active.iter_rows(values_only=True)
    header = [_text(h).lower() for h in next(rows, ())]
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise TableFileError([_("Row 1: missing columns: %(columns)s") % {"columns": ", ".join(missing)}])
    found = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            raise TableFileError([_("The sheet has more than %(max)s rows.") % {"max": MAX_ROWS}])
        row = {column: values[i] if i < len(values) else None for i, column in enumerate(header) if column}
        if any(_text(v) for v in row.values()):
            found.append({"row": number, **row})
    if not found:
        raise TableFileError([_("The sheet has no criterion: one row a criterion under the header.")])
    return found


def _criterion(row, error) -> dict:
    code, name = _text(row.get("code")), _text(row.get("criterion"))
    if not code:
        error(_("the code is empty."))
    if not name:
        error(_("the criterion is empty."))
    for column, length in LENGTHS.items():
        if len(_text(row.get(column))) > length:
            error(_("%(column)s is longer than %(length)s characters.") % {"column": column, "length": length})
    maximum = _decimal(row.get("max_points"))
    if maximum in (None, INVALID) or maximum <= 0:
        error(_("max_points must be a number above 0, with at most 2 decimals, below 10,000."))
    source = _choice(_text(row.get("source")), Source)
    if source is None:
        error(_("unknown source %(value)s: write timeliness, indicators, inspections or judged.")
              % {"value": _text(row.get("source")) or "—"})
    values = {"code": code, "name": name, "max_points": maximum, "source": source,
              "guidance": _text(row.get("guidance"))}
    weight = _decimal(row.get("late_weight"), digits=4)
    if weight is INVALID or (weight is not None and not 0 <= weight <= 1):
        error(_("late_weight must be a number from 0 to 1."))
    elif weight is not None:
        values["late_weight"] = weight
    if _text(row.get("denominator")):
        denominator = _choice(_text(row.get("denominator")), Denominator)
        if denominator is None:
            error(_("denominator must be accepted or due."))
        values["denominator"] = denominator
    for column in ("violation_points", "open_remediation_points"):
        points = _decimal(row.get(column))
        if points is INVALID or (points is not None and points < 0):
            error(_("%(column)s must be a number of 0 or more.") % {"column": column})
        elif points is not None:
            values[column] = points
    return values


def table_import(table: ScoringTable, data: bytes) -> int:
    """Replace the table's criteria with the sheet's; raise TableFileError naming every bad row."""
    if table.emulations.exists():
        raise TableFileError([_("This table's emulation is open: its criteria can no longer change.")])
    rows = read_rows(data)
    errors, groups, seen = [], {}, set()
    for row in rows:
        where = _("Row %(row)s") % {"row": row["row"]}

        def error(message, where=where):
            errors.append(f"{where}: {message}")

        group_code, group_name = _text(row.get("group_code")), _text(row.get("group_name"))
        if not group_code:
            error(_("the group code is empty."))
        elif group_code in groups and group_name and group_name != groups[group_code]["name"]:
            error(_("group %(code)s is named differently on row %(first)s.")
                  % {"code": group_code, "first": groups[group_code]["row"]})
        values = _criterion(row, error)
        if (group_code, values["code"]) in seen:
            error(_("criterion %(code)s appears twice in group %(group)s.") % {"code": values["code"],
                                                                               "group": group_code})
        seen.add((group_code, values["code"]))
        group = groups.setdefault(group_code, {"name": group_name, "row": row["row"], "criteria": []})
        group["name"] = group["name"] or group_name
        group["criteria"].append(values)
    for code, group in groups.items():
        if code and not group["name"]:
            errors.append(_("Group %(code)s has no name.") % {"code": code})
    if errors:
        raise TableFileError(errors)
    with transaction.atomic():
        CriterionGroup.objects.filter(table=table).delete()
        count = 0
        for position, (code, group) in enumerate(groups.items()):
            saved = CriterionGroup.objects.create(table=table, code=code, name=group["name"], position=position)
            Criterion.objects.bulk_create([Criterion(group=saved, position=i, **values)
                                           for i, values in enumerate(group["criteria"])])
            count += len(group["criteria"])
    return count
