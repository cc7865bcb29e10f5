"""Việc của đơn vị: one unit's work across plans and inspections (dashboards.work)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from accounts.selectors import units_of

from .forms import UnitWorkForm
from .work import unit_work


@login_required
def unit_work_page(request):
    form = UnitWorkForm(request.GET or None, units=units_of(request.user))
    unit, year = form.choice()
    context = {"form": form, "unit": unit, "year": year}
    if unit is not None:
        context.update(unit_work(request.user, unit, year=year, now=timezone.now(),
                                 rolled_up=form.rolled_up_chosen()))
    return render(request, "dashboards/unit_work.html", context)
