"""Notifications: who is told what when work moves, the e-mail copies, and the person's own list."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.services import delegation_create
from notifications import emails, tasks
from notifications.context_processors import unread
from notifications.models import Notification, NotificationKind, NotificationPreference
from notifications.registry import transition_notice
from notifications.services import Recipient, notify
from plans import services
from plans.flows import PlanApprovalFlow
from tests.factories import UserFactory
from tests.helpers import vi
from tests.plans.helpers import approved_plan, draft_plan, issued_plan
from workflows.registry import flow_kind

pytestmark = pytest.mark.django_db

SUBJECT = "Kế hoạch tổ chức Tháng Thanh niên năm 2024"


def received_by(user, **filters):
    return list(Notification.objects.filter(recipient=user, **filters).order_by("pk"))


def since(pk):
    return Notification.objects.filter(pk__gt=pk)


def last_pk() -> int:
    return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def with_email(*users):
    for user in users:
        user.email = f"{user.username}@doan.dienbien.vn"
        user.save(update_fields=["email"])


# --- who is told when work moves ---------------------------------------------------------------

def test_submitting_a_plan_tells_the_department_head_only(people):
    plan = draft_plan(people)
    services.plan_submit(plan=plan, by=people.province_officer)

    [notice] = Notification.objects.all()
    assert notice.recipient == people.department_head
    assert notice.kind == NotificationKind.TASK
    assert notice.title == vi(flow_kind(PlanApprovalFlow).notice_titles["review"], subject=SUBJECT)
    assert notice.url == reverse("plans:detail", args=[plan.pk])


def test_a_draft_of_another_department_is_not_sent_to_this_head(people):
    plan = draft_plan(people, department=people.tree.vp)
    services.plan_submit(plan=plan, by=people.province_officer)
    assert not Notification.objects.filter(recipient=people.department_head).exists()


def test_forwarding_tells_the_leader_and_approving_tells_the_clerk(people):
    plan = draft_plan(people)
    services.plan_submit(plan=plan, by=people.province_officer)
    services.plan_review(plan=plan, by=people.department_head)
    assert [n.title for n in received_by(people.province_leader)] == [
        vi(flow_kind(PlanApprovalFlow).notice_titles["approve"], subject=SUBJECT)
    ]
    services.plan_approve(plan=plan, by=people.province_leader)
    assert [n.title for n in received_by(people.clerk)] == [
        vi(flow_kind(PlanApprovalFlow).notice_titles["issue"], subject=SUBJECT)
    ]


def test_issuing_to_three_districts_tells_each_districts_people_once(people):
    t = people.tree
    third = next(u for u in t.districts if u not in (t.muong_ang, t.tuan_giao))
    plan = approved_plan(people, recipients=[t.muong_ang, t.tuan_giao, third])
    before = last_pk()

    services.plan_issue(plan=plan, by=people.clerk)

    assignment = {a.unit_id: a.pk for a in plan.assignments.all()}
    sent = {(n.recipient_id, n.url) for n in since(before)}
    assert sent == {
        (people.muong_ang_officer.pk, reverse("plans:assignment", args=[assignment[t.muong_ang.pk]])),
        (people.muong_ang_secretary.pk, reverse("plans:assignment", args=[assignment[t.muong_ang.pk]])),
        (people.tuan_giao_officer.pk, reverse("plans:assignment", args=[assignment[t.tuan_giao.pk]])),
    }
    assert since(before).count() == 3
    assert set(since(before).values_list("kind", flat=True)) == {NotificationKind.TASK}


def test_issuing_costs_the_same_queries_with_one_or_seven_units_told(people):
    t = people.tree
    others = [u for u in t.districts if u not in (t.muong_ang, t.tuan_giao)][:5]

    def issue_queries(recipients):
        plan = approved_plan(people, recipients=recipients)
        with CaptureQueriesContext(connection) as queries:
            services.plan_issue(plan=plan, by=people.clerk)
        return len(queries)

    issue_queries([others[0]])  # first use: numbering and deadline settings rows are created once
    before = last_pk()
    assert issue_queries([t.muong_ang]) == issue_queries([t.muong_ang, t.tuan_giao, *others])
    # 2 people of Mường Ảng twice, Tuần Giáo's officer once (plus the clerk's "to issue" notices).
    assert since(before).filter(kind=NotificationKind.TASK, url__contains="giao-viec").count() == 5


def test_a_failure_to_find_recipients_never_breaks_the_issue(people, monkeypatch, caplog):
    from plans import fanout

    def broken(unit_ids):
        raise RuntimeError("guardian table unreachable")

    monkeypatch.setattr(fanout, "unit_handlers", broken)
    plan = approved_plan(people)
    services.plan_issue(plan=plan, by=people.clerk)

    plan.refresh_from_db()
    assert plan.state == "issued"
    assert plan.assignments.count() == len(people.tree.districts)
    assert "Notifications for the assignments of plan" in caplog.text


def test_a_failing_task_notice_never_breaks_the_submission(people, monkeypatch, caplog):
    from notifications import events

    def broken(task):
        raise RuntimeError("boom")

    monkeypatch.setattr(events, "task_recipients", broken)
    plan = draft_plan(people)
    services.plan_submit(plan=plan, by=people.province_officer)
    plan.refresh_from_db()
    assert plan.state == "under_review"
    assert not Notification.objects.exists()
    assert "were not sent" in caplog.text


def test_a_return_tells_the_drafter_with_the_comment(people):
    plan = draft_plan(people)
    services.plan_submit(plan=plan, by=people.province_officer)
    before = last_pk()

    services.plan_return(plan=plan, by=people.department_head, comment="Bổ sung chỉ tiêu về đoàn viên mới.")

    [notice] = since(before)
    assert notice.recipient == people.province_officer
    assert notice.kind == NotificationKind.RETURNED
    assert notice.title == vi(transition_notice("plans.plan", "return_to_draft")[1], subject=SUBJECT)
    assert "Bổ sung chỉ tiêu về đoàn viên mới." in notice.body
    assert people.department_head.get_full_name() in notice.body
    # Not every drafter of the province: the rework step is the author's, who has just been told.
    assert notice.url == reverse("plans:detail", args=[plan.pk])


def test_approval_tells_the_drafter(people):
    plan = draft_plan(people)
    services.plan_submit(plan=plan, by=people.province_officer)
    services.plan_review(plan=plan, by=people.department_head)
    services.plan_approve(plan=plan, by=people.province_leader, comment="Đồng ý ban hành.")

    [notice] = received_by(people.province_officer)
    assert notice.kind == NotificationKind.APPROVED
    assert notice.title == vi(transition_notice("plans.plan", "approve")[1], subject=SUBJECT)
    assert "Đồng ý ban hành." in notice.body


def test_a_returned_report_tells_its_submitter(people):
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    assignment = plan.assignments.get()
    services.assignment_receive(assignment=assignment, by=people.muong_ang_officer)
    services.assignment_report(assignment=assignment, by=people.muong_ang_secretary, text="Đã tổ chức 12 hoạt động.")
    before = last_pk()

    services.assignment_return(assignment=assignment, by=people.province_officer, comment="Thiếu số liệu xã.")

    returned = since(before).get(kind=NotificationKind.RETURNED)
    assert returned.recipient == people.muong_ang_secretary
    assert "Thiếu số liệu xã." in returned.body
    # The unit's queue gets the report step again.
    assert set(since(before).filter(kind=NotificationKind.TASK).values_list("recipient_id", flat=True)) == {
        people.muong_ang_officer.pk, people.muong_ang_secretary.pk,
    }


def test_a_conclusion_approved_tells_the_team_head_who_drafted_it(people):
    from inspections import services as inspection_services
    from tests.inspections.helpers import decided_inspection, target_of

    target = target_of(decided_inspection(people), people.tree.muong_ang)
    inspection_services.target_self_report(target=target, by=people.muong_ang_officer, text="Báo cáo tự kiểm tra.")
    conclusion = inspection_services.conclusion_save(target=target, by=people.inspector, text="Cơ bản tốt.")
    inspection_services.conclusion_submit(conclusion=conclusion, by=people.inspector)
    before = last_pk()

    inspection_services.conclusion_approve(conclusion=conclusion, by=people.inspection_chair)

    approved = since(before).get(kind=NotificationKind.APPROVED)
    assert approved.recipient == people.inspector
    assert approved.url == reverse("inspections:target", args=[target.pk])


def test_a_deputy_is_told_on_behalf_of_the_leader_who_is_away(people):
    today = timezone.localdate()
    deputy = UserFactory(username="pho.bithu", full_name="Đèo Văn Quyền")
    delegation_create(principal=people.province_leader, deputy=deputy, starts_on=today,
                      ends_on=today + datetime.timedelta(days=5))
    plan = draft_plan(people)
    services.plan_submit(plan=plan, by=people.province_officer)
    services.plan_review(plan=plan, by=people.department_head)

    [approval] = received_by(deputy)
    assert approval.title == vi(flow_kind(PlanApprovalFlow).notice_titles["approve"], subject=SUBJECT)
    assert approval.delegated_from == people.province_leader
    assert Notification.objects.get(recipient=people.province_leader).delegated_from is None


# --- e-mail ------------------------------------------------------------------------------------

def test_each_notification_is_emailed_once_in_vietnamese(people, mailoutbox, django_capture_on_commit_callbacks):
    with_email(people.department_head)
    plan = draft_plan(people)
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_submit(plan=plan, by=people.province_officer)

    [message] = mailoutbox
    notice = Notification.objects.get()
    assert message.to == [people.department_head.email]
    assert message.subject.startswith("[Kế hoạch và Kiểm tra] ")
    assert SUBJECT in message.subject
    assert reverse("notifications:open", args=[notice.pk]) in message.body
    assert notice.emailed_at is not None

    tasks.notifications_email([notice.pk])  # a redelivered task
    assert len(mailoutbox) == 1


def test_two_runs_over_the_same_ids_send_one_mail_each(people, mailoutbox):
    with_email(people.muong_ang_officer, people.tuan_giao_officer)
    rows = notify(recipients=[Recipient(people.muong_ang_officer.pk), Recipient(people.tuan_giao_officer.pk)],
                  kind=NotificationKind.REMINDER, title="Sắp đến hạn báo cáo", url="/ke-hoach/")
    ids = [n.pk for n in rows]
    assert emails.notifications_email_send(ids=ids) == 2
    assert emails.notifications_email_send(ids=ids) == 0
    assert sorted(m.to[0] for m in mailoutbox) == sorted([people.muong_ang_officer.email,
                                                          people.tuan_giao_officer.email])


def test_the_link_is_absolute_with_site_url_and_names_the_absent_leader(people, mailoutbox, settings):
    settings.SITE_URL = "https://kehoach.doan.dienbien.vn/"
    with_email(people.department_head)
    [notice] = notify(recipients=[Recipient(people.department_head.pk, people.province_leader.pk)],
                      kind=NotificationKind.ESCALATION, title="Quá hạn", url="/ke-hoach/")
    emails.notifications_email_send(ids=[notice.pk])
    body = mailoutbox[0].body
    assert f"https://kehoach.doan.dienbien.vn/thong-bao/{notice.pk}/mo/" in body
    assert people.province_leader.get_full_name() in body


def test_no_mail_without_an_address_or_when_turned_off(people, mailoutbox):
    with_email(people.muong_ang_officer)
    NotificationPreference.objects.create(user=people.muong_ang_officer, email=False)
    rows = notify(recipients=[Recipient(people.muong_ang_officer.pk), Recipient(people.tuan_giao_officer.pk)],
                  kind=NotificationKind.REMINDER, title="Sắp đến hạn")
    assert emails.notifications_email_send(ids=[n.pk for n in rows]) == 0
    assert mailoutbox == []
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 2


def test_a_failed_send_gives_its_claim_back(people, mailoutbox, monkeypatch):
    from django.core import mail

    with_email(people.muong_ang_officer)
    [notice] = notify(recipients=[Recipient(people.muong_ang_officer.pk)], kind="reminder", title="Sắp đến hạn")

    def refused(self, *args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(mail.EmailMessage, "send", refused)
    with pytest.raises(RuntimeError):
        emails.notifications_email_send(ids=[notice.pk])
    notice.refresh_from_db()
    assert notice.emailed_at is None

    monkeypatch.undo()
    assert emails.notifications_email_send(ids=[notice.pk]) == 1
    assert len(mailoutbox) == 1


def test_digest_people_get_one_mail_a_day_and_only_once(people, mailoutbox):
    officer = people.muong_ang_officer
    with_email(officer)
    NotificationPreference.objects.create(user=officer, daily_digest=True)
    old = notify(recipients=[Recipient(officer.pk)], kind="reminder", title="Tin cũ")[0]
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    rows = [notify(recipients=[Recipient(officer.pk)], kind="reminder", title=f"Nhắc việc {i}")[0] for i in (1, 2)]

    assert emails.notifications_email_send(ids=[old.pk, *(n.pk for n in rows)]) == 0  # not one by one
    assert tasks.send_daily_digests() == 1
    [digest] = mailoutbox
    assert digest.to == [officer.email]
    assert digest.subject.startswith("[Kế hoạch và Kiểm tra] ")
    assert "Nhắc việc 1" in digest.body and "Nhắc việc 2" in digest.body
    assert "Tin cũ" not in digest.body

    assert tasks.send_daily_digests() == 0
    assert len(mailoutbox) == 1


def test_no_digest_for_those_who_turned_e_mail_off(people, mailoutbox):
    with_email(people.muong_ang_officer)
    NotificationPreference.objects.create(user=people.muong_ang_officer, email=False, daily_digest=True)
    notify(recipients=[Recipient(people.muong_ang_officer.pk)], kind="reminder", title="Nhắc việc")
    assert tasks.send_daily_digests() == 0
    assert mailoutbox == []


# --- the person's list and the header ----------------------------------------------------------

def some_notices(user, count, url="/ke-hoach/"):
    return [notify(recipients=[Recipient(user.pk)], kind="reminder", title=f"Thông báo số {i}", url=url)[0]
            for i in range(count)]


def test_the_header_shows_the_unread_count(client, people):
    some_notices(people.muong_ang_officer, 3)
    client.force_login(people.muong_ang_officer)
    page = client.get(reverse("home")).content.decode()
    assert 'data-unread="3"' in page
    assert "(3)" in page
    assert reverse("notifications:list") in page


def test_the_count_is_one_query_and_nothing_for_anonymous(rf, people, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    some_notices(people.muong_ang_officer, 2)
    request = rf.get("/")
    request.user = AnonymousUser()
    assert unread(request) == {}
    request.user = people.muong_ang_officer
    context = unread(request)
    with django_assert_num_queries(1):
        assert str(context["notifications_unread"]) == "2"


def test_anonymous_visitors_see_no_bell_and_no_list(client):
    page = client.get(reverse("login")).content.decode()
    assert "bell" not in page
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_list_is_newest_first_twenty_a_page_unread_in_bold(client, people):
    notices = some_notices(people.muong_ang_officer, 23)
    Notification.objects.filter(pk=notices[-1].pk).update(read_at=timezone.now())
    some_notices(people.tuan_giao_officer, 1)  # someone else's
    client.force_login(people.muong_ang_officer)

    response = client.get(reverse("notifications:list"))
    page = response.content.decode()
    shown = [n.pk for n in response.context["page"]]
    assert shown == [n.pk for n in reversed(notices)][:20]
    assert f'data-notification="{notices[-1].pk}"' in page
    assert "<strong>Thông báo số 21</strong>" in page and "<strong>Thông báo số 22</strong>" not in page
    assert [n.pk for n in client.get(reverse("notifications:list"), {"page": 2}).context["page"]] == [
        n.pk for n in reversed(notices[:3])
    ]


def test_opening_marks_read_and_goes_to_the_work(client, people):
    [notice] = some_notices(people.muong_ang_officer, 1, url="/ke-hoach/viec-can-xu-ly/")
    client.force_login(people.muong_ang_officer)
    response = client.get(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/ke-hoach/viec-can-xu-ly/"
    notice.refresh_from_db()
    assert notice.read_at is not None


@pytest.mark.parametrize("url", ["https://evil.example/dang-nhap", "//evil.example/x", "javascript:alert(1)"])
def test_a_link_off_the_site_is_not_followed(client, people, url):
    [notice] = some_notices(people.muong_ang_officer, 1, url=url)
    client.force_login(people.muong_ang_officer)
    response = client.get(reverse("notifications:open", args=[notice.pk]))
    assert response["Location"] == reverse("notifications:list")
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_another_persons_notification_is_not_found(client, people):
    [theirs] = some_notices(people.tuan_giao_officer, 1)
    client.force_login(people.muong_ang_officer)
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_is_a_post_for_the_persons_own_only(client, people):
    some_notices(people.muong_ang_officer, 4)
    [theirs] = some_notices(people.tuan_giao_officer, 1)
    client.force_login(people.muong_ang_officer)
    assert client.get(reverse("notifications:read-all")).status_code == 405

    response = client.post(reverse("notifications:read-all"))
    assert response["Location"] == reverse("notifications:list")
    assert not Notification.objects.filter(recipient=people.muong_ang_officer, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert 'data-unread' not in client.get(reverse("home")).content.decode()


def test_the_settings_form_saves_the_choice(client, people):
    client.force_login(people.muong_ang_officer)
    assert client.get(reverse("notifications:settings")).status_code == 200
    response = client.post(reverse("notifications:settings"), {"daily_digest": "on"})
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=people.muong_ang_officer)
    assert (preference.email, preference.daily_digest) == (False, True)
    client.post(reverse("notifications:settings"), {"email": "on"})
    preference.refresh_from_db()
    assert (preference.email, preference.daily_digest) == (True, False)


def test_ids_past_a_thousand_are_written_without_a_thousands_separator(client, people):
    # Vietnamese formats 4978 as "4.978": an id written that way no longer names its row.
    notice = Notification.objects.create(pk=4978, recipient=people.muong_ang_officer, kind="reminder", title="Nhắc")
    client.force_login(people.muong_ang_officer)
    page = client.get(reverse("notifications:list")).content.decode()
    assert f'data-notification="{notice.pk}"' in page and "4.978" not in page
