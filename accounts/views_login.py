"""The login steps: password (django-axes watches it), then the second factor when owed."""

import logging
from urllib.parse import urlencode

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import two_factor
from .forms import WRONG_CODE, EnrolForm, TwoFactorCodeForm

logger = logging.getLogger(__name__)


def _next_url(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _step(name: str, next_url: str):
    response = redirect(name)
    response["Location"] += "?" + urlencode({"next": next_url})
    return response


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)  # login(): the user_logged_in receiver set the gate
        gate = self.request.session.get(two_factor.GATE_SESSION_KEY)
        if gate == two_factor.GATE_VERIFY:
            return _step("two-factor-verify", self.get_success_url())
        if gate == two_factor.GATE_ENROL:
            return _step("two-factor-enrol", self.get_success_url())
        return response


def _locked_out(request, credentials):
    # The password step is over, so axes' backend will not see these attempts: end the
    # half-done session and show axes' own lockout page.
    logout(request)
    return get_lockout_response(request, None, credentials)


@login_required
def verify(request):
    """Ask the code of a user who has an app (or a recovery code)."""
    next_url = _next_url(request)
    gate = two_factor.gate_refresh(request)
    if gate == two_factor.GATE_NONE or request.user.is_verified():
        return redirect(next_url)
    if gate == two_factor.GATE_ENROL:
        return _step("two-factor-enrol", next_url)

    credentials = {settings.AXES_USERNAME_FORM_FIELD: request.user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        return _locked_out(request, credentials)
    form = TwoFactorCodeForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            django_otp.login(request, form.device)
            # A new session id once the second factor is in: one seen before it is worth nothing.
            request.session.cycle_key()
            logger.info("Two-factor verified for user %s.", request.user.get_username())
            return redirect(next_url)
        if form.has_error("__all__"):
            # A wrong code counts as a failed login for axes (same account + address, same limit).
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                return _locked_out(request, credentials)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


@login_required
def enrol(request):
    """Set up an authenticator app: QR code and typed secret, a code to confirm, recovery codes."""
    next_url = _next_url(request)
    if two_factor.has_two_factor(request.user):
        if not request.user.is_verified():
            return _step("two-factor-verify", next_url)
        messages.info(request, _("Two-factor authentication is already on for your account."))
        return redirect("home")

    device = two_factor.totp_enrolment_start(user=request.user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.totp_enrolment_confirm(user=request.user, device=device, token=form.cleaned_data["code"])
        if codes is None:
            form.add_error("code", WRONG_CODE)
        else:
            device.refresh_from_db()
            django_otp.login(request, device)
            request.session.cycle_key()
            two_factor.gate_refresh(request)  # from now on this user gives the code at login
            return render(request, "accounts/two_factor_codes.html", {"codes": codes, "next": next_url})
    return render(request, "accounts/two_factor_enrol.html", {
        "form": form,
        "next": next_url,
        "qr_svg": two_factor.qr_svg(device),
        "secret": two_factor.secret_text(device),
        "required": two_factor.two_factor_required(request.user),
    })
