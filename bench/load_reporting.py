"""500 commune officers receive and report one plan through gunicorn within about 50 s (PostgreSQL).

The centre issues one plan to the first 500 communes of the national tree (plans.services); each
commune's officer gets a session made on the server (an officer owes no second factor,
accounts.two_factor.REQUIRED_ROLES, so there is no login step to pay for). gunicorn runs the
production settings with config/gunicorn.conf.py on 127.0.0.1, and each virtual user, arriving
spread over RAMP seconds, opens its assignment page, confirms receipt and sends a report, following
each redirect as a browser does; requests carry X-Forwarded-Proto as the TLS proxy would send it.
Latency per request is measured on the client, and in the worker from gunicorn's access log;
PostgreSQL's lock waits are sampled meanwhile. At the end no report may be lost or stored twice:
the Report rows lie between the reports confirmed (302 in time) and those sent (a POST the client
gave up on after TIMEOUT may still have been stored).

    .venv/bin/python bench/load_reporting.py [users] [--profile]

Environment: USERS_RAMP seconds (45), THINK seconds between a user's steps (1), BENCH_REDIS
(redis://127.0.0.1:6379/14, emptied of this run's queue at the end), WEB_CONCURRENCY and
GUNICORN_THREADS as for the web process. --profile then sends, in-process through Django's test
client, PROFILE_USERS (10) more receipts and reports and prints their queries and a cProfile
summary.
"""

import base64
import hashlib
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path

from _setup import PG, ROOT, central_people, fresh_database

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
USERS = int(ARGS[0]) if ARGS else 500
PROFILE = "--profile" in sys.argv
RAMP = float(os.environ.get("USERS_RAMP", "45"))
THINK = float(os.environ.get("THINK", "1"))
PROFILE_USERS = int(os.environ.get("PROFILE_USERS", "10"))
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/14")
VAR = Path("/tmp/kehoach-bench-load-var")
TIMEOUT = 30

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# The production settings, as the web process on a server gets them; the bench's own secrets.
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "bench-load-reporting-" + hashlib.sha256(b"bench-load").hexdigest(),
    "SIGNING_KEYS": base64.urlsafe_b64encode(hashlib.sha256(b"bench-load-signing").digest()).decode(),
    "APP_VAR_DIR": str(VAR),
    "DJANGO_STATIC_ROOT": str(VAR / "static"),
    "CELERY_BROKER_URL": REDIS,
    "DJANGO_LOG_LEVEL": "WARNING",
}


@dataclass
class Sample:
    kind: str
    status: int
    seconds: float
    ok: bool


