"""Screens of the organisation's shape: a unit's page with its history over time, and the
administrators' restructuring form (preview first, then apply).

Thin: the unit page reads restructuring.history, the form builds the operation
(restructuring.building) and the operation previews or applies itself (restructuring.services).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import Unit
from accounts.selectors import unit_ancestors, unit_children
from core.ui import add_service_errors, forbidden

from . import building, history
from .forms import RestructureForm
from .models import ChangeKind
from .rules import REFUSAL, may_restructure
from .selectors import successor_of
from .services import NewUnit

# What a change carries (restructuring.carry.Carried.counts()), as the preview and the history name it.
CARRIED_LABELS = {
    "assignments": gettext_lazy("Assignments moving to the successor"),
    "assignments_carried": gettext_lazy(
        "Assignments carried on by the successor in the ended unit's name (it already has that plan, or issued it)"),
    "plans": gettext_lazy("Open plans the unit issued"),
    "recipient_plans": gettext_lazy("Open plans addressed to the unit"),
    "targets": gettext_lazy("Inspection targets moving"),
    "targets_kept": gettext_lazy("Inspection targets kept (the successor is already inspected there)"),
    "inspections": gettext_lazy("Open inspections of the unit's programmes"),
    "allocations": gettext_lazy("Indicator targets"),
    "tasks": gettext_lazy("Tasks in the unit's queue"),
    "grants": gettext_lazy("Access grants of the unit's groups"),
}


def carried_rows(counts: dict) -> list[tuple]:
    """(key, label, count) of the counts that are not zero, in CARRIED_LABELS' order."""
    return [(key, label, counts[key]) for key, label in CARRIED_LABELS.items() if counts.get(key)]


@login_required
@require_safe
def unit_detail(request, pk):
    """Any signed-in person: the unit tree and its history are not secret inside the organisation."""
    unit = get_object_or_404(Unit.objects.select_related("level"), pk=pk)
    ancestors = list(unit_ancestors(unit))
    rows = history.unit_history(unit, request.user)
    return render(request, "restructuring/unit.html", {
        "unit": unit, "ancestors": ancestors, "parent": ancestors[-1] if ancestors else None,
        "successor": None if unit.is_active else successor_of(unit),
        "children": unit_children(unit).filter(is_active=True),
        "history": [{"row": row, "carried": carried_rows(row.carried)} for row in rows],
        "may_restructure": may_restructure(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def restructure(request):
    """GET the form; POST previews (changes nothing); POST with confirm=1 and the same fields applies."""
    if not may_restructure(request.user):
        return forbidden(request, REFUSAL)
    if request.method != "POST":
        form = RestructureForm(initial={"old_codes": request.GET.get("unit", "")[:40]})
        return render(request, "restructuring/form.html", {"form": form})
    form = RestructureForm(request.POST)
    context = {"form": form}
    if form.is_valid():
        operation = form.operation
        applied = history.applied_change(operation)
        if applied is not None:
            if request.POST.get("confirm") == "1":
                messages.info(request, _("This change had already been applied: nothing changed."))
                return redirect("restructuring:unit", pk=_successor(operation).pk)
            context["applied"] = applied
        elif errors := building.errors(operation):
            for error in errors:
                form.add_error(None, error)
        elif request.POST.get("confirm") == "1":
            try:
                change = operation.apply(by=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The change has been applied: %(change)s.") % {"change": change})
                return redirect("restructuring:unit", pk=_successor(operation).pk)
        else:
            context["preview"] = _preview(operation.preview())
    return render(request, "restructuring/form.html", context)


def _successor(operation) -> Unit:
    """The unit whose page follows the change: the first successor (created by now if it was new)."""
    return Unit.objects.filter(code=operation.successors[0].code).first() or operation.predecessors[0]


def _preview(preview) -> dict:
    """The preview as the form's page shows it: each moving thing with the name of where it goes."""
    operation = preview.operation
    successors = operation.successors
    names = {s.pk: s.name for s in successors if isinstance(s, Unit)}
    new = [s.name for s in successors if isinstance(s, NewUnit)]
    # A new unit has no id before it is applied: the preview counts its work against 0.
    names[0] = new[0] if len(new) == 1 or (new and isinstance(successors[0], NewUnit)) else _("a new unit")
    carried = preview.carried

    def going(pairs):
        return [(obj, names.get(successor, "")) for obj, successor in pairs]

    return {
        "operation": operation, "kind_display": ChangeKind(operation.kind).label, "ending": operation.ending,
        "counts": carried_rows(carried.counts()),
        "assignments": going(carried.assignments), "assignments_carried": going(carried.assignments_carried),
        "plans": carried.plans, "recipient_plans": carried.recipient_plans,
        "targets": going(carried.targets), "targets_kept": going(carried.targets_kept),
        "inspections": carried.inspections, "positions": preview.positions_ending, "people": preview.people,
        "children": preview.children_moving, "nothing": not (any(carried.counts().values())
                                                              or preview.positions_ending or preview.children_moving),
    }
