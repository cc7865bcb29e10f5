"""What a draft conclusion must hold (issue 11, defects 2 and 3): a text, and recommendations due in
the future. inspections.services refuses on its own, so the editor and the API alike, and a refused
save leaves the draft as it was."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from inspections import services
from inspections.models import Conclusion, Recommendation
from tests.helpers import ok
from tests.inspections.helpers import decided_inspection, target_of

pytestmark = pytest.mark.django_db

TEXT = "Đơn vị cơ bản thực hiện tốt; còn hạn chế về hồ sơ."


@pytest.fixture
def muong_ang(people):
    return target_of(decided_inspection(people), people.tree.muong_ang)


def later(**delta) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(**delta)


def draft(people, target):
    """A draft with one recommendation due in a month, to see that a refused save keeps it."""
    return services.conclusion_save(target=target, by=people.inspector, text=TEXT,
                                    recommendations=[("Cập nhật sổ sách.", later(days=30))])


def as_saved(target):
    conclusion = Conclusion.objects.filter(target=target).first()
    if conclusion is None:
        return None
    return conclusion.text, conclusion.updated_at, list(conclusion.recommendations.values_list("text", "due"))


def day(delta_days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=delta_days)).strftime("%d/%m/%Y")


def editor_data(text, *rows):
    data = {"text": text, "rec-TOTAL_FORMS": 5, "rec-INITIAL_FORMS": 0}
    for n in range(5):
        data[f"rec-{n}-text"], data[f"rec-{n}-due"] = rows[n] if n < len(rows) else ("", "")
    return data


# -- recommendations due in the past (defect 2) --------------------------------------------------------

def test_a_recommendation_due_in_the_past_is_refused_and_nothing_is_saved(people, muong_ang):
    with pytest.raises(ValidationError) as refused:
        services.conclusion_save(target=muong_ang, by=people.inspector, text=TEXT,
                                 recommendations=[("Cập nhật sổ sách.", later(days=30)),
                                                  ("Hoàn trả kinh phí.", later(days=-1))])
    assert set(refused.value.message_dict) == {"recommendations"}
    assert not Conclusion.objects.exists() and not Recommendation.objects.exists()


def test_a_refused_recommendation_leaves_the_draft_as_it_was(people, muong_ang):
    draft(people, muong_ang)
    before = as_saved(muong_ang)
    with pytest.raises(ValidationError):
        services.conclusion_save(target=muong_ang, by=people.inspector, text="Kết luận khác.",
                                 recommendations=[("Hoàn trả kinh phí.", datetime.datetime(2020, 1, 1,
                                                                                           tzinfo=datetime.UTC))])
    assert as_saved(muong_ang) == before


def test_the_editor_shows_a_past_deadline_on_its_row_and_saves_nothing(client, people, muong_ang):
    client.force_login(people.inspector)
    response = client.post(reverse("inspections:conclusion-edit", args=[muong_ang.pk]),
                           editor_data(TEXT, ("Bổ sung hồ sơ.", day(30)), ("Hoàn trả kinh phí.", day(-1))))
    rows = response.context["rows"].forms
    assert response.status_code == 200 and rows[1].errors["due"] and not rows[0].errors
    assert not Conclusion.objects.exists()


def test_a_recommendation_due_today_is_accepted_in_the_editor(client, people, muong_ang):
    # A deadline is a day: the end of today is still to come.
    client.force_login(people.inspector)
    client.post(reverse("inspections:conclusion-edit", args=[muong_ang.pk]),
                editor_data(TEXT, ("Bổ sung hồ sơ.", day(0))))
    assert Recommendation.objects.get().text == "Bổ sung hồ sơ."


def test_the_api_refuses_a_past_recommendation_deadline(as_, people, muong_ang):
    draft(people, muong_ang)
    before = as_saved(muong_ang)
    answer = ok(as_(people.inspector).put(f"/api/inspection-targets/{muong_ang.pk}/conclusion/", {
        "text": TEXT, "recommendations": [{"text": "Hoàn trả kinh phí.", "due": "01/01/2020 17:00"}],
    }, format="json"), 400)
    assert set(answer) == {"recommendations"}
    assert as_saved(muong_ang) == before


# -- an empty conclusion (defect 3) ---------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", "   \n "])
def test_an_empty_conclusion_is_refused_and_nothing_is_saved(people, muong_ang, text):
    with pytest.raises(ValidationError) as refused:
        services.conclusion_save(target=muong_ang, by=people.inspector, text=text)
    assert set(refused.value.message_dict) == {"text"}
    assert not Conclusion.objects.exists()


def test_an_empty_save_does_not_blank_the_draft(people, muong_ang):
    draft(people, muong_ang)
    before = as_saved(muong_ang)
    with pytest.raises(ValidationError):
        services.conclusion_save(target=muong_ang, by=people.inspector, text="", recommendations=[])
    assert as_saved(muong_ang) == before


def test_the_editor_refuses_an_empty_conclusion_on_its_field(client, people, muong_ang):
    client.force_login(people.inspector)
    response = client.post(reverse("inspections:conclusion-edit", args=[muong_ang.pk]), editor_data(""))
    assert response.status_code == 200 and response.context["form"].errors["text"]
    assert not Conclusion.objects.exists()


def test_the_api_refuses_an_empty_conclusion_by_field(as_, people, muong_ang):
    url = f"/api/inspection-targets/{muong_ang.pk}/conclusion/"
    assert set(ok(as_(people.inspector).put(url, {"text": " "}, format="json"), 400)) == {"text"}
    assert not Conclusion.objects.exists()
    draft(people, muong_ang)
    before = as_saved(muong_ang)
    assert "text" in ok(as_(people.inspector).put(url, {"text": "", "recommendations": []}, format="json"), 400)
    assert as_saved(muong_ang) == before
