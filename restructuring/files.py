"""A restructuring file: one change of the unit tree a line (CSV, UTF-8, header row), checked
whole and applied all or nothing.

Columns: kind (rename | move | merge | split | dissolve), old_codes and new_codes (unit codes
separated by ";"), new_names (";", in the order of new_codes), new_parent, effective_on
(YYYY-MM-DD or DD/MM/YYYY), decision, move_people (yes/no, optional).

- rename: old_codes one unit, new_names its new name.
- move: old_codes one unit, new_parent the unit it goes under.
- merge: old_codes the units that merge, new_codes the one they become: one of them, another
  existing unit, or a code that does not exist yet: a new unit named by new_names, under
  new_parent (by default the first old unit's parent), of the first old unit's level.
- split: old_codes one unit, new_codes its successors (new or existing, as for a merge); its
  open work goes to the first.
- dissolve: old_codes one unit, new_codes empty (its parent takes its units and work) or the
  one unit that does.
- move_people: yes re-appoints the people of the units that end in the (first) successor.

The lines run in order inside one transaction, each on the tree the lines before it left (a
merge into a new unit, then a rename of that unit), so every line is checked against what it
will really meet, and every bad line is named. Any error, or a dry run, rolls the whole file
back: the database is as it was. A line already applied (its operation's key is recorded)
changes nothing, so running the same file twice does nothing the second time.
"""

import csv
import datetime
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Unit

from . import services
from .models import ChangeKind, UnitChange

REQUIRED_COLUMNS = ("kind", "old_codes", "new_codes", "new_names", "new_parent", "effective_on", "decision")
YES = {"yes", "y", "true", "1", "có", "x"}
NO = {"", "no", "n", "false", "0", "không"}

#: The counts of what was carried (carry.Carried.counts()), in the order a summary shows them.
COUNT_LABELS = {
    "assignments": gettext_lazy("assignments moved"),
    "assignments_carried": gettext_lazy("assignments carried on by the successor (it has that plan or issued it)"),
    "plans": gettext_lazy("plans moved"),
    "recipient_plans": gettext_lazy("plans readdressed"),
    "targets": gettext_lazy("inspection targets moved"),
    "targets_kept": gettext_lazy("inspection targets kept (the successor is one)"),
    "inspections": gettext_lazy("inspections"),
    "allocations": gettext_lazy("indicator allocations"),
    "tasks": gettext_lazy("workflow tasks"),
    "grants": gettext_lazy("access grants"),
}


class RestructureFileError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass(frozen=True)
class ChangeRow:
    line: int
    kind: str
    old_codes: tuple[str, ...]
    new_codes: tuple[str, ...]
    new_names: tuple[str, ...]
    name: str  # new_names as written: a rename's name
    new_parent: str
    effective_on: str
    decision: str
    move_people: str


@dataclass
class LineResult:
    line: int
    kind: str
    before: list[str]   # "CODE name" of the units before
    after: list[str]    # and after
    carried: dict       # carry.Carried.counts()
    positions_ended: int = 0
    children_moved: int = 0
    already_applied: bool = False  # applied before: this run changed nothing for it
    change: UnitChange | None = None

    @property
    def kind_label(self) -> str:
        return ChangeKind(self.kind).label

    @property
    def counts(self) -> list[tuple[str, int]]:
        """The non-zero counts with their labels, for a summary."""
        return [(str(label), self.carried.get(key, 0)) for key, label in COUNT_LABELS.items()
                if self.carried.get(key)]


@dataclass
class FileResult:
    lines: list[LineResult] = field(default_factory=list)
    dry_run: bool = False

    @property
    def applied(self) -> list[LineResult]:
        return [r for r in self.lines if not r.already_applied]

    @property
    def totals(self) -> dict:
        totals = dict.fromkeys(COUNT_LABELS, 0)
        for result in self.applied:
            for key in totals:
                totals[key] += result.carried.get(key, 0)
        totals["positions_ended"] = sum(r.positions_ended for r in self.applied)
        totals["children_moved"] = sum(r.children_moved for r in self.applied)
        return totals

    @property
    def total_counts(self) -> list[tuple[str, int]]:
        totals = self.totals
        return [(str(label), totals[key]) for key, label in COUNT_LABELS.items() if totals[key]]


# --- Reading ---------------------------------------------------------------------------------------


def _clean(value) -> str:
    return unicodedata.normalize("NFC", (value or "").strip())


def _codes(value) -> tuple[str, ...]:
    return tuple(code for code in (_clean(part) for part in _clean(value).split(";")) if code)


def _names(value) -> tuple[str, ...]:
    value = _clean(value)
    return tuple(_clean(part) for part in value.split(";")) if value else ()


