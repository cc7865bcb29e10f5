"""An operation asked for by unit codes, as an administrator types them on the form or a program
sends them to the API: the codes resolved to units, the successors to existing units or new ones,
the shape each kind needs checked. Nothing is written here; restructuring.services previews and
applies what this builds, and its `Operation.errors()` judges the rest (dates, ended units, cycles).

A bad code or a shape the kind does not take raises one ValidationError keyed by the field it came
from, so the form and the API put each message where it belongs.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Unit, UnitLevel

from . import services
from .models import ChangeKind

SINGLE_UNIT_KINDS = (ChangeKind.RENAME, ChangeKind.MOVE, ChangeKind.SPLIT, ChangeKind.DISSOLVE)
OVERRIDE_OBJECTS = ("assignment", "target")
EARLIEST = datetime.date(1900, 1, 1)  # the day before a date is computed: date.min would overflow
CODE_MAX = Unit._meta.get_field("code").max_length
NAME_MAX = Unit._meta.get_field("name").max_length


@dataclass(frozen=True)
class Successor:
    """A successor as asked: an existing unit by its code (no name), or a new unit's code and name."""

    code: str
    name: str = ""
    level: UnitLevel | None = None  # a new unit's level; by default the level of the first unit
    parent_code: str = ""  # a new unit's parent; by default the new parent, else the first unit's parent

    @property
    def is_new(self) -> bool:
        return bool(self.name.strip())


@dataclass(frozen=True)
class Fields:
    """The name under which the caller shows each part of the request."""

    old_codes: str = "old_codes"
    successors: str = "successors"
    new_name: str = "new_name"
    new_parent_code: str = "new_parent_code"
    effective_on: str = "effective_on"
    move_people: str = "move_people"
    overrides: str = "overrides"


@dataclass
class Request:
    kind: str
    old_codes: list[str]
    effective_on: datetime.date
    decision: str = ""
    successors: list[Successor] = field(default_factory=list)
    new_name: str = ""
    new_parent_code: str = ""
    move_people: bool = False
    overrides: dict = field(default_factory=dict)  # (object, id) → index into successors


def units_by_code(codes) -> tuple[list[Unit], list[str]]:
    """The units with these codes, in the order given, and the codes no unit has."""
    codes = list(codes)
    found = Unit.objects.select_related("level").in_bulk(set(codes), field_name="code")
    return [found[c] for c in codes if c in found], [c for c in codes if c not in found]


def _unknown(codes) -> str:
    return _("No unit has the code %(codes)s.") % {"codes": ", ".join(codes)}


def errors(operation: services.Operation) -> list[str]:
    """What the operation refuses (Operation.errors()), and the units it would hand work or new units
    to that have ended themselves. Asked only of an operation not applied yet: one applied already
    answers the change it made, whatever happened to its units since."""
    found = operation.errors()
    receiving = [s for s in operation.successors if isinstance(s, Unit)]
    receiving += [s.parent for s in operation.successors if isinstance(s, services.NewUnit) and s.parent]
    receiving += [operation.parent] if operation.parent else []
    for unit in {unit.pk: unit for unit in receiving}.values():
        if not unit.is_active and unit.pk not in {u.pk for u in operation.predecessors}:
            found.append(_("%(unit)s has already ended.") % {"unit": unit.name})
    return found