def session_for(officer) -> str:
    """A signed-in session, as accounts.views_login leaves it for an officer who owes no second factor."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from accounts.two_factor import GATE_NONE, GATE_SESSION_KEY
    from core.middleware import LAST_SEEN_AT, LOGIN_AT

    now = timezone.now().timestamp()
    session = SessionStore()
    session.update({SESSION_KEY: str(officer.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                    HASH_SESSION_KEY: officer.get_session_auth_hash(), GATE_SESSION_KEY: GATE_NONE,
                    LOGIN_AT: now, LAST_SEEN_AT: now})
    session.create()
    return session.session_key


def setup():
    """Database, static files, the plan to USERS communes, one session per commune officer."""
    os.environ.update(SERVER_ENV)
    fresh_database("kehoach_bench_load")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True,
                   env=os.environ)
    import datetime

    from django.utils import timezone

    from accounts.models import Role, Unit, User
    from accounts.national import national_units_load
    from accounts.services import position_create
    from accounts.two_factor import GATE_NONE, gate_for
    from plans import services

    national_units_load()
    central, people = central_people("Trung ương")
    communes = list(Unit.objects.filter(level__code="commune").order_by("path")[:USERS + PROFILE_USERS])

    def issued(units, subject):
        plan = services.plan_create(by=people[Role.OFFICER], issuing_unit=central, subject=subject,
                                    report_due=timezone.now() + datetime.timedelta(days=30), recipients=units)
        services.plan_submit(plan=plan, by=people[Role.OFFICER])
        services.plan_approve(plan=plan, by=people[Role.SECRETARY])
        services.plan_issue(plan=plan, by=people[Role.CLERK])
        return plan

    officers = {}
    for unit in communes:
        officer = User.objects.create(username=f"{unit.code.lower()}.canbo", full_name=f"Cán bộ {unit.name}")
        officer.set_unusable_password()
        officer.save(update_fields=["password"])
        position_create(user=officer, unit=unit, role=Role.OFFICER)
        officers[unit.pk] = officer
    assert gate_for(officer) == GATE_NONE, "commune officers must owe no second factor"
    plan = issued(communes[:USERS], f"Kế hoạch thử tải {USERS} xã")
    users = [(a.pk, session_for(officers[a.unit_id])) for a in plan.assignments.order_by("unit__path")]
    profile_plan = issued(communes[USERS:], "Kế hoạch đo từng yêu cầu") if PROFILE else None
    return plan, users, profile_plan, officers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_start(port: int, log):
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port)}
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-c", "config/gunicorn.conf.py"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        return gunicorn_ready(server, port, log)
    except BaseException:
        gunicorn_stop(server)
        raise


def gunicorn_ready(server, port, log):
    import requests

    def healthy():
        try:
            return requests.get(f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-Proto": "https"},
                                timeout=20).status_code == 200
        except requests.RequestException:
            return False

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see {log.name}")
        if healthy():
            # A server that has been up a while: every worker has imported its views (the first
            # request of each does), which this run does not mean to measure.
            with ThreadPoolExecutor(max_workers=20) as pool:
                assert all(pool.map(lambda _: healthy(), range(60)))
            return server
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def gunicorn_stop(server):
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # its own session: the master and its workers only
        server.wait(timeout=60)


class VirtualUser:
    """One officer in one browser tab: its own connection, its session cookie, the CSRF cookie it is given."""

    def __init__(self, base, assignment_pk, session_key, record):
        import requests

        self.http = requests.Session()
        self.http.trust_env = False
        # The cookies are Secure (production) and this is plain HTTP behind a pretend proxy: the jar would
        # drop them, so the user keeps them itself.
        self.http.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        self.base, self.record = base, record
        self.page = f"/ke-hoach/giao-viec/{assignment_pk}/"
        self.cookies = {"sessionid": session_key}
        self.csrf = ""

    def request(self, kind, method, path, expect, **kwargs):
        headers = {"X-Forwarded-Proto": "https", "Referer": f"https://{self.base}{self.page}",
                   "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        started = time.perf_counter()
        try:
            response = self.http.request(method, f"http://{self.base}{path}", headers=headers, timeout=TIMEOUT,
                                         allow_redirects=False, **kwargs)
        except Exception:  # a timeout or a reset is an error like a 500
            self.record(Sample(kind, 0, time.perf_counter() - started, False))
            return None
        elapsed = time.perf_counter() - started
        for name in ("sessionid", "csrftoken"):
            if name in response.cookies:
                self.cookies[name] = response.cookies[name]
        ok = response.status_code == expect
        if ok and expect == 302:
            ok = response.headers["Location"].startswith(self.page)
        self.record(Sample(kind, response.status_code, elapsed, ok))
        return response if ok else None

    def open_page(self, kind, must_show):
        response = self.request(kind, "GET", self.page, 200)
        if response is None:
            return False
        token = CSRF_INPUT.search(response.text)
        if token is None or must_show not in response.text:
            self.record(Sample(kind + " (content)", response.status_code, 0, False))
            return False
        self.csrf = token.group(1)
        return True

    def run(self):
        receive = f"{self.page}thao-tac/receive/"
        report = f"{self.page}bao-cao/"
        if not self.open_page("page", receive):
            return False
        time.sleep(THINK)
        if self.request("receive", "POST", receive, 302, data={"csrfmiddlewaretoken": self.csrf}) is None:
            return False
        if not self.open_page("page after receive", report):
            return False
        time.sleep(THINK)
        sent = self.request("report", "POST", report, 302,
                            data={"csrfmiddlewaretoken": self.csrf, "text": "Đơn vị đã triển khai đầy đủ kế hoạch."},
                            files={"attachments": ("", b"", "application/octet-stream")})
        if sent is None:
            return False
        return self.open_page("page after report", "data-version=\"1\"")


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


class LockWatch:
    """Samples pg_stat_activity twice a second during the run: how many of the server's
    connections are running a query, and how many of those wait for a lock (by kind)."""

    def __init__(self, database):
        self.database, self.samples, self.stopped = database, [], threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        import psycopg

        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            while not self.stopped.wait(0.5):
                rows = conn.execute(
                    "SELECT coalesce(wait_event, ''), count(*) FROM pg_stat_activity WHERE datname = %s "
                    "AND state = 'active' AND wait_event_type IS DISTINCT FROM 'Client' GROUP BY 1",
                    [self.database]).fetchall()
                self.samples.append(dict(rows))

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()

    def summary(self) -> str:
        if not self.samples:
            return "no samples"
        active = [sum(sample.values()) for sample in self.samples]
        advisory = [sample.get("advisory", 0) for sample in self.samples]
        other = [sum(n for kind, n in sample.items() if kind in ("transactionid", "tuple", "relation"))
                 for sample in self.samples]
        return (f"{len(self.samples)} samples: active queries mean {statistics.mean(active):.1f} max {max(active)}; "
                f"waiting on the audit chain's advisory lock mean {statistics.mean(advisory):.1f} max {max(advisory)}; "
                f"waiting on row/transaction locks mean {statistics.mean(other):.1f} max {max(other)}")


def drive(port, users):
    samples, lock = [], threading.Lock()

    def record(sample):
        with lock:
            samples.append(sample)

    start = time.monotonic() + 1
    late = []

    def one(index, assignment_pk, session_key):
        due = start + RAMP * index / max(1, len(users) - 1)
        time.sleep(max(0, due - time.monotonic()))
        late.append(time.monotonic() - due)
        return VirtualUser(f"127.0.0.1:{port}", assignment_pk, session_key, record).run()

    # One thread per user that may be active at once: every arrival starts on time unless the server lags.
    with ThreadPoolExecutor(max_workers=min(len(users), 300)) as pool:
        done = list(pool.map(lambda args: one(*args), [(i, *u) for i, u in enumerate(users)]))
    return samples, done, time.monotonic() - start, max(late)


def latency_line(label, seconds):
    ms = [s * 1000 for s in seconds]
    return (f"  {label:<20} n={len(ms):>5}  p50 {percentile(ms, 50):7.1f} ms  p95 {percentile(ms, 95):7.1f} ms  "
            f"p99 {percentile(ms, 99):7.1f} ms  max {max(ms):7.1f} ms")


ACCESS_LINE = re.compile(
    r'"(GET|POST) (/ke-hoach/giao-viec/\d+/(thao-tac/receive/|bao-cao/)?) HTTP/[\d.]+" (\d+) .* (\d+)ms$')


def server_times(log_path) -> dict[str, list[float]]:
    """Time in the worker per kind of request, from gunicorn's access log (config/gunicorn.conf.py)."""
    times = defaultdict(list)
    for line in log_path.read_text().splitlines():
        match = ACCESS_LINE.search(line)
        if match:
            method, _, action, _, ms = match.groups()
            kind = {"thao-tac/receive/": "receive", "bao-cao/": "report"}.get(action or "", "page (all)")
            times[f"{method} {kind}"].append(int(ms) / 1000)
    return times


