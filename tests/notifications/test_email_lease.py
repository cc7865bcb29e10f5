"""E-mail claims are leases (issue 12, V6): a sender that dies holding them does not lose the
mail; emailed_at means "the server accepted it"; a silent server cannot hold a worker; a broker
that is down does not fail the page, and the sweep sends the mail once it is back."""

import datetime
import logging
import socket
import subprocess
import sys
import threading

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from config.celery import app
from notifications import emails, tasks
from notifications.models import Notification, NotificationKind
from notifications.services import Recipient, notify
from plans import services
from plans.models import PlanState
from tests.plans.helpers import draft_plan
from tests.workers import ROOT

pytestmark = pytest.mark.django_db


def with_email(*users):
    for user in users:
        user.email = f"{user.username}@doan.dienbien.vn"
        user.save(update_fields=["email"])


def a_notice(user, title="Sắp đến hạn báo cáo") -> Notification:
    return notify(recipients=[Recipient(user.pk)], kind=NotificationKind.REMINDER, title=title, url="/ke-hoach/")[0]


def claimed_by_a_dead_sender(notice, ago):
    """What a worker SIGKILLed in the middle of sending leaves: a claim, no e-mail."""
    Notification.objects.filter(pk=notice.pk).update(claimed_at=timezone.now() - ago, emailed_at=None)


# --- the lease -------------------------------------------------------------------------------

def test_a_claim_older_than_the_lease_is_sent_by_the_sweep(people, mailoutbox, settings):
    with_email(people.muong_ang_officer)
    notice = a_notice(people.muong_ang_officer)
    claimed_by_a_dead_sender(notice, settings.EMAIL_CLAIM_LEASE + datetime.timedelta(seconds=1))

    assert tasks.send_unsent_emails() == 1
    assert [m.to for m in mailoutbox] == [[people.muong_ang_officer.email]]
    notice.refresh_from_db()
    assert notice.emailed_at is not None
    assert tasks.send_unsent_emails() == 0  # sent once
    assert len(mailoutbox) == 1


def test_a_claim_older_than_the_lease_is_also_taken_by_the_task_retry(people, mailoutbox, settings):
    with_email(people.muong_ang_officer)
    notice = a_notice(people.muong_ang_officer)
    claimed_by_a_dead_sender(notice, settings.EMAIL_CLAIM_LEASE * 2)
    assert emails.notifications_email_send(ids=[notice.pk]) == 1
    assert len(mailoutbox) == 1


def test_a_live_claim_is_left_to_its_sender(people, mailoutbox, settings):
    with_email(people.muong_ang_officer)
    notice = a_notice(people.muong_ang_officer)
    claimed_by_a_dead_sender(notice, settings.EMAIL_CLAIM_LEASE - datetime.timedelta(seconds=30))

    assert tasks.send_unsent_emails() == 0
    assert emails.notifications_email_send(ids=[notice.pk]) == 0
    assert mailoutbox == []


def test_emailed_at_is_written_only_once_the_server_accepted_the_message(people, monkeypatch):
    with_email(people.muong_ang_officer, people.tuan_giao_officer)
    first, second = a_notice(people.muong_ang_officer), a_notice(people.tuan_giao_officer)
    seen_while_sending = []

    def send(message, *args, **kwargs):
        # What a worker killed at this instant would leave: claimed, not e-mailed.
        seen_while_sending.append(list(Notification.objects.order_by("pk").values_list("claimed_at", "emailed_at")))
        if people.tuan_giao_officer.email in message.to:
            raise OSError("550 mailbox unavailable")
        return 1

    monkeypatch.setattr(mail.EmailMessage, "send", send)
    with pytest.raises(emails.EmailsNotSent):
        emails.notifications_email_send(ids=[first.pk, second.pk])

    claimed_at, emailed_at = zip(*seen_while_sending[0], strict=True)
    assert all(claimed_at) and not any(emailed_at)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.emailed_at is not None
    assert (second.claimed_at, second.emailed_at) == (None, None)  # given back for the retry


def test_claims_are_taken_a_batch_at_a_time(people, mailoutbox, settings, monkeypatch):
    """Each claim is sent well inside its lease, however many ids the task was given."""
    settings.EMAIL_CLAIM_BATCH = 2
    with_email(people.muong_ang_officer)
    rows = [a_notice(people.muong_ang_officer, title=f"Nhắc việc {i}") for i in range(5)]
    claimed_when_sending = []

    def send(message, *args, **kwargs):
        claimed_when_sending.append(Notification.objects.filter(claimed_at__isnull=False,
                                                                emailed_at__isnull=True).count())
        return 1

    monkeypatch.setattr(mail.EmailMessage, "send", send)
    assert emails.notifications_email_send(ids=[n.pk for n in rows]) == 5
    assert max(claimed_when_sending) == 2
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_the_sweep_leaves_old_news_and_people_without_mail(people, mailoutbox):
    with_email(people.muong_ang_officer)
    old = a_notice(people.muong_ang_officer, title="Tin cũ")
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=3))
    a_notice(people.tuan_giao_officer)  # no address
    assert tasks.send_unsent_emails() == 0
    assert mailoutbox == []


