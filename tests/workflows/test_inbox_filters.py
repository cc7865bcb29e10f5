"""The inbox narrowed to one plan or inspection, to one unit, and found by an inspection's
number or subject; a plan of somebody else's in the address filters nothing."""

import pytest
from django.urls import reverse

from inspections.models import Inspection
from tests.helpers import html
from tests.inspections.helpers import decided_inspection
from tests.plans.helpers import issued_plan
from tests.plans.test_bulk import reported
from workflows import inbox

pytestmark = pytest.mark.django_db


def _tasks(client, **params):
    """The task list of the inbox page, without the filters above it (they name plans too)."""
    body = html(client.get(reverse("workflows:inbox"), params))
    return body.partition('class="filters"')[2].partition("</form>")[2]


def _filters(client, **params):
    return html(client.get(reverse("workflows:inbox"), params)).partition('class="filters"')[2].partition("</form>")[0]


def test_the_unit_sees_one_plans_tasks_when_it_chooses_that_plan(client, people):
    t = people.tree
    camp = issued_plan(people, recipients=[t.muong_ang], subject="Kế hoạch Hội trại tòng quân")
    month = issued_plan(people, recipients=[t.muong_ang], subject="Kế hoạch Tháng Thanh niên")
    client.force_login(people.muong_ang_officer)
    filters = _filters(client)
    assert f'value="plan-{camp.pk}"' in filters and f'value="plan-{month.pk}"' in filters
    only_camp = _tasks(client, ve=f"plan-{camp.pk}")
    assert "Hội trại tòng quân" in only_camp and "Tháng Thanh niên" not in only_camp
    assert f'value="plan-{camp.pk}" selected' in _filters(client, ve=f"plan-{camp.pk}")


def test_a_plan_that_is_not_among_the_persons_tasks_filters_nothing(client, people):
    t = people.tree
    own = issued_plan(people, recipients=[t.muong_ang], subject="Kế hoạch của Mường Ảng")
    other = issued_plan(people, recipients=[t.tuan_giao], subject="Kế hoạch riêng của Tuần Giáo")
    client.force_login(people.muong_ang_officer)
    for value in (f"plan-{other.pk}", "plan-abc", "nothing-1", f"inspection-{own.pk}"):
        body = html(client.get(reverse("workflows:inbox"), {"ve": value}))
        assert "Kế hoạch của Mường Ảng" in body, value
        assert "Tuần Giáo" not in body, value  # neither its task nor its name in the choices
        assert "selected" not in body.partition('id="inbox-about"')[2].partition("</select>")[0], value


def test_the_reviewer_narrows_the_reports_to_one_unit(client, people):
    t = people.tree
    plan = issued_plan(people, recipients=[t.muong_ang, t.tuan_giao])
    reported(people, plan, [t.muong_ang, t.tuan_giao])
    client.force_login(people.province_officer)
    filters = _filters(client, ve=f"plan-{plan.pk}")
    assert f'value="{t.muong_ang.pk}"' in filters and f'value="{t.tuan_giao.pk}"' in filters
    one = _tasks(client, ve=f"plan-{plan.pk}", **{"don-vi": t.tuan_giao.pk})
    assert one.count('data-task="review"') == 1 and t.tuan_giao.name in one and t.muong_ang.name not in one
    assert _tasks(client).count('data-task="review"') == 2


def test_too_many_units_ask_for_a_plan_first(client, people, monkeypatch):
    t = people.tree
    plan = issued_plan(people, recipients=[t.muong_ang, t.tuan_giao])
    reported(people, plan, [t.muong_ang, t.tuan_giao])
    monkeypatch.setattr(inbox, "UNIT_CHOICES_MAX", 1)
    client.force_login(people.province_officer)
    filters = _filters(client)
    assert 'name="don-vi"' not in filters and 'id="inbox-unit"' in filters


def test_an_inspections_tasks_are_found_by_its_number_or_subject_without_diacritics(client, people):
    t = people.tree
    inspection = decided_inspection(people, targets=[t.muong_ang],
                                    subject="Kiểm tra việc thực hiện Điều lệ Đoàn năm 2024")
    issued_plan(people, recipients=[t.muong_ang], subject="Kế hoạch Hội trại tòng quân")
    inspection = Inspection.objects.get(pk=inspection.pk)
    client.force_login(people.muong_ang_officer)
    by_subject = _tasks(client, q="dieu le doan")
    assert "Điều lệ Đoàn" in by_subject and "Hội trại" not in by_subject
    assert inspection.decision_number
    by_number = _tasks(client, q=inspection.decision_number.lower())
    assert "Điều lệ Đoàn" in by_number and "Hội trại" not in by_number
    chosen = _tasks(client, ve=f"inspection-{inspection.pk}")
    assert "Điều lệ Đoàn" in chosen and "Hội trại" not in chosen


def test_the_pages_keep_the_filters(client, people, monkeypatch):
    t = people.tree
    plan = issued_plan(people, recipients=[t.muong_ang, t.tuan_giao])
    reported(people, plan, [t.muong_ang, t.tuan_giao])
    monkeypatch.setattr(inbox, "PAGE_SIZE", 1)
    client.force_login(people.province_officer)
    body = _tasks(client, ve=f"plan-{plan.pk}", **{"qua-han": ""})
    assert f'href="?ve=plan-{plan.pk}&amp;page=2"' in body
