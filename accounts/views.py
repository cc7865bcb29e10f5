from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors


@login_required
def home(request):
    positions = selectors.positions_active(request.user)
    return render(request, "accounts/home.html", {"positions": positions})
