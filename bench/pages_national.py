"""The pages people open all day, on the national dataset (bench/national_dataset.py, built
first if absent): for a commune officer (a commune with about 16 open tasks) and the central
secretary, each page requested RUNS times through django.test.Client: p50, p95, min–max,
response bytes, queries per request, and the slowest query with EXPLAIN (ANALYZE, BUFFERS).

    .venv/bin/python bench/pages_national.py [runs] [--second N | --no-second] [--no-write]

The result goes into docs/benchmarks.md between <!-- national-pages:start --> and
<!-- national-pages:end --> (appended if absent) and is printed. --second N (default 25)
measures the same pages again on the smaller dataset with N central plans, in a child process.
"""

import argparse
import gc
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import national_dataset

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- national-pages:start -->", "<!-- national-pages:end -->"
BUDGET_MS = 100
WARM_UP = 2
OPEN_TASKS_WANTED = 16
PEOPLE = ("commune officer", "central secretary")
# The inbox keeps a person's summary while their tasks stay the same (INBOX_SUMMARY_SECONDS); the
# repeated requests above are served from it. This row makes it on every request, as after each
# change to the person's tasks.
AFRESH = "inbox, its summary made afresh each request"


def pages(plan_id):
    from django.urls import reverse

    return [
        ("inbox (Việc cần xử lý)", reverse("workflows:inbox")),
        (AFRESH, reverse("workflows:inbox")),
        ("API assignments", reverse("api-assignment-list")),
        ("plan detail, 3,321 recipients", reverse("plans:detail", args=[plan_id])),
        ("plan list", reverse("plans:list")),
        ("notifications", reverse("notifications:list")),
        ("home", reverse("home")),
        ("API reports", reverse("api-report-list")),
    ]


