"""V3: a signed-in session ends after 30 minutes idle and 12 hours after the login."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from knox.models import AuthToken
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)
HOME = "/"


def vi(message, count):
    singular, plural = message
    with translation.override("vi"):
        return translation.ngettext(singular, plural, count) % {"count": count}


IDLE_MESSAGE = (
    "Your session ended after %(count)d minute without activity. Please log in again.",
    "Your session ended after %(count)d minutes without activity. Please log in again.",
)
ABSOLUTE_MESSAGE = (
    "Your session ended: a session lasts at most %(count)d hour. Please log in again.",
    "Your session ended: a session lasts at most %(count)d hours. Please log in again.",
)


def logged_in(client, user):
    """Signed in at the current (travelled) time; the first page records the login moment."""
    client.force_login(user)
    assert client.get(HOME if not isinstance(client, APIClient) else "/api/me/").status_code == 200
    return client


def messages_on_login_page(client, response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    page = client.get(response["Location"])
    assert page.status_code == 200
    return [str(m) for m in page.context["messages"]]


def test_the_limits_are_settings():
    assert settings.SESSION_IDLE_TIMEOUT == datetime.timedelta(minutes=30)
    assert settings.SESSION_ABSOLUTE_TIMEOUT == datetime.timedelta(hours=12)
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600


def test_29_minutes_idle_keeps_the_session(client, people):
    with time_machine.travel(START, tick=False) as traveller:
        logged_in(client, people.muong_ang_officer)
        traveller.shift(datetime.timedelta(minutes=29))
        assert client.get(HOME).status_code == 200
        assert SESSION_KEY in client.session


def test_31_minutes_idle_ends_the_session_with_a_message(client, people):
    with time_machine.travel(START, tick=False) as traveller:
        logged_in(client, people.muong_ang_officer)
        assert client.get(HOME).status_code == 200
        traveller.shift(datetime.timedelta(minutes=31))
        response = client.get(reverse("plans:list"))
        assert messages_on_login_page(client, response) == [vi(IDLE_MESSAGE, 30)]
        assert response["Location"] == f"{reverse('login')}?next={reverse('plans:list')}"
        assert SESSION_KEY not in client.session
        # Signed out for good: the next page asks for the login again, without the message.
        again = client.get(HOME)
        assert again.status_code == 302 and again["Location"].startswith(reverse("login"))


def test_activity_every_20_minutes_lasts_12_hours_and_no_longer(client, people):
    with time_machine.travel(START, tick=False) as traveller:
        logged_in(client, people.muong_ang_officer)
        for _ in range(36):  # 36 × 20 min = 12 h: the last one lands exactly on the limit
            traveller.shift(datetime.timedelta(minutes=20))
            assert client.get(HOME).status_code == 200
        traveller.shift(datetime.timedelta(minutes=20))
        response = client.get(HOME)
        assert messages_on_login_page(client, response) == [vi(ABSOLUTE_MESSAGE, 12)]
        assert SESSION_KEY not in client.session


def test_a_new_login_starts_a_new_12_hours(client, people):
    with time_machine.travel(START, tick=False) as traveller:
        logged_in(client, people.muong_ang_officer)
        traveller.shift(datetime.timedelta(hours=11, minutes=50))
        client.post(reverse("logout"))
        logged_in(client, people.muong_ang_officer)
        traveller.shift(datetime.timedelta(minutes=20))
        assert client.get(HOME).status_code == 200


def test_an_ended_form_post_goes_to_the_login_page_without_next(client, people):
    with time_machine.travel(START, tick=False) as traveller:
        logged_in(client, people.muong_ang_officer)
        traveller.shift(datetime.timedelta(minutes=31))
        response = client.post(reverse("notifications:read-all"))
        assert response.status_code == 302 and response["Location"] == reverse("login")


def test_an_ended_session_on_the_api_is_401_not_a_redirect(people):
    client = APIClient()
    with time_machine.travel(START, tick=False) as traveller:
        logged_in(client, people.muong_ang_officer)
        assert client.get("/api/me/").status_code == 200
        traveller.shift(datetime.timedelta(minutes=31))
        response = client.get("/api/me/")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"


def test_a_token_call_never_grows_a_session(people):
    _row, token = AuthToken.objects.create(user=people.muong_ang_officer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get("/api/me/")
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_an_anonymous_visitor_gets_no_session_message(client, people):
    response = client.get(HOME)
    assert messages_on_login_page(client, response) == []


def test_the_session_is_written_at_most_once_a_minute_and_idle_time_still_counts(client, people, settings):
    from django.contrib.sessions.models import Session

    settings.SESSION_TOUCH_EVERY = datetime.timedelta(seconds=60)  # production's, not the tests' 0

    with time_machine.travel(START, tick=False) as traveller:
        logged_in(client, people.muong_ang_officer)
        key = client.session.session_key
        stored = Session.objects.get(pk=key).session_data
        traveller.shift(datetime.timedelta(seconds=30))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(HOME).status_code == 200
        assert not [q for q in captured if "django_session" in q["sql"] and q["sql"].startswith("UPDATE")]
        assert Session.objects.get(pk=key).session_data == stored
        traveller.shift(datetime.timedelta(seconds=40))  # 70 s after the last write
        assert client.get(HOME).status_code == 200
        assert Session.objects.get(pk=key).session_data != stored
        # Idle time is counted from the last write: 31 minutes after it the session has ended.
        traveller.shift(datetime.timedelta(minutes=31))
        assert client.get(HOME).status_code == 302
