"""Bulk, validated, idempotent loading of the unit tree from rows (CSV files, national lists).

Everything is checked before anything is written; then one transaction upserts. New units get
their materialized paths computed here and are inserted with one bulk_create, so loading the
3,355 national units costs a handful of queries instead of one round trip per node.
"""

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Department, Unit, UnitLevel

DEPARTMENT_LEVEL = "department"
_DOC_CODE_IN_NOTE = re.compile(r"(?:document code|documents as)\s+(\S+)", re.IGNORECASE)
_OWN_DOCUMENTS_IN_NOTE = re.compile(r"issues its own documents", re.IGNORECASE)


@dataclass(frozen=True)
class UnitRow:
    line: int
    code: str
    name: str
    level: str
    parent_code: str = ""
    document_code: str = ""
    note: str = ""


@dataclass
class LoadResult:
    units_created: int = 0
    units_updated: int = 0
    departments_created: int = 0
    departments_updated: int = 0
    levels_created: list[str] = field(default_factory=list)


class UnitLoadError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def _clean(value: str | None) -> str:
    return unicodedata.normalize("NFC", (value or "").strip())


def read_units_csv(path: Path | str) -> list[UnitRow]:
    """Rows of a file shaped like units_dien_bien.csv; line numbers count the header as 1."""
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise UnitLoadError([_("Cannot open %(path)s: %(error)s") % {"path": path, "error": exc}]) from exc
    with handle:
        reader = csv.DictReader(handle)
        required = {"code", "name", "level", "parent_code"}
        missing = required - set(reader.fieldnames or [])
        if missing:
            raise UnitLoadError(
                [_("Line 1: missing columns: %(columns)s") % {"columns": ", ".join(sorted(missing))}]
            )
        try:
            return [
                UnitRow(
                    line=reader.line_num,
                    code=_clean(raw.get("code")),
                    name=_clean(raw.get("name")),
                    level=_clean(raw.get("level")),
                    parent_code=_clean(raw.get("parent_code")),
                    document_code=_clean(raw.get("document_code")),
                    note=_clean(raw.get("note")),
                )
                for raw in reader
            ]
        except (csv.Error, UnicodeDecodeError) as exc:
            raise UnitLoadError(
                [_("Line %(line)s: unreadable CSV: %(error)s") % {"line": reader.line_num, "error": exc}]
            ) from exc


def _department_document_code(row: UnitRow) -> str:
    if row.document_code:
        return row.document_code
    match = _DOC_CODE_IN_NOTE.search(row.note)
    if match:
        return match.group(1).strip(".,;")
    return row.code.rsplit("-", 1)[-1]


def _validate(rows, existing_units, existing_departments) -> list[str]:
    errors = []
    first_line_of: dict[str, int] = {}
    row_by_code = {}
    for row in rows:
        where = _("Line %(line)s") % {"line": row.line}
        if not row.code:
            errors.append(_("%(where)s: the code is empty") % {"where": where})
            continue
        if not row.name:
            errors.append(_("%(where)s: the name of %(code)s is empty") % {"where": where, "code": row.code})
        if not row.level:
            errors.append(_("%(where)s: the level of %(code)s is empty") % {"where": where, "code": row.code})
        if row.code in first_line_of:
            errors.append(
                _("%(where)s: code %(code)s repeats line %(first)s")
                % {"where": where, "code": row.code, "first": first_line_of[row.code]}
            )
            continue
        first_line_of[row.code] = row.line
        row_by_code[row.code] = row

    for row in row_by_code.values():
        where = _("Line %(line)s") % {"line": row.line}
        is_department = row.level == DEPARTMENT_LEVEL
        parent = row.parent_code
        if is_department and not parent:
            errors.append(
                _("%(where)s: department %(code)s has no unit") % {"where": where, "code": row.code}
            )
            continue
        if parent:
            parent_row = row_by_code.get(parent)
            parent_known = (parent_row and parent_row.level != DEPARTMENT_LEVEL) or parent in existing_units
            if parent_row and parent_row.level == DEPARTMENT_LEVEL:
                errors.append(
                    _("%(where)s: parent %(parent)s is a department, not a unit")
                    % {"where": where, "parent": parent}
                )
            elif not parent_known:
                errors.append(
                    _("%(where)s: unknown parent code %(parent)s for %(code)s")
                    % {"where": where, "parent": parent, "code": row.code}
                )
        if is_department:
            if row.code in existing_units:
                errors.append(
                    _("%(where)s: %(code)s already exists as a unit, not a department")
                    % {"where": where, "code": row.code}
                )
            old = existing_departments.get(row.code)
            if old and old[1] != parent:
                errors.append(
                    _("%(where)s: department %(code)s belongs to %(old)s; moving it is not a load")
                    % {"where": where, "code": row.code, "old": old[1]}
                )
        else:
            if row.code in existing_departments:
                errors.append(
                    _("%(where)s: %(code)s already exists as a department, not a unit")
                    % {"where": where, "code": row.code}
                )
            old = existing_units.get(row.code)
            if old and old["parent_code"] != parent:
                errors.append(
                    _(
                        "%(where)s: unit %(code)s already sits under %(old)s; moving units is "
                        "restructuring, not a load"
                    )
                    % {"where": where, "code": row.code, "old": old["parent_code"] or "—"}
                )

    errors.extend(_cycles(row_by_code))
    return errors


def _cycles(row_by_code) -> list[str]:
    errors = []
    for code, row in row_by_code.items():
        seen = {code}
        parent = row.parent_code
        while parent in row_by_code:
            if parent in seen:
                errors.append(
                    _("Line %(line)s: %(code)s is its own ancestor") % {"line": row.line, "code": code}
                )
                break
            seen.add(parent)
            parent = row_by_code[parent].parent_code
    return errors


