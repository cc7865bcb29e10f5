"""Until the second factor is given, a signed-in user who owes it reaches only the login pages."""

from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .two_factor import GATE_ENROL, GATE_NONE, GATE_SESSION_KEY, gate_refresh

#: Pages an unverified user may open: the steps of logging in and out, the language switch.
OPEN_VIEWS = frozenset({
    "login", "logout", "two-factor-verify", "two-factor-enrol", "set_language", "javascript-catalog",
    "healthz", "favicon",
})


class TwoFactorMiddleware:
    """After django_otp's OTPMiddleware (it gives `request.user.is_verified()`).

    The session API (DRF SessionAuthentication) is refused with 403 and a message; a request
    authenticated by an API token has no session user here and is left to the API's own checks.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        if GATE_SESSION_KEY in request.session:
            gate = request.session[GATE_SESSION_KEY]
        else:
            # A session from before two-factor existed, or one made without our login view.
            gate = gate_refresh(request)
        if gate == GATE_NONE or request.user.is_verified():
            return None
        if request.resolver_match and request.resolver_match.view_name in OPEN_VIEWS:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Two-factor authentication is required: finish logging in on the website first.")},
                status=403,
            )
        target = "two-factor-enrol" if gate == GATE_ENROL else "two-factor-verify"
        response = redirect(target)
        if request.method == "GET":
            response["Location"] += "?" + urlencode({"next": request.get_full_path()})
        return response
