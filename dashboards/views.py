"""Dashboards under /tong-hop/: what is overdue now, and who reports on time.

Thin like plans.views: the selectors decide what the person may see (their units' own work and
their units' plans), dashboards.ontime computes, the templates show.
"""

import math

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header

from accounts import lineage
from core.files import file_response
from core.vi_format import vi_percent

from . import ontime, selectors
from .exports import on_time_xlsx, overdue_xlsx
from .forms import OnTimeForm, RolledUpForm
from .overdue import overdue_rows, plan_summary

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The stacked bar of a unit: the four groups of DESIGN.md §7, and the reports awaiting review.
SEGMENTS = ("on_time", "late", "awaiting_review", "not_yet_due", "overdue")


# -- overdue now --------------------------------------------------------------------------------

@login_required
def overview(request):
    now = timezone.now()
    form = RolledUpForm(request.GET or None)
    rows = overdue_rows(selectors.overdue_assignments(request.user, now), now)
    # Rolled up, an ended unit's overdue work is listed under the unit that carries it today.
    today = lineage.today_of({row["assignment"].unit_id for row in rows}) if form.rolled_up_chosen() else {}
    by_unit = {}
    for row in rows:
        unit = row["assignment"].unit
        pk, code, name, _path = today.get(unit.pk, (unit.pk, unit.code, unit.name, unit.path))
        by_unit.setdefault(pk, {"code": code, "name": name, "rows": []})["rows"].append(row)
    plans = plan_summary(rows, selectors.assignment_counts(request.user, {row["plan"].pk for row in rows}))
    return render(request, "dashboards/overview.html", {
        "now": now, "units": list(by_unit.values()), "plans": plans, "overdue_total": len(rows), "form": form,
    })


# -- on-time rates ------------------------------------------------------------------------------

def _width(part: int, whole: int) -> str:
    # Written here, never by the template: the vi locale would print 12,5 into the style.
    return f"{part * 100 / whole:.1f}" if whole else "0"


def _rate(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(value, 2)


def _on_time(request):
    form = OnTimeForm(request.GET or None, units=selectors.issuing_units(request.user))
    unit, start, end = form.choice()
    now = timezone.now()
    rows = selectors.on_time_rows(request.user, unit=unit, start=start, end=end) if unit else []
    table = ontime.on_time_frame(rows, now, rolled_up=form.rolled_up_chosen())
    return form, unit, start, end, table, ontime.totals(table)


@login_required
def on_time(request):
    form, unit, start, end, table, totals = _on_time(request)
    units = []
    for row in table.itertuples(index=False):
        counts = {name: int(getattr(row, name)) for name in ontime.COUNTS}
        rate = _rate(row.rate)
        units.append({
            "code": row.code, "name": row.name, **counts, "rate": rate, "rate_text": vi_percent(rate),
            "score_text": vi_percent(_rate(row.score)),
            "segments": [{"code": name, "count": counts[name], "width": _width(counts[name], counts["due"])}
                         for name in SEGMENTS if counts[name]],
        })
    return render(request, "dashboards/on_time.html", {
        "form": form, "unit": unit, "start": start, "end": end, "rows": units,
        "totals": {**totals, "rate_text": vi_percent(_rate(totals["rate"])),
                   "score_text": vi_percent(_rate(totals["score"]))},
        "late_weight": f"{ontime.late_weight():g}".replace(".", ","),  # 0,7 as DESIGN.md §7 writes it
        "offer_rolled_up": True,
        "query": request.GET.urlencode(),
    })


@login_required
def on_time_xlsx_download(request):
    _form, unit, start, end, table, totals = _on_time(request)
    if unit is None:
        raise Http404("no unit of the person's own issues plans")
    content = on_time_xlsx(table, totals, unit=unit, start=start, end=end)
    filename = f"ty-le-dung-han-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
    return HttpResponse(content, content_type=XLSX, headers={
        "Content-Disposition": content_disposition_header(as_attachment=True, filename=filename)})


# -- overdue now, as an Excel file ----------------------------------------------------------------

@login_required
def overview_xlsx_download(request):
    """The rows of the overview page, from the same selector in the same order, and its per-plan counts."""
    now = timezone.now()
    rows = overdue_rows(selectors.overdue_assignments(request.user, now), now)
    plans = plan_summary(rows, selectors.assignment_counts(request.user, {row["plan"].pk for row in rows}))
    local = timezone.localtime(now)
    return file_response(overdue_xlsx(rows, plans, now=now), f"qua-han-{local:%Y%m%d-%H%M}.xlsx", XLSX)
