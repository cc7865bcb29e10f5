"""Figures of reports not accepted yet are provisional (issue 11, defect 5): counted in the result,
marked as such, and given apart as the result of accepted reports only, on the results page, in
the summary API, the .xlsx and the .docx; a unit judged on nothing gets no rank; one percent
format in the documents (defect 10)."""

import io
import re

import docx
import openpyxl
import pytest
from django.urls import reverse

from plans import services
from plans.indicators import services as indicators
from plans.indicators.exports import matrix_xlsx, results_docx, results_text
from plans.indicators.summary import plan_indicator_summary
from plans.indicators.verdicts import EXCEEDED
from tests.helpers import html, ok
from tests.plans.indicators.helpers import add_indicator, report_some

pytestmark = pytest.mark.django_db

BLOOD = {"4c": {"value": "1200"}, "1b": {"numerator": "16107", "denominator": "31076"}, "2a": {"value": "1"}}


def send(assignment, people, entries=None, by=None):
    by = by or people.muong_ang_officer
    if entries:
        indicators.indicator_values_set(assignment=assignment, by=by, entries=entries)
    services.assignment_report(assignment=assignment, by=by, text="Báo cáo kết quả.")


def row_of(summary, code):
    return summary.indicators.set_index("code").loc[code]


def test_figures_of_a_report_not_accepted_are_provisional_and_left_out_of_the_accepted_result(plan, people,
                                                                                             received):
    report_some(plan, people, received)  # Mường Ảng's figures, entered, not even sent
    summary = plan_indicator_summary(plan)
    blood = row_of(summary, "4c")
    assert (blood["result"], blood["provisional"], blood["accepted_reported"]) == (1200, 1, 0)
    assert blood["accepted_result"] != blood["accepted_result"]  # NaN: no accepted figure
    assert row_of(summary, "3a")["provisional"] == 0  # the province's own figure needs no review
    assert summary.units_provisional == 1

    send(received, people)  # sent: still provisional, awaiting review
    assert row_of(plan_indicator_summary(plan), "4c")["provisional"] == 1

    services.assignment_accept(assignment=received, by=people.province_officer)
    blood = row_of(plan_indicator_summary(plan), "4c")
    assert (blood["provisional"], blood["accepted_result"], blood["accepted_verdict"]) == (0, 1200, EXCEEDED)


def test_the_results_page_marks_provisional_figures_and_says_how(client, people, plan, received):
    report_some(plan, people, received)
    client.force_login(people.province_officer)
    body = html(client.get(reverse("plans:indicator-results", args=[plan.pk])))

    assert 'class="help provisional-help has-provisional" data-provisional="1"' in body
    blood = re.search(r'<tr data-code="4c"[^>]*>(.*?)</tr>', body, re.S).group(1)
    assert 'data-provisional="1"' in blood and 'class="accepted-only"' in blood
    matrix = body[body.index('class="imatrix"'):]
    muong_ang = re.search(r'<tr data-unit="HDMA">(.*?)</tr>', matrix, re.S).group(1)
    assert muong_ang.count("data-provisional") == 3 and 'class="chip provisional"' in muong_ang
    works = re.search(r'<tr data-code="3a"[^>]*>(.*?)</tr>', body, re.S).group(1)
    assert "data-provisional" not in works


def test_the_summary_api_gives_the_provisional_count_and_the_accepted_result(as_, people, plan, received):
    report_some(plan, people, received)
    answer = ok(as_(people.province_officer).get(f"/api/plans/{plan.pk}/indicators/summary/"))
    assert answer["units_provisional"] == 1
    blood = next(row for row in answer["indicators"] if row["code"] == "4c")
    assert (blood["result"], blood["provisional"]) == (1200, 1)
    assert blood["accepted"] == {"result": None, "numerator": None, "denominator": None, "met_units": 0,
                                 "reported": 0, "verdict": None}
    assert {u["unit"]["code"]: u["provisional"] for u in blood["units"]} == {"HDMA": True, "HDTG": False}
    works = next(row for row in answer["indicators"] if row["code"] == "3a")
    assert works["provisional"] == 0 and works["accepted"]["result"] == 3


