"""The indicator screens: the editor of a draft, a unit's figures with its report, the issuer's own
figures and the results by unit. Each page for the right person, writes through plans.indicators,
other units' objects out of reach (404). Assertions are on data, CSS classes and codes; Vietnamese
only where the compiled catalogue already has it."""

import io
import os
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.services import position_create
from plans import services
from plans.demo import demo_indicator_plan_seed
from plans.indicators import services as indicators
from plans.indicators.excel import SHEET, assignment_template
from plans.indicators.summary import plan_indicator_summary
from plans.models import Indicator, IndicatorValue, PlanState
from tests.browser import page  # noqa: F401  (fixture)
from tests.factories import UserFactory
from tests.helpers import html, messages_of
from tests.plans.helpers import draft_plan, issued_plan
from tests.plans.indicators.helpers import add_four, add_indicator, put, report_some

pytestmark = pytest.mark.django_db

CSV = settings.DEMO_DATA_DIR / "indicators_2024.csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def codes(plan) -> list[str]:
    return list(Indicator.objects.filter(plan=plan).order_by("position", "pk").values_list("code", flat=True))


def upload(path, name="chi-tieu.csv"):
    return SimpleUploadedFile(name, path.read_bytes() if hasattr(path, "read_bytes") else path, "text/csv")


# -- the editor ----------------------------------------------------------------------------------

FORM = {"code": "7a", "group": "7", "name": "Cây xanh được trồng mới", "kind": "count", "unit_of_measure": "cây",
        "target": "204.800", "comparison": "at_least", "aggregate": "sum", "unit_target": ""}


def test_the_drafter_sees_the_editor(client, people):
    plan = draft_plan(people)
    add_indicator(plan, "4c", target=1000, unit_of_measure="đơn vị máu")
    client.force_login(people.province_officer)
    body = html(client.get(reverse("plans:indicators", args=[plan.pk])))
    assert 'data-code="4c"' in body and "1.000 đơn vị máu" in body
    assert reverse("plans:indicator-add", args=[plan.pk]) in body
    assert f'action="{reverse("plans:indicator-import", args=[plan.pk])}"' in body
    assert 'data-action="delete"' in body


def test_the_plan_page_links_the_indicators(client, people):
    plan = draft_plan(people)
    client.force_login(people.province_officer)
    assert reverse("plans:indicators", args=[plan.pk]) in html(client.get(reverse("plans:detail", args=[plan.pk])))


def test_an_indicator_is_added_with_vietnamese_numbers(client, people):
    plan = draft_plan(people)
    client.force_login(people.province_officer)
    response = client.post(reverse("plans:indicator-add", args=[plan.pk]), FORM, follow=True)
    indicator = Indicator.objects.get(plan=plan)
    assert (indicator.code, indicator.target, indicator.aggregate) == ("7a", Decimal(204800), "sum")
    assert response.redirect_chain[-1][0].endswith(f"#ct-{indicator.pk}")
    assert messages_of(response)[0][0] == "success"


def test_a_number_that_does_not_parse_is_shown_and_nothing_is_saved(client, people):
    plan = draft_plan(people)
    client.force_login(people.province_officer)
    response = client.post(reverse("plans:indicator-add", args=[plan.pk]), {**FORM, "target": "nhiều"})
    assert response.status_code == 200 and response.context["form"].errors["target"]
    assert not Indicator.objects.exists()


def test_a_code_used_twice_is_refused_by_the_service(client, people):
    plan = draft_plan(people)
    add_indicator(plan, "7a")
    client.force_login(people.province_officer)
    response = client.post(reverse("plans:indicator-add", args=[plan.pk]), FORM)
    assert response.status_code == 200 and response.context["form"].errors
    assert Indicator.objects.filter(plan=plan).count() == 1


def test_an_indicator_is_edited(client, people):
    plan = draft_plan(people)
    indicator = add_indicator(plan, "7a", target=100)
    client.force_login(people.province_officer)
    url = reverse("plans:indicator-edit", args=[plan.pk, indicator.pk])
    body = html(client.get(url))
    assert 'value="7a"' in body and 'value="100"' in body
    client.post(url, {**FORM, "target": "250,5", "comparison": "at_most"})
    indicator.refresh_from_db()
    assert (indicator.target, indicator.comparison) == (Decimal("250.5"), "at_most")


