"""The person's notifications: the list, opening one (read, then go to it), mark all read,
and how they want to be e-mailed. Only their own: another person's notification is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.pagination import CappedPaginator

from . import selectors, services
from .forms import PreferenceForm

PAGE_SIZE = 20


def _local(request, url: str) -> bool:
    """A path on this site (or an absolute address of this host); "//evil.example" is not one."""
    return url.startswith(("/", "http://", "https://")) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@login_required
def notification_list(request):
    page = CappedPaginator(selectors.notifications_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
def notification_open(request, pk):
    """A GET, so that the e-mail's link works too; it only marks the person's own notice read.
    The stored link is followed only when it stays on this site (no open redirect)."""
    notification = get_object_or_404(selectors.notifications_of(request.user), pk=pk)
    services.notification_open(notification=notification)
    return redirect(notification.url if _local(request, notification.url) else "notifications:list")


@login_required
@require_POST
def notifications_read_all(request):
    count = services.notifications_read_all(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    following = request.POST.get("next", "")
    return redirect(following if _local(request, following) else "notifications:list")


@login_required
def preference_edit(request):
    preference = services.preference_of(request.user)
    form = PreferenceForm(request.POST or None,
                          initial={"email": preference.email, "daily_digest": preference.daily_digest})
    if request.method == "POST" and form.is_valid():
        services.preference_save(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your notification settings have been saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form, "has_email": bool(request.user.email)})