def _existing_units() -> dict[str, dict]:
    units = {}
    for pk, code, path in Unit.objects.values_list("pk", "code", "path"):
        units[code] = {"pk": pk, "path": path}
    code_by_path = {info["path"]: code for code, info in units.items()}
    for info in units.values():
        info["parent_code"] = code_by_path.get(info["path"][: -Unit.steplen], "")
    return units


def units_load(rows: list[UnitRow]) -> LoadResult:
    """Validate every row, then upsert units and departments in one transaction."""
    with transaction.atomic():
        existing_units = _existing_units()
        existing_departments = {
            code: (pk, unit_code)
            for pk, code, unit_code in Department.objects.values_list("pk", "code", "unit__code")
        }
        errors = _validate(rows, existing_units, existing_departments)
        if errors:
            raise UnitLoadError(errors)
        result = LoadResult()
        levels = _ensure_levels(rows, result)
        unit_rows = [r for r in rows if r.level != DEPARTMENT_LEVEL]
        _upsert_units(unit_rows, existing_units, levels, result)
        _upsert_departments([r for r in rows if r.level == DEPARTMENT_LEVEL], existing_departments, result)
        return result


def _ensure_levels(rows, result) -> dict[str, UnitLevel]:
    levels = {level.code: level for level in UnitLevel.objects.all()}
    depth_of = _depths_in_file(rows)
    for row in rows:
        if row.level == DEPARTMENT_LEVEL or row.level in levels:
            continue
        levels[row.level] = UnitLevel.objects.create(
            code=row.level, name=row.level, rank=depth_of.get(row.code, 1)
        )
        result.levels_created.append(row.level)
    return levels


def _depths_in_file(rows) -> dict[str, int]:
    parent_of = {r.code: r.parent_code for r in rows}
    depths = {}
    for code in parent_of:
        depth, parent = 1, parent_of[code]
        while parent in parent_of:
            depth, parent = depth + 1, parent_of[parent]
        depths[code] = depth
    return depths


def _upsert_units(rows, existing, levels, result):
    to_update = []
    by_pk = Unit.objects.in_bulk([existing[r.code]["pk"] for r in rows if r.code in existing])
    for row in rows:
        if row.code not in existing:
            continue
        unit = by_pk[existing[row.code]["pk"]]
        new_values = {"name": row.name, "level_id": levels[row.level].pk, "note": row.note}
        if row.document_code:
            new_values["document_code"] = row.document_code
        if any(getattr(unit, k) != v for k, v in new_values.items()):
            for k, v in new_values.items():
                setattr(unit, k, v)
            to_update.append(unit)
    Unit.objects.bulk_update(to_update, ["name", "level", "note", "document_code"], batch_size=500)
    result.units_updated = len(to_update)

    # Next free child step per parent path, from the paths already in the table.
    last_step: dict[str, int] = {}
    for info in existing.values():
        parent_path = info["path"][: -Unit.steplen]
        step = Unit._str2int(info["path"][-Unit.steplen :])
        last_step[parent_path] = max(last_step.get(parent_path, 0), step)

    path_of = {code: info["path"] for code, info in existing.items()}
    new_units = []
    pending = [r for r in rows if r.code not in existing]
    depth_of = _depths_in_file(rows)
    # Parents before children, in file order within a depth.
    for row in sorted(pending, key=lambda r: depth_of[r.code]):
        parent_path = path_of[row.parent_code] if row.parent_code else ""
        step = last_step.get(parent_path, 0) + 1
        last_step[parent_path] = step
        depth = len(parent_path) // Unit.steplen + 1
        path = Unit._get_path(parent_path, depth, step)
        path_of[row.code] = path
        new_units.append(
            Unit(
                path=path,
                depth=depth,
                numchild=0,
                code=row.code,
                name=row.name,
                level=levels[row.level],
                document_code=row.document_code,
                note=row.note,
            )
        )
    Unit.objects.bulk_create(new_units, batch_size=1000)
    result.units_created = len(new_units)

    # Each new unit adds one child to its parent; old counts come from the table as read.
    added: dict[str, int] = {}
    for unit in new_units:
        if unit.depth > 1:
            added[unit.path[: -Unit.steplen]] = added.get(unit.path[: -Unit.steplen], 0) + 1
    parents = list(Unit.objects.filter(path__in=added))
    for parent in parents:
        parent.numchild += added[parent.path]
    Unit.objects.bulk_update(parents, ["numchild"], batch_size=1000)


def _upsert_departments(rows, existing, result):
    units = {u.code: u for u in Unit.objects.filter(code__in={r.parent_code for r in rows})}
    by_pk = Department.objects.in_bulk([existing[r.code][0] for r in rows if r.code in existing])
    to_create, to_update = [], []
    for row in rows:
        values = {
            "name": row.name,
            "document_code": _department_document_code(row),
            "issues_own_documents": bool(_OWN_DOCUMENTS_IN_NOTE.search(row.note)),
        }
        if row.code in existing:
            department = by_pk[existing[row.code][0]]
            if any(getattr(department, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(department, k, v)
                to_update.append(department)
        else:
            to_create.append(Department(code=row.code, unit=units[row.parent_code], **values))
    Department.objects.bulk_create(to_create)
    Department.objects.bulk_update(to_update, ["name", "document_code", "issues_own_documents"])
    result.departments_created = len(to_create)
    result.departments_updated = len(to_update)