def test_an_indicator_is_deleted(client, people):
    plan = draft_plan(people)
    keep, gone = add_indicator(plan, "1a"), add_indicator(plan, "1b")
    client.force_login(people.province_officer)
    response = client.post(reverse("plans:indicator-delete", args=[plan.pk, gone.pk]), follow=True)
    assert messages_of(response)[0][0] == "success"
    assert codes(plan) == [keep.code]


def test_the_years_targets_are_imported_from_csv(client, people):
    plan = draft_plan(people)
    client.force_login(people.province_officer)
    response = client.post(reverse("plans:indicator-import", args=[plan.pk]), {"file": upload(CSV)}, follow=True)
    assert messages_of(response)[0][0] == "success"
    rows = CSV.read_text(encoding="utf-8").strip().splitlines()[1:]
    assert codes(plan) == [row.split(",")[1] for row in rows]
    body = html(response)
    assert 'data-code="9c"' in body and "55%" in body  # the target of 9c, a percentage

    # Importing again updates by code: nothing doubles.
    client.post(reverse("plans:indicator-import", args=[plan.pk]), {"file": upload(CSV)})
    assert Indicator.objects.filter(plan=plan).count() == len(rows)


def test_a_bad_csv_names_its_lines_and_imports_nothing(client, people):
    plan = draft_plan(people)
    client.force_login(people.province_officer)
    bad = (b"no,code,name,kind,unit_of_measure,target,comparison,aggregate\n"
           b"1,1a,A,percent,%,100,at_least,ratio_of_sums\n"
           b"2,2a,B,weird,%,100,at_least,sum\n")
    response = client.post(reverse("plans:indicator-import", args=[plan.pk]), {"file": upload(bad)})
    body = html(response)
    assert "Dòng 3" in body and "weird" in body
    assert not Indicator.objects.exists()


def test_a_file_that_is_not_utf8_csv_is_refused(client, people):
    plan = draft_plan(people)
    client.force_login(people.province_officer)
    response = client.post(reverse("plans:indicator-import", args=[plan.pk]),
                           {"file": upload(b"no,code,name\n1,1a,m\xe3 \xf0\n")})
    assert response.status_code == 200 and response.context["import_errors"]
    assert not Indicator.objects.exists()


def test_indicators_are_fixed_once_the_plan_leaves_draft(client, people):
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    indicator = add_indicator(plan, "4c", target=1000)
    client.force_login(people.province_officer)
    body = html(client.get(reverse("plans:indicators", args=[plan.pk])))
    assert reverse("plans:indicator-add", args=[plan.pk]) not in body and 'data-action="delete"' not in body

    attempts = [
        (reverse("plans:indicator-add", args=[plan.pk]), FORM),
        (reverse("plans:indicator-edit", args=[plan.pk, indicator.pk]), {**FORM, "code": "4c"}),
        (reverse("plans:indicator-delete", args=[plan.pk, indicator.pk]), {}),
        (reverse("plans:indicator-import", args=[plan.pk]), {"file": upload(CSV)}),
    ]
    for url, data in attempts:
        response = client.post(url, data, follow=True)
        assert response.redirect_chain[-1][0] == reverse("plans:indicators", args=[plan.pk]), url
        assert messages_of(response)[0][0] == "error", url
    assert codes(plan) == ["4c"] and Indicator.objects.get().target == 1000


def test_someone_who_may_not_draft_is_refused(client, people):
    plan = draft_plan(people)
    indicator = add_indicator(plan, "4c")
    client.force_login(people.inspector)  # of the province, but drafts nothing
    assert client.get(reverse("plans:indicators", args=[plan.pk])).status_code == 200
    assert client.get(reverse("plans:indicator-add", args=[plan.pk])).status_code == 403
    assert client.post(reverse("plans:indicator-delete", args=[plan.pk, indicator.pk])).status_code == 403
    assert client.post(reverse("plans:indicator-import", args=[plan.pk]), {"file": upload(CSV)}).status_code == 403
    assert codes(plan) == ["4c"]


