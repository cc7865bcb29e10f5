"""The operations on the unit tree (sắp xếp tổ chức): rename, move, merge, split, dissolve.

Each is built first (`rename(...)`, `merge(...)`: nothing changes), previewed (`.preview()`: what
it will move), then applied (`.apply(by=...)`: one transaction, all or nothing). Applying the same
operation again finds its UnitChange by key and changes nothing.

The units that end (merged away, split, dissolved) are deactivated, their children attached to
the successor (a dissolved unit's to its parent: the 2025 reform), their open work carried
(restructuring.carry), their people's positions ended on the day before the change, listed for
re-appointment, or re-appointed in the successor where the operation says so.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Position, Unit, UnitLevel
from accounts.services import positions_sync_groups

from . import carry
from .models import ChangeKind, UnitChange


@dataclass(frozen=True)
class NewUnit:
    """A unit the operation creates (a merge into a new union, the pieces of a split)."""

    code: str
    name: str
    level: UnitLevel
    parent: Unit | None


@dataclass
class Preview:
    operation: "Operation"
    carried: carry.Carried
    positions_ending: list
    children_moving: list  # (child, its new parent's name)
    applied: UnitChange | None

    @property
    def people(self) -> list:
        return sorted({p.user for p in self.positions_ending}, key=lambda u: u.get_full_name())


@dataclass
class Operation:
    kind: str
    effective_on: datetime.date
    decision: str
    predecessors: list
    successors: list  # Unit or NewUnit
    name: str = ""             # rename
    parent: Unit | None = None  # move
    move_people: bool = False   # re-appoint the people of the units that end in the default successor
    overrides: dict = field(default_factory=dict)  # split: ("assignment"|"target", id) → successor index

    # --- what ends, and where its work goes -----------------------------------------------------

    @property
    def ending(self) -> list[Unit]:
        if self.kind in (ChangeKind.RENAME, ChangeKind.MOVE):
            return []
        kept = {s.pk for s in self.successors if isinstance(s, Unit)}
        return [u for u in self.predecessors if u.pk not in kept]

    def key(self) -> str:
        payload = [self.kind, self.effective_on.isoformat(), self.decision.strip(),
                   sorted(u.code for u in self.predecessors), [s.code for s in self.successors],
                   self.name.strip(), self.parent.code if self.parent else ""]
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()

    def errors(self) -> list[str]:
        errors = []
        if self.effective_on > timezone.localdate():
            errors.append(_("The effective date is in the future: apply the change on that day."))
        for unit in self.predecessors:
            if not unit.is_active:
                errors.append(_("%(unit)s has already ended.") % {"unit": unit.name})
        if len({u.pk for u in self.predecessors}) != len(self.predecessors):
            errors.append(_("A unit is named twice."))
        codes = [s.code for s in self.successors if isinstance(s, NewUnit)]
        taken = set(Unit.objects.filter(code__in=codes).values_list("code", flat=True))
        errors += [_("The code %(code)s is already used by another unit.") % {"code": c} for c in sorted(taken)]
        if len(set(codes)) != len(codes):
            errors.append(_("Two new units have the same code."))
        errors += self._kind_errors()
        return errors

    def _kind_errors(self) -> list[str]:
        unit = self.predecessors[0] if self.predecessors else None
        if self.kind == ChangeKind.RENAME and not self.name.strip():
            return [_("Enter the new name.")]
        if self.kind == ChangeKind.MOVE:
            if self.parent is None:
                return [_("Choose the new parent unit.")]
            if self.parent.pk == unit.pk or self.parent.path.startswith(unit.path):
                return [_("A unit cannot be moved under itself or one of its own units.")]
        if self.kind == ChangeKind.MERGE and len(self.predecessors) < 2:
            return [_("A merge needs at least two units.")]
        if self.kind == ChangeKind.SPLIT and len(self.successors) < 2:
            return [_("A split needs at least two successor units.")]
        if self.kind == ChangeKind.DISSOLVE and not self.successors:
            return [_("%(unit)s has no parent to take its units and work.") % {"unit": unit.name}]
        ending = {u.pk for u in self.ending}
        if any(isinstance(s, Unit) and s.pk in ending for s in self.successors):
            return [_("A successor cannot be a unit that ends.")]
        return []

    # --- preview and apply ------------------------------------------------------------------------

    def preview(self) -> Preview:
        applied = UnitChange.objects.filter(key=self.key()).first()
        moves, overrides = self._moves(resolved=None)
        carried = carry.plan(moves, overrides) if moves and applied is None else carry.Carried()
        ending = self.ending
        children = [] if applied else [
            (child, self._default_name()) for unit in ending for child in Unit.objects.get_children(unit)]
        positions = [] if applied else list(self._positions_held(ending))
        return Preview(operation=self, carried=carried, positions_ending=positions, children_moving=children,
                       applied=applied)

    def _positions_held(self, ending):
        """Positions in the ending units still held on the change's date or later."""
        return (Position.objects.filter(unit__in=ending)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.effective_on)).select_related("user", "unit"))

    def _default_name(self) -> str:
        return self.successors[0].name if self.successors else ""

    def _moves(self, resolved):
        """{old unit id: successor id} and the split's overrides, on the saved successors."""
        # A new successor has no id before apply: the preview counts against the placeholder 0.
        ids = [s.pk if isinstance(s, Unit) else 0 for s in resolved or self.successors]
        moves = {u.pk: ids[0] if ids else 0 for u in self.ending}
        overrides = {key: ids[index] for key, index in self.overrides.items()}
        return moves, overrides

    def apply(self, *, by) -> UnitChange:
        errors = self.errors()
        existing = UnitChange.objects.filter(key=self.key()).first()
        if existing is not None:
            return existing
        if errors:
            raise ValidationError(errors)
        with transaction.atomic():
            Unit.objects.select_for_update().filter(pk__in=[u.pk for u in self.predecessors]).exists()
            if UnitChange.objects.filter(key=self.key()).exists():  # applied meanwhile by someone else
                return UnitChange.objects.get(key=self.key())
            return self._apply(by)

    def _apply(self, by) -> UnitChange:
        details = {"before": [{"code": u.code, "name": u.name, "parent": _parent_name(u)} for u in self.predecessors]}
        if self.kind == ChangeKind.RENAME:
            unit = self.predecessors[0]
            Unit.objects.filter(pk=unit.pk).update(name=self.name.strip())
            successors = [unit]
        elif self.kind == ChangeKind.MOVE:
            unit = Unit.objects.get(pk=self.predecessors[0].pk)
            Unit.objects.move(unit, Unit.objects.get(pk=self.parent.pk), "last-child")
            successors = [unit]
        else:
            successors = [_created(s) if isinstance(s, NewUnit) else s for s in self.successors]
        carried = carry.Carried()
        ended = []
        if self.ending:
            moves, overrides = self._moves(resolved=successors)
            reason = _("%(kind)s on %(date)s (%(decision)s)") % {
                "kind": ChangeKind(self.kind).label, "date": self.effective_on.strftime("%d/%m/%Y"),
                "decision": self.decision or "—"}
            carried = carry.apply(moves, by=by, reason=reason, overrides=overrides)
            ended = self._end_units(successors[0])
        change = UnitChange.objects.create(
            kind=self.kind, effective_on=self.effective_on, decision=self.decision.strip(), key=self.key(), by=by,
            details={**details, "after": [{"code": u.code, "name": self.name.strip() or u.name} for u in successors],
                     "carried": carried.counts(), "positions_never_held": getattr(self, "_never_held", [])})
        change.predecessors.set(self.predecessors)
        change.successors.set(successors)
        change.ended_positions.set(ended)
        return change

    def _end_units(self, default_successor: Unit) -> list[Position]:
        ending = [Unit.objects.get(pk=u.pk) for u in self.ending]
        for unit in ending:
            for child in list(Unit.objects.get_children(unit)):
                Unit.objects.move(Unit.objects.get(pk=child.pk), Unit.objects.get(pk=default_successor.pk),
                                  "last-child")
        Unit.objects.filter(pk__in=[u.pk for u in ending]).update(is_active=False)
        # Every position in an ending unit still held on the change's date or later: those begun
        # before it end the day before; those begun after it (a change applied late) end
        # yesterday; one that begins today or later is never held and is removed.
        positions = list(self._positions_held(ending))
        last_day = self.effective_on - datetime.timedelta(days=1)
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        ended, never_held = [], []
        for position in positions:
            end = last_day if position.valid_from <= last_day else yesterday
            if position.valid_from > end:
                never_held.append(position)
                continue
            Position.objects.filter(pk=position.pk).update(valid_to=end)
            ended.append(position)
        if self.move_people:
            Position.objects.bulk_create([
                Position(user=p.user, unit=default_successor, role=p.role, valid_from=self.effective_on)
                for p in positions])
        self._never_held = [f"{p.user.get_full_name()} ({p.get_role_display()}, {p.unit.name})" for p in never_held]
        Position.objects.filter(pk__in=[p.pk for p in never_held]).delete()
        if positions:  # users=None would sync everyone's groups
            positions_sync_groups(users=list({p.user_id for p in positions}))
        return ended


