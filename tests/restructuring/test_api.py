"""The organisation's changes over the API: read by every signed-in person, filtered by unit;
previewed and applied by administrators only, once, with every refusal a 400 that names its field."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Unit
from restructuring import services
from restructuring.models import UnitChange
from tests.factories import UserFactory
from tests.helpers import ok
from tests.plans.helpers import assignment_of, issued_plan

from .helpers import snapshot, work_of

TODAY = timezone.localdate
LIST = "/api/unit-changes/"
PREVIEW = "/api/unit-changes/preview/"


@pytest.fixture
def admin_user(db):
    return UserFactory(username="quantri", full_name="Quản trị hệ thống", is_staff=True)


def dissolve_body(**extra):
    return {"kind": "dissolve", "old_codes": ["HDMA"], "effective_on": TODAY().isoformat(),
            "decision": "15-QĐ/TĐTN", **extra}


# --- reading ------------------------------------------------------------------------------------------


def test_every_signed_in_person_lists_the_changes_and_filters_them_by_unit(as_, staff):
    t = staff.tree
    dissolved = services.dissolve(t.muong_ang, effective_on=TODAY(), decision="15-QĐ/TĐTN").apply(
        by=staff.province_leader)
    old_name = t.tuan_giao.name
    renamed = services.rename(t.tuan_giao, name="Đoàn Tuần Giáo", effective_on=TODAY()).apply(by=staff.province_leader)
    client = as_(staff.tuan_giao_officer)

    everything = ok(client.get(LIST))
    assert everything["count"] == 2 and [c["id"] for c in everything["results"]] == [dissolved.pk, renamed.pk]

    mine = ok(client.get(LIST, {"unit": t.muong_ang.pk}))
    assert mine["count"] == 1
    row = mine["results"][0]
    assert row["kind"] == "dissolve" and row["effective_on"] == TODAY().isoformat()
    assert row["decision"] == "15-QĐ/TĐTN" and row["by"] == "Lò Văn Thắng"
    assert row["predecessors"] == [{"id": t.muong_ang.pk, "code": "HDMA", "name": t.muong_ang.name}]
    assert row["successors"] == [{"id": t.province.pk, "code": "TDDB", "name": t.province.name}]
    assert row["details"]["before"][0]["name"] == t.muong_ang.name
    assert set(row["details"]["carried"]) >= {"assignments", "tasks"}
    # The province was the successor of the dissolve: it is found as successor too.
    assert [c["id"] for c in ok(client.get(LIST, {"unit": t.province.pk}))["results"]] == [dissolved.pk]

    detail = ok(client.get(f"{LIST}{renamed.pk}/"))
    assert detail["details"]["before"][0]["name"] == old_name and detail["details"]["after"][0]["name"] == \
        "Đoàn Tuần Giáo"
    assert ok(client.get(LIST, {"unit": 10**9}))["count"] == 0


def test_a_bad_filter_or_id_is_refused(as_, staff):
    client = as_(staff.tuan_giao_officer)
    response = client.get(LIST, {"unit": "abc"})
    assert response.status_code == 400 and "unit" in response.json()
    assert client.get(f"{LIST}999999/").status_code == 404


def test_reading_needs_a_sign_in(db):
    assert APIClient().get(LIST).status_code == 401


# --- preview and apply ---------------------------------------------------------------------------------


def test_the_preview_counts_and_lists_what_would_move_and_changes_nothing(as_, staff, admin_user):
    t = staff.tree
    plan = issued_plan(staff, recipients=[t.muong_ang])
    before = snapshot()
    data = ok(as_(admin_user).post(PREVIEW, dissolve_body(), format="json"))
    assert snapshot() == before
    assert data["applied"] is None
    assert data["assignments"] + data["assignments_carried"] == [assignment_of(plan, t.muong_ang).pk]
    assert data["counts"]["assignments_carried"] == 1 and data["counts"]["tasks"] == 1
    assert data["counts"]["positions_ending"] == 2
    assert set(data["people"]) == {staff.muong_ang_officer.pk, staff.muong_ang_secretary.pk}
    assert data["recipient_plans"] == []  # an issued plan keeps its recipients; its work moves


def test_apply_once_then_the_same_request_answers_the_same_change(as_, staff, admin_user):
    t = staff.tree
    plan = issued_plan(staff, recipients=[t.muong_ang])
    client = as_(admin_user)
    first = ok(client.post(LIST, dissolve_body(), format="json"), 201)
    change = UnitChange.objects.get()
    assert first["id"] == change.pk and first["kind"] == "dissolve" and change.by == admin_user
    assert first["successors"][0]["code"] == "TDDB"
    assert work_of(plan, t.province) and not Unit.objects.get(pk=t.muong_ang.pk).is_active
    after = snapshot()
    again = ok(client.post(LIST, dissolve_body(), format="json"), 200)
    assert again["id"] == first["id"] and snapshot() == after
    preview = ok(client.post(PREVIEW, dissolve_body(), format="json"))
    assert preview["applied"] == first["id"] and preview["assignments"] == []


def test_a_merge_into_a_new_unit_and_a_split_with_overrides(as_, staff, admin_user):
    t = staff.tree
    client = as_(admin_user)
    merged = ok(client.post(LIST, {
        "kind": "merge", "old_codes": ["HDMA", "HDTG"], "effective_on": TODAY().isoformat(), "move_people": True,
        "new_units": [{"code": "HDMATG", "name": "Huyện đoàn Mường Ảng - Tuần Giáo", "level_code": "district",
                       "parent_code": "TDDB"}]}, format="json"), 201)
    union = Unit.objects.get(code="HDMATG")
    assert merged["successors"] == [{"id": union.pk, "code": "HDMATG", "name": "Huyện đoàn Mường Ảng - Tuần Giáo"}]
    assert Unit.objects.get_parent(union) == t.province

    first = issued_plan(staff, recipients=[union], subject="Kế hoạch một")
    second = issued_plan(staff, recipients=[union], subject="Kế hoạch hai")
    moved = assignment_of(second, union)
    ok(client.post(LIST, {
        "kind": "split", "old_codes": ["HDMATG"], "effective_on": TODAY().isoformat(), "new_codes": ["HDMC"],
        "new_units": [{"code": "HDTG2", "name": "Huyện đoàn Tuần Giáo (mới)"}],
        "overrides": [{"object": "assignment", "id": moved.pk, "successor": 1}]}, format="json"), 201)
    assert assignment_of(first, Unit.objects.get(code="HDMC"))
    moved.refresh_from_db()
    assert moved.unit.code == "HDTG2" and moved.unit.level == union.level  # the level of the unit split


def test_work_is_never_handed_to_a_unit_that_has_ended(as_, staff, admin_user):
    services.dissolve(staff.tree.muong_ang, effective_on=TODAY()).apply(by=staff.province_leader)
    before = snapshot()
    response = as_(admin_user).post(LIST, {"kind": "merge", "old_codes": ["HDTG", "HDMC"], "new_codes": ["HDMA"],
                                           "effective_on": TODAY().isoformat()}, format="json")
    assert response.status_code == 400 and "non_field_errors" in response.json()
    assert snapshot() == before


@pytest.mark.parametrize("url", [LIST, PREVIEW])
def test_only_administrators_preview_and_apply(as_, staff, url):
    before = snapshot()
    for person in (staff.province_leader, staff.muong_ang_secretary):
        response = as_(person).post(url, dissolve_body(), format="json")
        assert response.status_code == 403, person
    assert APIClient().post(url, dissolve_body(), format="json").status_code == 401
    assert snapshot() == before


@pytest.mark.parametrize("body, field", [
    ({"kind": None}, "kind"),
    ({"kind": "annex"}, "kind"),
    ({"old_codes": []}, "old_codes"),
    ({"old_codes": ["KHONGCO"]}, "old_codes"),
    ({"old_codes": ["HDMA", "HDTG"]}, "old_codes"),
    ({"effective_on": "31/02/2025"}, "effective_on"),
    ({"new_codes": ["KHONGCO"]}, "new_codes"),
    ({"kind": "merge", "old_codes": ["HDMA", "HDTG"]}, "new_codes"),
    ({"kind": "merge", "old_codes": ["HDMA", "HDTG"], "new_units": [{"code": "X", "name": "Y", "level_code": "nope"}]},
     "new_units"),
    ({"kind": "merge", "old_codes": ["HDMA", "HDTG"], "new_units": [{"code": "X", "name": "Y", "parent_code": "NO"}]},
     "new_units"),
    ({"kind": "move", "new_parent_code": "KHONGCO"}, "new_parent_code"),
    ({"kind": "rename", "new_name": " "}, "new_name"),
    ({"overrides": [{"object": "assignment", "id": 1, "successor": 0}]}, "overrides"),
    ({"kind": "split", "new_units": [{"code": "A", "name": "Một"}, {"code": "B", "name": "Hai"}],
      "overrides": [{"object": "assignment", "id": 1, "successor": 2}]}, "overrides"),
    ({"kind": "split", "move_people": True, "new_units": [{"code": "A", "name": "Một"}, {"code": "B", "name": "Hai"}]},
     "move_people"),
    ({"effective_on": "1800-01-01"}, "effective_on"),
    ({"new_codes": ["HDMA"]}, "new_codes"),
    ({"kind": "merge", "old_codes": ["HDMA", "HDTG"], "new_units": [{"code": "X" * 41, "name": "Y"}]}, "new_units"),
    ({"effective_on": (TODAY() + datetime.timedelta(days=1)).isoformat()}, "non_field_errors"),
    ({"kind": "move", "old_codes": ["TDDB"], "new_parent_code": "HDMA"}, "non_field_errors"),
])
@pytest.mark.parametrize("url", [LIST, PREVIEW])
def test_bad_input_is_a_400_naming_the_field_and_nothing_changes(as_, staff, admin_user, url, body, field):
    before = snapshot()
    fields = {key: value for key, value in dissolve_body(**body).items() if value is not None}
    response = as_(admin_user).post(url, fields, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert snapshot() == before


def test_the_units_api_shows_predecessors_and_successors_in_constant_queries(staff, as_):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    t = staff.tree
    api = as_(staff.province_officer)

    def units_page():
        with CaptureQueriesContext(connection) as queries:
            answer = api.get("/api/units/", {"page_size": 50})
        assert answer.status_code == 200
        return answer.json()["results"], len(queries)

    services.merge([t.muong_ang, t.tuan_giao], into=t.tuan_giao, effective_on=TODAY(), decision="5").apply(
        by=staff.province_leader)
    _, before = units_page()
    third = next(d for d in t.districts if d.pk not in (t.muong_ang.pk, t.tuan_giao.pk))
    services.dissolve(third, effective_on=TODAY(), decision="6").apply(by=staff.province_leader)
    rows, after = units_page()
    assert after == before
    by_code = {row["code"]: row for row in rows}
    assert [u["code"] for u in by_code["HDTG"]["predecessors"]] == ["HDMA"]
    assert [u["code"] for u in by_code["HDMA"]["successors"]] == ["HDTG"]
    assert [u["code"] for u in by_code[third.code]["successors"]] == ["TDDB"]
    assert by_code["TDDB"]["predecessors"] == [{"id": third.pk, "code": third.code, "name": third.name}]
    detail = api.get(f"/api/units/{t.muong_ang.pk}/").json()
    assert detail["successors"][0]["code"] == "HDTG" and detail["parent_code"] == "TDDB"
