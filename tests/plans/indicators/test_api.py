"""Indicators over the API: the editor of a draft, a unit's figures, the issuer's results and
downloads. Same rules as the screens: another unit's object is a 404, a forbidden action a 403,
bad figures a 400 with the service's messages and nothing changed."""

import io
import math

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.services import position_create
from plans import services
from plans.indicators import services as indicators
from plans.indicators.summary import plan_indicator_summary
from plans.models import Indicator, IndicatorValue
from tests.factories import UserFactory
from tests.plans.helpers import draft_plan, issued_plan
from tests.plans.indicators.helpers import add_four, add_indicator, put, report_some

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()
    return response.json() if response.content and "json" in response["Content-Type"] else None


NEW = {"code": "7a", "name": "Cây xanh được trồng mới", "kind": "count", "unit_of_measure": "cây",
       "target": "204800", "aggregate": "sum"}


# --- The editor -------------------------------------------------------------------------------

def test_indicators_are_added_changed_and_deleted_on_a_draft(as_, people):
    plan = draft_plan(people)
    drafter = as_(people.province_officer)
    url = f"/api/plans/{plan.pk}/indicators/"

    created = ok(drafter.post(url, NEW, format="json"), 201)
    assert (created["code"], created["target"], created["comparison"]) == ("7a", 204800, "at_least")
    assert created["position"] == 1
    second = ok(drafter.post(url, {**NEW, "code": "1b", "kind": "percent", "aggregate": "ratio_of_sums",
                                   "target": 80}, format="json"), 201)
    assert second["needs_fraction"] is True and second["position"] == 2
    assert [row["code"] for row in ok(drafter.get(url))] == ["7a", "1b"]

    changed = ok(drafter.patch(f"{url}{created['id']}/", {"target": "250000", "comparison": "at_most"}, format="json"))
    assert (changed["target"], changed["comparison"], changed["name"]) == (250000, "at_most", NEW["name"])
    ok(drafter.put(f"{url}{created['id']}/", {**NEW, "name": "Cây xanh"}, format="json"))
    assert Indicator.objects.get(pk=created["id"]).name == "Cây xanh"

    ok(drafter.delete(f"{url}{second['id']}/"), 204)
    assert list(Indicator.objects.values_list("code", flat=True)) == ["7a"]


def test_a_bad_indicator_is_a_400_with_the_reason(as_, people):
    plan = draft_plan(people)
    add_indicator(plan, "7a")
    drafter = as_(people.province_officer)
    assert "kind" in ok(drafter.post(f"/api/plans/{plan.pk}/indicators/", {**NEW, "kind": "many"}, format="json"), 400)
    assert ok(drafter.post(f"/api/plans/{plan.pk}/indicators/", NEW, format="json"), 400)  # code used already
    assert Indicator.objects.count() == 1


def test_indicators_are_fixed_once_the_plan_is_issued(as_, plan, people):
    drafter = as_(people.province_officer)
    indicator = Indicator.objects.get(code="4c")
    url = f"/api/plans/{plan.pk}/indicators/"
    assert ok(drafter.post(url, NEW, format="json"), 400)["non_field_errors"]
    assert ok(drafter.patch(f"{url}{indicator.pk}/", {"target": 1}, format="json"), 400)
    assert ok(drafter.delete(f"{url}{indicator.pk}/"), 400)
    assert Indicator.objects.filter(plan=plan).count() == 4 and Indicator.objects.get(code="4c").target == 1000


def test_someone_who_may_not_draft_is_forbidden(as_, people):
    plan = draft_plan(people)
    indicator = add_indicator(plan, "4c")
    inspector = as_(people.inspector)
    assert [row["code"] for row in ok(inspector.get(f"/api/plans/{plan.pk}/indicators/"))] == ["4c"]
    assert inspector.post(f"/api/plans/{plan.pk}/indicators/", NEW, format="json").status_code == 403
    assert inspector.delete(f"/api/plans/{plan.pk}/indicators/{indicator.pk}/").status_code == 403
    assert Indicator.objects.count() == 1


