import pytest
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(people):
    client = APIClient()
    client.force_authenticate(people.muong_ang_officer)
    return client


def test_me_lists_positions_and_units(api, people):
    data = api.get("/api/me/").json()
    assert data["username"] == "hdma.canbo"
    assert [(p["unit"]["code"], p["role"]) for p in data["positions"]] == [("HDMA", "officer")]
    assert data["positions"][0]["role_display"] == "Cán bộ"


def test_the_api_refuses_anonymous_callers(people):
    assert APIClient().get("/api/me/").status_code in (401, 403)
    assert APIClient().get("/api/units/").status_code in (401, 403)


def test_token_authentication(people):
    _row, token = AuthToken.objects.create(user=people.tuan_giao_officer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/me/").json()["username"] == "hdtg.canbo"


def codes(response):
    assert response.status_code == 200, response.content
    return sorted(u["code"] for u in response.json()["results"])


def test_units_filter_by_parent(api):
    districts = codes(api.get("/api/units/", {"parent": "TDDB"}))
    assert len(districts) == 16 and "HDMA" in districts and "TDDB" not in districts


def test_units_filter_by_level(api):
    assert codes(api.get("/api/units/", {"level": "province"})) == ["TDDB"]


def test_units_filter_by_subtree_includes_the_root(api, people):
    assert codes(api.get("/api/units/", {"subtree": people.tree.muong_ang.pk})) == ["HDMA"]
    assert len(codes(api.get("/api/units/", {"subtree": "TDDB"}))) == 17


def test_units_of_an_unknown_parent_are_none(api):
    assert codes(api.get("/api/units/", {"parent": "KHONGCO"})) == []


def test_units_carry_their_parent_code_in_a_fixed_number_of_queries(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        rows = api.get("/api/units/").json()["results"]
    parents = {u["code"]: u["parent_code"] for u in rows}
    assert parents["HDMA"] == "TDDB" and parents["TDDB"] is None


def test_schema_describes_the_endpoints(api):
    response = api.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/me/" in paths and "/api/units/" in paths


def test_docs_page_uses_local_assets(client, people):
    client.force_login(people.muong_ang_officer)
    body = client.get(reverse("api-docs")).content.decode()
    assert "swagger" in body.lower()
    assert "cdn." not in body and "unpkg" not in body
