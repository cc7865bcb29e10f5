"""Exactly once under real concurrency, on PostgreSQL (CI's second run): sweeps racing in
threads, and the real thing, a Celery worker fed by beat through Redis.

SQLite serializes whole transactions, so neither race can happen there.
"""

import datetime
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from accounts.models import Role
from accounts.services import position_create
from deadlines.models import DeadlineEvent
from deadlines.sweep import deadlines_sweep
from notifications.models import DEADLINE_KINDS as SWEEP_KINDS
from notifications.models import Notification
from plans import services
from plans.models import Assignment
from tests.factories import UserFactory
from tests.plans.helpers import issued_plan

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent sweeps need PostgreSQL"),
]
ROOT = Path(__file__).resolve().parents[2]  # the project, where manage.py and celery run
QUEUE = "deadlines-e2e"  # read only by the worker of the end-to-end test
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def _every_district_with_a_secretary(people):
    for unit in people.tree.districts:
        if unit.pk != people.tree.muong_ang.pk:
            position_create(user=UserFactory(username=f"{unit.code.lower()}.bithu"), unit=unit, role=Role.SECRETARY)


def test_sweeps_racing_each_send_every_level_exactly_once(people):
    _every_district_with_a_secretary(people)
    with time_machine.travel(datetime.datetime(2030, 3, 4, 9, tzinfo=HCM), tick=False):
        issued_plan(people, report_due=datetime.datetime(2030, 3, 15, 17, tzinfo=HCM))
    # Friday 22/03: receipt (due 07/03) and report (due 15/03) of 16 districts, all three levels each.
    now = datetime.datetime(2030, 3, 22, 17, tzinfo=HCM)
    barrier = threading.Barrier(4)
    outcomes = [None] * 4

    def run(index):
        try:
            barrier.wait()
            outcomes[index] = deadlines_sweep(now=now, batch_size=5)  # many small transactions, interleaved
        except Exception as exc:  # a deadlock or a duplicate would surface here
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    swept = Notification.objects.filter(kind__in=SWEEP_KINDS)
    assert sum(o.events for o in outcomes) == DeadlineEvent.objects.count() == 16 * 2 * 3
    # Per step kind: 16 unit heads, then department head + leader for 16, then the board for 16.
    assert sum(o.notifications for o in outcomes) == swept.count() == 2 * (16 + 32 + 16)
    per_message = Counter(swept.values_list("recipient_id", "kind", "title"))
    assert set(per_message.values()) == {1}
    assert deadlines_sweep(now=now).events == 0


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _beat_only_our_sweep(queue: str):
    """Beat's database scheduler copies CELERY_BEAT_SCHEDULE into its table on start but leaves
    `enabled` alone: rows created disabled first keep the real schedules quiet during the test.
    Our sweep runs every 2 seconds, on a queue only this test's worker reads (another worker on
    the same Redis must not take it to its own database)."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every_2s, _ = IntervalSchedule.objects.get_or_create(every=2, period=IntervalSchedule.SECONDS)
    for name in [*settings.CELERY_BEAT_SCHEDULE, "celery.backend_cleanup"]:
        PeriodicTask.objects.update_or_create(name=name, defaults={"task": name, "interval": every_2s,
                                                                   "enabled": False})
    return PeriodicTask.objects.create(name="deadlines-sweep-e2e", task="deadlines.tasks.sweep", interval=every_2s,
                                       queue=queue)


def _wait_for(condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


@pytest.mark.skipif(not settings.CELERY_BROKER_URL.startswith("redis://"), reason="needs the Redis broker")
def test_beat_and_a_real_worker_send_the_overdue_notice_once(people, tmp_path):
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    assignment = plan.assignments.get()
    services.assignment_receive(assignment=assignment, by=people.muong_ang_officer)
    # A deadline that has just passed: overdue now, level 2 two working days away.
    Assignment.objects.filter(pk=assignment.pk).update(report_due=timezone.now() - datetime.timedelta(minutes=1))
    _beat_only_our_sweep(QUEUE)
    _queue_drop()  # leftovers of an earlier run that was killed

    env = {k: v for k, v in os.environ.items() if k != "CELERY_TASK_ALWAYS_EAGER"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.base", DATABASE_URL=_database_url(),
               CELERY_BROKER_URL=settings.CELERY_BROKER_URL, APP_VAR_DIR=str(tmp_path / "var"))
    # The sweep reaches the worker through Redis; the e-mail task the sweep queues runs inside
    # the worker, so no message is left on the shared default queue for someone else's worker.
    worker_env = {**env, "CELERY_TASK_ALWAYS_EAGER": "1"}
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    logs = {name: open(tmp_path / f"{name}.log", "w") for name in ("worker", "beat")}
    processes = []
    try:
        processes.append(subprocess.Popen(
            [*celery, "worker", "-Q", QUEUE, "--concurrency", "2", "--loglevel", "INFO", "-n", f"{QUEUE}@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=worker_env, stdout=logs["worker"], stderr=subprocess.STDOUT))
        processes.append(subprocess.Popen(
            [*celery, "beat", "--loglevel", "INFO", "--max-interval", "1",
             "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"],
            cwd=ROOT, env=env, stdout=logs["beat"], stderr=subprocess.STDOUT))

        overdue = Notification.objects.filter(kind="overdue")
        arrived = _wait_for(lambda: overdue.exists(), timeout=60)
        assert arrived, _tails(tmp_path)
        sweeps_then = _sweeps_done(tmp_path)
        assert _wait_for(lambda: _sweeps_done(tmp_path) >= sweeps_then + 3, timeout=30), _tails(tmp_path)
        time.sleep(2)  # let the last sweep finish
        assert list(overdue.values_list("recipient__username", flat=True)) == ["hdma.bithu"]
        assert DeadlineEvent.objects.filter(object_id=assignment.pk).count() == 1
        assert Notification.objects.filter(kind__in=SWEEP_KINDS).count() == 1
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in logs.values():
            log.close()
        _queue_drop()


def _queue_drop():
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.queue_delete(QUEUE)


def _sweeps_done(tmp_path) -> int:
    """Sweeps the worker finished (beat writes its run counts to the table only every few minutes)."""
    log = (tmp_path / "worker.log").read_text()
    return sum("deadlines.tasks.sweep[" in line and "succeeded" in line for line in log.splitlines())


def _tails(tmp_path) -> str:
    return "\n".join(f"--- {name}\n" + (tmp_path / f"{name}.log").read_text()[-3000:] for name in ("worker", "beat"))
