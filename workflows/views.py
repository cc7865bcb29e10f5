from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from . import registry
from .inbox import inbox_page


@login_required
def inbox(request):
    now = timezone.now()
    step = request.GET.get("buoc", "")
    steps = registry.human_steps()
    if step not in steps:
        step = ""
    overdue = request.GET.get("qua-han") == "1"
    q = request.GET.get("q", "")[:200]
    unit_text = request.GET.get("don-vi", "")
    unit = int(unit_text) if unit_text.isdigit() and len(unit_text) < 12 else None
    found = inbox_page(request.user, now, step=step, overdue=overdue, q=q, about=request.GET.get("ve", "")[:60],
                       unit=unit, page=request.GET.get("page"))
    filters = {"q": q, "buoc": step, "qua-han": "1" if overdue else "", "ve": found["about"],
               "don-vi": str(unit) if unit is not None else ""}
    chosen = {name: value for name, value in filters.items() if value}
    return render(request, "workflows/inbox.html", {
        **found, "today": timezone.localdate(), "steps": sorted(steps.items(), key=lambda item: str(item[1])),
        "step": step, "overdue": overdue, "q": q, "unit": filters["don-vi"],
        "filtered": bool(chosen), "filter_count": len(chosen), "query": urlencode(chosen),
    })
