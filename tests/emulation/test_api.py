"""The emulation over REST: the same steps and rules as the screens, bad input refused with
nothing saved, other units' sheets not found, and lists whose queries do not grow."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from emulation.models import Emulation, Score, ScoreSheet, SheetState

from .helpers import clusters, judged, opened, pdf, scoring_table

pytestmark = pytest.mark.django_db


def test_a_sheet_walks_every_step_through_the_api(staff, as_):
    emulation = opened(staff)
    sheet = emulation.sheets.get(unit=staff.tree.tuan_giao)
    criterion = judged(sheet).criterion_id
    unit = as_(staff.tuan_giao_officer)
    base = f"/api/score-sheets/{sheet.pk}"
    answer = unit.post(f"{base}/assess/", {"entries": [{"criterion": criterion, "points": "4", "note": "Có"}]},
                       format="json")
    assert answer.status_code == 200
    assert unit.post(f"{base}/submit/").status_code == 400  # no evidence yet: nothing sent
    assert unit.post(f"{base}/evidence/", {"criterion": criterion, "files": [pdf()]}, format="multipart").status_code \
        == 200
    assert unit.post(f"{base}/submit/").json()["state"] == SheetState.SUBMITTED

    head = as_(staff.muong_ang_officer)
    refused = head.post(f"{base}/verify/", {"entries": [{"criterion": criterion, "points": "3"}]}, format="json")
    assert refused.status_code == 400 and f"comment_{criterion}" in refused.json()
    verified = head.post(f"{base}/verify/", {"entries": [{"criterion": criterion, "points": "3",
                                                          "comment": "Thiếu minh chứng."}]}, format="json")
    scores = {s["criterion"]: s for s in verified.json()["scores"]}
    assert scores[criterion]["verified_points"] == "3.00" and scores[criterion]["adjusted"] is True
    assert as_(staff.province_leader).post(f"{base}/approve/").json()["state"] == SheetState.APPROVED

    standings = as_(staff.province_officer).get(f"/api/emulations/{emulation.pk}/standings/").json()
    cluster = next(c for c in standings["clusters"] if any(p["unit"]["code"] == "HDTG" for p in c["places"]))
    place = next(p for p in cluster["places"] if p["unit"]["code"] == "HDTG")
    expected = sum(s.final_points for s in Score.objects.filter(sheet=sheet))
    assert Decimal(place["final_total"]) == expected and place["provisional"] is False


def test_bad_points_and_unknown_criteria_are_refused_and_nothing_is_saved(staff, as_):
    emulation = opened(staff)
    sheet = emulation.sheets.get(unit=staff.tree.tuan_giao)
    criterion = judged(sheet).criterion_id
    unit = as_(staff.tuan_giao_officer)
    for entries in ([{"criterion": criterion, "points": "mười"}], [{"criterion": criterion, "points": "99"}],
                    [{"criterion": 987654, "points": "1"}], [{"points": "1"}], "x"):
        answer = unit.post(f"/api/score-sheets/{sheet.pk}/assess/", {"entries": entries}, format="json")
        assert answer.status_code == 400, entries
    assert judged(sheet).self_points is None


def test_another_units_sheet_is_not_found_and_its_steps_are_refused(staff, as_):
    emulation = opened(staff)
    other = emulation.sheets.exclude(cluster__head=staff.tree.muong_ang).first()
    outsider = as_(staff.tuan_giao_officer)
    assert outsider.get(f"/api/score-sheets/{other.pk}/").status_code == 404
    assert outsider.post(f"/api/score-sheets/{other.pk}/submit/").status_code == 404
    own = emulation.sheets.get(unit=staff.tree.tuan_giao)
    assert outsider.post(f"/api/score-sheets/{own.pk}/approve/").status_code == 403
    listed = {row["id"] for row in outsider.get("/api/score-sheets/").json()["results"]}
    assert listed == {own.pk}


def test_an_emulation_is_opened_through_the_api_for_a_visible_table_only(staff, as_):
    table = scoring_table(staff)
    clusters(staff, table)
    now = timezone.now()
    body = {"table": table.pk, "subject": "Thi đua năm", "self_assessment_due": now + datetime.timedelta(days=3),
            "verification_due": now + datetime.timedelta(days=6)}
    assert as_(staff.tuan_giao_officer).post("/api/emulations/", body, format="json").status_code == 404
    assert as_(staff.province_officer).post("/api/emulations/", {**body, "verification_due": now},
                                            format="json").status_code == 400
    assert not Emulation.objects.exists()
    created = as_(staff.province_officer).post("/api/emulations/", body, format="json")
    assert created.status_code == 201 and ScoreSheet.objects.filter(emulation_id=created.json()["id"]).count() == 5


def test_the_sheet_list_and_the_standings_cost_the_same_queries_for_more_units(staff, as_, client):
    from emulation.models import ClusterMember, Criterion

    emulation = opened(staff)
    officer = as_(staff.province_officer)
    client.force_login(staff.province_officer)

    def cost(get, url):
        with CaptureQueriesContext(connection) as queries:
            assert get(url).status_code == 200
        return len(queries)

    def costs():
        return (cost(officer.get, "/api/score-sheets/"),
                cost(officer.get, f"/api/emulations/{emulation.pk}/standings/"),
                cost(client.get, f"/thi-dua/{emulation.pk}/"))

    few = costs()
    # Five more units in the second cluster, their sheets made as the opening makes them.
    taken = set(ClusterMember.objects.values_list("unit_id", flat=True))
    second = emulation.sheets.exclude(cluster__head=staff.tree.muong_ang).first().cluster
    criteria = list(Criterion.objects.filter(group__table=emulation.table))
    for unit in [d for d in staff.tree.districts if d.pk not in taken][:5]:
        ClusterMember.objects.create(cluster=second, unit=unit)
        sheet = ScoreSheet.objects.create(emulation=emulation, unit=unit, cluster=second)
        Score.objects.bulk_create([Score(sheet=sheet, criterion=c, self_points=Decimal(1)) for c in criteria])
    assert emulation.sheets.count() == 10 and costs() == few