def test_another_units_plan_is_not_found(as_, people):
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    indicator = add_indicator(plan, "4c")
    outsider = as_(people.tuan_giao_officer)
    for url in (f"/api/plans/{plan.pk}/indicators/", f"/api/plans/{plan.pk}/indicators/{indicator.pk}/",
                f"/api/plans/{plan.pk}/indicators/summary/", f"/api/plans/{plan.pk}/indicators/export.xlsx",
                f"/api/plans/{plan.pk}/indicators/export.docx", f"/api/plans/{plan.pk}/indicators/issuer-values/"):
        assert outsider.get(url).status_code == 404, url
    assert outsider.delete(f"/api/plans/{plan.pk}/indicators/{indicator.pk}/").status_code == 404
    # An indicator of another plan through this plan's URL is not found either.
    other = add_indicator(draft_plan(people), "9z")
    assert as_(people.province_officer).get(f"/api/plans/{plan.pk}/indicators/{other.pk}/").status_code == 404


# --- A unit's figures -----------------------------------------------------------------------------

def values_url(assignment):
    return f"/api/assignments/{assignment.pk}/indicator-values/"


GOOD = {"cutoff_date": "14/11/2024", "values": [
    {"code": "4c", "value": "1.020", "note": "Đợt Xuân"},
    {"code": "1b", "numerator": 1200, "denominator": "1.500"},
    {"code": "2a", "value": 1},
]}


def test_a_unit_reads_and_enters_its_figures(as_, people, received):
    officer = as_(people.muong_ang_officer)
    before = ok(officer.get(values_url(received)))
    assert before["editable"] is True and before["unit"]["code"] == "HDMA"
    assert [row["code"] for row in before["values"]] == ["4c", "1b", "2a"]  # the issuer's 3a is not the unit's
    assert not any(row["reported"] for row in before["values"])

    for method in ("put", "post"):
        after = ok(getattr(officer, method)(values_url(received), GOOD, format="json"))
        rows = {row["code"]: row for row in after["values"]}
        assert (rows["4c"]["value"], rows["4c"]["note"], rows["4c"]["cutoff_date"]) == (1020, "Đợt Xuân", "2024-11-14")
        assert (rows["1b"]["numerator"], rows["1b"]["denominator"], rows["1b"]["needs_fraction"]) == (1200, 1500, True)
    assert IndicatorValue.objects.filter(unit=people.tree.muong_ang).count() == 3


def test_bad_figures_are_a_400_with_the_services_messages_and_change_nothing(as_, people, received):
    officer = as_(people.muong_ang_officer)
    ok(officer.put(values_url(received), {"values": [{"code": "4c", "value": "5"}]}, format="json"))
    bad = {"values": [{"code": "4c", "value": "700"}, {"code": "1b", "numerator": "10", "denominator": "5"},
                      {"code": "zz", "value": "1"}]}
    errors = ok(officer.put(values_url(received), bad, format="json"), 400)["values"]
    assert len(errors) == 2 and errors[0].startswith("1b") and errors[1].startswith("zz")
    assert IndicatorValue.objects.get(indicator__code="4c").value == 5 and IndicatorValue.objects.count() == 1


def test_figures_are_refused_outside_the_reporting_window_and_to_others(as_, people, plan, received):
    issuer = as_(people.province_officer)
    assert ok(issuer.get(values_url(received)))["editable"] is False  # the issuer reads them
    assert issuer.put(values_url(received), GOOD, format="json").status_code == 403
    outsider = as_(people.tuan_giao_officer)
    assert outsider.get(values_url(received)).status_code == 404
    assert outsider.put(values_url(received), GOOD, format="json").status_code == 404
    not_received = plan.assignments.get(unit=people.tree.tuan_giao)
    assert ok(outsider.put(values_url(not_received), GOOD, format="json"), 400)
    assert not IndicatorValue.objects.exists()