def redis_queue_drain() -> int:
    """Remove the tasks the run queued (no worker runs here) with the queue itself."""
    import redis

    client = redis.Redis.from_url(REDIS)
    queued = client.llen("celery")
    client.delete("celery", *client.scan_iter("_kombu.binding*"))
    return queued


def app_frames(limit=3) -> str:
    """Where in our code a query comes from: the innermost frames outside Django and the libraries."""
    frames = [f for f in traceback.extract_stack()[:-3]
              if f.filename.startswith(str(ROOT)) and "/.venv/" not in f.filename and "/bench/" not in f.filename]
    return " < ".join(f"{Path(f.filename).relative_to(ROOT)}:{f.lineno}" for f in reversed(frames[-limit:]))


def profile(profile_plan, officers):
    """In-process, through one test client (one handler, as in a gunicorn worker): the queries of
    each kind of request, where they come from, and a cProfile of them all."""
    import cProfile
    import io
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    client.get("/healthz")  # the handler's middleware is loaded once per process, as in a worker
    queries = []

    def record(execute, sql, params, many, context):
        queries.append((re.sub(r"\d+", "N", sql)[:140], app_frames()))
        return execute(sql, params, many, context)

    counts, shapes, timings, profilers = defaultdict(list), defaultdict(Counter), defaultdict(list), {}
    assignments = list(profile_plan.assignments.order_by("unit__path"))
    # The first half is timed bare (query count only); the second half runs under cProfile and
    # with each query's origin recorded, which slows it several times over.
    timed = len(assignments) // 2
    for index, assignment in enumerate(assignments):
        client.cookies.clear()
        client.cookies["sessionid"] = session_for(officers[assignment.unit_id])
        page = f"/ke-hoach/giao-viec/{assignment.pk}/"
        steps = [("page", "get", page, {}, 200),
                 ("receive", "post", f"{page}thao-tac/receive/", {}, 302),
                 ("page after receive", "get", page, {}, 200),
                 ("report", "post", f"{page}bao-cao/", {"text": "Đơn vị đã triển khai đầy đủ kế hoạch."}, 302)]
        for kind, method, path, data, expect in steps:
            if index < timed:
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = getattr(client, method)(path, data)
                    timings[kind].append(time.perf_counter() - started)
                counts[kind].append(len(captured))
            else:
                profiler = profilers.setdefault(kind, cProfile.Profile())
                queries.clear()
                with connection.execute_wrapper(record):
                    profiler.enable()
                    response = getattr(client, method)(path, data)
                    profiler.disable()
                shapes[kind].update(queries)
            assert response.status_code == expect, (kind, response.status_code)
    n = len(assignments) - timed
    print(f"\nper request, in-process test client, production settings ({timed} officers timed, {n} profiled):")
    for kind in counts:
        median_ms = statistics.median(timings[kind]) * 1000
        print(f"  {kind:<20} queries {sorted(set(counts[kind]))}  median {median_ms:.1f} ms")
    out_path = VAR / "load_reporting_profile.txt"
    with out_path.open("w") as out:
        for kind, shape in shapes.items():
            out.write(f"\n== {kind}: {sum(shape.values()) / n:.1f} queries per request (per request, shape, from)\n")
            for (sql, where), count in shape.most_common():
                out.write(f"{count / n:5.1f}  {sql}\n       from {where}\n")
        for kind, profiler in profilers.items():
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(45)
            out.write(f"\n== cProfile of {n} × {kind}\n{text.getvalue()}")
    print(f"  queries by shape and origin, cProfile: {out_path}")


