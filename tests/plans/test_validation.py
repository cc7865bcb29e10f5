"""A plan's deadlines (issue 11, defect 2): none in the past when the plan is saved, submitted,
approved or issued, the receipt no later than the report, also when issuance sets the receipt
deadline from the policy. plans.services refuses on its own, so the screens and the API alike, and
a refused call leaves the plan as it was."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.transitions import history_of
from plans import services
from plans.models import Assignment, Plan, PlanState
from tests.helpers import act, message_levels, ok, reload
from tests.plans.helpers import approved_plan, draft_plan

pytestmark = pytest.mark.django_db


def later(**delta) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(**delta)


def overtaken(plan, **fields):
    """The deadline passed while the plan waited for its next step (written past the services)."""
    Plan.objects.filter(pk=plan.pk).update(**(fields or {"report_due": later(days=-1)}))
    return reload(plan)


def awaiting_approval(people):
    plan = draft_plan(people)
    services.plan_submit(plan=plan, by=people.province_officer)
    return services.plan_review(plan=plan, by=people.department_head)


def unchanged(plan, before):
    """The plan's state, number, history and assignments are what they were."""
    now = reload(plan)
    assert (now.state, now.number, now.issued_at) == (before.state, before.number, before.issued_at)
    assert not Assignment.objects.filter(plan=plan).exists()
    return now


# -- saving a draft ----------------------------------------------------------------------------------

def test_a_report_deadline_in_the_past_is_refused_and_nothing_is_saved(people):
    with pytest.raises(ValidationError) as refused:
        draft_plan(people, report_due=later(days=-1))
    assert set(refused.value.message_dict) == {"report_due"}
    assert not Plan.objects.exists()


def test_a_receipt_deadline_in_the_past_is_refused_and_nothing_is_saved(people):
    with pytest.raises(ValidationError) as refused:
        draft_plan(people, receipt_due=later(hours=-1), report_due=later(days=10))
    assert set(refused.value.message_dict) == {"receipt_due"}
    assert not Plan.objects.exists()


def test_a_draft_is_not_moved_into_the_past(people):
    plan = draft_plan(people)
    with pytest.raises(ValidationError) as refused:
        services.plan_update(plan=plan, by=people.province_officer, subject="Kế hoạch khác",
                             report_due=later(days=-3))
    assert "report_due" in refused.value.message_dict
    kept = reload(plan)
    assert (kept.subject, kept.report_due) == (plan.subject, plan.report_due)


def test_a_draft_whose_deadline_has_passed_is_kept_only_with_a_new_deadline(people):
    plan = overtaken(draft_plan(people))
    with pytest.raises(ValidationError) as refused:
        services.plan_update(plan=plan, by=people.province_officer, subject="Kế hoạch khác")
    assert "report_due" in refused.value.message_dict
    new_due = later(days=20)
    services.plan_update(plan=plan, by=people.province_officer, subject="Kế hoạch khác", report_due=new_due)
    assert (reload(plan).subject, reload(plan).report_due) == ("Kế hoạch khác", new_due)


# -- the approval steps -------------------------------------------------------------------------------

def test_a_draft_whose_deadline_has_passed_is_not_submitted(people):
    plan = overtaken(draft_plan(people))
    with pytest.raises(ValidationError) as refused:
        services.plan_submit(plan=plan, by=people.province_officer)
    assert "report_due" in refused.value.message_dict
    plan = unchanged(plan, plan)
    assert plan.process_id is None and not history_of(plan).exists()


def test_a_plan_whose_deadline_has_passed_is_not_approved(people):
    plan = overtaken(awaiting_approval(people))
    logged = history_of(plan).count()
    with pytest.raises(ValidationError) as refused:
        services.plan_approve(plan=plan, by=people.province_leader)
    assert "report_due" in refused.value.message_dict
    unchanged(plan, plan)
    assert plan.state == PlanState.AWAITING_APPROVAL and history_of(plan).count() == logged


def test_a_plan_whose_deadline_has_passed_is_not_issued(people):
    plan = overtaken(approved_plan(people))
    with pytest.raises(ValidationError) as refused:
        services.plan_issue(plan=plan, by=people.clerk)
    assert "report_due" in refused.value.message_dict
    plan = unchanged(plan, plan)
    assert plan.state == PlanState.APPROVED and plan.number == ""


