"""The plan screens: each page for the right person, actions through the services, other units' objects
out of reach. Vietnamese is asserted only for strings already in the compiled catalogue; otherwise
data (units, subjects, numbers), CSS classes and state codes."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.services import position_create
from core.attachments import attachments_of
from plans import services
from plans.models import Assignment, AssignmentState, Plan, PlanState, Report
from tests.factories import UnitFactory, UserFactory
from tests.helpers import act, html, messages_of, state_of
from tests.plans.helpers import approved_plan, assignment_of, draft_plan, issued_plan

pytestmark = pytest.mark.django_db


def received(people, plan=None):
    plan = plan or issued_plan(people)
    assignment = assignment_of(plan, people.tree.muong_ang)
    services.assignment_receive(assignment=assignment, by=people.muong_ang_officer)
    return assignment


def reported(people, text="Đã tổ chức 12 hoạt động"):
    assignment = received(people)
    services.assignment_report(assignment=assignment, by=people.muong_ang_officer, text=text)
    return assignment


# -- navigation and the plan list ----------------------------------------------------------------

def test_the_menu_links_the_inbox_and_the_plan_list(client, people):
    client.force_login(people.muong_ang_officer)
    body = html(client.get(reverse("home")))
    assert f'href="{reverse("workflows:inbox")}"' in body and f'href="{reverse("plans:list")}"' in body
    assert "Kế hoạch" in body


def test_anonymous_visitors_are_sent_to_login(client, people):
    plan = issued_plan(people)
    for url in (reverse("plans:list"), reverse("workflows:inbox"), reverse("plans:detail", args=[plan.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_list_shows_the_units_plans_to_its_people_only(client, people):
    draft_plan(people, subject="Kế hoạch Hội trại tòng quân")
    client.force_login(people.province_officer)
    assert "Kế hoạch Hội trại tòng quân" in html(client.get(reverse("plans:list")))
    # A draft is not addressed to anyone yet.
    client.force_login(people.muong_ang_officer)
    assert "Kế hoạch Hội trại tòng quân" not in html(client.get(reverse("plans:list")))


def test_a_district_sees_an_issued_plan_addressed_to_it(client, people):
    plan = issued_plan(people)
    client.force_login(people.muong_ang_officer)
    body = html(client.get(reverse("plans:list")))
    assert plan.subject in body and Plan.objects.get(pk=plan.pk).number in body


def test_search_ignores_diacritics_and_case(client, people):
    draft_plan(people, subject="Kế hoạch tổ chức Tháng Thanh niên năm 2024")
    draft_plan(people, subject="Kế hoạch Hội thi Bí thư chi đoàn giỏi")
    client.force_login(people.province_officer)
    for query in ("thang thanh nien", "THÁNG thanh NIÊN", "Thang Thanh Nien 2024"):
        body = html(client.get(reverse("plans:list"), {"q": query}))
        assert "Tháng Thanh niên" in body, query
        assert "Bí thư chi đoàn giỏi" not in body, query
    body = html(client.get(reverse("plans:list"), {"q": "bi thu chi doan"}))
    assert "Bí thư chi đoàn giỏi" in body and "Tháng Thanh niên" not in body


def test_the_list_filters_by_state(client, people):
    draft_plan(people, subject="Dự thảo chưa gửi")
    issued = issued_plan(people, subject="Kế hoạch đã ban hành")
    client.force_login(people.province_officer)
    body = html(client.get(reverse("plans:list"), {"state": PlanState.ISSUED}))
    assert issued.subject in body and "Dự thảo chưa gửi" not in body


def test_the_list_filters_by_period_and_department(client, people):
    t = people.tree
    draft_plan(people, subject="Quý một", period_start=datetime.date(2024, 1, 1),
               period_end=datetime.date(2024, 3, 31))
    draft_plan(people, subject="Quý ba", period_start=datetime.date(2024, 7, 1),
               period_end=datetime.date(2024, 9, 30), department=None)
    client.force_login(people.province_officer)
    body = html(client.get(reverse("plans:list"), {"period_from": "01/07/2024", "period_to": "31/07/2024"}))
    assert "Quý ba" in body and "Quý một" not in body
    body = html(client.get(reverse("plans:list"), {"department": t.xdd.pk}))
    assert "Quý một" in body and "Quý ba" not in body


def test_the_list_filters_overdue_plans_and_marks_them(client, people):
    late = issued_plan(people, subject="Kế hoạch đã quá hạn")
    issued_plan(people, subject="Kế hoạch còn hạn")
    Assignment.objects.filter(plan=late).update(report_due=timezone.now() - datetime.timedelta(days=2))
    client.force_login(people.province_officer)
    body = html(client.get(reverse("plans:list"), {"overdue": "on"}))
    assert "Kế hoạch đã quá hạn" in body and "Kế hoạch còn hạn" not in body
    assert f'class="item row-overdue" data-plan="{late.pk}"' in body


def test_filter_values_that_do_not_parse_are_ignored(client, people):
    draft_plan(people)
    client.force_login(people.province_officer)
    nonsense = {"period_from": "31/02/2024", "state": "nope", "department": "x"}
    body = html(client.get(reverse("plans:list"), nonsense))
    assert "Tháng Thanh niên" in body


def test_the_list_is_paginated(client, people):
    for n in range(23):
        draft_plan(people, subject=f"Kế hoạch số {n:02d}", recipients=[])
    client.force_login(people.province_officer)
    first = html(client.get(reverse("plans:list"), {"q": "ke hoach"}))
    assert "Kế hoạch số 22" in first and "Kế hoạch số 02" not in first
    assert "page=2" in first and "q=ke+hoach" in first
    second = html(client.get(reverse("plans:list"), {"q": "ke hoach", "page": 2}))
    assert "Kế hoạch số 02" in second and "Kế hoạch số 22" not in second


def test_the_plan_list_query_count_does_not_grow_with_the_number_of_plans(client, people):
    client.force_login(people.province_officer)

    def queries_for_list():
        with CaptureQueriesContext(connection) as context:
            html(client.get(reverse("plans:list"), {"q": "ke hoach", "overdue": ""}))
        return len(context)

    issued_plan(people, recipients=people.tree.districts[:2])
    draft_plan(people, recipients=[])
    few = queries_for_list()
    for _ in range(8):
        issued_plan(people, recipients=people.tree.districts[:2])
        draft_plan(people, recipients=[], department=None)
    assert queries_for_list() == few


# -- creating and editing a plan -----------------------------------------------------------------

def plan_form_data(people, **overrides):
    data = {
        "kind": "KH",
        "subject": "Kế hoạch Ngày hội Thanh niên khởi nghiệp",
        "body": "Mỗi huyện tổ chức ít nhất một ngày hội.",
        "department": people.tree.xdd.pk,
        "period_start": "01/03/2025",
        "period_end": "31/03/2025",
        "receipt_due_0": "",
        "receipt_due_1": "",
        "report_due_0": "10/04/2099",
        "report_due_1": "17:00",
        "recipients": [people.tree.muong_ang.pk, people.tree.tuan_giao.pk],
    }
    data.update(overrides)
    return data


def test_the_plan_form_offers_the_units_directly_below(client, people):
    client.force_login(people.province_officer)
    body = html(client.get(reverse("plans:create")))
    assert body.count('name="recipients"') == 16
    assert "Huyện đoàn Mường Ảng" in body and 'name="all_recipients"' in body
    assert 'type="file" name="attachments" id="id_attachments" multiple' in body
    assert 'placeholder="dd/mm/yyyy"' in body and 'type="time"' in body
    # The drafter's own department is chosen beforehand.
    assert f'<option value="{people.tree.xdd.pk}" selected>' in body


def test_a_plan_is_drafted_with_day_first_dates(client, people):
    client.force_login(people.province_officer)
    response = client.post(reverse("plans:create"), plan_form_data(people), follow=True)
    plan = Plan.objects.get(subject="Kế hoạch Ngày hội Thanh niên khởi nghiệp")
    assert response.redirect_chain[-1][0] == reverse("plans:detail", args=[plan.pk])
    assert messages_of(response)[0][0] == "success"
    assert plan.state == PlanState.DRAFT and plan.issuing_unit == people.tree.province
    assert plan.period_start == datetime.date(2025, 3, 1) and plan.period_end == datetime.date(2025, 3, 31)
    assert timezone.localtime(plan.report_due).strftime("%d/%m/%Y %H:%M") == "10/04/2099 17:00"
    assert sorted(plan.recipients.values_list("code", flat=True)) == ["HDMA", "HDTG"]
    assert plan.created_by == people.province_officer


def test_select_all_sends_to_every_unit_below(client, people):
    client.force_login(people.province_officer)
    client.post(reverse("plans:create"), plan_form_data(people, recipients=[], all_recipients="on"))
    assert Plan.objects.get().recipients.count() == 16


def test_a_service_rule_is_shown_on_the_form_and_nothing_is_saved(client, people):
    client.force_login(people.province_officer)
    response = client.post(reverse("plans:create"), plan_form_data(people, period_end="01/02/2025"))
    assert response.status_code == 200
    assert response.context["form"].errors["period_end"]
    assert not Plan.objects.exists()


def test_a_date_in_another_format_is_refused(client, people):
    client.force_login(people.province_officer)
    response = client.post(reverse("plans:create"), plan_form_data(people, report_due_0="2025-13-45"))
    assert response.status_code == 200 and response.context["form"].errors["report_due"]
    assert not Plan.objects.exists()


def test_someone_who_drafts_nothing_may_not_open_the_form(client, people):
    client.force_login(people.inspector)
    assert client.get(reverse("plans:create")).status_code == 403


def test_a_draft_is_edited(client, people):
    plan = draft_plan(people)
    client.force_login(people.province_officer)
    body = html(client.get(reverse("plans:edit", args=[plan.pk])))
    assert plan.subject in body and 'value="' in body
    data = plan_form_data(people, subject="Kế hoạch Tháng Thanh niên (sửa)",
                          recipients=[people.tree.muong_ang.pk])
    response = client.post(reverse("plans:edit", args=[plan.pk]), data, follow=True)
    assert messages_of(response)[0][0] == "success"
    plan.refresh_from_db()
    assert plan.subject == "Kế hoạch Tháng Thanh niên (sửa)"
    assert list(plan.recipients.values_list("code", flat=True)) == ["HDMA"]


def test_an_issued_plan_is_not_edited(client, people):
    plan = issued_plan(people)
    client.force_login(people.province_officer)
    data = plan_form_data(people, subject="Khác")
    response = client.post(reverse("plans:edit", args=[plan.pk]), data, follow=True)
    assert messages_of(response)[0][0] == "error"
    assert Plan.objects.get(pk=plan.pk).subject == plan.subject


def test_a_colleague_without_drafting_rights_may_not_edit(client, people):
    plan = draft_plan(people)
    client.force_login(people.inspector)  # same unit, sees the plan, drafts nothing
    assert client.get(reverse("plans:edit", args=[plan.pk])).status_code == 403


# -- the plan page and its approval --------------------------------------------------------------

def test_the_plan_page_shows_the_five_clear_points_and_the_allowed_actions(client, people):
    plan = draft_plan(people, body="Tổ chức các hoạt động tình nguyện.")
    client.force_login(people.province_officer)
    body = html(client.get(reverse("plans:detail", args=[plan.pk])))
    assert plan.subject in body and "Tổ chức các hoạt động tình nguyện." in body
    assert "Tỉnh đoàn Điện Biên" in body and "Ban Xây dựng Đoàn" in body and "Nguyễn Văn Hùng" in body
    assert "Huyện đoàn Mường Ảng" in body  # who: the recipients
    assert timezone.localtime(plan.report_due).strftime("%d/%m/%Y") in body
    assert 'data-state="draft"' in body
    assert reverse("plans:action", args=[plan.pk, "submit"]) in body
    assert reverse("plans:edit", args=[plan.pk]) in body
    assert reverse("plans:action", args=[plan.pk, "approve"]) not in body


def test_a_plan_goes_from_draft_to_issued_through_the_screens(client, people):
    plan = draft_plan(people)
    act(client, people.province_officer, "plans:action", plan, "submit")
    assert state_of(plan) == PlanState.UNDER_REVIEW
    act(client, people.department_head, "plans:action", plan, "review", comment="Đề nghị phê duyệt")
    assert state_of(plan) == PlanState.AWAITING_APPROVAL
    response = act(client, people.province_leader, "plans:action", plan, "approve")
    assert state_of(plan) == PlanState.APPROVED
    assert messages_of(response)[0][0] == "success"
    assert response.redirect_chain[-1][0] == reverse("plans:detail", args=[plan.pk])
    response = act(client, people.clerk, "plans:action", plan, "issue")
    plan.refresh_from_db()
    assert plan.state == PlanState.ISSUED and plan.number
    body = html(response)
    assert plan.number in body
    assert body.count('data-unit="') == 16
    # History: every step with its person and comment.
    assert "Quàng Thị Mai" in body and "Đề nghị phê duyệt" in body and "Lường Thị Hoa" in body


def test_returning_a_draft_needs_a_comment(client, people):
    plan = draft_plan(people)
    services.plan_submit(plan=plan, by=people.province_officer)
    response = act(client, people.department_head, "plans:action", plan, "return", comment="  ")
    assert messages_of(response)[0][0] == "error"
    assert state_of(plan) == PlanState.UNDER_REVIEW
    response = act(client, people.department_head, "plans:action", plan, "return", comment="Bổ sung chỉ tiêu")
    assert state_of(plan) == PlanState.DRAFT
    assert "Bổ sung chỉ tiêu" in html(response)


def test_an_action_the_state_does_not_allow_shows_an_error_and_changes_nothing(client, people):
    plan = draft_plan(people)
    response = act(client, people.province_leader, "plans:action", plan, "approve")
    assert [level for level, _ in messages_of(response)] == ["error"]
    assert state_of(plan) == PlanState.DRAFT
    assert not plan.process_id


def test_an_action_the_person_may_not_take_shows_an_error_and_changes_nothing(client, people):
    plan = approved_plan(people)
    response = act(client, people.province_officer, "plans:action", plan, "issue")
    assert messages_of(response)[0][0] == "error"
    assert state_of(plan) == PlanState.APPROVED and Plan.objects.get(pk=plan.pk).number == ""


def test_revoking_needs_a_reason_and_cancels_the_open_assignments(client, people):
    plan = issued_plan(people)
    act(client, people.province_leader, "plans:action", plan, "revoke", comment="")
    assert state_of(plan) == PlanState.ISSUED
    act(client, people.province_leader, "plans:action", plan, "revoke", comment="Ban hành nhầm")
    assert state_of(plan) == PlanState.REVOKED
    assert set(plan.assignments.values_list("state", flat=True)) == {AssignmentState.CANCELLED}


def test_unknown_actions_and_gets_are_refused(client, people):
    plan = draft_plan(people)
    client.force_login(people.province_officer)
    assert client.post(reverse("plans:action", args=[plan.pk, "delete"])).status_code == 404
    assert client.get(reverse("plans:action", args=[plan.pk, "submit"])).status_code == 405
    assert state_of(plan) == PlanState.DRAFT


def test_redirects_only_go_back_to_this_site(client, people):
    plan = draft_plan(people)
    client.force_login(people.province_officer)
    response = client.post(reverse("plans:action", args=[plan.pk, "submit"]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("plans:detail", args=[plan.pk])


# -- the progress matrix ---------------------------------------------------------------------------

def test_the_matrix_marks_overdue_and_near_due_units(client, people):
    t = people.tree
    plan = issued_plan(people, receipt_due=timezone.now() + datetime.timedelta(days=10))
    past = timezone.now() - datetime.timedelta(days=1)
    Assignment.objects.filter(plan=plan, unit=t.muong_ang).update(report_due=past)
    Assignment.objects.filter(plan=plan, unit=t.tuan_giao).update(
        receipt_due=timezone.now() + datetime.timedelta(days=1)
    )
    client.force_login(people.province_officer)
    body = html(client.get(reverse("plans:detail", args=[plan.pk])))
    assert '<tr class="row-overdue" data-unit="HDMA" data-status="overdue">' in body
    assert '<tr class="row-near-due" data-unit="HDTG" data-status="near-due">' in body
    assert body.count('class="row-not-started"') == 14  # sent, not yet received, in time
    assert 'class="chip st-overdue">' in body  # the legend counts them


def test_the_matrix_shows_done_on_time_and_done_late(client, people):
    t = people.tree
    plan = issued_plan(people)
    for unit, officer in ((t.muong_ang, people.muong_ang_officer), (t.tuan_giao, people.tuan_giao_officer)):
        assignment = assignment_of(plan, unit)
        services.assignment_receive(assignment=assignment, by=officer)
        services.assignment_report(assignment=assignment, by=officer, text="Xong")
        services.assignment_accept(assignment=assignment, by=people.province_officer)
    Assignment.objects.filter(plan=plan, unit=t.tuan_giao).update(
        report_due=timezone.now() - datetime.timedelta(days=1)
    )
    client.force_login(people.province_officer)
    body = html(client.get(reverse("plans:detail", args=[plan.pk])))
    assert 'data-unit="HDMA" data-status="done"' in body
    assert 'data-unit="HDTG" data-status="done-late"' in body


def test_a_recipient_sees_only_its_own_row(client, people):
    plan = issued_plan(people)
    client.force_login(people.muong_ang_officer)
    body = html(client.get(reverse("plans:detail", args=[plan.pk])))
    assert 'data-unit="HDMA"' in body and 'data-unit="HDTG"' not in body
    assert reverse("plans:action", args=[plan.pk, "revoke"]) not in body


# -- the inbox -------------------------------------------------------------------------------------

def test_the_inbox_lists_what_the_unit_must_do(client, people):
    plan = issued_plan(people)
    client.force_login(people.muong_ang_officer)
    body = html(client.get(reverse("workflows:inbox")))
    mine = assignment_of(plan, people.tree.muong_ang)
    assert plan.subject in body and 'data-task="receive"' in body
    assert reverse("plans:assignment", args=[mine.pk]) in body
    assert reverse("plans:assignment-action", args=[mine.pk, "receive"]) in body
    theirs = assignment_of(plan, people.tree.tuan_giao)
    assert reverse("plans:assignment", args=[theirs.pk]) not in body


def test_the_inbox_shows_approval_steps_to_the_approvers(client, people):
    plan = draft_plan(people)
    services.plan_submit(plan=plan, by=people.province_officer)
    client.force_login(people.department_head)
    body = html(client.get(reverse("workflows:inbox")))
    assert 'data-task="review"' in body and reverse("plans:detail", args=[plan.pk]) in body
    client.force_login(people.muong_ang_officer)
    assert plan.subject not in html(client.get(reverse("workflows:inbox")))


def test_receipt_is_confirmed_from_the_inbox(client, people):
    plan = issued_plan(people)
    mine = assignment_of(plan, people.tree.muong_ang)
    client.force_login(people.muong_ang_officer)
    response = client.post(reverse("plans:assignment-action", args=[mine.pk, "receive"]),
                           {"next": reverse("workflows:inbox")}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("workflows:inbox")
    assert messages_of(response)[0][0] == "success"
    assert state_of(mine) == AssignmentState.RECEIVED
    body = html(response)
    assert 'data-task="report"' in body and 'data-task="receive"' not in body


def test_the_inbox_query_count_does_not_grow_with_the_number_of_tasks(client, people):
    client.force_login(people.muong_ang_officer)

    def queries_for_inbox():
        with CaptureQueriesContext(connection) as context:
            html(client.get(reverse("workflows:inbox")))
        return len(context)

    received(people, issued_plan(people, recipients=[people.tree.muong_ang]))
    few = queries_for_inbox()
    for _ in range(4):
        issued_plan(people, recipients=[people.tree.muong_ang])
        received(people, issued_plan(people, recipients=[people.tree.muong_ang]))
    assert queries_for_inbox() == few


def test_the_inbox_marks_an_overdue_task(client, people):
    plan = issued_plan(people)
    Assignment.objects.filter(plan=plan).update(receipt_due=timezone.now() - datetime.timedelta(hours=1))
    client.force_login(people.muong_ang_officer)
    assert 'data-status="overdue"' in html(client.get(reverse("workflows:inbox")))


# -- the assignment page, reports and their review ---------------------------------------------------

def test_the_assignment_page_shows_the_five_clear_points_and_the_receive_button(client, people):
    plan = issued_plan(people)
    mine = assignment_of(plan, people.tree.muong_ang)
    client.force_login(people.muong_ang_officer)
    body = html(client.get(reverse("plans:assignment", args=[mine.pk])))
    assert "Huyện đoàn Mường Ảng" in body and plan.subject in body and "Ban Xây dựng Đoàn" in body
    assert timezone.localtime(mine.report_due).strftime("%H:%M %d/%m/%Y") in body
    assert 'data-action="receive"' in body and 'data-state="sent"' in body
    assert reverse("plans:assignment-report", args=[mine.pk]) not in body


def test_a_report_is_sent_with_the_form(client, people):
    mine = received(people)
    client.force_login(people.muong_ang_officer)
    body = html(client.get(reverse("plans:assignment", args=[mine.pk])))
    assert reverse("plans:assignment-report", args=[mine.pk]) in body
    assert reverse("plans:implement", args=[mine.pk]) in body
    response = client.post(reverse("plans:assignment-report", args=[mine.pk]),
                           {"text": "Đã tổ chức 12 hoạt động"}, follow=True)
    assert messages_of(response)[0][0] == "success"
    assert state_of(mine) == AssignmentState.REPORTED
    assert "Đã tổ chức 12 hoạt động" in html(response)
    assert Report.objects.get(assignment=mine).version == 1


def test_an_empty_report_is_refused_and_nothing_changes(client, people):
    mine = received(people)
    client.force_login(people.muong_ang_officer)
    response = client.post(reverse("plans:assignment-report", args=[mine.pk]), {"text": " "})
    assert response.status_code == 200 and response.context["report_form"].errors["text"]
    assert state_of(mine) == AssignmentState.RECEIVED and not Report.objects.exists()


def test_a_report_before_receipt_shows_an_error_and_changes_nothing(client, people):
    plan = issued_plan(people)
    mine = assignment_of(plan, people.tree.muong_ang)
    client.force_login(people.muong_ang_officer)
    url = reverse("plans:assignment-report", args=[mine.pk])
    response = client.post(url, {"text": "Sớm quá"}, follow=True)
    assert messages_of(response)[0][0] == "error"
    assert state_of(mine) == AssignmentState.SENT and not Report.objects.exists()


def test_the_issuer_reviews_on_the_report_page_and_accepts(client, people):
    mine = reported(people)
    report = Report.objects.get(assignment=mine)
    client.force_login(people.province_officer)
    body = html(client.get(reverse("plans:report", args=[report.pk])))
    assert "Đã tổ chức 12 hoạt động" in body and "Huyện đoàn Mường Ảng" in body
    assert reverse("plans:assignment-action", args=[mine.pk, "accept"]) in body
    response = act(client, people.province_officer, "plans:assignment-action", mine, "accept", comment="Tốt",
                   next=reverse("plans:report", args=[report.pk]))
    assert response.redirect_chain[-1][0] == reverse("plans:report", args=[report.pk])
    assert state_of(mine) == AssignmentState.ACCEPTED
    assert Report.objects.get(pk=report.pk).review_comment == "Tốt"


def test_a_returned_report_keeps_its_version_and_the_new_one_comes_first(client, people):
    mine = reported(people, text="Bản đầu tiên")
    response = act(client, people.province_officer, "plans:assignment-action", mine, "return", comment="")
    assert messages_of(response)[0][0] == "error" and state_of(mine) == AssignmentState.REPORTED
    act(client, people.province_officer, "plans:assignment-action", mine, "return", comment="Thiếu số liệu")
    assert state_of(mine) == AssignmentState.RECEIVED
    client.force_login(people.muong_ang_officer)
    client.post(reverse("plans:assignment-report", args=[mine.pk]), {"text": "Bản bổ sung"})
    body = html(client.get(reverse("plans:assignment", args=[mine.pk])))
    assert body.index('data-version="2"') < body.index('data-version="1"')
    assert body.index("Bản bổ sung") < body.index("Bản đầu tiên")
    assert "Thiếu số liệu" in body


def test_an_earlier_version_offers_no_review(client, people):
    mine = reported(people)
    services.assignment_return(assignment=mine, by=people.province_officer, comment="Bổ sung")
    services.assignment_report(assignment=mine, by=people.muong_ang_officer, text="Lần hai")
    first = Report.objects.get(assignment=mine, version=1)
    client.force_login(people.province_officer)
    body = html(client.get(reverse("plans:report", args=[first.pk])))
    assert reverse("plans:assignment-action", args=[mine.pk, "accept"]) not in body
    assert reverse("plans:report", args=[Report.objects.get(assignment=mine, version=2).pk]) in body


def test_the_recipient_may_not_accept_its_own_report(client, people):
    mine = reported(people)
    response = act(client, people.muong_ang_officer, "plans:assignment-action", mine, "accept")
    assert messages_of(response)[0][0] == "error"
    assert state_of(mine) == AssignmentState.REPORTED


def test_the_assignment_history_names_who_did_what(client, people):
    mine = reported(people)
    client.force_login(people.province_officer)
    body = html(client.get(reverse("plans:assignment", args=[mine.pk])))
    history = body[body.index('id="lich-su"'):]
    assert history.count("Cán bộ Mường Ảng") == 2


# -- other units' objects are out of reach ----------------------------------------------------------

def test_another_districts_assignment_report_and_plan_are_not_found(client, people):
    mine = reported(people)
    report = Report.objects.get(assignment=mine)
    own_plan = services.plan_create(by=people.muong_ang_officer, issuing_unit=people.tree.muong_ang,
                                    subject="Kế hoạch riêng của Mường Ảng",
                                    report_due=timezone.now() + datetime.timedelta(days=9))
    client.force_login(people.tuan_giao_officer)
    assert client.get(reverse("plans:assignment", args=[mine.pk])).status_code == 404
    assert client.get(reverse("plans:report", args=[report.pk])).status_code == 404
    assert client.get(reverse("plans:detail", args=[own_plan.pk])).status_code == 404
    assert client.get(reverse("plans:edit", args=[own_plan.pk])).status_code == 404
    assert client.get(reverse("plans:implement", args=[mine.pk])).status_code == 404
    assert client.post(reverse("plans:assignment-action", args=[mine.pk, "receive"])).status_code == 404
    assert client.post(reverse("plans:assignment-report", args=[mine.pk]), {"text": "x"}).status_code == 404
    assert client.post(reverse("plans:action", args=[own_plan.pk, "submit"])).status_code == 404
    assert state_of(own_plan) == PlanState.DRAFT and state_of(mine) == AssignmentState.REPORTED


# -- cascading: an implementing plan for the units below, rolled up on the parent page ----------------

@pytest.fixture
def muong_ang_below(people):
    """Two commune unions under Mường Ảng, its clerk, and a commune officer."""
    t = people.tree
    communes = [UnitFactory(parent=t.muong_ang, name=name, code=code, level=t.muong_ang.level)
                for name, code in (("Đoàn xã Ẳng Nưa", "HDMA-AN"), ("Đoàn xã Búng Lao", "HDMA-BL"))]

    def person(username, unit, role):
        user = UserFactory(username=username)
        position_create(user=user, unit=unit, role=role)
        return user

    return {
        "communes": communes,
        "clerk": person("hdma.vanthu", t.muong_ang, Role.CLERK),
        "commune_officer": person("xaan.canbo", communes[0], Role.OFFICER),
    }


def test_an_implementing_plan_waits_for_receipt(client, people, muong_ang_below):
    plan = issued_plan(people)
    mine = assignment_of(plan, people.tree.muong_ang)
    client.force_login(people.muong_ang_officer)
    response = client.get(reverse("plans:implement", args=[mine.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("plans:assignment", args=[mine.pk])
    assert messages_of(response)[0][0] == "error"


def test_a_received_assignment_cascades_to_the_units_below_and_rolls_up(client, people, muong_ang_below):
    below = muong_ang_below
    mine = received(people)
    client.force_login(people.muong_ang_officer)
    body = html(client.get(reverse("plans:implement", args=[mine.pk])))
    assert "Đoàn xã Ẳng Nưa" in body and "Đoàn xã Búng Lao" in body and "Huyện đoàn Tuần Giáo" not in body
    assert mine.plan.subject in body  # the subject is proposed from the parent plan
    due = timezone.localtime(mine.report_due - datetime.timedelta(days=5))
    data = {"kind": "KH", "subject": "Kế hoạch triển khai Tháng Thanh niên tại Mường Ảng", "department": "",
            "report_due_0": due.strftime("%d/%m/%Y"),
            "report_due_1": "17:00", "all_recipients": "on"}
    response = client.post(reverse("plans:implement", args=[mine.pk]), data, follow=True)
    child = Plan.objects.get(parent_assignment=mine)
    assert response.redirect_chain[-1][0] == reverse("plans:detail", args=[child.pk])
    assert child.issuing_unit == people.tree.muong_ang and child.recipients.count() == 2
    assert reverse("plans:assignment", args=[mine.pk]) in html(response)  # link up to what it implements

    services.plan_submit(plan=child, by=people.muong_ang_officer)  # no department: straight to the leader
    services.plan_approve(plan=child, by=people.muong_ang_secretary)
    services.plan_issue(plan=child, by=below["clerk"])
    commune_assignment = Assignment.objects.get(plan=child, unit=below["communes"][0])
    services.assignment_receive(assignment=commune_assignment, by=below["commune_officer"])

    body = html(client.get(reverse("plans:assignment", args=[mine.pk])))
    assert reverse("plans:detail", args=[child.pk]) in body
    client.force_login(people.province_officer)
    body = html(client.get(reverse("plans:detail", args=[mine.plan_id])))
    row = body[body.index('data-unit="HDMA"'):]
    row = row[:row.index("</tr>")]
    assert "0/2" in row and 'data-state="received"' in row and 'data-state="sent"' in row
    # The province sees the roll-up, not the district's own plan.
    assert client.get(reverse("plans:detail", args=[child.pk])).status_code == 404


# -- attachments ----------------------------------------------------------------------------------------

def pdf(name="ke-hoach.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% test\n", content_type="application/pdf")


def test_a_plan_is_drafted_with_its_files(client, people):
    client.force_login(people.province_officer)
    data = plan_form_data(people, attachments=[pdf("Kế hoạch 176.pdf"), pdf("phu-luc.pdf")])
    response = client.post(reverse("plans:create"), data, follow=True)
    plan = Plan.objects.get()
    files = list(attachments_of(plan))
    assert sorted(f.original_name for f in files) == ["Kế hoạch 176.pdf", "phu-luc.pdf"]
    body = html(response)
    assert "Kế hoạch 176.pdf" in body and reverse("attachment-download", args=[files[0].pk]) in body


def test_a_refused_file_keeps_the_form_and_saves_nothing(client, people):
    client.force_login(people.province_officer)
    bad = SimpleUploadedFile("chuong-trinh.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(reverse("plans:create"), plan_form_data(people, attachments=[bad]))
    assert response.status_code == 200 and response.context["form"].errors["attachments"]
    assert "chuong-trinh.exe" in response.content.decode()
    assert not Plan.objects.exists()


def test_a_report_carries_its_files(client, people):
    mine = received(people)
    client.force_login(people.muong_ang_officer)
    client.post(reverse("plans:assignment-report", args=[mine.pk]),
                {"text": "Kèm biên bản", "attachments": [pdf("bien-ban.pdf")]})
    report = Report.objects.get(assignment=mine)
    client.force_login(people.province_officer)
    assert "bien-ban.pdf" in html(client.get(reverse("plans:report", args=[report.pk])))
    assert "bien-ban.pdf" in html(client.get(reverse("plans:assignment", args=[mine.pk])))


def test_a_refused_report_file_sends_no_report(client, people):
    mine = received(people)
    client.force_login(people.muong_ang_officer)
    fake = SimpleUploadedFile("bao-cao.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(reverse("plans:assignment-report", args=[mine.pk]),
                           {"text": "Báo cáo", "attachments": [fake]})
    assert response.status_code == 200 and response.context["report_form"].errors["attachments"]
    assert state_of(mine) == AssignmentState.RECEIVED and not Report.objects.exists()
