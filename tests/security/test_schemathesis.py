"""Property-based fuzzing of the whole API against its own OpenAPI schema (schemathesis), signed in
as two roles on two levels of the tree: the province's officer and Mường Ảng's officer.

Bounded for CI: a fixed number of examples per operation, derandomized so a run is repeatable
(a failure seen once is seen again), no Hypothesis database on disk. Half of the generated path
ids are swapped for the id of a real object of the world (tests/security/conftest.py), so the
bodies and query strings reach the serializers and rules instead of stopping at a 404.
"""

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

pytestmark = pytest.mark.django_db

# Generated in-process: no login is needed for the schema, and it is the schema the server serves.
SCHEMA = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
_HANDLER = WSGIHandler()


def APP(environ, start_response):
    """Django's WSGI handler, without closing the database connection at the end of each request:
    the test's transaction (and the world in it) lives on that connection. Django's test client
    does the same; on SQLite's in-memory database the close is a no-op, on PostgreSQL it is not."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = _HANDLER(environ, start_response)
        try:
            return [b"".join(response)]
        finally:
            response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
CSRF = "schemathesisschemathesisschemat1"  # 32 characters, sent as cookie and header: SessionAuthentication checks CSRF
EXAMPLES = 12
#: No 5xx, and every answer as the schema describes it (status code in its list, body of its shape).
CHECKS = [not_a_server_error, response_schema_conformance]

#: First path segment after /api/ → the world's object whose id a path parameter may take.
RESOURCES = {
    "plans": "plan", "assignments": "assignment", "reports": "report", "conclusions": "conclusion",
    "inspection-programmes": "programme", "inspections": "inspection", "inspection-targets": "target",
    "findings": "finding", "remediations": "remediation",
}


@pytest.fixture(params=["province_officer", "muong_ang_officer"])
def signed_in(request, world):
    """Headers and cookies of a real session (made in this test's transaction) for one of the two roles."""
    client = Client()
    client.force_login(getattr(world.people, request.param))
    return {
        "cookies": {django_settings.SESSION_COOKIE_NAME: client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                    django_settings.CSRF_COOKIE_NAME: CSRF},
        # GZipMiddleware would compress for a client that accepts it; the checks read the body as text.
        "headers": {"X-CSRFToken": CSRF, "Accept-Encoding": "identity"},
    }


def _real_ids(case, world):
    """Swap an even generated id for a real one: the fuzzed body then meets a real object."""
    params = case.path_parameters or {}
    segment = case.path.removeprefix("/api/").split("/", 1)[0]
    for name, value in list(params.items()):
        if not isinstance(value, int) or value % 2:
            continue
        if name in ("id", "pk") and segment in RESOURCES:
            params[name] = getattr(world, RESOURCES[segment]).pk
        elif name == "indicator_id":
            params[name] = world.indicator.pk
        elif name == "pk" and segment == "units":
            params[name] = world.tree.muong_ang.pk
    if "prefix" in params and len(str(params["prefix"])) % 2 == 0:
        params["prefix"] = world.token.token_key


@SCHEMA.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_the_api_never_answers_5xx(case, world, signed_in):
    _real_ids(case, world)
    case.call_and_validate(app=APP, checks=CHECKS, **signed_in)