def _parent_name(unit) -> str:
    parent = Unit.objects.get_parent(unit)
    return parent.name if parent else ""


def _created(spec: NewUnit) -> Unit:
    values = {"code": spec.code, "name": spec.name, "level": spec.level}
    if spec.parent is None:
        return Unit.objects.add_root(values)
    return Unit.objects.add_child(Unit.objects.get(pk=spec.parent.pk), values)


# --- The operations ---------------------------------------------------------------------------------


def rename(unit: Unit, *, name: str, effective_on, decision: str = "") -> Operation:
    return Operation(ChangeKind.RENAME, effective_on, decision, [unit], [unit], name=name)


def move(unit: Unit, *, parent: Unit, effective_on, decision: str = "") -> Operation:
    return Operation(ChangeKind.MOVE, effective_on, decision, [unit], [unit], parent=parent)


def merge(units: list[Unit], *, into: Unit | NewUnit, effective_on, decision: str = "",
          move_people: bool = False) -> Operation:
    """`units` become `into`: one of them (the others join it) or a new unit."""
    return Operation(ChangeKind.MERGE, effective_on, decision, list(units), [into], move_people=move_people)


def split(unit: Unit, *, into: list, effective_on, decision: str = "", overrides: dict | None = None) -> Operation:
    """`unit` ends and `into` take its place; its open work goes to the first of them unless
    `overrides` sends an assignment or target elsewhere: {("assignment", id): index into `into`}."""
    return Operation(ChangeKind.SPLIT, effective_on, decision, [unit], list(into), overrides=dict(overrides or {}))


def dissolve(unit: Unit, *, effective_on, decision: str = "", successor: Unit | None = None,
             move_people: bool = False) -> Operation:
    """`unit` ends; its units and its open work go to `successor`, by default its parent."""
    successor = successor or Unit.objects.get_parent(unit)
    return Operation(ChangeKind.DISSOLVE, effective_on, decision, [unit], [successor] if successor else [],
                     move_people=move_people)