def test_another_units_plan_is_not_found(client, people):
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    indicator = add_indicator(plan, "4c")
    client.force_login(people.tuan_giao_officer)
    for url in (reverse("plans:indicators", args=[plan.pk]), reverse("plans:indicator-add", args=[plan.pk]),
                reverse("plans:indicator-edit", args=[plan.pk, indicator.pk]),
                reverse("plans:indicator-results", args=[plan.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("plans:indicator-delete", args=[plan.pk, indicator.pk])).status_code == 404


# -- a unit's figures ----------------------------------------------------------------------------

def figures_url(assignment):
    return reverse("plans:assignment-figures", args=[assignment.pk])


def row_of(body, code) -> str:
    match = re.search(rf'<li class="fig[^"]*" data-code="{code}">.*?</li>', body, re.S)
    assert match, code
    return match.group(0)


def test_the_unit_gets_one_row_per_indicator_it_reports(client, people, received):
    client.force_login(people.muong_ang_officer)
    body = html(client.get(reverse("plans:assignment", args=[received.pk])))
    assert f'action="{figures_url(received)}"' in body
    assert re.findall(r'<li class="fig[^"]*" data-code="([^"]+)"', body) == ["4c", "1b", "2a"]  # not 3a
    fraction = row_of(body, "1b")
    assert f'name="i{Indicator.objects.get(code="1b").pk}-numerator"' in fraction
    assert "80%" in fraction  # the unit's own target: the percentage applies to every unit
    assert "1.000" in row_of(body, "4c") and "<select" in row_of(body, "2a")
    assert reverse("plans:assignment-figures-template", args=[received.pk]) in body
    assert f'action="{reverse("plans:assignment-figures-upload", args=[received.pk])}"' in body


def entries_form(plan, **rows):
    data = {"cutoff_date": "14/11/2024"}
    for code, fields in rows.items():
        pk = Indicator.objects.get(plan=plan, code=code).pk
        data.update({f"i{pk}-{name}": value for name, value in fields.items()})
    return data


def saved(unit):
    return {v.indicator.code: (v.value, v.numerator, v.denominator)
            for v in IndicatorValue.objects.filter(unit=unit).select_related("indicator")}


def test_figures_are_saved_through_the_service(client, people, received, plan, monkeypatch):
    calls = []
    service = indicators.indicator_values_set
    monkeypatch.setattr(indicators, "indicator_values_set", lambda **kw: calls.append(kw) or service(**kw))
    client.force_login(people.muong_ang_officer)
    data = entries_form(plan, **{"4c": {"value": "1.020", "note": "Đợt Xuân"},
                                 "1b": {"numerator": "1.200", "denominator": "1.500"}, "2a": {"value": "1"}})
    response = client.post(figures_url(received), data, follow=True)
    assert messages_of(response)[0][0] == "success"
    assert response.redirect_chain[-1][0].endswith("#chi-tieu")
    assert [(c["assignment"].pk, c["by"], sorted(c["entries"])) for c in calls] == [
        (received.pk, people.muong_ang_officer, ["1b", "2a", "4c"])]
    assert saved(people.tree.muong_ang) == {"4c": (Decimal(1020), None, None), "1b": (None, 1200, 1500),
                                            "2a": (Decimal(1), None, None)}
    value = IndicatorValue.objects.get(indicator__code="4c")
    assert (value.note, value.cutoff_date.isoformat(), value.assignment_id) == ("Đợt Xuân", "2024-11-14", received.pk)
    # Shown again as typed: 1.020, not 1020.0000.
    assert 'value="1.020"' in row_of(html(response), "4c")


def test_bad_figures_are_shown_with_their_row_and_nothing_changes(client, people, received, plan):
    indicators.indicator_values_set(assignment=received, by=people.muong_ang_officer, entries={"4c": {"value": "5"}})
    client.force_login(people.muong_ang_officer)
    data = entries_form(plan, **{"4c": {"value": "700"}, "1b": {"numerator": "10", "denominator": "5"},
                                 "2a": {"value": "1"}})
    response = client.post(figures_url(received), data)
    body = html(response)
    assert 'class="fig has-error' in row_of(body, "1b")
    assert "has-error" not in row_of(body, "4c").split(">")[0]
    assert 'value="700"' in row_of(body, "4c")  # what was typed stays in the form
    assert saved(people.tree.muong_ang) == {"4c": (Decimal(5), None, None)}


def test_a_date_that_does_not_parse_changes_nothing(client, people, received, plan):
    client.force_login(people.muong_ang_officer)
    data = {**entries_form(plan, **{"4c": {"value": "7"}}), "cutoff_date": "31/02/2024"}
    response = client.post(figures_url(received), data)
    assert response.status_code == 200 and 'cutoff has-error' in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_figures_are_read_only_before_receipt_and_after_the_report(client, people, plan):
    assignment = plan.assignments.get(unit=people.tree.muong_ang)
    client.force_login(people.muong_ang_officer)
    body = html(client.get(reverse("plans:assignment", args=[assignment.pk])))
    assert 'id="chi-tieu"' in body and figures_url(assignment) not in body  # sent: not yet
    assert client.post(figures_url(assignment), entries_form(plan, **{"4c": {"value": "7"}})).status_code == 302
    assert not IndicatorValue.objects.exists()

    services.assignment_receive(assignment=assignment, by=people.muong_ang_officer)
    indicators.indicator_values_set(assignment=assignment, by=people.muong_ang_officer, entries={"4c": {"value": "7"}})
    services.assignment_report(assignment=assignment, by=people.muong_ang_officer, text="Đã báo cáo")
    body = html(client.get(reverse("plans:assignment", args=[assignment.pk])))
    assert figures_url(assignment) not in body and 'figs-read' in body
    assert re.search(r'<tr data-code="4c">.*?<strong>7</strong>', body, re.S)


def test_the_issuer_reads_the_units_figures_but_does_not_enter_them(client, people, received, plan):
    indicators.indicator_values_set(assignment=received, by=people.muong_ang_officer,
                                    entries={"1b": {"numerator": "16107", "denominator": "31076"}})
    client.force_login(people.province_officer)
    body = html(client.get(reverse("plans:assignment", args=[received.pk])))
    assert figures_url(received) not in body
    assert "16.107/31.076 (51,83%)" in body
    response = client.post(figures_url(received), entries_form(plan, **{"4c": {"value": "7"}}), follow=True)
    assert messages_of(response)[0][0] == "error"
    assert "4c" not in saved(people.tree.muong_ang)


def test_another_unit_cannot_reach_the_figures(client, people, received, plan):
    client.force_login(people.tuan_giao_officer)
    assert client.post(figures_url(received), entries_form(plan, **{"4c": {"value": "7"}})).status_code == 404
    assert client.get(reverse("plans:assignment-figures-template", args=[received.pk])).status_code == 404
    assert client.post(reverse("plans:assignment-figures-upload", args=[received.pk])).status_code == 404
    assert not IndicatorValue.objects.exists()


def test_the_excel_template_goes_round_trip(client, people, received):
    client.force_login(people.muong_ang_officer)
    response = client.get(reverse("plans:assignment-figures-template", args=[received.pk]))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook[SHEET]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 2).value == "4c")
    value_column = next(c for c in range(1, sheet.max_column + 1)
                        if sheet.cell(row, c).protection.locked is False)
    sheet.cell(row, value_column).value = 321
    filled = io.BytesIO()
    workbook.save(filled)
    sent = SimpleUploadedFile("chi-tieu.xlsx", filled.getvalue(), XLSX)
    response = client.post(reverse("plans:assignment-figures-upload", args=[received.pk]), {"file": sent},
                           follow=True)
    assert messages_of(response)[0][0] == "success"
    assert saved(people.tree.muong_ang)["4c"] == (Decimal(321), None, None)


