"""Screens of indicators (chỉ tiêu): the editor of a draft plan, a unit's figures with its report,
the issuer's own figures, and the results by unit with a bar chart and downloads.

Thin like plans.views: parse the request, call plans.indicators.services (writes) or the selectors
and plans.indicators.summary (reads), render. Objects come through the visibility selectors, so
another unit's plan or assignment is a 404; the results by unit are the issuing unit's alone.

The figures forms of an assignment show plans.views' assignment page again when refused; the
URLconf hands that page over as `assignment_page`, since plans.views imports this package.
"""

import csv
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ActionForbidden
from core.files import DOCX, XLSX, file_response
from core.ui import add_service_errors, forbidden, perform
from plans import selectors as plan_selectors
from plans.models import PlanState

from . import results, selectors, services
from .chart import chart
from .figures import entry_block, save_figures
from .formatting import fields_of, target_text
from .forms import IndicatorForm
from .summary import plan_indicator_summary
from .targets import TargetFileError

MAX_CSV_BYTES = 1024 * 1024  # the year's targets are a few KB


def _visible_plan(request, pk):
    return get_object_or_404(plan_selectors.plans_visible_to(request.user), pk=pk)


def _own_plan(request, pk):
    """A plan of the person's own units; anyone else's (a recipient's too) is a 404."""
    return get_object_or_404(selectors.plans_of_own_units(request.user), pk=pk)


def _visible_assignment(request, pk):
    return get_object_or_404(plan_selectors.assignments_visible_to(request.user), pk=pk)


def _refuse_edit(request, plan):
    """None when the person may change the indicators now, else the answer to give instead."""
    if selectors.may_edit_indicators(request.user, plan):
        return None
    if plan.state == PlanState.DRAFT:
        return forbidden(request, _("You may not edit the indicators of %(unit)s.")
                                % {"unit": plan.issuing_unit})
    messages.error(request, _("Indicators can be changed only while the plan is a draft."))
    return redirect("plans:indicators", pk=plan.pk)


# -- the editor ---------------------------------------------------------------------------------

@login_required
def indicator_list(request, pk):
    return _list_page(request, _visible_plan(request, pk))


def _list_page(request, plan, import_errors=()):
    user = request.user
    rows = [
        {"indicator": i, "target": target_text(fields_of(i))} for i in selectors.plan_indicators(plan)
    ]
    is_issuer = plan.issuing_unit_id in plan_selectors.user_unit_ids(user)
    return render(request, "plans/indicators/list.html", {
        "plan": plan,
        "rows": rows,
        "editable": selectors.may_edit_indicators(user, plan),
        "show_results": is_issuer and plan.state in selectors.RESULT_PLAN_STATES,
        "import_errors": list(import_errors),
    })