def read_changes_csv(path: Path | str) -> list[ChangeRow]:
    """The rows of a restructuring file on disk; line numbers count the header as 1."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise RestructureFileError([_("Cannot open %(path)s: %(error)s") % {"path": path, "error": exc}]) from exc
    return parse_changes(data)


def parse_changes(data: bytes | str) -> list[ChangeRow]:
    """The rows of a restructuring file's content (an upload): bytes in UTF-8, or text."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise RestructureFileError([_("The file is not UTF-8 text: save it as CSV UTF-8.")]) from exc
    reader = csv.DictReader(io.StringIO(data.lstrip("\ufeff"), newline=""))
    missing = [c for c in REQUIRED_COLUMNS if c not in {_clean(f) for f in reader.fieldnames or []}]
    if missing:
        raise RestructureFileError([_("Line 1: missing columns: %(columns)s") % {"columns": ", ".join(missing)}])
    rows = []
    try:
        for raw in reader:
            raw = {_clean(key): value for key, value in raw.items() if key is not None}
            if not any(_clean(value) for value in raw.values() if isinstance(value, str)):
                continue  # an empty line
            rows.append(ChangeRow(
                line=reader.line_num, kind=_clean(raw.get("kind")).lower(), old_codes=_codes(raw.get("old_codes")),
                new_codes=_codes(raw.get("new_codes")), new_names=_names(raw.get("new_names")),
                name=_clean(raw.get("new_names")), new_parent=_clean(raw.get("new_parent")),
                effective_on=_clean(raw.get("effective_on")), decision=_clean(raw.get("decision")),
                move_people=_clean(raw.get("move_people")).lower()))
    except csv.Error as exc:
        raise RestructureFileError(
            [_("Line %(line)s: unreadable CSV: %(error)s") % {"line": reader.line_num, "error": exc}]) from exc
    if not rows:
        raise RestructureFileError([_("The file has no change: one line a change under the header.")])
    return rows


def parse_date(value: str) -> datetime.date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


# --- Checking and applying ---------------------------------------------------------------------------


class _DryRun(Exception):
    pass


@dataclass
class _Seen:
    """What the earlier lines of the file did or meant to do."""

    ended_by: dict = field(default_factory=dict)    # code → the line that ends it
    failed_new: dict = field(default_factory=dict)  # code → the line with errors that was to create it


def changes_apply(rows: list[ChangeRow], *, by, dry_run: bool = False) -> FileResult:
    """Apply every line in order in one transaction; raise RestructureFileError naming every bad
    line (nothing changed). A dry run checks and counts the same way, then rolls it all back."""
    result = FileResult(dry_run=dry_run)
    errors: list[str] = []
    seen = _Seen()
    try:
        with transaction.atomic():
            for row in rows:
                line_errors, line_result = _run_line(row, by=by, seen=seen)
                if line_errors:
                    errors += line_errors
                else:
                    result.lines.append(line_result)
            if errors:
                raise RestructureFileError(errors)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


def _run_line(row: ChangeRow, *, by, seen: _Seen):
    """(errors, None) for a bad line; ([], its result) once applied, or found applied before."""
    where = _("Line %(line)s") % {"line": row.line}
    errors: list[str] = []

    def error(message):
        errors.append(f"{where}: {message}")

    if row.kind not in ChangeKind.values:
        error(_("unknown kind %(kind)s: write rename, move, merge, split or dissolve.") % {"kind": row.kind or "—"})
        return errors, None
    effective_on = parse_date(row.effective_on)
    if effective_on is None:
        error(_("bad date %(value)s: write YYYY-MM-DD or DD/MM/YYYY.") % {"value": row.effective_on or "—"})
    if row.move_people not in YES | NO:
        error(_("move_people is %(value)s: write yes or no.") % {"value": row.move_people})
    _shape_errors(row, error)

    # Read now, inside the file's transaction: the units as the lines before this one left them.
    units = {u.code: u for u in Unit.objects.filter(code__in={*row.old_codes, *row.new_codes, row.new_parent})
             .select_related("level")}

    def unit_of(code):
        if code in units:
            return units[code]
        if code in seen.failed_new:
            error(_("unit %(code)s was to be created by line %(first)s, which has errors.")
                  % {"code": code, "first": seen.failed_new[code]})
        else:
            error(_("unknown unit code %(code)s") % {"code": code})
        return None

    olds = [unit_of(code) for code in row.old_codes]
    parent = unit_of(row.new_parent) if row.new_parent else None
    successor = unit_of(row.new_codes[0]) if row.kind == ChangeKind.DISSOLVE and row.new_codes else None
    creating = row.kind in (ChangeKind.MERGE, ChangeKind.SPLIT)
    new_codes = [c for c in row.new_codes if c not in units] if creating else []

    # A unit ends once: two lines of the file cannot both end it.
    ending = set() if row.kind in _KEEPING else set(row.old_codes) - set(row.new_codes)
    for code in sorted(ending & set(seen.ended_by)):
        error(_("%(code)s is already ended by line %(first)s.") % {"code": code, "first": seen.ended_by[code]})
    for code in ending:
        seen.ended_by.setdefault(code, row.line)

    operation = None
    if not errors:
        operation = _operation(row, olds, units, parent, successor, effective_on, error)
    if operation is not None:
        existing = UnitChange.objects.filter(key=operation.key()).first()
        if existing is not None:
            return [], _result(row, operation, existing, already_applied=True)
        _operation_errors(row, operation, units, error)
    if errors:
        for code in new_codes:
            seen.failed_new.setdefault(code, row.line)
        return errors, None
    children = Unit.objects.filter(pk__in=[u.pk for u in operation.ending]).aggregate(n=Sum("numchild"))["n"]
    change = operation.apply(by=by)
    result = _result(row, operation, change)
    result.children_moved = children or 0
    result.positions_ended = change.ended_positions.count()
    return [], result


