"""Work that survives faults, with real processes (issue 12, V6): a Celery worker SIGKILLed in
the middle of an e-mail batch, and two beat processes firing the same deadline sweep.

PostgreSQL and Redis, CI's second run (.ci/run): the worker is another process on the test
database, fed through the broker. Each wait is bounded and the processes are stopped in a
finally (tests.workers), so a hang fails the test instead of blocking CI.
"""

import datetime
from collections import Counter

import pytest
from django.db import connection
from django.db.models.functions import Now
from django.utils import timezone

from accounts.models import Role
from accounts.services import position_create
from deadlines.models import DeadlineEvent
from notifications.models import DEADLINE_KINDS, Notification, NotificationKind
from plans.models import Assignment
from tests.factories import UserFactory
from tests.mail_backends import delivered
from tests.plans.helpers import issued_plan
from tests.workers import celery_env, celery_processes, needs_redis_reason, redis_broker, send, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a worker in another process needs PostgreSQL"),
    pytest.mark.skipif(not redis_broker(), reason=needs_redis_reason),
]

EMAIL_TASK = "notifications.tasks.notifications_email"
EMAIL_SWEEP = "notifications.tasks.send_unsent_emails"
LEASE = 4  # seconds, for the worker: long enough for a batch of 3 slow messages, short for a test
MAIL_DELAY = 0.6  # seconds per message, so the test sees the batch half done and kills it there


def _recipients(count):
    return [UserFactory(username=f"nguoinhan{i}", email=f"nguoinhan{i}@doan.dienbien.vn") for i in range(count)]


def _notices(users) -> list[int]:
    # Written directly: notify() would queue the e-mail task itself, eagerly, in this process.
    rows = Notification.objects.bulk_create(
        [Notification(recipient=u, kind=NotificationKind.REMINDER, title=f"Nhắc việc {u.username}",
                      url="/ke-hoach/") for u in users]
    )
    return [n.pk for n in rows]


def test_a_worker_killed_mid_batch_loses_no_mail_and_sends_none_twice(tmp_path):
    queue = "faults-email-e2e"
    ids = _notices(_recipients(8))
    outbox = tmp_path / "outbox.txt"
    env = celery_env(tmp_path, DJANGO_EMAIL_BACKEND="tests.mail_backends.SlowRecordingBackend",
                     SLOW_MAIL_LOG=str(outbox), SLOW_MAIL_DELAY=str(MAIL_DELAY),
                     EMAIL_CLAIM_LEASE=str(LEASE), EMAIL_TIMEOUT="1", EMAIL_CLAIM_BATCH="3")
    emailed = Notification.objects.filter(emailed_at__isnull=False)
    with celery_processes(tmp_path, queue) as processes:
        processes.worker("worker", queue, env)
        send(EMAIL_TASK, ids, queue=queue)

        # Half a batch out, its next message being sent: consistent (each delivered row marked).
        def mid_batch():
            count = len(delivered(outbox))
            return count % 3 != 0 and emailed.count() == count

        assert wait_for(mid_batch, timeout=90, every=0.05), processes.tails()
        processes.kill("worker")
        sent_before = delivered(outbox)
        assert 0 < len(sent_before) < len(ids)
        held = Notification.objects.filter(claimed_at__isnull=False, emailed_at__isnull=True)
        assert held.exists()  # what V6 was: claimed, not sent, and nobody to give the claim back

        processes.worker("worker-restarted", queue, env)
        lease_over = datetime.timedelta(seconds=LEASE + 1)
        assert wait_for(lambda: not held.filter(claimed_at__gt=Now() - lease_over).exists(), timeout=30)
        send(EMAIL_SWEEP, queue=queue)  # what beat runs every 5 minutes
        assert wait_for(lambda: emailed.count() == len(ids), timeout=90), processes.tails()
        # One more sweep, finished, finds nothing left: a late duplicate would show here.
        send(EMAIL_SWEEP, queue=queue)
        assert wait_for(lambda: processes.succeeded("worker-restarted", EMAIL_SWEEP) >= 2, timeout=60), \
            processes.tails()

    per_notification = Counter(delivered(outbox))
    assert sorted(per_notification) == sorted(ids)  # none missing
    assert set(per_notification.values()) == {1}  # none twice
    assert Counter(sent_before) == {pk: 1 for pk in sent_before}


def _every_district_with_a_secretary(people):
    for unit in people.tree.districts:
        if unit.pk != people.tree.muong_ang.pk:
            position_create(user=UserFactory(username=f"{unit.code.lower()}.bithu"), unit=unit, role=Role.SECRETARY)


def test_two_beat_processes_send_each_escalation_once(people, tmp_path):
    from tests.workers import beat_only

    queue = "faults-beats-e2e"
    _every_district_with_a_secretary(people)
    plan = issued_plan(people)
    # Long past: each unit's receipt and its report are overdue, at level 2 and at level 3, all at once.
    Assignment.objects.filter(plan=plan).update(receipt_due=timezone.now() - datetime.timedelta(days=30),
                                                report_due=timezone.now() - datetime.timedelta(days=30))
    events = plan.assignments.count() * 2 * 3  # units × (receipt, report) × (overdue, level 2, level 3)
    beat_only("deadlines.tasks.sweep", queue)
    env = celery_env(tmp_path)
    # The e-mail copies the sweep queues run inside the worker: no message left for other workers.
    worker_env = {**env, "CELERY_TASK_ALWAYS_EAGER": "1"}
    beats = ("beat-1", "beat-2")
    with celery_processes(tmp_path, queue) as processes:
        processes.worker("worker", queue, worker_env, concurrency=4)
        for name in beats:
            processes.beat(name, env)

        assert wait_for(lambda: DeadlineEvent.objects.count() >= events, timeout=90), processes.tails()
        done = processes.succeeded("worker", "deadlines.tasks.sweep")
        # Both beats keep firing, and the worker keeps running their sweeps, over the same rows.
        assert wait_for(lambda: processes.succeeded("worker", "deadlines.tasks.sweep") >= done + 6
                        and all(processes.log(b).count("Sending due task") >= 3 for b in beats),
                        timeout=60), processes.tails()

    assert DeadlineEvent.objects.count() == events
    levels = Counter(DeadlineEvent.objects.values_list("object_id", "level", "due"))
    assert set(levels.values()) == {1}
    swept = Notification.objects.filter(kind__in=DEADLINE_KINDS)
    per_message = Counter(swept.values_list("recipient_id", "kind", "title"))
    assert swept.exists() and set(per_message.values()) == {1}
