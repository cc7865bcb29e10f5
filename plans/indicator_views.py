"""Screens of indicators (chỉ tiêu): the editor of a draft plan, a unit's figures with its report,
the issuer's own figures, and the results by unit with a bar chart and downloads.

Thin like plans.views: parse the request, call plans.indicators (writes) or the selectors and
plans.indicator_summary (reads), render. Objects come through the visibility selectors, so another
unit's plan or assignment is a 404; the results by unit are the issuing unit's alone.
"""

import csv
import math
import tempfile
from decimal import InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import ActionForbidden
from core.forms import DATE_INPUT_FORMATS, DateInput
from core.ui import add_service_errors, forbidden, perform
from core.vi_format import parse_vi_number, vi_fraction, vi_number, vi_percent

from . import indicator_selectors, indicators, selectors, views
from .indicator_summary import EXCEEDED, MET, NOT_MET, plan_indicator_summary
from .models import Aggregate, Comparison, IndicatorKind, PlanState
from .targets import TargetFileError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_CSV_BYTES = 1024 * 1024  # the year's targets are a few KB

VERDICTS = {
    EXCEEDED: ("v-exceeded", gettext_lazy("Exceeded the target")),
    MET: ("v-met", gettext_lazy("Met the target")),
    NOT_MET: ("v-not-met", gettext_lazy("Target not met")),
    None: ("v-none", gettext_lazy("No result yet")),
}
NOT_REPORTED = gettext_lazy("Not reported")


# -- numbers as officers write them -------------------------------------------------------------

def _n(value):
    """A figure from the summary's frames, or None: NaN means "no figure", never 0."""
    if value is None:
        return None
    try:
        return None if math.isnan(value) else value
    except TypeError:
        return value


def _percent_like(indicator) -> bool:
    return indicator["aggregate"] in (Aggregate.RATIO_OF_SUMS, Aggregate.ALL_UNITS) or (
        indicator["kind"] == IndicatorKind.PERCENT)


def _with_unit(number_text: str, unit_of_measure: str) -> str:
    return f"{number_text} {unit_of_measure}".strip()


def target_text(indicator, target=None) -> str:
    """The plan's target (or a given one) the way the plan writes it: "80%", "≤ 2 vụ", "1.000 đơn vị máu"."""
    target = indicator["target"] if target is None else target
    if _percent_like(indicator):
        text = vi_percent(target)
    elif indicator["kind"] == IndicatorKind.YES_NO:
        text = str(_("Yes") if target else _("No"))
    else:
        text = _with_unit(vi_number(target), indicator["unit_of_measure"])
    return f"≤ {text}" if indicator["comparison"] == Comparison.AT_MOST else text


def figure_text(indicator, value, numerator, denominator) -> str:
    """One unit's figure: "1.234/2.000 (61,70%)", "Có", "12"."""
    if indicator["aggregate"] == Aggregate.RATIO_OF_SUMS:
        if _n(denominator) is None:
            return "—"
        percent = numerator / denominator * 100 if denominator else None
        return vi_fraction(numerator, denominator, percent)
    if _n(value) is None:
        return "—"
    if indicator["kind"] == IndicatorKind.YES_NO:
        return str(_("Yes") if value else _("No"))
    return vi_number(value)


def result_text(row) -> str:
    """The plan-wide result: "16.107/31.076 (51,83%)", "16/16 đơn vị", "1.234 đơn vị máu"."""
    if not row["reported"]:
        return "—"
    aggregate = row["aggregate"]
    if aggregate == Aggregate.RATIO_OF_SUMS:
        return vi_fraction(row["numerator"], row["denominator"], _n(row["result"]))
    if aggregate == Aggregate.ALL_UNITS:
        return _("%(met)s/%(reported)s units") % {"met": vi_number(row["met_units"]),
                                                   "reported": vi_number(row["reported"])}
    if row["kind"] == IndicatorKind.PERCENT:
        return vi_percent(_n(row["result"]))
    return _with_unit(vi_number(_n(row["result"])), row["unit_of_measure"])