def test_an_upload_that_is_not_the_template_shows_why_and_changes_nothing(client, people, received):
    client.force_login(people.muong_ang_officer)
    sent = SimpleUploadedFile("so-lieu.xlsx", b"not a workbook", XLSX)
    response = client.post(reverse("plans:assignment-figures-upload", args=[received.pk]), {"file": sent})
    body = html(response)
    assert '<details class="upload" id="tai-len" open>' in body
    assert re.search(r'id="tai-len" open>.*?<div class="error" role="alert"><p>', body, re.S)
    assert not IndicatorValue.objects.exists()


def test_an_upload_after_the_report_is_refused_with_a_message(client, people, received):
    template = assignment_template(received)
    services.assignment_report(assignment=received, by=people.muong_ang_officer, text="Đã báo cáo")
    client.force_login(people.muong_ang_officer)
    sent = SimpleUploadedFile("chi-tieu.xlsx", template, XLSX)
    response = client.post(reverse("plans:assignment-figures-upload", args=[received.pk]), {"file": sent},
                           follow=True)
    assert messages_of(response)[0][0] == "error"
    assert not IndicatorValue.objects.exists()


def test_a_template_of_another_assignment_is_refused(client, people, received, plan):
    other = plan.assignments.get(unit=people.tree.tuan_giao)
    services.assignment_receive(assignment=other, by=people.tuan_giao_officer)
    template = assignment_template(other)
    client.force_login(people.muong_ang_officer)
    sent = SimpleUploadedFile("chi-tieu.xlsx", template, XLSX)
    response = client.post(reverse("plans:assignment-figures-upload", args=[received.pk]), {"file": sent})
    assert response.status_code == 200 and response.context["figures"]["upload_errors"]
    assert not IndicatorValue.objects.exists()