def people_and_plan():
    """The commune whose open tasks are nearest OPEN_TASKS_WANTED, the central secretary, and an
    open central plan halfway through its work (every state among its 3,321 recipients)."""
    from django.db import connection

    from accounts.models import Unit, User
    from plans.models import Plan

    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT owner_permission_obj_pk, count(*) FROM viewflow_task
            WHERE status IN ('NEW', 'ASSIGNED') AND owner_permission = 'accounts.handle_assignments'
            GROUP BY 1 ORDER BY abs(count(*) - %s), 1 LIMIT 1""", [OPEN_TASKS_WANTED])
        unit_pk, open_tasks = cursor.fetchone()
    commune = Unit.objects.get(pk=int(unit_pk))
    officer = User.objects.get(username=f"{commune.code.lower()}.canbo")
    secretary = User.objects.get(username="tw.secretary")
    open_plans = Plan.objects.filter(issuing_unit__code="VN", state="issued").order_by("-issued_at")
    plan = open_plans[min(10, open_plans.count() - 1)]
    assert plan.assignments.count() == 3321
    return {"commune officer": officer, "central secretary": secretary}, commune, open_tasks, plan


def measure(client, url, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    timings, query_counts, slowest = [], [], None
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        query_counts.append(len(captured))
        for query in captured.captured_queries:
            if slowest is None or float(query["time"]) > slowest[0]:
                slowest = (float(query["time"]), query["sql"])
    ordered = sorted(timings)
    return {
        "p50": statistics.median(ordered) * 1000,
        "p95": ordered[math.ceil(0.95 * len(ordered)) - 1] * 1000,
        "min": ordered[0] * 1000, "max": ordered[-1] * 1000,
        "bytes": len(response.content), "queries": sorted(set(query_counts)),
        "slowest_ms": slowest[0] * 1000 if slowest else 0.0, "slowest_sql": slowest[1] if slowest else "",
        "explain": explain(slowest[1]) if slowest else "",
    }


def explain(sql: str) -> str:
    from django.db import connection

    if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
        return "(not a SELECT: not explained)"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def run(runs, central_plans):
    """Measure every page for both people on one dataset; returns a JSON-able dict."""
    os.environ["TWO_FACTOR_REQUIRED"] = "0"  # force_login'd leaders are not asked for a code
    counts = national_dataset.dataset_ready(central_plans=central_plans)
    from django.conf import settings
    from django.test import Client, override_settings

    # The page renders with the hashed-name storage, which needs collectstatic; timing needs neither.
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    people, commune, open_tasks, plan = people_and_plan()
    clients = {}
    for who, user in people.items():
        clients[who] = Client(HTTP_HOST="localhost")
        clients[who].force_login(user)
    # As a gunicorn worker does once it has loaded the application (config/gunicorn.conf.py,
    # post_worker_init): what is loaded by now stays, out of the garbage collector's reach.
    for client in clients.values():
        client.get("/")
    gc.collect()
    gc.freeze()
    results, load_before = {}, os.getloadavg()[0]
    for label, url in pages(plan.pk):
        results[label] = {"url": url}
        for who in PEOPLE:
            with override_settings(INBOX_SUMMARY_SECONDS=0 if label == AFRESH else settings.INBOX_SUMMARY_SECONDS):
                results[label][who] = measure(clients[who], url, runs)
            row = results[label][who]
            print(f"  {label} · {who}: p50 {row['p50']:.0f} ms, p95 {row['p95']:.0f} ms, "
                  f"{row['queries']} queries, {row['bytes']:,} bytes, slowest query {row['slowest_ms']:.0f} ms",
                  flush=True)
    return {"counts": counts, "commune": commune.name, "open_tasks": open_tasks, "plan": plan.number,
            "central_plans": central_plans, "runs": runs, "pages": results,
            "load": (load_before, os.getloadavg()[0])}


def _ms(row) -> str:
    flag = " ⚠" if row["p95"] > BUDGET_MS else ""
    return f"{row['p50']:.0f} / {row['p95']:.0f}{flag} ({row['min']:.0f}–{row['max']:.0f})"


def _queries(row) -> str:
    return "–".join(str(n) for n in (row["queries"][0], row["queries"][-1])) if len(row["queries"]) > 1 \
        else str(row["queries"][0])


def _short(sql: str) -> str:
    """The query with a long column list elided: the plan below says what it reads."""
    head, sep, tail = sql.partition(' FROM "')
    if sep and len(head) > 300 and head.upper().startswith("SELECT"):
        return f"SELECT … FROM \"{tail}"
    return sql


def section(main, second=None) -> str:
    counts = main["counts"]
    lines = [
        "## The pages on the national dataset (PostgreSQL)",
        "",
        f"`bench/pages_national.py` on `bench/national_dataset.py`: {counts['plans_plan']:,} plans, "
        f"{counts['plans_assignment']:,} assignments, {counts['viewflow_task']:,} tasks, "
        f"{counts['plans_report']:,} reports, {counts['notifications_notification']:,} notifications, "
        f"{counts['accounts_user']:,} people. The commune officer is of {main['commune']} "
        f"({main['open_tasks']} open tasks); the plan is {main['plan']}, open, to 3,321 communes. "
        f"{main['runs']} requests per page and person after {WARM_UP} warm-up requests, through "
        f"django.test.Client (no network, no static files); times in ms, p50 / p95 (min–max); "
        f"⚠ marks a p95 over {BUDGET_MS} ms. Queries and bytes: commune officer / central secretary. "
        f"2 cores shared with other work: load average {main['load'][0]:.1f} before, {main['load'][1]:.1f} after.",
        "",
        "| page | commune officer p50 / p95 | central secretary p50 / p95 | queries | bytes |",
        "|---|---|---|---|---|",
    ]
    for label, page in main["pages"].items():
        officer, secretary = page["commune officer"], page["central secretary"]
        lines.append(f"| {label} | {_ms(officer)} | {_ms(secretary)} | {_queries(officer)} / "
                     f"{_queries(secretary)} | {officer['bytes']:,} / {secretary['bytes']:,} |")
    if second:
        c = second["counts"]
        lines += [
            "",
            f"The same pages on the smaller dataset ({c['plans_plan']:,} plans, {c['plans_assignment']:,} "
            f"assignments, {c['viewflow_task']:,} tasks, {c['notifications_notification']:,} notifications):",
            "",
            "| page | commune officer p50 / p95 | central secretary p50 / p95 | queries |",
            "|---|---|---|---|",
        ]
        for label, page in second["pages"].items():
            officer, secretary = page["commune officer"], page["central secretary"]
            lines.append(f"| {label} | {_ms(officer)} | {_ms(secretary)} | {_queries(officer)} / "
                         f"{_queries(secretary)} |")
    lines += ["", "The slowest query of each page (national dataset), with its plan:", ""]
    for label, page in main["pages"].items():
        lines += [f"<details><summary>{label}: {page['url']}</summary>", ""]
        for who in PEOPLE:
            row = page[who]
            lines += [f"{who}, {row['slowest_ms']:.1f} ms:", "", "```sql", _short(row["slowest_sql"]), "```", "",
                      "```", row["explain"], "```", ""]
        lines += ["</details>", ""]
    return "\n".join(lines).rstrip() + "\n"


def write(text: str) -> None:
    doc = DOC.read_text() if DOC.exists() else ""
    if START in doc and END in doc:
        head, rest = doc.split(START, 1)
        _, tail = rest.split(END, 1)
        doc = f"{head}{START}\n{text}{END}{tail}"
    else:
        doc = f"{doc.rstrip()}\n\n{START}\n{text}{END}\n"
    DOC.write_text(doc)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="?", type=int, default=30)
    parser.add_argument("--central-plans", type=int, default=national_dataset.CENTRAL_PLANS)
    parser.add_argument("--second", type=int, default=25, help="central plans of the second dataset")
    parser.add_argument("--no-second", action="store_true", help="the national dataset only")
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/benchmarks.md")
    parser.add_argument("--json", help=argparse.SUPPRESS)  # the child's result file
    args = parser.parse_args()
    if args.json:
        Path(args.json).write_text(json.dumps(run(args.runs, args.central_plans)))
        return
    second = None
    if not args.no_second and args.second != args.central_plans:
        # Its own process: Django is set up on one database per process.
        result = Path(f"/tmp/kehoach-bench-pages-{os.getpid()}.json")
        print(f"== second dataset, {args.second} central plans")
        subprocess.run([sys.executable, __file__, str(args.runs), "--central-plans", str(args.second),
                        "--json", str(result)], check=True)
        second = json.loads(result.read_text())
        result.unlink()
    print(f"== national dataset, {args.central_plans} central plans")
    main_result = run(args.runs, args.central_plans)
    text = section(main_result, second)
    if not args.no_write:
        write(text)
    print(text)


if __name__ == "__main__":
    main()