@login_required
def indicator_form(request, pk, indicator_pk=None):
    plan = _visible_plan(request, pk)
    indicator = None
    if indicator_pk is not None:
        indicator = get_object_or_404(selectors.plan_indicators(plan), pk=indicator_pk)
    refused = _refuse_edit(request, plan)
    if refused:
        return refused
    if request.method == "POST":
        form = IndicatorForm(request.POST)
        if form.is_valid():
            try:
                saved = services.indicator_save(plan=plan, by=request.user, indicator=indicator,
                                                **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except ActionForbidden as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Indicator %(code)s has been saved.") % {"code": saved.code})
                return redirect(reverse("plans:indicators", args=[plan.pk]) + f"#ct-{saved.pk}")
    else:
        form = IndicatorForm(initial=IndicatorForm.initial_from(indicator) if indicator else None)
    return render(request, "plans/indicators/form.html", {"plan": plan, "indicator": indicator, "form": form})


@login_required
@require_POST
def indicator_delete(request, pk, indicator_pk):
    plan = _visible_plan(request, pk)
    indicator = get_object_or_404(selectors.plan_indicators(plan), pk=indicator_pk)
    refused = _refuse_edit(request, plan)
    if refused:
        return refused
    code = indicator.code
    perform(request, lambda: services.indicator_delete(indicator=indicator, by=request.user),
                   _("Indicator %(code)s has been deleted.") % {"code": code})
    return redirect("plans:indicators", pk=plan.pk)


@login_required
@require_POST
def indicator_import(request, pk):
    """A CSV shaped like indicators_2024.csv; importing again updates the indicators by code."""
    plan = _visible_plan(request, pk)
    refused = _refuse_edit(request, plan)
    if refused:
        return refused
    upload = request.FILES.get("file")
    if upload is None:
        return _list_page(request, plan, [_("Choose the CSV file of the indicators.")])
    if upload.size > MAX_CSV_BYTES:
        return _list_page(request, plan, [_("The file is too large for a list of indicators.")])
    # indicators_import reads a path: the upload goes to a temporary file that is removed after.
    with tempfile.NamedTemporaryFile(suffix=".csv") as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        try:
            saved = services.indicators_import(plan=plan, by=request.user, path=copy.name)
        except TargetFileError as exc:
            return _list_page(request, plan, str(exc).splitlines())
        except (UnicodeDecodeError, csv.Error):
            return _list_page(request, plan, [_("The file cannot be read: save it as CSV in UTF-8.")])
        except ValidationError as exc:
            return _list_page(request, plan, exc.messages)
        except ActionForbidden as exc:
            return _list_page(request, plan, [str(exc)])
    if not saved:
        return _list_page(request, plan, [_("The file has no indicator rows.")])
    messages.success(request, _("%(count)s indicators imported.") % {"count": len(saved)})
    return redirect("plans:indicators", pk=plan.pk)


# -- a unit's figures, on its assignment page ---------------------------------------------------

@login_required
def assignment_figures_template(request, pk):
    from .excel import assignment_template

    assignment = _visible_assignment(request, pk)
    filename = f"chi-tieu-{assignment.unit.code}-{assignment.plan_id}.xlsx"
    return file_response(assignment_template(assignment), filename, XLSX)


# -- the issuer's results -----------------------------------------------------------------------

@login_required
def indicator_results(request, pk):
    return _results_page(request, _own_plan(request, pk))


def _rolled_up(request) -> bool:
    """?gop=1: figures in today's tree, the units since merged counted in their successor."""
    return request.GET.get("gop") == "1"


def _results_page(request, plan, issuer_shown=None):
    user = request.user
    summary = plan_indicator_summary(plan, rolled_up=_rolled_up(request))
    rows = results.result_rows(summary)
    issuer = None
    entries = selectors.issuer_entries(plan)
    if entries:
        issuer = entry_block(entries, editable=selectors.may_enter_issuer_figures(user, plan),
                             **(issuer_shown or {}))
    return render(request, "plans/indicators/results.html", {
        "plan": plan,
        "rows": rows,
        "recipients_count": len(summary.recipients),
        "units_missing": summary.units_missing,
        "units_provisional": summary.units_provisional,
        "missing_units": results.missing_units(summary),
        "matrix": results.matrix(summary),
        "ranking": results.ranking(summary),
        "chart": chart(rows),
        "issuer": issuer,
        "has_results": plan.state in selectors.RESULT_PLAN_STATES and bool(rows),
        "rolled_up": _rolled_up(request),
    })


@login_required
@require_POST
def issuer_figures(request, pk):
    plan = _own_plan(request, pk)
    entries = selectors.issuer_entries(plan)

    def save(posted, cutoff_date):
        return services.issuer_values_set(plan=plan, by=request.user, entries=posted, cutoff_date=cutoff_date)

    def show_again(shown):
        return _results_page(request, plan, issuer_shown=shown)

    url = reverse("plans:indicator-results", args=[plan.pk]) + "#so-lieu-rieng"
    return save_figures(request, entries, save, success_url=url, show_again=show_again)


@login_required
def indicator_results_xlsx(request, pk):
    from .exports import matrix_xlsx

    plan = _own_plan(request, pk)
    return file_response(matrix_xlsx(plan_indicator_summary(plan, rolled_up=_rolled_up(request))),
                         f"ket-qua-chi-tieu-{plan.pk}.xlsx", XLSX)


@login_required
def indicator_results_docx(request, pk):
    from .exports import report_year, results_docx

    plan = _own_plan(request, pk)
    content = results_docx(plan_indicator_summary(plan, rolled_up=_rolled_up(request)), year=report_year(plan))
    return file_response(content, f"ket-qua-chi-tieu-{plan.pk}.docx", DOCX)