def test_the_sweep_runs_from_beat():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["notifications-email-sweep"]
    assert entry["task"] == tasks.send_unsent_emails.name


# --- a mail server that never answers ------------------------------------------------------

@pytest.fixture
def silent_smtp_server():
    """Accepts connections and never says a word, until the test ends (or 30 s pass, so
    that a sender without a timeout fails this test instead of hanging it)."""
    server = socket.create_server(("127.0.0.1", 0))
    done = threading.Event()
    held = []

    def serve():
        server.settimeout(0.2)
        while not done.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    def give_up():  # hang up on whoever is still waiting: they fail, they do not hang
        done.set()
        for conn in held:
            conn.close()

    guard = threading.Timer(30, give_up)
    guard.start()
    try:
        yield server.getsockname()[1]
    finally:
        guard.cancel()
        done.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        server.close()


def timed_out(exc) -> bool:
    """smtplib reports a timeout while waiting for the greeting as "disconnected", from a TimeoutError."""
    while exc is not None:
        if isinstance(exc, TimeoutError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def test_a_silent_mail_server_fails_the_send_within_the_timeout_and_the_rows_stay_claimable(
        people, settings, silent_smtp_server, caplog, mailoutbox):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", silent_smtp_server
    settings.EMAIL_TIMEOUT = 1
    with_email(people.muong_ang_officer, people.tuan_giao_officer)
    rows = [a_notice(people.muong_ang_officer), a_notice(people.tuan_giao_officer)]

    with caplog.at_level(logging.ERROR, logger="notifications.emails"), pytest.raises(emails.EmailsNotSent):
        emails.notifications_email_send(ids=[n.pk for n in rows])

    # It was the timeout that ended the wait: the server never closed the connection.
    assert any(timed_out(r.exc_info[1]) for r in caplog.records if r.exc_info), caplog.text
    assert list(Notification.objects.values_list("claimed_at", "emailed_at")) == [(None, None)] * 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server is back
    assert emails.notifications_email_send(ids=[n.pk for n in rows]) == 2
    assert len(mailoutbox) == 2


def test_the_smtp_timeout_is_set_by_default():
    from django.conf import settings

    assert 0 < settings.EMAIL_TIMEOUT <= 60
    assert mail.get_connection("django.core.mail.backends.smtp.EmailBackend").timeout == settings.EMAIL_TIMEOUT


@pytest.mark.parametrize(("variables", "named"), [
    ({"EMAIL_CLAIM_LEASE": "20", "EMAIL_TIMEOUT": "15"}, "EMAIL_CLAIM_LEASE=20"),
    ({"EMAIL_CLAIM_LEASE": "600", "EMAIL_CLAIM_BATCH": "0"}, "EMAIL_CLAIM_BATCH=0"),
    ({"EMAIL_TIMEOUT": "soon"}, "EMAIL_TIMEOUT"),
])
def test_a_lease_shorter_than_a_batch_stops_start_up(variables, named, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "APP_VAR_DIR": str(tmp_path), **variables}
    result = subprocess.run([sys.executable, "-c", "import config.settings.base"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "ConfigError" in result.stderr and named in result.stderr


# --- the broker is down --------------------------------------------------------------------

@pytest.fixture
def broker_down(monkeypatch):
    """Tasks go through the broker (not eagerly), and publishing fails as kombu does when
    Redis refuses the connection."""
    from kombu import Producer

    def refused(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(Producer, "publish", refused)
    return monkeypatch


def test_a_page_that_queues_e_mail_still_answers_when_the_broker_is_down(
        people, client, broker_down, mailoutbox, caplog, django_capture_on_commit_callbacks):
    with_email(people.department_head)
    plan = draft_plan(people)
    client.force_login(people.province_officer)

    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("plans:action", args=[plan.pk, "submit"]))

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.state == PlanState.UNDER_REVIEW
    notice = Notification.objects.get(recipient=people.department_head)  # the work is in the database
    assert (notice.claimed_at, notice.emailed_at) == (None, None)
    assert mailoutbox == []
    assert "Connection refused" in caplog.text  # logged, not lost

    broker_down.undo()  # the broker is back: the next sweep sends it, once
    assert tasks.send_unsent_emails() == 1
    assert [m.to for m in mailoutbox] == [[people.department_head.email]]
    assert tasks.send_unsent_emails() == 0


def test_the_deadline_sweep_still_commits_when_the_broker_is_down(
        people, broker_down, mailoutbox, django_capture_on_commit_callbacks):
    from deadlines.sweep import deadlines_sweep
    from tests.plans.helpers import issued_plan

    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    assignment = plan.assignments.get()
    services.assignment_receive(assignment=assignment, by=people.muong_ang_officer)
    Notification.objects.update(emailed_at=timezone.now())  # the notices of the issue went out then
    with_email(people.muong_ang_secretary)
    type(assignment).objects.filter(pk=assignment.pk).update(report_due=timezone.now() - datetime.timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert deadlines_sweep().events == 1
    assert Notification.objects.filter(kind="overdue", recipient=people.muong_ang_secretary).exists()

    broker_down.undo()
    assert tasks.send_unsent_emails() == 1
    assert [m.to for m in mailoutbox] == [[people.muong_ang_secretary.email]]
