"""Server-rendered screens of inspection and supervision (kiểm tra, giám sát): programmes,
inspections and the committee's dashboard. Targets, findings and conclusions are in
views_targets.py, remediation in views_remediation.py; the helpers they share are here.

Thin on purpose, like plans.views: parse a form, call a service (writes) or a selector (reads),
render. Objects are fetched through the selectors, so another unit's object is a 404; every
POST answers with a redirect and a message (post/redirect/get).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Unit
from core.errors import ActionForbidden
from core.files import XLSX, file_response
from core.ui import action_forms, back, forbidden, perform_or_forbid
from core.ui import history_rows as timeline

from . import exports, selectors, services, view_selectors
from .forms import DashboardForm, InspectionForm, ProgrammeForm, YearFilterForm, rename_service_errors
from .models import FindingCategory, InspectionState, Programme, Severity

TRANSITION_LABELS = {
    "submit": gettext_lazy("Submitted for approval"),
    "return_to_draft": gettext_lazy("Returned for revision"),
    "approve": gettext_lazy("Approved"),
    "notify": gettext_lazy("Unit notified"),
    "submit_self_report": gettext_lazy("Self-report sent"),
    "issue": gettext_lazy("Conclusion issued"),
    "conclude": gettext_lazy("Concluded"),
    "close": gettext_lazy("Closed"),
    "report": gettext_lazy("Remediation reported"),
    "verify": gettext_lazy("Remediation verified"),
    "reopen": gettext_lazy("Remediation reopened"),
}

# name → (service, success message); the comment goes to the service's `comment`.
INSPECTION_ACTIONS = {
    "submit": (services.inspection_submit, gettext_lazy("The decision has been submitted for approval.")),
    "approve": (services.inspection_approve,
                gettext_lazy("The decision has been approved, numbered and sent to the inspected units.")),
    "return": (services.inspection_return, gettext_lazy("The decision has been returned with comments.")),
}
# name → (button label, comment label, comment required, style), as shared/_actions.html shows them.
INSPECTION_ACTION_FORMS = {
    "submit": (gettext_lazy("Submit for approval"), gettext_lazy("Note (optional)"), False, "primary"),
    "approve": (gettext_lazy("Approve and number the decision"), gettext_lazy("Comment (optional)"), False,
                "primary"),
    "return": (gettext_lazy("Return with comments"), gettext_lazy("What must be revised (required)"), True,
               "warn"),
}


# -- helpers shared by the inspection screens -------------------------------------------------------

def history_rows(user, inspection, *objs) -> list[dict]:
    """The timeline of one or more objects of an inspection, oldest first, as shared/_history.html reads it."""
    rows = []
    for obj in objs:
        rows += timeline(obj, selectors.history_for(user, obj, inspection), TRANSITION_LABELS)
    return sorted(rows, key=lambda row: (row["entry"].at, row["entry"].pk))


# -- programmes -------------------------------------------------------------------------------------

@login_required
def programme_list(request):
    user = request.user
    units = view_selectors.drafting_units(user)
    form = None
    if request.method == "POST":
        if not units:
            return forbidden(request, _("You may not draft inspection programmes."))
        form = ProgrammeForm(request.POST, units=units)
        if form.is_valid():
            try:
                programme = services.programme_create(by=user, **form.programme_fields())
            except ValidationError as exc:
                rename_service_errors(form, exc, {"department": "issuer"})
            except ActionForbidden as exc:
                return forbidden(request, str(exc))
            else:
                messages.success(request, _("The programme has been created."))
                return redirect("inspections:programme", pk=programme.pk)
    elif units:
        committee = next((f"{u.pk}-{d.pk}" for u in units for d in u.departments.all() if d.issues_own_documents),
                         None)
        form = ProgrammeForm(units=units, initial={"year": timezone.localdate().year, "issuer": committee})
    filters = YearFilterForm(request.GET or None)
    year = filters.year_value() if filters.is_bound else None
    return render(request, "inspections/programmes.html", {
        "programmes": view_selectors.programme_list(user, year=year),
        "years": view_selectors.programme_years(user),
        "year": year,
        "form": form,
        "own_targets": view_selectors.own_unit_targets(user),
        "team_targets": view_selectors.team_targets(user)[:30],
        "is_issuer": bool(selectors.issuer_unit_ids(user)),
    })


@login_required
def programme_detail(request, pk):
    user = request.user
    programme = get_object_or_404(selectors.programmes_visible_to(user), pk=pk)
    return render(request, "inspections/programme.html", {
        "programme": programme,
        "inspections": view_selectors.programme_inspections_for(user, programme),
        "can_draft": user.has_perm("accounts.draft_inspections", programme.issuing_unit),
    })


# -- inspections: the decision ----------------------------------------------------------------------

@login_required
def inspection_create(request, pk):
    programme = get_object_or_404(selectors.programmes_visible_to(request.user), pk=pk)
    if not request.user.has_perm("accounts.draft_inspections", programme.issuing_unit):
        return forbidden(request, _("You may not draft inspections of %(unit)s.") % {
            "unit": programme.issuing_unit})
    return _inspection_form(request, programme=programme)


@login_required
def inspection_edit(request, pk):
    inspection = get_object_or_404(selectors.inspections_visible_to(request.user), pk=pk)
    if "edit" not in selectors.inspection_actions(request.user, inspection):
        if inspection.state != InspectionState.DRAFT:
            messages.error(request, _("Only a draft decision can be edited."))
            return redirect("inspections:inspection", pk=inspection.pk)
        return forbidden(request, _("You may not edit inspections of %(unit)s.") % {
            "unit": inspection.issuing_unit})
    return _inspection_form(request, programme=inspection.programme, inspection=inspection)


def _inspection_form(request, *, programme, inspection=None):
    user = request.user
    unit = programme.issuing_unit
    options = {"plans": view_selectors.checkable_plans(user, unit), "units": view_selectors.inspectable_units(unit),
               "top_depth": unit.depth}
    if request.method == "POST":
        form = InspectionForm(request.POST, **options)
        if form.is_valid():
            try:
                if inspection is None:
                    saved = services.inspection_create(by=user, programme=programme, **form.inspection_fields())
                else:
                    saved = services.inspection_update(inspection=inspection, by=user, **form.inspection_fields())
            except ValidationError as exc:
                rename_service_errors(form, exc, {"targets": "target_units", "team": "head"})
            except ActionForbidden as exc:
                return forbidden(request, str(exc))
            else:
                messages.success(request, _("The draft decision has been saved.") if inspection is None
                                 else _("The changes have been saved."))
                return redirect("inspections:inspection", pk=saved.pk)
    else:
        initial = InspectionForm.initial_from(inspection) if inspection else {"head": user.pk}
        form = InspectionForm(initial=initial, **options)
    return render(request, "inspections/inspection_form.html", {
        "form": form, "programme": programme, "inspection": inspection,
    })


@login_required
def inspection_detail(request, pk):
    user = request.user
    inspection = get_object_or_404(selectors.inspections_visible_to(user), pk=pk)
    actions = selectors.inspection_actions(user, inspection)
    return render(request, "inspections/inspection.html", {
        "inspection": inspection,
        "programme": inspection.programme,
        "whole": selectors.sees_whole_inspection(user, inspection),
        "team": inspection.team.select_related("user", "from_unit"),
        "targets": view_selectors.inspection_targets_for(user, inspection),
        "actions": actions,
        "action_forms": action_forms(INSPECTION_ACTION_FORMS, actions),
        "history": history_rows(user, inspection, inspection),
    })


@login_required
@require_POST
def inspection_action(request, pk, action):
    if action not in INSPECTION_ACTIONS:
        raise Http404
    inspection = get_object_or_404(selectors.inspections_visible_to(request.user), pk=pk)
    service, success = INSPECTION_ACTIONS[action]
    comment = request.POST.get("comment", "")
    refused = perform_or_forbid(request, lambda: service(inspection=inspection, by=request.user, comment=comment),
                                success)
    return refused or back(request, reverse("inspections:inspection", args=[inspection.pk]))


# -- the committee's dashboard ------------------------------------------------------------------------

@login_required
def dashboard(request):
    context = _dashboard_choice(request)
    unit, year = context["unit"], context["year"]
    if unit is not None:
        data = selectors.dashboard(request.user, unit=unit, year=year)
        context.update(_state_bars(data["by_state"]))
        context.update(_finding_table(data["findings"]))
        context["overdue"] = data["overdue_remediations"]
        context["summary"] = _year_summary(unit, year)
    return render(request, "inspections/dashboard.html", context)


@login_required
def dashboard_xlsx_download(request):
    """The page's figures for the same unit and year, as a workbook (inspections.exports)."""
    choice = _dashboard_choice(request)
    unit, year = choice["unit"], choice["year"]
    if unit is None:
        raise Http404("the person inspects on behalf of no unit")
    data = selectors.dashboard(request.user, unit=unit, year=year)
    content = exports.dashboard_xlsx(
        unit=unit, year=year, summary=_year_summary(unit, year), now=timezone.now(),
        **_state_bars(data["by_state"]), **_finding_table(data["findings"]), overdue=data["overdue_remediations"])
    return file_response(content, f"tong-hop-kiem-tra-{year}.xlsx", XLSX)