# -- the issuer's own figures and the results ----------------------------------------------------

def results_url(plan):
    return reverse("plans:indicator-results", args=[plan.pk])


def test_the_issuer_enters_its_own_figures(client, people, plan):
    client.force_login(people.province_officer)
    body = html(client.get(results_url(plan)))
    pk = Indicator.objects.get(code="3a").pk
    assert f'action="{reverse("plans:issuer-figures", args=[plan.pk])}"' in body and f'name="i{pk}-value"' in body
    response = client.post(reverse("plans:issuer-figures", args=[plan.pk]), {f"i{pk}-value": "4"}, follow=True)
    assert messages_of(response)[0][0] == "success"
    assert saved(people.tree.province) == {"3a": (Decimal(4), None, None)}


def test_bad_issuer_figures_change_nothing(client, people, plan):
    client.force_login(people.province_officer)
    pk = Indicator.objects.get(code="3a").pk
    response = client.post(reverse("plans:issuer-figures", args=[plan.pk]), {f"i{pk}-value": "-4"})
    assert 'class="fig has-error' in html(response)
    assert not IndicatorValue.objects.exists()


def test_the_matrix_shows_verdicts_and_units_not_reported(client, people, plan, received):
    report_some(plan, people, received)
    client.force_login(people.province_officer)
    body = html(client.get(results_url(plan)))

    summary = {code: verdict for code, verdict in re.findall(r'<tr data-code="([^"]+)" data-verdict="([^"]*)">', body)}
    # 4c: 1.200 ≥ 1.000 · 1b: 51,83% < 80% · 2a: 1/1 units · 3a: 3 = 3.
    assert summary == {"4c": "exceeded", "1b": "not_met", "2a": "met", "3a": "met"}
    assert "16.107/31.076 (51,83%)" in body and "1.200 đơn vị máu" in body and "1/1" in body
    assert 'class="verdict v-exceeded"' in body and 'class="verdict v-not-met"' in body

    matrix = body[body.index('class="imatrix"'):]
    muong_ang = re.search(r'<tr data-unit="HDMA">(.*?)</tr>', matrix, re.S).group(1)
    cells = dict(re.findall(r'<td class="[^"]+" data-code="([^"]+)" data-verdict="([^"]+)"', muong_ang))
    # As plan_indicator_summary judges each unit; a count without an allocation has no target of its own.
    units = plan_indicator_summary(plan).units.set_index(["indicator_id", "unit_id"])
    expected = {code: units.loc[(Indicator.objects.get(code=code).pk, people.tree.muong_ang.pk), "verdict"] or "none"
                for code in ("4c", "1b", "2a")}
    assert cells == expected and expected["4c"] == "none" and expected["1b"] == "not_met"
    assert 'class="v-not-met" data-code="1b"' in muong_ang and "51,83%" in muong_ang
    tuan_giao = re.search(r'<tr data-unit="HDTG" class="none-reported">(.*?)</tr>', matrix, re.S).group(1)
    assert re.findall(r'data-verdict="([^"]+)"', tuan_giao) == ["missing"] * 3
    assert tuan_giao.count('class="v-missing"') == 3
    assert 'data-missing="1"' in body  # one unit of two has not reported
    assert re.search(r'<li data-unit="HDTG">', body) and not re.search(r'<li data-unit="HDMA">', body)


def test_the_ranking_puts_the_unit_that_met_more_first(client, people, plan, received):
    report_some(plan, people, received)
    client.force_login(people.province_officer)
    body = html(client.get(results_url(plan)))
    ranking = body[body.index('class="table compact ranking"'):]
    # Tuần Giáo reported nothing: judged on nothing, it has no rank (it had "2 · 0/0 · 0%").
    assert re.findall(r'<tr data-unit="([^"]+)" data-rank="(\d*)"', ranking) == [("HDMA", "1"), ("HDTG", "")]


