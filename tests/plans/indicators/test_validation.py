"""What an indicator and its figures may be (issue 11, defects 2 and 4): a percentage is never summed
over units, a percentage lies between 0 and 100, a target is never negative, a number too large is
said in our words, and figures are not dated after today or before the plan's period. The services
refuse on their own, so the screens, the API and the CSV import alike, and a refused call changes
nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from plans.indicators import services as indicators
from plans.indicators.forms import IndicatorForm
from plans.indicators.targets import TargetFileError, read_targets
from plans.models import Indicator, IndicatorValue, Plan
from tests.helpers import ok, vi
from tests.plans.helpers import draft_plan
from tests.plans.indicators.helpers import add_indicator

pytestmark = pytest.mark.django_db

SHARE = {"code": "1b", "group": "1", "name": "Tỷ lệ đoàn viên được học tập", "kind": "percent",
         "unit_of_measure": "%", "target": "80", "comparison": "at_least", "aggregate": "ratio_of_sums",
         "unit_target": ""}
HEADER = "no,code,name,kind,unit_of_measure,target,comparison,aggregate\n"
STOCK_MESSAGE = "Ensure that there are no more than 18 digits in total."


def save(plan, by, **fields):
    values = {**SHARE, **fields}
    values["target"] = Decimal(values["target"])
    values["unit_target"] = Decimal(values["unit_target"]) if values["unit_target"] else None
    return indicators.indicator_save(plan=plan, by=by, **values)


def fields_of(error: ValidationError) -> set[str]:
    return set(error.message_dict)


# -- a percentage is not summed (defect 4) ---------------------------------------------------------------

def test_a_percentage_summed_over_units_is_refused_on_the_aggregate(people):
    plan = draft_plan(people)
    with pytest.raises(ValidationError) as refused:
        save(plan, people.province_officer, aggregate="sum")
    assert fields_of(refused.value) == {"aggregate"}
    assert not Indicator.objects.exists()


def test_an_indicator_is_not_changed_into_a_summed_percentage(people):
    plan = draft_plan(people)
    count = add_indicator(plan, "7a", kind="count", aggregate="sum")
    with pytest.raises(ValidationError) as refused:
        indicators.indicator_save(plan=plan, by=people.province_officer, indicator=count, kind="percent")
    assert "aggregate" in refused.value.message_dict
    assert Indicator.objects.get(pk=count.pk).kind == "count"


def test_the_indicator_form_shows_the_summed_percentage_on_its_field(client, people):
    plan = draft_plan(people)
    client.force_login(people.province_officer)
    response = client.post(reverse("plans:indicator-add", args=[plan.pk]), {**SHARE, "aggregate": "sum"})
    assert response.status_code == 200 and response.context["form"].errors["aggregate"]
    assert not Indicator.objects.exists()


def test_the_api_refuses_a_summed_percentage_by_field(as_, people):
    plan = draft_plan(people)
    answer = ok(as_(people.province_officer).post(f"/api/plans/{plan.pk}/indicators/",
                                                  {**SHARE, "aggregate": "sum", "unit_target": None},
                                                  format="json"), 400)
    assert set(answer) == {"aggregate"}
    assert not Indicator.objects.exists()


def test_the_csv_import_refuses_a_summed_percentage_naming_its_line(client, people, tmp_path):
    plan = draft_plan(people)
    path = tmp_path / "chi-tieu.csv"
    path.write_text(HEADER + "1,1a,A,count,người,100,at_least,sum\n2,1b,B,percent,%,45,at_least,sum\n",
                    encoding="utf-8")
    with pytest.raises(TargetFileError) as refused:
        indicators.indicators_import(plan=plan, by=people.province_officer, path=path)
    assert str(refused.value).startswith(vi(gettext_lazy("Line %(line)s"), line=3))
    assert len(str(refused.value).splitlines()) == 1
    client.force_login(people.province_officer)
    body = client.post(reverse("plans:indicator-import", args=[plan.pk]),
                       {"file": open(path, "rb")}).content.decode()
    assert vi(gettext_lazy("Line %(line)s"), line=3) in body
    assert not Indicator.objects.exists()


# -- a percentage lies between 0 and 100, a target is not negative (defect 4) ----------------------------

def test_a_negative_target_is_refused_whatever_the_kind(people):
    plan = draft_plan(people)
    for kind, aggregate in (("count", "sum"), ("percent", "ratio_of_sums"), ("money", "sum")):
        with pytest.raises(ValidationError) as refused:
            save(plan, people.province_officer, code=f"x-{kind}", kind=kind, aggregate=aggregate, target="-5")
        assert fields_of(refused.value) == {"target"}, kind
    with pytest.raises(ValidationError) as refused:
        save(plan, people.province_officer, kind="count", aggregate="all_units", unit_target="-1")
    assert fields_of(refused.value) == {"unit_target"}
    assert not Indicator.objects.exists()


def test_a_percentage_target_above_100_is_refused(people):
    with pytest.raises(ValidationError) as refused:
        save(draft_plan(people), people.province_officer, target="150")
    assert fields_of(refused.value) == {"target"}
    assert not Indicator.objects.exists()


def test_the_screen_and_the_api_refuse_a_negative_target(client, people, as_):
    plan = draft_plan(people)
    client.force_login(people.province_officer)
    response = client.post(reverse("plans:indicator-add", args=[plan.pk]), {**SHARE, "target": "-5"})
    assert response.status_code == 200 and response.context["form"].errors["target"]
    answer = ok(as_(people.province_officer).post(f"/api/plans/{plan.pk}/indicators/",
                                                  {**SHARE, "kind": "count", "aggregate": "sum", "target": "-5",
                                                   "unit_target": None}, format="json"), 400)
    assert set(answer) == {"target"}
    assert not Indicator.objects.exists()


def test_the_csv_import_refuses_a_percentage_target_above_100(tmp_path):
    path = tmp_path / "chi-tieu.csv"
    path.write_text(HEADER + "1,1b,B,percent,%,150,at_least,ratio_of_sums\n", encoding="utf-8")
    with pytest.raises(TargetFileError):
        read_targets(path)


@pytest.fixture
def percent_plan(plan):
    """The conftest's issued plan with one percentage reported as a figure, unit by unit."""
    add_indicator(plan, "5a", kind="percent", aggregate="all_units", target=100, unit_target=50, position=5)
    return plan


