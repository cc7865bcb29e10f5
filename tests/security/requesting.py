"""One request of the matrix: the person signed in, the route's URL for the subject, the answer's outcome."""

import json

from django.apps import apps
from django.test import Client
from django.urls import reverse

from .subjects import ROLE_PEOPLE, url_kwargs

#: A minimal body for every POST, PUT and PATCH: it passes the forms' "required" checks (a comment, a reason, a
#: report's text), so a refusal seen is the permission rule's, not a form's.
MINIMAL_BODY = {"comment": "Ý kiến kiểm thử", "reason": "Lý do kiểm thử", "text": "Nội dung kiểm thử"}

#: The apps whose rows a refused request must leave as they were (ours, and viewflow's processes/tasks).
WATCHED_APPS = ("accounts", "core", "plans", "inspections", "notifications", "workflows", "deadlines",
                "obligations", "emulation", "viewflow", "knox", "otp_totp", "otp_static", "guardian")


def outcome(response):
    """The status code, or "login" for a redirect to the login page."""
    if response.status_code in (301, 302, 303):
        return "login" if response["Location"].startswith(reverse("login")) else 302
    return response.status_code


def client_as(world, role) -> Client:
    """A client signed in as the role's person (logging in writes `last_login`: do it before a snapshot)."""
    client = Client()
    attr = ROLE_PEOPLE[role]
    if attr:
        client.force_login(getattr(world.people, attr))
    return client


def request(world, client, route, entry):
    url = reverse(route.name, kwargs=url_kwargs(world, route, entry.subject, entry.action))
    if entry.query:
        url += "?" + entry.query.format(province=world.tree.province.pk, muong_ang=world.tree.muong_ang.pk)
    method = entry.method.lower()
    if method == "post":
        return client.post(url, MINIMAL_BODY)
    if method in ("put", "patch"):
        # The same minimal body as JSON: the test client sends PUT/PATCH bodies as given.
        return getattr(client, method)(url, json.dumps(MINIMAL_BODY), content_type="application/json")
    return getattr(client, method)(url)


def snapshot():
    """Every row of the watched apps: small in the matrix's world, and exact (an UPDATE shows too)."""
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label in WATCHED_APPS and not model._meta.proxy:
            rows[model._meta.label] = list(model.objects.order_by("pk").values_list())
    return rows