def test_the_xlsx_gives_both_results_and_marks_provisional_figures(plan, people, received):
    report_some(plan, people, received)
    workbook = openpyxl.load_workbook(io.BytesIO(matrix_xlsx(plan_indicator_summary(plan))))
    sheet = workbook["Tổng hợp"]
    assert "tạm tính" in sheet["A3"].value
    assert (sheet["K4"].value, sheet["L4"].value) == ("Đơn vị có số liệu tạm tính (báo cáo chưa duyệt)",
                                                      "Kết quả theo báo cáo đã duyệt")
    assert (sheet["A5"].value, sheet["E5"].value, sheet["K5"].value, sheet["L5"].value) == ("4c", 1200, 1, None)
    assert sheet["M5"].value == "chưa có báo cáo được duyệt" and sheet["E5"].font.i
    units = workbook["Theo đơn vị"]
    status = {row[0].value: row[-1].value for row in units.iter_rows(min_row=6, max_row=7)}
    assert status == {"Huyện đoàn Mường Ảng": "Tạm tính (chưa duyệt)", "Huyện đoàn Tuần Giáo": None}
    assert units["B6"].font.i


def test_the_docx_marks_a_provisional_result(plan, people, received):
    report_some(plan, people, received)
    text = [p.text for p in docx.Document(io.BytesIO(results_docx(plan_indicator_summary(plan), year=2024))).paragraphs]
    blood = text[text.index("- Chỉ tiêu 4c: Chỉ tiêu 4c: 1.000 đơn vị máu.") + 1]
    assert blood == ("Kết quả: 1.200 đơn vị máu (vượt chỉ tiêu), 1 đơn vị chưa báo cáo; "
                     "số liệu tạm tính, gồm 1 đơn vị có báo cáo chưa được duyệt.")
    works = text[text.index("- Chỉ tiêu 3a: Chỉ tiêu 3a: 3 công trình.") + 1]
    assert "tạm tính" not in works

    send(received, people)
    services.assignment_accept(assignment=received, by=people.province_officer)
    lines = results_text(plan_indicator_summary(plan), year=2024)
    assert not any("tạm tính" in line for line in lines)


# -- the ranking ---------------------------------------------------------------------------------

def test_no_unit_is_ranked_when_nothing_is_judged(client, people, plan):
    summary = plan_indicator_summary(plan)
    assert summary.ranking["rank"].isna().all()
    client.force_login(people.province_officer)
    body = html(client.get(reverse("plans:indicator-results", args=[plan.pk])))
    ranking = body[body.index('class="table compact ranking"'):]
    assert re.findall(r'<tr data-unit="([^"]+)" data-rank="([^"]*)"', ranking) == [("HDMA", ""), ("HDTG", "")]
    assert '<td class="c-rank" data-label="#">—</td>' in ranking and "#1" not in ranking


def test_the_api_ranks_no_unit_judged_on_nothing(as_, people, plan, received):
    report_some(plan, people, received)
    answer = ok(as_(people.province_officer).get(f"/api/plans/{plan.pk}/indicators/summary/"))
    ranks = {row["unit"]["code"]: (row["rank"], row["score"], row["provisional"]) for row in answer["ranking"]}
    assert ranks == {"HDMA": (1, 0.5, True), "HDTG": (None, None, False)}


# -- one percent format (defect 10) ----------------------------------------------------------------

def test_the_docx_writes_every_percentage_the_same_way(people, received, plan):
    share = add_indicator(plan, "9d", kind="percent", aggregate="province_only", target=40, unit_of_measure="%",
                          position=5)
    indicators.issuer_values_set(plan=plan, by=people.province_officer, entries={"3a": {"value": "3"},
                                                                                 share.code: {"value": "45,5"}})
    indicators.indicator_values_set(assignment=received, by=people.muong_ang_officer, entries=BLOOD)
    document = docx.Document(io.BytesIO(results_docx(plan_indicator_summary(plan), year=2024)))
    text = "\n".join(p.text for p in document.paragraphs)

    assert "Kết quả: 45,50% (vượt chỉ tiêu)" in text and "(51,83%)" in text
    assert not re.search(r"\d %", text), text  # never "45,50 %" beside "51,83%"
