"""Real Celery processes for the tests that need them (PostgreSQL + Redis, CI's second run):
a worker or a beat as a subprocess on this test's database and a queue of its own, bounded
waits, and a cleanup that always runs.

A test's worker reads only its own queue: another worker on the same Redis must not take the
task to its own database, and this worker must not take theirs.
"""

import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]  # the project, where manage.py and celery run
CELERY = [sys.executable, "-m", "celery", "-A", "config"]
needs_redis_reason = "needs the Redis broker (CI's second run: CELERY_BROKER_URL=redis://…)"


def redis_broker() -> bool:
    return settings.CELERY_BROKER_URL.startswith("redis://")


def database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def celery_env(tmp_path, **extra) -> dict:
    """The environment of a worker or beat on this test's database (the test database, which
    pytest-django created) and broker, with base settings, not the test ones."""
    env = {k: v for k, v in os.environ.items() if k != "CELERY_TASK_ALWAYS_EAGER"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.base", DATABASE_URL=database_url(),
               CELERY_BROKER_URL=settings.CELERY_BROKER_URL, APP_VAR_DIR=str(tmp_path / "var"), **extra)
    return env


def wait_for(condition, timeout: float, every: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False


class Processes:
    """The Celery subprocesses of one test, each in a session of its own (a worker's pool
    children die with it when it is killed), each logging to tmp_path/<name>.log."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.running: dict[str, subprocess.Popen] = {}
        self._logs = []

    def start(self, name: str, args: list[str], env: dict) -> subprocess.Popen:
        log = open(self.tmp_path / f"{name}.log", "a")
        self._logs.append(log)
        process = subprocess.Popen([*CELERY, *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.running[name] = process
        return process

    def worker(self, name: str, queue: str, env: dict, concurrency: int = 1) -> subprocess.Popen:
        return self.start(name, ["worker", "-Q", queue, "--concurrency", str(concurrency), "--loglevel", "INFO",
                                 "-n", f"{name}-{os.getpid()}@%h", "--without-gossip", "--without-mingle",
                                 "--without-heartbeat"], env)

    def beat(self, name: str, env: dict) -> subprocess.Popen:
        return self.start(name, ["beat", "--loglevel", "INFO", "--max-interval", "1",
                                 "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler",
                                 "--pidfile", str(self.tmp_path / f"{name}.pid")], env)

    def kill(self, name: str) -> None:
        """SIGKILL, to the worker and its pool children: nothing runs a handler or a finally."""
        process = self.running.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)

    def log(self, name: str) -> str:
        path = self.tmp_path / f"{name}.log"
        return path.read_text() if path.exists() else ""

    def succeeded(self, name: str, task: str) -> int:
        return sum(f"{task}[" in line and "succeeded" in line for line in self.log(name).splitlines())

    def tails(self) -> str:
        names = sorted(p.stem for p in self.tmp_path.glob("*.log"))
        return "\n".join(f"--- {name}\n" + self.log(name)[-3000:] for name in names)

    def stop_all(self) -> None:
        for process in self.running.values():
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for process in self.running.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=20)
        self.running.clear()
        for log in self._logs:
            log.close()


@contextmanager
def celery_processes(tmp_path, queue: str):
    """Processes that are always stopped, and the queue left empty, whatever the test did."""
    queue_forget(queue)  # leftovers of an earlier run that was killed
    processes = Processes(tmp_path)
    try:
        yield processes
    finally:
        processes.stop_all()
        queue_forget(queue)


def queue_forget(queue: str) -> None:
    """Drop the queue and the messages of it a killed worker left unacknowledged: kombu's Redis
    transport keeps those in the `unacked` hash and would hand them back to the next run."""
    from config.celery import app

    with app.connection_for_write() as conn:
        channel = conn.default_channel
        channel.queue_delete(queue)
        client = channel.client
        for tag, raw in client.hgetall(channel.unacked_key).items():
            try:
                _message, _exchange, routing_key = json.loads(raw)
            except (ValueError, TypeError):
                continue
            if routing_key == queue:
                client.hdel(channel.unacked_key, tag)
                client.zrem(channel.unacked_index_key, tag)


def beat_only(task: str, queue: str, every_seconds: int = 1, name: str = "e2e"):
    """Beat's database scheduler copies CELERY_BEAT_SCHEDULE into its table on start but leaves
    `enabled` alone: rows created disabled first keep the real schedules quiet during the test.
    `task` runs every few seconds on `queue` (the test's own)."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    interval, _ = IntervalSchedule.objects.get_or_create(every=every_seconds, period=IntervalSchedule.SECONDS)
    for entry in [*settings.CELERY_BEAT_SCHEDULE, "celery.backend_cleanup"]:
        PeriodicTask.objects.update_or_create(name=entry, defaults={"task": entry, "interval": interval,
                                                                    "enabled": False})
    return PeriodicTask.objects.create(name=f"{task}-{name}", task=task, interval=interval, queue=queue)


def send(task: str, *args, queue: str) -> None:
    """Queue `task` through the broker even though the test settings run tasks eagerly."""
    import warnings

    from config.celery import app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # AlwaysEagerIgnored: going through the broker is the point
        app.send_task(task, args=list(args), queue=queue)
