"""The account page where a person creates and revokes their API tokens (accounts.api_tokens)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from knox.settings import knox_settings

from .api_tokens import TokenLimitReached, api_token_create, api_token_revoke, api_tokens_of


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens_page(request):
    created = None
    if request.method == "POST":
        try:
            row, token = api_token_create(user=request.user)
        except TokenLimitReached as exc:
            messages.error(request, str(exc))
            return redirect("api-tokens-page")
        # Rendered in the answer to the POST, not after a redirect: the token is never readable again.
        created = {"token": token, "row": row}
    return render(request, "accounts/api_tokens.html", {
        "tokens": api_tokens_of(request.user), "created": created,
        "ttl_days": knox_settings.TOKEN_TTL.days,
    })


@login_required
@require_POST
def api_token_revoke_page(request, prefix):
    if api_token_revoke(user=request.user, prefix=prefix):
        messages.success(request, _("The API token was revoked; programs using it can no longer sign in."))
    else:
        messages.error(request, _("You have no API token starting with these characters."))
    return redirect("api-tokens-page")
