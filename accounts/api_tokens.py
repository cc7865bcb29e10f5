"""API tokens a person creates and revokes: django-rest-knox's expiring tokens behind our endpoints.

Knox keeps only a digest of each token, so the token itself is shown once, in the answer that
creates it; afterwards a token is named by its first characters (knox's `token_key`), which is
what the list shows and the revoke address takes. Tokens expire after REST_KNOX["TOKEN_TTL"]
and use never extends them (AUTO_REFRESH off), so a token that leaks stops working by itself.

A token is created only from a signed-in session (the browser or the API with the session
cookie), never with another token: otherwise one stolen token could mint fresh ones forever.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.models import AuthToken
from knox.settings import knox_settings
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from core.serializers import ErrorSerializer


class TokenLimitReached(Exception):
    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(ngettext(
            "You already have %(count)d active API token. Revoke one before creating another.",
            "You already have %(count)d active API tokens. Revoke one before creating another.",
            limit,
        ) % {"count": limit})


# --- reads and writes ---------------------------------------------------------------------------

def api_tokens_of(user):
    """The person's tokens that still work, newest first (expired ones are dead rows knox removes)."""
    return AuthToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created")


def api_token_create(*, user) -> tuple[AuthToken, str]:
    """A new token for `user`: the row and the token text, which is never readable again."""
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    with transaction.atomic():
        # The person's row is locked so that two requests at once cannot both pass the limit.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if limit is not None and api_tokens_of(user).count() >= limit:
            raise TokenLimitReached(limit)
        return AuthToken.objects.create(user=user, expiry=knox_settings.TOKEN_TTL)


def api_token_revoke(*, user, prefix: str) -> bool:
    """Deletes the person's token that starts with `prefix`; False if they have none such.

    Filtered by the owner, so another person's prefix finds nothing, exactly like a wrong one.
    """
    deleted, _by_model = AuthToken.objects.filter(user=user, token_key=prefix).delete()
    return bool(deleted)


# --- API ------------------------------------------------------------------------------------------

class ApiTokenSerializer(serializers.Serializer):
    prefix = serializers.CharField(source="token_key", help_text="The token's first characters, its name.")
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(help_text="After this moment the token no longer works.")


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`. Shown only this once.")


def _refuse_token_callers(request):
    if isinstance(request.auth, AuthToken):
        raise PermissionDenied(_("API tokens are created from a signed-in session, not with another token."))


class ApiTokenListView(APIView):
    @extend_schema(responses=ApiTokenSerializer(many=True), summary="The caller's API tokens that still work")
    def get(self, request):
        return Response(ApiTokenSerializer(api_tokens_of(request.user), many=True).data)

    @extend_schema(
        request=None,
        responses={
            201: ApiTokenCreatedSerializer,
            403: OpenApiResponse(ErrorSerializer, description="Called with a token instead of a session."),
            409: OpenApiResponse(ErrorSerializer, description="The caller already has the most tokens allowed."),
        },
        summary="Create an API token (from a signed-in session)",
        auth=[{"cookieAuth": []}],
    )
    def post(self, request):
        _refuse_token_callers(request)
        try:
            row, token = api_token_create(user=request.user)
        except TokenLimitReached as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        data = ApiTokenCreatedSerializer({"token_key": row.token_key, "created": row.created,
                                          "expiry": row.expiry, "token": token}).data
        return Response(data, status=status.HTTP_201_CREATED)


class ApiTokenDetailView(APIView):
    @extend_schema(
        request=None,
        responses={204: None, 404: OpenApiResponse(ErrorSerializer, description="The caller has no such token.")},
        summary="Revoke one of the caller's API tokens",
    )
    def delete(self, request, prefix):
        if not api_token_revoke(user=request.user, prefix=prefix):
            raise NotFound(_("You have no API token starting with these characters."))
        return Response(status=status.HTTP_204_NO_CONTENT)
