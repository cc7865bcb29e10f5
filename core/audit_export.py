"""The audit trail as an .xlsx sheet, headed in Vietnamese like the province's tables (core.sheets)."""

import json

from django.contrib.contenttypes.models import ContentType
from django.utils.text import capfirst

from . import audit, sheets

SHEET = "Nhật ký"
HEADERS = ("STT", "Đối tượng", "Thời điểm", "Người thực hiện", "Thao tác", "Từ", "Đến", "Ghi chú", "Thay đổi",
           "Mã băm")
WIDTHS = {"A": 7, "B": 22, "C": 17, "D": 26, "E": 20, "F": 16, "G": 16, "H": 40, "I": 50, "J": 66}
HEADER_ROW = 4
EDIT_LABELS = {audit.EDIT: "Sửa", "edit_figures": "Sửa số liệu chỉ tiêu"}


def _person(log) -> str:
    name = log.by.get_full_name() or log.by.get_username()
    if log.on_behalf_of_id:
        name = f"{name} (thay {log.on_behalf_of.get_full_name() or log.on_behalf_of.get_username()})"
    return name


def _state_labels(content_type) -> dict:
    """The model's state names ("draft" → "Dự thảo"), when it has a state field."""
    model = content_type.model_class()
    try:
        return {value: str(label) for value, label in model._meta.get_field("state").choices}
    except Exception:  # no model any more, or no state field (a report, a finding)
        return {}


def _field_name(model, name: str) -> str:
    """A field's own (translated) name; an indicator code or a gone field as it was stored."""
    try:
        return capfirst(str(model._meta.get_field(name).verbose_name))
    except Exception:  # not a field of the model (indicator codes), or no model any more
        return name


def _changes(changes, model) -> str:
    if not changes:
        return ""
    return "\n".join(f"{_field_name(model, field)}: {json.dumps(before, ensure_ascii=False)} → "
                     f"{json.dumps(after, ensure_ascii=False)}"
                     for field, (before, after) in sorted(changes.items()))


def trail_xlsx(rows, *, title: str, subtitle: str) -> bytes:
    """`rows`: TransitionLog rows (core.audit.trail), written as they come, one pass."""
    book, sheet = sheets.workbook(SHEET)
    sheets.title_row(sheet, title, columns=len(HEADERS))
    sheet["A2"] = subtitle
    sheets.header_row(sheet, HEADER_ROW, HEADERS)
    row, states = HEADER_ROW, {}
    for number, log in enumerate(rows, start=1):
        row += 1
        content_type = ContentType.objects.get_for_id(log.content_type_id)
        if content_type.pk not in states:
            states[content_type.pk] = _state_labels(content_type)
        labels = states[content_type.pk]
        sheets.boxed_row(sheet, row, [
            number, f"{content_type.app_label}.{content_type.model} #{log.object_id}", sheets.local_moment(log.at),
            _person(log), EDIT_LABELS.get(log.transition, audit.action_label(content_type, log.transition)),
            labels.get(log.source, log.source), labels.get(log.target, log.target), log.comment,
            _changes(log.changes, content_type.model_class()), log.hash,
        ], formats={3: sheets.DATETIME}, wrap=(8, 9))
    sheets.column_widths(sheet, WIDTHS)
    return sheets.to_bytes(book)