_KEEPING = (ChangeKind.RENAME, ChangeKind.MOVE)  # the unit goes on: nothing ends


def _shape_errors(row, error):
    """What each kind needs in the columns, before any unit is looked up."""
    if not row.old_codes:
        error(_("old_codes is empty: name the unit(s) the change is about."))
    elif len(row.old_codes) > 1 and row.kind != ChangeKind.MERGE:
        error(_("%(kind)s takes exactly one unit in old_codes.") % {"kind": ChangeKind(row.kind).label})
    if row.kind in _KEEPING and row.new_codes:
        error(_("%(kind)s keeps the unit and its code: leave new_codes empty.") % {"kind": ChangeKind(row.kind).label})
    if row.kind == ChangeKind.MOVE and not row.new_parent:
        error(_("a move needs new_parent: the unit it goes under."))
    if row.kind == ChangeKind.MERGE and len(row.new_codes) != 1:
        error(_("a merge names exactly one unit in new_codes: the one the units become."))
    if row.kind == ChangeKind.DISSOLVE and len(row.new_codes) > 1:
        error(_("a dissolve names at most one unit in new_codes (empty: the parent)."))
    if row.kind == ChangeKind.SPLIT and not row.new_codes:
        error(_("a split names its successor units in new_codes."))


def _operation(row, olds, units, parent, successor, effective_on, error):
    """The line's operation, once every code it names is known."""
    first = olds[0]
    move_people = row.move_people in YES
    common = {"effective_on": effective_on, "decision": row.decision}
    if row.kind == ChangeKind.RENAME:
        return services.rename(first, name=row.name, **common)
    if row.kind == ChangeKind.MOVE:
        return services.move(first, parent=parent, **common)
    if row.kind == ChangeKind.DISSOLVE:
        return services.dissolve(first, successor=successor, move_people=move_people, **common)
    successors = []
    under = parent if parent is not None else Unit.objects.get_parent(first)
    for index, code in enumerate(row.new_codes):
        if code in units:
            successors.append(units[code])
            continue
        name = row.new_names[index] if index < len(row.new_names) else ""
        if not name:
            error(_("the new unit %(code)s needs its name in new_names (same order as new_codes).") % {"code": code})
        successors.append(services.NewUnit(code=code, name=name, level=first.level, parent=under))
    if row.kind == ChangeKind.MERGE:
        return services.merge(olds, into=successors[0], move_people=move_people, **common)
    operation = services.split(first, into=successors, **common)
    operation.move_people = move_people
    return operation


def _operation_errors(row, operation, units, error):
    """The checks of a line not applied before: the file's own, then the operation's."""
    for code, name in zip(row.new_codes, row.new_names, strict=False):
        if name and code in units:
            error(_("the code %(code)s is already used by a unit: leave its name empty to use that unit, "
                    "or choose a new code.") % {"code": code})
    taking = [] if row.kind in _KEEPING else [
        s if isinstance(s, Unit) else s.parent for s in operation.successors if isinstance(s, Unit) or s.parent]
    for unit in [*taking, *([operation.parent] if operation.parent else [])]:
        if not unit.is_active and unit.pk not in {u.pk for u in operation.predecessors}:
            error(_("%(unit)s has ended: it cannot take units or work.") % {"unit": _label(unit)})
    ending_paths = [u.path for u in operation.ending]
    for new in operation.successors:
        if isinstance(new, services.NewUnit) and new.parent and any(new.parent.path.startswith(p)
                                                                     for p in ending_paths):
            error(_("the new unit %(code)s cannot go under %(parent)s, which ends with this change.")
                  % {"code": new.code, "parent": _label(new.parent)})
    for message in operation.errors():
        error(message)


def _label(unit) -> str:
    return f"{unit.code} {unit.name}"


def _result(row, operation, change, *, already_applied=False) -> LineResult:
    if row.kind == ChangeKind.RENAME:
        after = [f"{operation.predecessors[0].code} {operation.name.strip()}"]
    elif row.kind == ChangeKind.MOVE:
        after = [_("%(unit)s, under %(parent)s") % {"unit": _label(operation.predecessors[0]),
                                                    "parent": _label(operation.parent)}]
    else:
        after = [_label(s) for s in operation.successors]
    return LineResult(line=row.line, kind=row.kind, before=[_label(u) for u in operation.predecessors], after=after,
                      carried=dict(change.details.get("carried", {})), already_applied=already_applied,
                      change=change,
                      positions_ended=change.ended_positions.count() if already_applied else 0)
