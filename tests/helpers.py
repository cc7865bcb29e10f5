"""Small generic helpers shared by the tests of several apps. Fixtures live in conftest.py;
the domain's ready-made objects in <app>/helpers.py (plans, inspections, plans/indicators)."""

import datetime
import zoneinfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args) -> datetime.datetime:
    """A moment in Vietnam's time: `at(2025, 3, 31, 17)`."""
    return datetime.datetime(*args, tzinfo=VN)


def reload(obj):
    """The row as the database holds it now."""
    return type(obj).objects.get(pk=obj.pk)


def state_of(obj):
    return type(obj).objects.get(pk=obj.pk).state


def vi(msgid, **values) -> str:
    """A message as the Vietnamese catalogue renders it, with its placeholders filled."""
    with translation.override("vi"):
        return str(msgid) % values


# --- API ---------------------------------------------------------------------------------------

def ok(response, status=200):
    """The JSON body of an answer that has the expected status."""
    assert response.status_code == status, response.content.decode()
    return response.json()


def queries_for(client, url):
    """How many SQL queries a successful GET of `url` takes."""
    with CaptureQueriesContext(connection) as queries:
        ok(client.get(url))
    return len(queries)


# --- screens -----------------------------------------------------------------------------------

def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def messages_of(response) -> list[tuple[str, str]]:
    """The flashed messages as (level tag, text)."""
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def message_levels(response) -> list[str]:
    """The level tags of the flashed messages only: ["success"], ["error"]."""
    return [m.level_tag for m in response.context["messages"]]


def act(client, user, name, obj, action, **data):
    """`user` posts the transition `action` of `obj` on the URL `name`, following the redirect."""
    client.force_login(user)
    return client.post(reverse(name, args=[obj.pk, action]), data, follow=True)