def main():
    plan, users, profile_plan, officers = setup()
    from django.db import connections
    from django.db.models import Count

    from plans.models import Assignment, Report

    connections.close_all()  # the server's connections, not ours, for the run
    port = free_port()
    log_path = VAR / "load_reporting_gunicorn.log"
    with log_path.open("w") as log:
        server = gunicorn_start(port, log)
        try:
            load_before = os.getloadavg()[0]
            with LockWatch("kehoach_bench_load") as locks:
                samples, done, wall, late = drive(port, users)
            load_after = os.getloadavg()[0]
        finally:
            gunicorn_stop(server)
    by_kind = defaultdict(list)
    for s in samples:
        by_kind[s.kind].append(s)
    errors = [s for s in samples if not s.ok]
    # Sent: every report POST that left the client; confirmed: answered 302 in time. One that timed
    # out on the client may still have been stored, so stored lies between the two, never outside.
    sent = len(by_kind["report"])
    confirmed = sum(1 for s in by_kind["report"] if s.ok)
    stored = Report.objects.filter(assignment__plan=plan).count()
    duplicated = (Report.objects.filter(assignment__plan=plan).values("assignment").annotate(n=Count("pk"))
                  .filter(n__gt=1).count())
    states = Counter(Assignment.objects.filter(plan=plan).values_list("state", flat=True))
    workers = subprocess.run([sys.executable, "-c", "import runpy; c = runpy.run_path('config/gunicorn.conf.py'); "
                              "print(c['workers'], c['threads'])"], cwd=ROOT, capture_output=True, text=True,
                             env=os.environ).stdout.split()
    print(f"\n{USERS} users over {RAMP:.0f} s (think {THINK:g} s), gunicorn {workers[0]} workers × {workers[1]} "
          f"threads, production settings, PostgreSQL; last arrival started {late * 1000:.0f} ms late; "
          f"machine load average {load_before:.1f} before, {load_after:.1f} after (cores: {os.cpu_count()})")
    for kind, rows in by_kind.items():
        print(latency_line(kind, [s.seconds for s in rows]))
    print(latency_line("all requests", [s.seconds for s in samples]))
    print(f"  PostgreSQL during the run: {locks.summary()}")
    print("  in the worker (gunicorn access log):")
    for kind, seconds in sorted(server_times(log_path).items()):
        print(latency_line(kind, seconds))
    if errors:
        print("  errors: " + ", ".join(f"{k} {st}: {n}" for (k, st), n in Counter((s.kind, s.status) for s in errors)
                                        .most_common()))
    import redis

    queued = redis.Redis.from_url(REDIS).llen("celery")
    print(f"  assignment states after the run: {dict(states)}; tasks queued (no worker runs here): {queued}")
    print(f"SUMMARY users={USERS} requests={len(samples)} wall={wall:.1f}s "
          f"rate={len(samples) / wall:.1f}/s errors={len(errors)} users_done={sum(done)} "
          f"p50={percentile([s.seconds for s in samples], 50) * 1000:.0f}ms "
          f"p95={percentile([s.seconds for s in samples], 95) * 1000:.0f}ms "
          f"p99={percentile([s.seconds for s in samples], 99) * 1000:.0f}ms "
          f"reports_sent={sent} reports_confirmed={confirmed} reports_stored={stored} duplicated={duplicated}")
    if PROFILE:
        profile(profile_plan, officers)
    redis_queue_drain()
    assert confirmed <= stored <= sent and not duplicated, f"{sent} sent, {confirmed} confirmed, {stored} stored"


if __name__ == "__main__":
    main()