def test_a_percentage_figure_above_100_is_refused_and_nothing_is_stored(people, received, percent_plan):
    with pytest.raises(ValidationError) as refused:
        indicators.indicator_values_set(assignment=received, by=people.muong_ang_officer,
                                        entries={"4c": {"value": "12"}, "5a": {"value": "150"}})
    assert fields_of(refused.value) == {"values"} and refused.value.message_dict["values"][0].startswith("5a")
    assert not IndicatorValue.objects.exists()
    indicators.indicator_values_set(assignment=received, by=people.muong_ang_officer,
                                    entries={"5a": {"value": "100"}})
    assert IndicatorValue.objects.get().value == 100


def test_the_screen_and_the_api_refuse_a_percentage_figure_above_100(client, as_, people, received, percent_plan):
    pk = Indicator.objects.get(code="5a").pk
    client.force_login(people.muong_ang_officer)
    response = client.post(reverse("plans:assignment-figures", args=[received.pk]),
                           {"cutoff_date": "", f"i{pk}-value": "150", f"i{pk}-note": ""})
    assert response.status_code == 200 and "has-error" in response.content.decode()
    answer = ok(as_(people.muong_ang_officer).put(f"/api/assignments/{received.pk}/indicator-values/",
                                                  {"values": [{"code": "5a", "value": "150"}]}, format="json"), 400)
    assert answer["values"][0].startswith("5a")
    assert not IndicatorValue.objects.exists()


