"""One page of the national dataset for one person, its queries timed one by one and its Python
profiled: where a page's milliseconds go.

    .venv/bin/python bench/profile_page.py (inbox|plan|reports|assignments) (commune|centre) [runs]
"""

import cProfile
import os
import pstats
import sys
import time

import national_dataset
import pages_national


def main():
    page, who, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 10
    os.environ["TWO_FACTOR_REQUIRED"] = "0"
    national_dataset.dataset_ready(central_plans=national_dataset.CENTRAL_PLANS)
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    people, _commune, _open, plan = pages_national.people_and_plan()
    user = people["commune officer" if who == "commune" else "central secretary"]
    short = {"inbox (Việc cần xử lý)": "inbox", "API assignments": "assignments", "plan list": "list",
             "notifications": "notifications", "home": "home", "API reports": "reports"}
    urls = {short.get(label, "plan" if label.startswith("plan detail") else label): url
            for label, url in pages_national.pages(plan.pk)}
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    url = urls[page] + (sys.argv[4] if len(sys.argv) > 4 else "")
    for _ in range(2):
        client.get(url)
    totals = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        totals.append((time.perf_counter() - started) * 1000)
    print(f"{url}: median {sorted(totals)[len(totals) // 2]:.0f} ms")
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    for query in captured.captured_queries:
        print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:220]}")
    print(f"  sum {sum(float(q['time']) for q in captured.captured_queries) * 1000:.0f} ms in {len(captured)} queries")
    profile = cProfile.Profile()
    profile.enable()
    client.get(url)
    profile.disable()
    pstats.Stats(profile).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(int(os.environ.get("TOP", "45")))


if __name__ == "__main__":
    main()