def test_the_unit_downloads_its_excel_template(as_, people, received):
    response = as_(people.muong_ang_officer).get(f"/api/assignments/{received.pk}/indicator-template.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames
    assert as_(people.tuan_giao_officer).get(
        f"/api/assignments/{received.pk}/indicator-template.xlsx").status_code == 404


def test_the_issuer_enters_its_own_figures(as_, people, plan):
    issuer = as_(people.province_officer)
    url = f"/api/plans/{plan.pk}/indicators/issuer-values/"
    assert [row["code"] for row in ok(issuer.get(url))["values"]] == ["3a"]
    answer = ok(issuer.put(url, {"values": [{"code": "3a", "value": 4}]}, format="json"))
    assert answer["unit"]["code"] == "TDDB" and answer["values"][0]["value"] == 4
    assert ok(issuer.put(url, {"values": [{"code": "4c", "value": 4}]}, format="json"), 400)["values"]


# --- Results --------------------------------------------------------------------------------------

def same(a, b) -> bool:
    if b is None or (isinstance(b, float) and math.isnan(b)):
        return a is None
    return a == pytest.approx(float(b))


def test_the_summary_matches_plan_indicator_summary(as_, people, plan, received):
    report_some(plan, people, received)
    answer = ok(as_(people.province_officer).get(f"/api/plans/{plan.pk}/indicators/summary/"))
    summary = plan_indicator_summary(plan)

    assert (answer["units_missing"], answer["recipients"]) == (summary.units_missing, 2) == (1, 2)
    assert [row["code"] for row in answer["indicators"]] == list(summary.indicators["code"])
    for row in answer["indicators"]:
        expected = summary.indicators.loc[row["id"]]
        for field in ("target", "result", "numerator", "denominator"):
            assert same(row[field], expected[field]), (row["code"], field)
        for field in ("met_units", "reported", "missing", "verdict"):
            assert row[field] == expected[field], (row["code"], field)
        units = summary.units[summary.units["indicator_id"] == row["id"]].set_index("unit_id")
        assert {u["unit"]["id"] for u in row["units"]} == set(units.index)
        for unit in row["units"]:
            cell = units.loc[unit["unit"]["id"]]
            assert unit["reported"] == bool(cell["reported"]) and unit["verdict"] == cell["verdict"]
            for field in ("value", "numerator", "denominator", "unit_result", "unit_goal"):
                assert same(unit[field], cell[field]), (row["code"], unit["unit"]["code"], field)

    share = next(row for row in answer["indicators"] if row["code"] == "1b")
    assert (share["numerator"], share["denominator"], round(share["result"], 2)) == (16107, 31076, 51.83)
    assert share["verdict"] == "not_met" and (share["reported"], share["missing"]) == (1, 1)
    tuan_giao = next(u for u in share["units"] if u["unit"]["code"] == "HDTG")
    assert tuan_giao == {**tuan_giao, "reported": False, "value": None, "numerator": None, "verdict": None}
    assert [r["unit"]["code"] for r in answer["ranking"]] == list(summary.ranking["code"])


def test_the_summary_and_downloads_are_the_issuers_alone(as_, people, plan, received):
    report_some(plan, people, received)
    recipient = as_(people.muong_ang_officer)
    for tail in ("summary/", "export.xlsx", "export.docx"):
        assert recipient.get(f"/api/plans/{plan.pk}/indicators/{tail}").status_code == 404, tail
    issuer = as_(people.province_officer)
    xlsx = issuer.get(f"/api/plans/{plan.pk}/indicators/export.xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"] == XLSX and "attachment" in xlsx["Content-Disposition"]
    docx = issuer.get(f"/api/plans/{plan.pk}/indicators/export.docx", HTTP_ACCEPT=(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"


def test_a_download_asked_as_a_file_still_answers_errors_in_json(as_, people, plan):
    response = as_(people.muong_ang_officer).get(f"/api/plans/{plan.pk}/indicators/export.xlsx", HTTP_ACCEPT=XLSX)
    assert response.status_code == 404 and b"detail" in response.content


def _plan_with(people, n):
    plan = issued_plan(people, recipients=people.tree.districts[:n])
    add_four(plan)
    for assignment in plan.assignments.select_related("unit"):
        officer = UserFactory()
        position_create(user=officer, unit=assignment.unit, role=Role.OFFICER)
        services.assignment_receive(assignment=assignment, by=officer)
        indicators.indicator_values_set(assignment=assignment, by=officer, entries={
            "4c": {"value": "70"}, "1b": {"numerator": "50", "denominator": "60"}, "2a": {"value": "1"}})
    return plan


def test_the_summary_takes_the_same_queries_for_two_units_and_six(as_, people):
    client = as_(people.province_officer)
    counts = []
    for plan in (_plan_with(people, 2), _plan_with(people, 6)):
        with CaptureQueriesContext(connection) as queries:
            answer = ok(client.get(f"/api/plans/{plan.pk}/indicators/summary/"))
        counts.append(len(queries))
        assert answer["recipients"] == plan.assignments.count()
    assert counts[0] == counts[1]


def test_the_schema_documents_the_indicator_endpoints(as_, people):
    paths = ok(as_(people.muong_ang_officer).get(reverse("api-schema"), {"format": "json"}))["paths"]
    assert {"get", "post"} <= set(paths["/api/plans/{id}/indicators/"])
    assert {"get", "put", "patch", "delete"} <= set(paths["/api/plans/{id}/indicators/{indicator_id}/"])
    assert "get" in paths["/api/plans/{id}/indicators/summary/"]
    assert {"get", "put", "post"} <= set(paths["/api/assignments/{id}/indicator-values/"])
    for path in ("/api/plans/{id}/indicators/export.xlsx", "/api/plans/{id}/indicators/export.docx",
                 "/api/assignments/{id}/indicator-template.xlsx"):
        assert "get" in paths[path], path
    assert "403" in paths["/api/assignments/{id}/indicator-values/"]["put"]["responses"]


def test_figures_use_the_demo_targets(as_, people):
    """The whole list of the year's targets goes in through the API's editor too."""
    plan = draft_plan(people)
    indicators.indicators_import(plan=plan, by=people.province_officer,
                                 path=settings.DEMO_DATA_DIR / "indicators_2024.csv")
    rows = ok(as_(people.province_officer).get(f"/api/plans/{plan.pk}/indicators/"))
    assert rows[0]["code"] == "1a" and rows[0]["target"] == 100


def test_the_summary_compares_with_a_previous_period(as_, people):
    t = people.tree
    last_year = issued_plan(people, recipients=[t.muong_ang])
    this_year = issued_plan(people, recipients=[t.muong_ang])
    put(add_indicator(last_year, "16a", target=10), t.muong_ang, people.clerk, value=8)
    put(add_indicator(this_year, "16a", target=10), t.muong_ang, people.clerk, value=11)
    url = f"/api/plans/{this_year.pk}/indicators/summary/"
    row = ok(as_(people.province_officer).get(url, {"previous": last_year.pk}))["indicators"][0]
    assert (row["previous"], row["change"]) == (8, 3)
    assert ok(as_(people.province_officer).get(url))["indicators"][0].get("change") is None


def test_a_previous_period_of_another_unit_is_not_found(as_, people):
    t = people.tree
    theirs = issued_plan(people, recipients=[t.muong_ang])
    mine = issued_plan(people, recipients=[t.muong_ang])
    url = f"/api/plans/{mine.pk}/indicators/summary/"
    assert as_(people.muong_ang_officer).get(url, {"previous": theirs.pk}).status_code == 404
    assert as_(people.province_officer).get(url, {"previous": "abc"}).status_code == 400