# -- a number too large, in our words (defect 4) ----------------------------------------------------------

@pytest.mark.parametrize("field", ["target", "unit_target"])
def test_a_number_too_large_for_the_column_is_said_in_our_words(field):
    form = IndicatorForm({**SHARE, "kind": "count", "aggregate": "all_units", field: "1" + "0" * 18})
    assert not form.is_valid()
    assert form.errors[field] == [vi(gettext_lazy("The number is too large."))]


def test_the_service_says_a_number_too_large_in_our_words(people):
    with pytest.raises(ValidationError) as refused:
        save(draft_plan(people), people.province_officer, kind="count", aggregate="sum", target="1" + "0" * 18)
    assert refused.value.message_dict == {"target": [vi(gettext_lazy("The number is too large."))]}


def test_the_screen_says_a_number_too_large_in_our_words(client, people):
    plan = draft_plan(people)
    client.force_login(people.province_officer)
    response = client.post(reverse("plans:indicator-add", args=[plan.pk]),
                           {**SHARE, "kind": "count", "aggregate": "sum", "target": "1" + "0" * 18})
    body = response.content.decode()
    assert vi(gettext_lazy("The number is too large.")) in body and STOCK_MESSAGE not in body
    assert "18 số" not in body
    assert not Indicator.objects.exists()


# -- the figures' cut-off date (defect 2) ------------------------------------------------------------------

def test_figures_dated_after_today_are_refused_and_nothing_is_stored(people, received):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        indicators.indicator_values_set(assignment=received, by=people.muong_ang_officer,
                                        entries={"4c": {"value": "12"}}, cutoff_date=tomorrow)
    assert fields_of(refused.value) == {"cutoff_date"}
    assert not IndicatorValue.objects.exists()
    indicators.indicator_values_set(assignment=received, by=people.muong_ang_officer,
                                    entries={"4c": {"value": "12"}}, cutoff_date=timezone.localdate())
    assert IndicatorValue.objects.get().cutoff_date == timezone.localdate()


def test_figures_dated_before_the_plans_period_are_refused(people, plan, received):
    Plan.objects.filter(pk=plan.pk).update(period_start=datetime.date(2024, 1, 1))
    with pytest.raises(ValidationError) as refused:
        indicators.indicator_values_set(assignment=received, by=people.muong_ang_officer,
                                        entries={"4c": {"value": "12"}}, cutoff_date=datetime.date(2023, 12, 31))
    assert fields_of(refused.value) == {"cutoff_date"}
    assert not IndicatorValue.objects.exists()


def test_the_issuers_own_figures_are_not_dated_after_today(people, plan):
    with pytest.raises(ValidationError) as refused:
        indicators.issuer_values_set(plan=plan, by=people.province_officer, entries={"3a": {"value": "3"}},
                                     cutoff_date=timezone.localdate() + datetime.timedelta(days=400))
    assert fields_of(refused.value) == {"cutoff_date"}
    assert not IndicatorValue.objects.exists()


def test_the_screen_and_the_api_refuse_figures_dated_after_today(client, as_, people, received, plan):
    pk = Indicator.objects.get(code="4c").pk
    in_two_years = timezone.localdate() + datetime.timedelta(days=730)
    client.force_login(people.muong_ang_officer)
    response = client.post(reverse("plans:assignment-figures", args=[received.pk]),
                           {"cutoff_date": in_two_years.strftime("%d/%m/%Y"), f"i{pk}-value": "12"})
    assert response.status_code == 200 and "cutoff has-error" in response.content.decode()
    answer = ok(as_(people.muong_ang_officer).put(f"/api/assignments/{received.pk}/indicator-values/", {
        "cutoff_date": in_two_years.isoformat(), "values": [{"code": "4c", "value": "12"}]}, format="json"), 400)
    assert set(answer) == {"cutoff_date"}
    assert not IndicatorValue.objects.exists()
