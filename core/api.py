"""API error mapping: domain errors become the HTTP answers the issue asks for."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ActionForbidden, TaskMissing, TransitionNotAllowed


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