def test_a_receipt_deadline_that_passed_before_issue_is_refused(people):
    plan = overtaken(approved_plan(people, receipt_due=later(days=1), report_due=later(days=10)),
                     receipt_due=later(hours=-2))
    with pytest.raises(ValidationError) as refused:
        services.plan_issue(plan=plan, by=people.clerk)
    assert set(refused.value.message_dict) == {"receipt_due"}
    unchanged(plan, plan)


def test_the_default_receipt_deadline_is_capped_at_the_report_deadline(people):
    # Due in two hours: the policy's receipt deadline (working days after issue) would come after it.
    due = later(hours=2)
    plan = services.plan_issue(plan=approved_plan(people, recipients=people.tree.districts[:2], report_due=due),
                               by=people.clerk)
    assert set(Assignment.objects.filter(plan=plan).values_list("receipt_due", "report_due")) == {(due, due)}


def test_a_state_that_does_not_allow_the_step_is_still_a_conflict_and_an_outsider_still_refused(as_, people):
    plan = overtaken(draft_plan(people))
    assert as_(people.province_leader).post(f"/api/plans/{plan.pk}/approve/").status_code == 409
    plan = overtaken(approved_plan(people, subject="Kế hoạch thứ hai"))
    assert as_(people.inspector).post(f"/api/plans/{plan.pk}/issue/").status_code == 403
    unchanged(plan, plan)


# -- over the screens and the API -----------------------------------------------------------------------

def form_data(people, **overrides):
    due = timezone.localtime(later(days=20))
    return {
        "kind": "KH", "subject": "Kế hoạch Ngày hội Thanh niên khởi nghiệp", "body": "",
        "department": people.tree.xdd.pk, "period_start": "", "period_end": "",
        "receipt_due_0": "", "receipt_due_1": "",
        "report_due_0": due.strftime("%d/%m/%Y"), "report_due_1": "17:00",
        "recipients": [people.tree.muong_ang.pk], **overrides,
    }


def test_the_plan_form_shows_a_past_deadline_on_its_field_and_saves_nothing(client, people):
    client.force_login(people.province_officer)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(reverse("plans:create"), form_data(people, report_due_0=yesterday.strftime("%d/%m/%Y")))
    assert response.status_code == 200 and response.context["form"].errors["report_due"]
    response = client.post(reverse("plans:create"), form_data(people, receipt_due_0="01/01/2020",
                                                              receipt_due_1="17:00"))
    assert response.status_code == 200 and response.context["form"].errors["receipt_due"]
    assert not Plan.objects.exists()


def test_issuing_a_plan_past_its_deadline_on_the_screen_is_an_error_and_changes_nothing(client, people):
    plan = overtaken(approved_plan(people))
    response = act(client, people.clerk, "plans:action", plan, "issue")
    assert message_levels(response) == ["error"]
    assert unchanged(plan, plan).state == PlanState.APPROVED


def test_the_api_refuses_a_plan_due_in_the_past_by_field(as_, people):
    t = people.tree
    answer = ok(as_(people.province_officer).post("/api/plans/", {
        "issuing_unit": t.province.pk, "department": t.xdd.pk, "subject": "Kế hoạch",
        "receipt_due": "01/01/2020 17:00", "report_due": "01/01/2020 17:00", "recipients": [t.muong_ang.pk],
    }, format="json"), 400)
    assert {"receipt_due", "report_due"} <= set(answer)
    assert not Plan.objects.exists()


def test_the_api_refuses_to_approve_or_issue_past_the_deadline(as_, people):
    plan = overtaken(awaiting_approval(people))
    assert "report_due" in ok(as_(people.province_leader).post(f"/api/plans/{plan.pk}/approve/"), 400)
    assert reload(plan).state == PlanState.AWAITING_APPROVAL
    plan = overtaken(approved_plan(people, subject="Kế hoạch thứ hai"))
    assert "report_due" in ok(as_(people.clerk).post(f"/api/plans/{plan.pk}/issue/"), 400)
    unchanged(plan, plan)
