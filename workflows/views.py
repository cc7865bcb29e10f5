from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from .inbox import inbox_rows


@login_required
def inbox(request):
    rows = inbox_rows(request.user, timezone.now())
    return render(request, "workflows/inbox.html", {"rows": rows, "today": timezone.localdate()})
