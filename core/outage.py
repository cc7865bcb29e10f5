"""The database went away in the middle of a request: say so in words, not a stack trace.

A dropped connection (the server restarted, a failover, the network) fails the request's
transaction, which PostgreSQL then rolls back whole, so nothing of it was saved. The person is
told exactly that and asked to send again; the API answers 503 with the same words. Only
connection failures are caught here (OperationalError, InterfaceError): an IntegrityError or a
ProgrammingError is a bug and stays a 500.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def outage_message() -> str:
    return _("The connection to the database was lost while your request was being processed. Nothing of it "
             "has been saved. Go back and send it again in a moment.")


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database connection lost during %s %s", request.method, request.path, exc_info=exception)
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": outage_message()}, status=503)
        else:
            # Rendered without the request: no context processor may query the database that is gone.
            response = HttpResponse(render_to_string("503.html", {"message": outage_message()}), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