def test_the_chart_has_one_bar_group_per_indicator(client, people, plan, received):
    report_some(plan, people, received)
    client.force_login(people.province_officer)
    body = html(client.get(results_url(plan)))
    svg = re.search(r'<svg class="ichart".*?</svg>', body, re.S).group(0)
    groups = re.findall(r'<g class="bar-group (v-[a-z-]+)" data-code="([^"]+)"', svg)
    assert [code for _, code in groups] == ["4c", "1b", "2a", "3a"]
    assert dict((code, css) for css, code in groups)["1b"] == "v-not-met"
    assert svg.count('class="result"') == 4 and svg.count('class="target"') == 4
    # Attributes are written with a dot whatever the language: 51,83 would break the drawing.
    assert not re.search(r'(width|x|y)="[^"]*,[^"]*"', svg)
    # 1b on the percent axis: 51.83 of 125 → 268 × 0.4146; the count 4c as 1.200 ÷ 1.000 = 120 %.
    widths = dict(re.findall(r'data-code="([^"]+)".*?class="result" x="[\d.]+" y="11" width="([\d.]+)"', svg, re.S))
    assert float(widths["1b"]) == pytest.approx(268 * 51.83 / 125, abs=0.2)
    assert float(widths["4c"]) == pytest.approx(268 * 120 / 125, abs=0.2)


def test_an_indicator_without_any_figure_has_no_result_bar(client, people, plan):
    client.force_login(people.province_officer)
    body = html(client.get(results_url(plan)))
    svg = re.search(r'<svg class="ichart".*?</svg>', body, re.S).group(0)
    assert svg.count('class="bar-group v-none"') == 4 and 'class="result"' not in svg
    assert 'data-missing="2"' in body


def test_the_results_are_the_issuers_alone(client, people, plan, received):
    for user in (people.muong_ang_officer, people.tuan_giao_officer):
        client.force_login(user)
        for name in ("plans:indicator-results", "plans:indicator-results-xlsx", "plans:indicator-results-docx"):
            assert client.get(reverse(name, args=[plan.pk])).status_code == 404, (user, name)
        assert client.post(reverse("plans:issuer-figures", args=[plan.pk])).status_code == 404


def test_the_issuer_downloads_the_matrix_and_the_report_section(client, people, plan, received):
    report_some(plan, people, received)
    client.force_login(people.province_officer)
    body = html(client.get(results_url(plan)))
    xlsx_url, docx_url = (reverse(f"plans:indicator-results-{kind}", args=[plan.pk]) for kind in ("xlsx", "docx"))
    assert f'href="{xlsx_url}"' in body and f'href="{docx_url}"' in body
    xlsx = client.get(xlsx_url)
    assert xlsx.status_code == 200 and xlsx["Content-Type"] == XLSX
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).sheetnames
    docx = client.get(docx_url)
    assert docx.status_code == 200 and docx["Content-Type"].endswith("wordprocessingml.document")
    assert docx.content[:2] == b"PK"


def test_the_plan_page_links_the_results_for_the_issuer_only(client, people, plan):
    client.force_login(people.province_officer)
    assert results_url(plan) in html(client.get(reverse("plans:detail", args=[plan.pk])))
    client.force_login(people.muong_ang_officer)
    body = html(client.get(reverse("plans:detail", args=[plan.pk])))
    assert results_url(plan) not in body and reverse("plans:indicators", args=[plan.pk]) in body


# -- query counts --------------------------------------------------------------------------------

def plan_for(people, n):
    """An issued plan with the four indicators to n districts, each reporting every figure."""
    units = people.tree.districts[:n]
    plan = issued_plan(people, recipients=units)
    add_four(plan)
    for assignment in plan.assignments.select_related("unit"):
        officer = UserFactory()
        position_create(user=officer, unit=assignment.unit, role=Role.OFFICER)
        services.assignment_receive(assignment=assignment, by=officer)
        indicators.indicator_values_set(assignment=assignment, by=officer, entries={
            "4c": {"value": "70"}, "1b": {"numerator": "50", "denominator": "60"}, "2a": {"value": "1"}})
    indicators.issuer_values_set(plan=plan, by=people.province_officer, entries={"3a": {"value": "3"}})
    return plan


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        html(client.get(url))
    return len(context)


