"""What every domain API shares: domain errors mapped to HTTP answers, their schema entries,
page-wide permission checks, checked query strings and bodies, and the transition action."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from guardian.core import ObjectPermissionChecker
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ActionForbidden, TaskMissing, TransitionNotAllowed
from .serializers import ConflictSerializer, ErrorSerializer, HistoryEntrySerializer


def exception_handler(exc, context):
    if isinstance(exc, TaskMissing):
        return Response({"detail": _("This step has already been handled. Reload and try again.")},
                        status=status.HTTP_409_CONFLICT)
    if isinstance(exc, TransitionNotAllowed):
        return Response({"detail": str(exc), "state": exc.obj.state}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ActionForbidden):
        return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = ValidationError(detail)
    return drf_exception_handler(exc, context)


# --- Shared by every domain API ---------------------------------------------------------------

TRANSITION_ERRORS = {
    400: OpenApiResponse(description="Missing or invalid fields, by field."),
    403: OpenApiResponse(ErrorSerializer, description="The person may see the object, not take this action."),
    404: OpenApiResponse(ErrorSerializer, description="No such object among those the person may see."),
    409: OpenApiResponse(ConflictSerializer, description="The current state does not allow the action; "
                                                         "nothing changed."),
}
EDIT_ERRORS = {code: TRANSITION_ERRORS[code] for code in (400, 403, 404)}
NOT_FOUND = {404: TRANSITION_ERRORS[404]}
CREATE_ERRORS = {400: EDIT_ERRORS[400], 403: EDIT_ERRORS[403]}


class PagePermissions:
    """The requesting user, with guardian's answers for one page of objects read up front.

    The action selectors ask `user.has_perm(perm, obj)` per row, one query each through the
    user; a checker primed with the page's units (and, say, inspections) answers them all from
    two queries per model. Anything else is the user's own attribute.
    """

    def __init__(self, user, *object_lists):
        self._user = user
        self._checker = ObjectPermissionChecker(user)
        for objects in object_lists:
            distinct = list({obj.pk: obj for obj in objects if obj is not None}.values())
            if distinct:
                self._checker.prefetch_perms(distinct)

    def has_perm(self, perm, obj=None):
        if obj is None:
            return self._user.has_perm(perm)
        return self._checker.has_perm(perm, obj)

    def __getattr__(self, name):
        return getattr(self._user, name)


def checked_query(serializer_class, request):
    """The query string, checked: a bad value is a 400 naming the parameter."""
    checked = serializer_class(data=request.query_params)
    checked.is_valid(raise_exception=True)
    return checked.validated_data


def checked_body(serializer_class, request, **kwargs):
    """The request body, checked: a bad value is a 400 naming the field."""
    checked = serializer_class(data=request.data, **kwargs)
    checked.is_valid(raise_exception=True)
    return checked.validated_data


def history_response(entries, states):
    return Response(HistoryEntrySerializer(entries, many=True, context={"states": dict(states)}).data)


def schema_only(view) -> bool:
    """drf-spectacular builds the schema with a view that has no real user."""
    return getattr(view, "swagger_fake_view", False)


class TransitionActions:
    """A viewset whose POST actions run one service on its object and answer the object again.

    `service_object` is the service's keyword for that object (`plan=`, `inspection=`…); the
    viewset's `_answer(obj)` re-reads it through the visibility selector.
    """

    service_object: str

    def _transition(self, request, service, body_serializer):
        obj = self.get_object()
        service(**{self.service_object: obj}, by=request.user, **checked_body(body_serializer, request))
        return self._answer(obj)

    def _created(self, request, service, body_serializer):
        fields = checked_body(body_serializer, request, context=self.get_serializer_context())
        return self._answer(service(by=request.user, **fields), status.HTTP_201_CREATED)

    def _updated(self, request, service, body_serializer):
        """PATCH: only the fields sent change (the service validates the whole object again)."""
        obj = self.get_object()
        fields = checked_body(body_serializer, request, partial=True, context=self.get_serializer_context())
        return self._answer(service(**{self.service_object: obj}, by=request.user, **fields))


def transition_action(name: str, service, body_serializer, answer_serializer, doc: str):
    """One POST action of a TransitionActions viewset, `…/<pk>/<name>/`, with its schema.

    `service` is the domain service the UI calls too (`services.plan_submit`); `doc` is the
    operation's description in the schema.
    """

    def act(self, request, pk=None):
        return self._transition(request, service, body_serializer)

    act.__name__ = f"{name}_" if name == "return" else name  # `return` is a keyword
    act.__doc__ = doc
    decorated = action(detail=True, methods=["post"], url_path=name, url_name=name)(act)
    return extend_schema(request=body_serializer, responses={200: answer_serializer, **TRANSITION_ERRORS})(decorated)
