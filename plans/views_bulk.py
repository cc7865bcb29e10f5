"""Deciding for many units at once: the issuer ticks the reports (or the late units) of one plan
and accepts, returns or reminds them in one go, through plans.bulk."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.selectors import user_unit_ids
from core.forms import DeadlineField

from . import bulk, selectors
from .models import AssignmentState
from .selectors import STATUS_LABELS

PAGE_SIZE = 50
# Which assignments a page lists: the reports waiting for review, or the units still to report.
SHOWN = {
    "reported": (AssignmentState.REPORTED,),
    "pending": (AssignmentState.SENT, AssignmentState.RECEIVED),
}


def _issuer_plan(request, pk):
    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=pk)
    if plan.issuing_unit_id not in user_unit_ids(request.user):
        raise Http404  # a recipient never sees the other units' work
    return plan


@login_required
def plan_bulk(request, pk):
    plan = _issuer_plan(request, pk)
    shown = request.GET.get("state") if request.GET.get("state") in SHOWN else "reported"
    if request.method == "POST":
        return _decide(request, plan, shown)
    assignments = selectors.plan_progress(plan).filter(state__in=SHOWN[shown])
    page = Paginator(assignments, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(request, "plans/bulk.html", {
        "plan": plan, "shown": shown, "page": page,
        "rows": [{"assignment": a, "status": status, "status_label": STATUS_LABELS[status]}
                 for a in page for status in [selectors.due_class(a, now)]],
        "actions": {"reported": ("accept", "return"), "pending": ("remind", "extend")}[shown],
        "until_field": DecisionForm().fields["until"].widget.render("until", None, attrs={"id": "bulk-until"}),
        "labels": bulk.ACTIONS,
    })


# "Remind all": every unit yet to report, whichever boxes are ticked.
REMIND_ALL = "remind-all"


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[*sorted(bulk.ACTIONS.items()), (REMIND_ALL, REMIND_ALL)])
    comment = forms.CharField(required=False, max_length=2000)
    until = DeadlineField(required=False)


def _decide(request, plan, shown):
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(f"{request.path}?state={shown}")
    data = form.cleaned_data
    everyone = data["action"] == REMIND_ALL
    ids = bulk.pending_ids(plan) if everyone else request.POST.getlist("ids")
    data["action"] = "remind" if everyone else data["action"]
    try:
        result = bulk.assignments_bulk(plan=plan, by=request.user, action=data["action"], ids=ids,
                                       comment=data["comment"], until=data["until"])
    except (ValidationError, ValueError) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError)
                       else _("Choose the units from the list."))
        return redirect(f"{request.path}?state={shown}")
    if result.done:
        messages.success(request, ngettext("Done for %(count)s unit.", "Done for %(count)s units.",
                                           len(result.done)) % {"count": len(result.done)})
    for pk, unit, why in result.refused:
        messages.error(request, _("Not done for %(what)s: %(why)s") % {"what": unit or f"#{pk}", "why": why})
    return redirect(f"{request.path}?state={shown}")