def _dashboard_choice(request) -> dict:
    """The issuing unit and year of the dashboard, page and download alike: the units the person
    inspects for, the one asked for among them (else the first), the year asked for (else the last
    with a programme)."""
    units = list(Unit.objects.filter(pk__in=selectors.issuer_unit_ids(request.user)).order_by("path"))
    form = DashboardForm(request.GET or None, units=units)
    chosen = {}
    if form.is_bound:
        form.is_valid()  # a value that does not parse is left out of cleaned_data: its default is used
        chosen = form.cleaned_data
    unit = next((u for u in units if u.pk == chosen.get("unit")), units[0] if units else None)
    return {"form": form, "units": units, "unit": unit, "year": chosen.get("year") or _latest_programme_year(unit)}


def _latest_programme_year(unit) -> int:
    """This year, or the last year the unit had a programme if it has none yet this year."""
    this_year = timezone.localdate().year
    if unit is None:
        return this_year
    years = Programme.objects.filter(issuing_unit=unit, year__lte=this_year).aggregate(last=Max("year"))
    return years["last"] or this_year


def _percent(n: int, top: int) -> int:
    return round(100 * n / top) if top else 0


def _state_bars(by_state: dict) -> dict:
    top = max(by_state.values(), default=0)
    return {
        "states": [{"code": code, "label": label, "count": by_state.get(code, 0),
                    "width": _percent(by_state.get(code, 0), top)} for code, label in InspectionState.choices],
        "inspection_total": sum(by_state.values()),
    }


def _finding_table(rows: list[dict]) -> dict:
    counts = {(row["category"], row["severity"]): row["n"] for row in rows}
    totals = {code: sum(n for (category, _s), n in counts.items() if category == code)
              for code in FindingCategory.values}
    top = max(totals.values(), default=0)
    return {
        "severities": Severity.choices,
        "categories": [
            {"code": code, "label": category_label, "total": totals[code], "width": _percent(totals[code], top),
             "cells": [(severity, label, counts.get((code, severity), 0)) for severity, label in Severity.choices]}
            for code, category_label in FindingCategory.choices
        ],
        "finding_total": sum(totals.values()),
    }


def _year_summary(unit, year) -> str | None:
    try:
        from .documents import year_summary  # written beside these screens; absent in older checkouts
    except ImportError:
        return None
    return year_summary(unit, year)
