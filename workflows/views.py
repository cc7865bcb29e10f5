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
    found = inbox_page(request.user, now, step=step, overdue=overdue, q=q, page=request.GET.get("page"))
    return render(request, "workflows/inbox.html", {
        **found, "today": timezone.localdate(), "steps": sorted(steps.items(), key=lambda item: str(item[1])),
        "step": step, "overdue": overdue, "q": q, "filtered": bool(step or overdue or q),
    })
