"""The leader's units × plans matrix under /tong-hop/ma-tran/. Thin: the selector decides what the
person may see (their own issuing units' plans), dashboards.matrix computes, the template shows."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from . import matrix, selectors
from .forms import OnTimeForm

UNITS_PER_PAGE = 100


@login_required
def units_by_plans(request):
    form = OnTimeForm(request.GET or None, units=selectors.issuing_units(request.user))
    unit, start, end = form.choice()
    # One plan more than shown: its presence tells the page that plans were cut.
    rows = selectors.matrix_rows(request.user, unit=unit, start=start, end=end,
                                 plans=matrix.MAX_COLUMNS + 1) if unit else []
    table = matrix.build(rows, timezone.now(), max_columns=matrix.MAX_COLUMNS, rolled_up=form.rolled_up_chosen())
    page = Paginator(table.rows, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "dashboards/matrix.html", {
        "form": form, "unit": unit, "start": start, "end": end, "matrix": table, "page": page,
        "groups": matrix.groups(), "legend": matrix.legend(), "max_columns": matrix.MAX_COLUMNS,
        "offer_rolled_up": True,
    })