def unit_goal_text(indicator, allocated) -> tuple[str, bool]:
    """What one unit is held to, and whether it is its own (else the whole plan's target)."""
    fields = {"aggregate": indicator.aggregate, "kind": indicator.kind, "target": indicator.target,
              "comparison": indicator.comparison, "unit_of_measure": indicator.unit_of_measure}
    if allocated is not None:
        return target_text(fields, allocated), True
    if indicator.aggregate == Aggregate.ALL_UNITS:
        if indicator.kind == IndicatorKind.YES_NO:
            return str(_("Yes")), True
        return (f"≥ {vi_number(indicator.unit_target)}" if indicator.unit_target is not None else "> 0"), True
    # A percentage holds for every unit; the issuer's own indicators are the issuer's alone.
    return target_text(fields), indicator.aggregate in (Aggregate.RATIO_OF_SUMS, Aggregate.ISSUER_ONLY)


def _verdict(code) -> dict:
    css, label = VERDICTS.get(code, VERDICTS[None])
    return {"code": code or "", "css": css, "label": label}


def _editable_text(value) -> str:
    """A stored figure as the form shows it again: parse_vi_number reads it back unchanged."""
    return "" if value is None else vi_number(value)


# -- forms --------------------------------------------------------------------------------------

class NumberField(forms.CharField):
    """A number typed the Vietnamese way (1.200 · 51,83) or the English way (51.83)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {"invalid": gettext_lazy("Enter a number, such as 1.200 or 51,83.")}

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            number = parse_vi_number(value)
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class IndicatorForm(forms.Form):
    """One indicator of a draft. It parses only; plans.indicators.indicator_save checks and saves."""

    code = forms.CharField(label=gettext_lazy("Code"), max_length=20,
                           help_text=gettext_lazy("As numbered in the plan, e.g. 4c."))
    group = forms.CharField(label=gettext_lazy("Group"), max_length=20, required=False)
    name = forms.CharField(label=gettext_lazy("Indicator"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=IndicatorKind.choices)
    unit_of_measure = forms.CharField(label=gettext_lazy("Unit of measure"), max_length=40, required=False)
    target = NumberField(label=gettext_lazy("Target"))
    comparison = forms.ChoiceField(label=gettext_lazy("Comparison"), choices=Comparison.choices)
    aggregate = forms.ChoiceField(label=gettext_lazy("How unit figures combine"), choices=Aggregate.choices)
    unit_target = NumberField(
        label=gettext_lazy("Unit-level condition"), required=False,
        help_text=gettext_lazy("Only for “units meeting” rules: what each unit must reach (e.g. 2 works). "
                               "Empty: any figure above 0."),
    )

    FIELDS = ("code", "group", "name", "kind", "unit_of_measure", "target", "comparison", "aggregate", "unit_target")

    @classmethod
    def initial_from(cls, indicator) -> dict:
        initial = {name: getattr(indicator, name) for name in cls.FIELDS}
        initial["target"] = _editable_text(indicator.target)
        initial["unit_target"] = _editable_text(indicator.unit_target)
        return initial


class CutoffForm(forms.Form):
    cutoff_date = forms.DateField(label=gettext_lazy("Figures as of"), required=False,
                                  input_formats=DATE_INPUT_FORMATS, widget=DateInput())


# -- small helpers ------------------------------------------------------------------------------

def _visible_plan(request, pk):
    return get_object_or_404(selectors.plans_visible_to(request.user), pk=pk)


def _own_plan(request, pk):
    """A plan of the person's own units; anyone else's (a recipient's too) is a 404."""
    return get_object_or_404(indicator_selectors.plans_of_own_units(request.user), pk=pk)


def _visible_assignment(request, pk):
    return get_object_or_404(selectors.assignments_visible_to(request.user), pk=pk)


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    return HttpResponse(content, content_type=content_type, headers={
        "Content-Disposition": content_disposition_header(as_attachment=True, filename=filename)})


def report_year(plan) -> int:
    day = plan.period_end or plan.period_start
    if day:
        return day.year
    return timezone.localtime(plan.issued_at or plan.created_at).year


def _refuse_edit(request, plan):
    """None when the person may change the indicators now, else the answer to give instead."""
    if indicator_selectors.may_edit_indicators(request.user, plan):
        return None
    if plan.state == PlanState.DRAFT:
        return forbidden(request, _("You may not edit the indicators of %(unit)s.")
                                % {"unit": plan.issuing_unit})
    messages.error(request, _("Indicators can be changed only while the plan is a draft."))
    return redirect("plans:indicators", pk=plan.pk)


def _posted_entries(post, entries) -> dict:
    """The figures form as plans.indicators expects it: {code: {"value"|"numerator","denominator", "note"}}."""
    posted = {}
    for entry in entries:
        indicator, prefix = entry.indicator, f"i{entry.indicator.pk}-"
        data = {"note": post.get(prefix + "note", "").strip()}
        names = ("numerator", "denominator") if indicator.needs_fraction else ("value",)
        data.update({name: post.get(prefix + name, "").strip() for name in names})
        posted[indicator.code] = data
    return posted


def _row_errors(entries, posted) -> dict[str, list[str]]:
    """After the service refused the sheet, its own per-row checks say which rows are wrong."""
    errors = {}
    for entry in entries:
        found = []
        indicators.clean_entry(entry.indicator, posted.get(entry.indicator.code, {}), found)
        if found:
            errors[entry.indicator.code] = found
    return errors


def _entry_rows(entries, posted=None, row_errors=None) -> list[dict]:
    rows = []
    for entry in entries:
        indicator, stored = entry.indicator, entry.value
        if posted is not None:
            data = posted[indicator.code]
        elif stored is not None:
            data = {"value": _editable_text(stored.value), "numerator": _editable_text(stored.numerator),
                    "denominator": _editable_text(stored.denominator), "note": stored.note}
        else:
            data = {}
        goal, own = unit_goal_text(indicator, entry.allocated)
        fields = {"aggregate": indicator.aggregate, "kind": indicator.kind}
        rows.append({
            "indicator": indicator,
            "prefix": f"i{indicator.pk}-",
            "goal": goal,
            "own_goal": own,
            "data": data,
            "stored": stored,
            "stored_text": figure_text(fields, stored.value, stored.numerator, stored.denominator) if stored else "—",
            "errors": (row_errors or {}).get(indicator.code, []),
        })
    return rows


def _entry_block(entries, *, editable, posted=None, row_errors=None, errors=(), form=None, upload_errors=()):
    rows = _entry_rows(entries, posted, row_errors)
    cutoffs = [e.value.cutoff_date for e in entries if e.value is not None and e.value.cutoff_date]
    return {
        "rows": rows,
        "editable": editable,
        "form": form or CutoffForm(initial={"cutoff_date": max(cutoffs) if cutoffs else None}),
        "errors": list(errors),
        "upload_errors": list(upload_errors),
        "filled": sum(1 for e in entries if e.value is not None),
        "total": len(entries),
    }


def _save_figures(request, entries, save, *, success_url, show_again):
    """Parse the figures form, call the service; on a refused sheet show it again with its errors."""
    form = CutoffForm(request.POST)
    posted = _posted_entries(request.POST, entries)
    if form.is_valid():
        try:
            count = save(posted, form.cleaned_data["cutoff_date"])
        except ActionForbidden as exc:
            messages.error(request, str(exc))
            return redirect(success_url)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):  # the state does not allow it: nothing to correct here
                messages.error(request, " ".join(exc.messages))
                return redirect(success_url)
            row_errors = _row_errors(entries, posted)
            shown = {message for found in row_errors.values() for message in found}
            return show_again({"posted": posted, "row_errors": row_errors, "form": form,
                               "errors": [m for m in exc.messages if m not in shown]})
        messages.success(request, _("Figures saved for %(count)s indicators.") % {"count": count})
        return redirect(success_url)
    return show_again({"posted": posted, "form": form})


