"""V3 and V7: API tokens expire, are created and revoked by their owner, and a bad one is a 401."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation
from knox.models import AuthToken
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def vi(msgid):
    # The catalogue's Vietnamese for our msgid (the English text until the translation is added).
    with translation.override("vi"):
        return translation.gettext(msgid)


@pytest.fixture
def session(people):
    """Mường Ảng's officer signed in with the session cookie, as the browser is."""
    client = APIClient()
    client.force_login(people.muong_ang_officer)
    return client


def with_token(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_signed_in_officer_creates_a_token_shown_once_with_its_expiry(session, people):
    response = session.post("/api/tokens/")
    assert response.status_code == 201, response.content
    data = response.json()
    row = AuthToken.objects.get(user=people.muong_ang_officer)
    assert data["prefix"] == row.token_key and data["token"].startswith(row.token_key)
    expiry = datetime.datetime.fromisoformat(data["expiry"])
    assert expiry - timezone.now() > datetime.timedelta(days=29)
    assert expiry - timezone.now() <= datetime.timedelta(days=30)
    # Only a digest is stored: the list never shows the token again.
    listed = session.get("/api/tokens/").json()
    assert listed == [{"prefix": row.token_key, "created": listed[0]["created"], "expiry": data["expiry"]}]
    assert with_token(data["token"]).get("/api/me/").json()["username"] == "hdma.canbo"


def test_a_token_stops_working_after_its_lifetime_and_use_does_not_extend_it(session):
    token = session.post("/api/tokens/").json()["token"]
    with time_machine.travel(timezone.now() + datetime.timedelta(days=29), tick=False):
        assert with_token(token).get("/api/me/").status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=30, minutes=1), tick=False):
        response = with_token(token).get("/api/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_cannot_create_another_token(session):
    token = session.post("/api/tokens/").json()["token"]
    response = with_token(token).post("/api/tokens/")
    assert response.status_code == 403
    assert response.json()["detail"] == vi("API tokens are created from a signed-in session, not with another token.")
    assert AuthToken.objects.count() == 1


def test_the_number_of_tokens_per_person_is_limited(session, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_LIMIT_PER_USER": 2}
    assert session.post("/api/tokens/").status_code == 201
    assert session.post("/api/tokens/").status_code == 201
    response = session.post("/api/tokens/")
    assert response.status_code == 409
    assert "2" in response.json()["detail"] and AuthToken.objects.count() == 2


def test_the_owner_revokes_a_token_and_it_no_longer_works(session):
    created = session.post("/api/tokens/").json()
    other = session.post("/api/tokens/").json()
    assert session.delete(f"/api/tokens/{created['prefix']}/").status_code == 204
    assert with_token(created["token"]).get("/api/me/").status_code == 401
    assert [t["prefix"] for t in session.get("/api/tokens/").json()] == [other["prefix"]]


def test_a_token_revokes_itself(session):
    created = session.post("/api/tokens/").json()
    client = with_token(created["token"])
    assert client.delete(f"/api/tokens/{created['prefix']}/").status_code == 204
    assert client.get("/api/me/").status_code == 401


def test_another_units_officer_cannot_see_or_revoke_the_token(session, people):
    created = session.post("/api/tokens/").json()
    outsider = APIClient()
    outsider.force_login(people.tuan_giao_officer)
    assert outsider.get("/api/tokens/").json() == []
    response = outsider.delete(f"/api/tokens/{created['prefix']}/")
    assert response.status_code == 404
    assert AuthToken.objects.filter(token_key=created["prefix"]).exists()


def test_an_unknown_prefix_is_404_in_vietnamese(session):
    response = session.delete("/api/tokens/khongco/")
    assert response.status_code == 404
    assert response.json()["detail"] == vi("You have no API token starting with these characters.")


@pytest.mark.parametrize("header", ["Token khong-phai-token", "Token ", "Token a b"])
def test_a_bad_token_is_401_with_www_authenticate(people, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_an_anonymous_caller_is_told_how_to_authenticate(people):
    response = APIClient().get("/api/units/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_anonymous_callers_cannot_manage_tokens(people):
    assert APIClient().get("/api/tokens/").status_code == 401
    assert APIClient().post("/api/tokens/").status_code == 401
    assert AuthToken.objects.count() == 0


def test_the_schema_is_for_signed_in_people_only(session, people):
    anonymous = APIClient().get(reverse("api-schema"), {"format": "json"})
    assert anonymous.status_code == 401
    paths = session.get(reverse("api-schema"), {"format": "json"}).json()["paths"]
    assert {"/api/tokens/", "/api/tokens/{prefix}/"} <= set(paths)
    assert paths["/api/tokens/"]["post"]["security"] == [{"cookieAuth": []}]


def test_the_api_docs_send_anonymous_visitors_to_the_login_page(client, people):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# -- the account page ------------------------------------------------------------------------------

def test_the_account_page_creates_a_token_and_shows_it_once(client, people):
    client.force_login(people.muong_ang_officer)
    page = client.post(reverse("api-tokens-page"))
    assert page.status_code == 200
    row = AuthToken.objects.get(user=people.muong_ang_officer)
    token = re.search(r"<code>([^<]+)</code>", page.content.decode()).group(1)
    assert token.startswith(row.token_key)
    assert with_token(token).get("/api/me/").status_code == 200
    again = client.get(reverse("api-tokens-page")).content.decode()
    assert f'data-token="{row.token_key}"' in again and token not in again


def test_the_account_page_revokes_only_the_owners_token(client, people):
    _row, token = AuthToken.objects.create(user=people.muong_ang_officer)
    client.force_login(people.tuan_giao_officer)
    response = client.post(reverse("api-token-revoke-page", args=[token[:15]]), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        vi("You have no API token starting with these characters.")]
    assert with_token(token).get("/api/me/").status_code == 200
    client.force_login(people.muong_ang_officer)
    client.post(reverse("api-token-revoke-page", args=[token[:15]]))
    assert with_token(token).get("/api/me/").status_code == 401


def test_the_account_page_is_for_signed_in_people(client, people):
    response = client.post(reverse("api-tokens-page"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert AuthToken.objects.count() == 0