@pytest.mark.parametrize("name", ["plans:indicator-results", "plans:indicators"])
def test_the_pages_take_the_same_queries_for_two_units_and_six(client, people, name):
    client.force_login(people.province_officer)
    two, six = plan_for(people, 2), plan_for(people, 6)
    assert queries_for(client, reverse(name, args=[two.pk])) == queries_for(client, reverse(name, args=[six.pk]))


def test_the_assignment_page_with_figures_takes_a_fixed_number_of_queries(client, people):
    two, six = plan_for(people, 2), plan_for(people, 6)
    client.force_login(people.province_officer)
    first = two.assignments.first()
    last = six.assignments.last()
    assert queries_for(client, reverse("plans:assignment", args=[first.pk])) == queries_for(
        client, reverse("plans:assignment", args=[last.pk]))


def test_a_plan_that_is_still_a_draft_has_no_results_to_download(client, people):
    plan = draft_plan(people)
    add_indicator(plan, "4c")
    client.force_login(people.province_officer)
    body = html(client.get(results_url(plan)))
    assert plan.state == PlanState.DRAFT and "data-download" not in body
    put(Indicator.objects.get(), people.tree.province, people.clerk, value=1)  # stray data is harmless
    assert html(client.get(results_url(plan)))


# -- in real Chromium: the screens at phone and desktop width ------------------------------------

SHOTS = Path(os.environ.get("UI_SCREENSHOT_DIR", "/tmp"))
PASSWORD = "mat-khau-thu-nghiem"


def demo_programme(people):
    """The demo's year programme (33 targets, 14 of 16 districts reported), with the people of conftest."""
    for unit in people.tree.districts:
        if not UserFactory._meta.model.objects.filter(username=f"{unit.code.lower()}.canbo").exists():
            position_create(user=UserFactory(username=f"{unit.code.lower()}.canbo"), unit=unit, role=Role.OFFICER)
    return demo_indicator_plan_seed()


def log_in(page, live_server, user, width):  # noqa: F811
    """Log in afresh. The last page is left before its cookies are cleared: left open, a new width
    brings its lazy document image into view, and that image's request, made without cookies, is
    redirected to the login form, whose CSRF cookie then races the one this login reads."""
    user.set_password(PASSWORD)
    user.save()
    page.goto("about:blank")
    page.context.clear_cookies()
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(f"{live_server.url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")


def wide_elements(page) -> list[str]:  # noqa: F811
    """What sticks out past the window, to say why a page scrolls sideways."""
    return page.evaluate("""[...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.scroll-x'))
        .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")


def page_fits(page) -> bool:  # noqa: F811
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_results_and_figures_in_a_browser(live_server, people, page, settings):  # noqa: F811
    settings.STATIC_ROOT = settings.BASE_DIR / "static"  # the live server serves the real stylesheet
    plan = demo_programme(people)
    tuan_giao = plan.assignments.get(unit=people.tree.tuan_giao)

    for width in (390, 1280):
        log_in(page, live_server, people.province_officer, width)
        page.goto(f"{live_server.url}{results_url(plan)}")
        assert page.locator("svg.ichart g.bar-group").count() == plan.indicators.count()
        assert page.locator('.imatrix tr[data-unit="HDTG"] td[data-verdict="missing"]').count() > 0
        page.screenshot(path=str(SHOTS / f"ui-indicators-results-{width}.png"), full_page=True)
        assert page_fits(page), wide_elements(page)  # the matrix scrolls inside its box, not the page

        log_in(page, live_server, people.tuan_giao_officer, width)
        page.goto(f"{live_server.url}{reverse('plans:assignment', args=[tuan_giao.pk])}")
        one = page.locator("li.fig").first
        one.locator("input").first.fill("nhiều")
        page.locator("#chi-tieu form.figs button[type=submit]").click()
        page.wait_for_selector("li.fig.has-error")
        page.locator("#chi-tieu").screenshot(path=str(SHOTS / f"ui-indicators-figures-{width}.png"))
        assert page_fits(page), wide_elements(page)
    assert not IndicatorValue.objects.filter(unit=people.tree.tuan_giao).exists()