def build(request: Request, fields: Fields | None = None) -> services.Operation:
    """The operation `request` asks for; ValidationError({field: messages}) when it cannot be built."""
    fields = fields or Fields()
    errors: dict[str, list] = {}

    def refuse(name, message):
        errors.setdefault(name, []).append(message)

    units, unknown = units_by_code(request.old_codes)
    if unknown:
        refuse(fields.old_codes, _unknown(unknown))
    elif not units:
        refuse(fields.old_codes, _("Enter the code of the unit that changes."))
    elif request.kind in SINGLE_UNIT_KINDS and len(units) > 1:
        refuse(fields.old_codes, _("This change takes one unit; only a merge takes several."))

    if request.effective_on < EARLIEST:
        refuse(fields.effective_on, _("Enter a date from 1900 on."))
    parent = None
    if request.new_parent_code:
        parent = Unit.objects.filter(code=request.new_parent_code).first()
        if parent is None:
            refuse(fields.new_parent_code, _unknown([request.new_parent_code]))
    elif request.kind == ChangeKind.MOVE:
        refuse(fields.new_parent_code, _("Choose the new parent unit."))

    if request.kind == ChangeKind.RENAME and not request.new_name.strip():
        refuse(fields.new_name, _("Enter the new name."))
    for message in _shape_errors(request):
        refuse(fields.successors, message)
    if request.move_people and request.kind == ChangeKind.SPLIT:
        refuse(fields.move_people, _("A split does not move people: appoint them in the unit they join."))
    if request.overrides and request.kind != ChangeKind.SPLIT:
        refuse(fields.overrides, _("Only a split sends single pieces of work elsewhere."))
    elif any(not 0 <= index < len(request.successors) for index in request.overrides.values()):
        refuse(fields.overrides, _("A piece of work is sent to a successor that is not in the list."))

    successors = []
    if units and not errors:
        successors = _successors(request, units[0], parent, lambda message: refuse(fields.successors, message))
    if errors:
        raise ValidationError(errors)
    return _operation(request, units, successors, parent)


def _shape_errors(request: Request) -> list[str]:
    count = len(request.successors)
    if request.kind in (ChangeKind.RENAME, ChangeKind.MOVE) and count:
        return [_("A rename or a move keeps the unit: name no successor.")]
    if request.kind == ChangeKind.MERGE and count != 1:
        return [_("Name the one unit they merge into: one of them, another unit or a new unit.")]
    if request.kind == ChangeKind.SPLIT and count < 2:
        return [_("A split needs at least two successor units.")]
    if request.kind == ChangeKind.DISSOLVE:
        if count > 1 or any(s.is_new for s in request.successors):
            return [_("A dissolved unit's work goes to one existing unit (its parent if none is named).")]
    if request.kind in (ChangeKind.SPLIT, ChangeKind.DISSOLVE) and {s.code for s in request.successors} & set(
            request.old_codes):
        return [_("A successor cannot be a unit that ends.")]
    if any(s.is_new and (len(s.code.strip()) > CODE_MAX or len(s.name.strip()) > NAME_MAX)
           for s in request.successors):
        return [_("A new unit's code has at most %(code)d characters, its name at most %(name)d.") % {
            "code": CODE_MAX, "name": NAME_MAX}]
    return []


def _successors(request, first, parent, refuse) -> list:
    existing, unknown = units_by_code([s.code for s in request.successors if not s.is_new])
    if unknown:
        refuse(_unknown(unknown))
    by_code = {unit.code: unit for unit in existing}
    parents, unknown = units_by_code({s.parent_code for s in request.successors if s.is_new and s.parent_code})
    if unknown:
        refuse(_unknown(unknown))
    parents = {unit.code: unit for unit in parents}
    default_parent = parent or Unit.objects.get_parent(first)
    result = []
    for spec in request.successors:
        if not spec.is_new:
            result.append(by_code.get(spec.code))
            continue
        result.append(services.NewUnit(code=spec.code.strip(), name=spec.name.strip(), level=spec.level or first.level,
                                       parent=parents.get(spec.parent_code) if spec.parent_code else default_parent))
    return result


def _operation(request: Request, units, successors, parent) -> services.Operation:
    common = {"effective_on": request.effective_on, "decision": request.decision.strip()}
    unit = units[0]
    if request.kind == ChangeKind.RENAME:
        return services.rename(unit, name=request.new_name, **common)
    if request.kind == ChangeKind.MOVE:
        return services.move(unit, parent=parent, **common)
    if request.kind == ChangeKind.MERGE:
        return services.merge(units, into=successors[0], move_people=request.move_people, **common)
    if request.kind == ChangeKind.SPLIT:
        return services.split(unit, into=successors, overrides=request.overrides, **common)
    return services.dissolve(unit, successor=successors[0] if successors else None,
                             move_people=request.move_people, **common)