# -- the editor ---------------------------------------------------------------------------------

@login_required
def indicator_list(request, pk):
    return _list_page(request, _visible_plan(request, pk))


def _list_page(request, plan, import_errors=()):
    user = request.user
    rows = [
        {"indicator": i, "target": target_text({"aggregate": i.aggregate, "kind": i.kind, "target": i.target,
                                                "comparison": i.comparison, "unit_of_measure": i.unit_of_measure})}
        for i in indicator_selectors.plan_indicators(plan)
    ]
    is_issuer = plan.issuing_unit_id in selectors.user_unit_ids(user)
    return render(request, "plans/indicators/list.html", {
        "plan": plan,
        "rows": rows,
        "editable": indicator_selectors.may_edit_indicators(user, plan),
        "show_results": is_issuer and plan.state in indicator_selectors.RESULT_PLAN_STATES,
        "import_errors": list(import_errors),
    })


@login_required
def indicator_form(request, pk, indicator_pk=None):
    plan = _visible_plan(request, pk)
    indicator = None
    if indicator_pk is not None:
        indicator = get_object_or_404(indicator_selectors.plan_indicators(plan), pk=indicator_pk)
    refused = _refuse_edit(request, plan)
    if refused:
        return refused
    if request.method == "POST":
        form = IndicatorForm(request.POST)
        if form.is_valid():
            try:
                saved = indicators.indicator_save(plan=plan, by=request.user, indicator=indicator,
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
    indicator = get_object_or_404(indicator_selectors.plan_indicators(plan), pk=indicator_pk)
    refused = _refuse_edit(request, plan)
    if refused:
        return refused
    code = indicator.code
    perform(request, lambda: indicators.indicator_delete(indicator=indicator, by=request.user),
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
            saved = indicators.indicators_import(plan=plan, by=request.user, path=copy.name)
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

def figures_block(assignment, *, editable: bool, **shown):
    """The figures card of the assignment page (None when the plan has no indicator for units).

    `shown` carries what a refused form or upload puts back: typed figures and errors.
    """
    entries = shown.pop("entries", None)
    if entries is None:
        entries = indicator_selectors.unit_entries(assignment)
    if not entries:
        return None
    return _entry_block(entries, editable=editable, **shown)


@login_required
@require_POST
def assignment_figures(request, pk):
    assignment = _visible_assignment(request, pk)
    entries = indicator_selectors.unit_entries(assignment)

    def save(posted, cutoff_date):
        return indicators.indicator_values_set(assignment=assignment, by=request.user, entries=posted,
                                               cutoff_date=cutoff_date)

    def show_again(shown):
        return views._assignment_page(request, assignment, figures={"entries": entries, **shown})

    url = reverse("plans:assignment", args=[assignment.pk]) + "#chi-tieu"
    return _save_figures(request, entries, save, success_url=url, show_again=show_again)


@login_required
def assignment_figures_template(request, pk):
    from .indicator_excel import assignment_template

    assignment = _visible_assignment(request, pk)
    filename = f"chi-tieu-{assignment.unit.code}-{assignment.plan_id}.xlsx"
    return _download(assignment_template(assignment), filename, XLSX)


@login_required
@require_POST
def assignment_figures_upload(request, pk):
    from .indicator_excel import assignment_upload

    assignment = _visible_assignment(request, pk)
    url = reverse("plans:assignment", args=[assignment.pk]) + "#chi-tieu"
    upload = request.FILES.get("file")
    if upload is None:
        errors = [_("Choose the filled-in Excel file.")]
    else:
        try:
            count = assignment_upload(assignment=assignment, by=request.user, file=upload)
        except ActionForbidden as exc:
            messages.error(request, str(exc))
            return redirect(url)
        except ValidationError as exc:
            if not indicator_selectors.may_enter_figures(request.user, assignment):
                messages.error(request, " ".join(exc.messages))  # no upload form to show them on
                return redirect(url)
            errors = exc.messages
        else:
            messages.success(request, _("Figures saved for %(count)s indicators.") % {"count": count})
            return redirect(url)
    return views._assignment_page(request, assignment, figures={"upload_errors": errors})


# -- the issuer's results -----------------------------------------------------------------------

@login_required
def indicator_results(request, pk):
    return _results_page(request, _own_plan(request, pk))


def _results_page(request, plan, issuer_shown=None):
    user = request.user
    summary = plan_indicator_summary(plan)
    rows = _summary_rows(summary)
    issuer = None
    entries = indicator_selectors.issuer_entries(plan)
    if entries:
        issuer = _entry_block(entries, editable=indicator_selectors.may_enter_issuer_figures(user, plan),
                              **(issuer_shown or {}))
    missing = _missing_units(summary)
    return render(request, "plans/indicators/results.html", {
        "plan": plan,
        "rows": rows,
        "recipients_count": len(summary.recipients),
        "units_missing": summary.units_missing,
        "missing_units": missing,
        "matrix": _matrix(summary),
        "ranking": _ranking(summary),
        "chart": chart(rows),
        "issuer": issuer,
        "has_results": plan.state in indicator_selectors.RESULT_PLAN_STATES and bool(rows),
    })


@login_required
@require_POST
def issuer_figures(request, pk):
    plan = _own_plan(request, pk)
    entries = indicator_selectors.issuer_entries(plan)

    def save(posted, cutoff_date):
        return indicators.issuer_values_set(plan=plan, by=request.user, entries=posted, cutoff_date=cutoff_date)

    def show_again(shown):
        return _results_page(request, plan, issuer_shown=shown)

    url = reverse("plans:indicator-results", args=[plan.pk]) + "#so-lieu-rieng"
    return _save_figures(request, entries, save, success_url=url, show_again=show_again)


@login_required
def indicator_results_xlsx(request, pk):
    from .indicator_exports import matrix_xlsx

    plan = _own_plan(request, pk)
    return _download(matrix_xlsx(plan_indicator_summary(plan)), f"ket-qua-chi-tieu-{plan.pk}.xlsx", XLSX)


@login_required
def indicator_results_docx(request, pk):
    from .indicator_exports import results_docx

    plan = _own_plan(request, pk)
    content = results_docx(plan_indicator_summary(plan), year=report_year(plan))
    return _download(content, f"ket-qua-chi-tieu-{plan.pk}.docx", DOCX)


def _summary_rows(summary) -> list[dict]:
    rows = []
    for indicator_id, row in summary.indicators.iterrows():
        rows.append({
            "id": indicator_id,
            "code": row["code"],
            "name": row["name"],
            "aggregate": row["aggregate"],
            "kind": row["kind"],
            "issuer_only": row["aggregate"] == Aggregate.ISSUER_ONLY,
            "percent_like": _percent_like(row),
            "target": _n(row["target"]),
            "result": _n(row["result"]),
            "target_text": target_text(row),
            "result_text": result_text(row),
            "reported": int(row["reported"]),
            "missing": int(row["missing"]),
            "verdict": _verdict(row["verdict"]),
        })
    return rows


def _missing_units(summary) -> list[dict]:
    reported = set(summary.units.loc[summary.units["reported"], "unit_id"])
    return [{"code": r["code"], "name": r["name"]} for unit_id, r in summary.recipients.iterrows()
            if unit_id not in reported]


def _matrix(summary) -> dict:
    """Units (rows) × the indicators units report on (columns), each cell with the unit's verdict."""
    indicators_frame = summary.indicators[summary.indicators["aggregate"] != Aggregate.ISSUER_ONLY]
    columns = [{"id": i, "code": r["code"], "name": r["name"], "target_text": target_text(r), "meta": r}
               for i, r in indicators_frame.iterrows()]
    cells = {(c.indicator_id, c.unit_id): c for c in summary.units.itertuples(index=False)}
    rows = []
    for unit_id, unit in summary.recipients.iterrows():
        row_cells, reported_any = [], False
        for column in columns:
            cell = cells.get((column["id"], unit_id))
            if cell is None or not cell.reported:
                row_cells.append({"code": column["code"], "css": "v-missing", "verdict": "missing",
                                  "text": "", "title": NOT_REPORTED})
                continue
            reported_any = True
            verdict = _verdict(cell.verdict)
            meta = column["meta"]
            if meta["aggregate"] == Aggregate.RATIO_OF_SUMS:
                text = vi_percent(_n(cell.unit_result))
            else:
                text = figure_text(meta, cell.value, cell.numerator, cell.denominator)
            title = figure_text(meta, cell.value, cell.numerator, cell.denominator)
            row_cells.append({"code": column["code"], "css": verdict["css"], "verdict": verdict["code"] or "none",
                              "text": text, "title": f"{title} · {verdict['label']}"})
        rows.append({"code": unit["code"], "name": unit["name"], "cells": row_cells, "reported_any": reported_any})
    return {"columns": columns, "rows": rows}


def _ranking(summary) -> list[dict]:
    return [
        {"rank": int(r["rank"]), "code": r["code"], "name": r["name"], "met": int(r["met"]),
         "judged": int(r["judged"]), "score": vi_percent(round(float(r["score"]) * 100, 2))}
        for _unit_id, r in summary.ranking.iterrows()
    ]


# -- the chart: inline SVG, drawn on the server ---------------------------------------------------

CHART_WIDTH = 400
CHART_LABEL = 44  # the code column
CHART_BARS = 268  # 0 … CHART_MAX %
CHART_MAX = 125
CHART_ROW = 26
CHART_TOP = 22


def _svg(number) -> str:
    # Attributes are written here, never by the template: the vi locale would print 12,5.
    return f"{number:.1f}".removesuffix(".0")


def chart(rows) -> dict:
    """One bar group per indicator on one percent axis: percent-like indicators as their own
    percentage (0–100), counts and sums as result ÷ target, so 20 houses and 204.800 trees compare.
    Results past the axis are drawn to its end and marked."""
    scale = CHART_BARS / CHART_MAX
    groups = []
    for index, row in enumerate(rows):
        target, result = row["target"], row["result"]
        if row["percent_like"]:
            target_pct, result_pct = target, result
            label = vi_percent(result) if result is not None else "—"
        elif target:
            target_pct = 100.0
            result_pct = None if result is None else float(result) / float(target) * 100
            label = vi_percent(round(result_pct)) if result_pct is not None else "—"
        else:  # a target of 0 (e.g. "no incidents"): nothing to divide by, the figure speaks
            target_pct, result_pct = 0.0, None
            label = vi_number(result) if result is not None else "—"
        target_w = min(float(target_pct or 0), CHART_MAX) * scale
        result_w = None if result_pct is None else min(float(result_pct), CHART_MAX) * scale
        groups.append({
            "code": row["code"],
            "title": f"{row['code']}. {row['name']}: {row['result_text']} / {row['target_text']}",
            "verdict": row["verdict"],
            "y": _svg(CHART_TOP + index * CHART_ROW),
            "target_w": _svg(target_w),
            "target_x": _svg(CHART_LABEL + target_w),
            "result_w": None if result_w is None else _svg(max(result_w, 1.5)),
            "clipped": result_pct is not None and result_pct > CHART_MAX,
            "label": label,
        })
    ticks = [{"x": _svg(CHART_LABEL + value * scale), "label": f"{value}%"} for value in (0, 50, 100)]
    return {
        "width": _svg(CHART_WIDTH),
        "height": _svg(CHART_TOP + len(rows) * CHART_ROW + 4),
        "bars_x": _svg(CHART_LABEL),
        "bars_end": _svg(CHART_LABEL + CHART_BARS),
        "label_x": _svg(CHART_LABEL + CHART_BARS + 6),
        "grid_bottom": _svg(CHART_TOP + len(rows) * CHART_ROW - 2),
        "ticks": ticks,
        "groups": groups,
    }
