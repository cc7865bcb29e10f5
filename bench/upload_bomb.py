"""Finding V1: the indicator upload of a signed template whose sheet holds 100k (18 KB file) or
265k (47 KB file) inline-string cells. Today's path refuses it from the ZIP directory; the old
path (openpyxl.load_workbook in full, as plans.indicators.excel._open did before issue 12) is
run on the same files in the same process for the ratio. Goal: refused in < 1 s, < 20 MB.

    .venv/bin/python bench/upload_bomb.py [runs]     (OLD_RUNS=3: runs of the old path)
"""

import io
import os
import resource
import statistics
import sys
import time
import tracemalloc
import zipfile

from _setup import fresh_database

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
OLD_RUNS = int(os.environ.get("OLD_RUNS", "3"))
SHEET_PART = "xl/worksheets/sheet1.xml"


def inline_string_sheet(cells: int) -> str:
    # The same file as tests/core/test_ooxml.py builds: fifty cells to a row, no cell references.
    cell = '<c t="inlineStr"><is><t>x</t></is></c>' * 50
    rows = "".join(f'<row r="{row}">{cell}</row>' for row in range(1, cells // 50 + 1))
    return f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>'


def bomb(template: bytes, cells: int) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(template)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = inline_string_sheet(cells) if info.filename == SHEET_PART else source.read(info.filename)
            target.writestr(info.filename, content)
    return out.getvalue()


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup():
    import datetime

    from django.conf import settings
    from django.utils import timezone

    from accounts.loading import read_units_csv, units_load
    from accounts.models import Department, Role, Unit, User
    from accounts.services import position_create
    from plans import services
    from plans.models import Indicator

    units_load(read_units_csv(settings.DEMO_DATA_DIR / "units_dien_bien.csv"))
    province, district = Unit.objects.get(code="TDDB"), Unit.objects.get(code="HDMA")
    xdd = Department.objects.get(code="TDDB-XDD")

    def person(username, unit, role, department=None):
        user = User.objects.create(username=username, full_name=username)
        position_create(user=user, unit=unit, role=role, department=department)
        return user

    officer = person("chuyenvien", province, Role.OFFICER, xdd)
    head = person("truongban", province, Role.DEPARTMENT_HEAD, xdd)
    leader = person("lanhdao", province, Role.SECRETARY)
    clerk = person("vanthu", province, Role.CLERK, Department.objects.get(code="TDDB-VP"))
    district_officer = person("hdma.canbo", district, Role.OFFICER)
    plan = services.plan_create(by=officer, issuing_unit=province, subject="Tháng Thanh niên",
                                report_due=timezone.now() + datetime.timedelta(days=30), department=xdd,
                                recipients=[district])
    for position, code in enumerate(("4c", "1b", "2a"), start=1):
        Indicator.objects.create(plan=plan, code=code, name=f"Chỉ tiêu {code}", kind="count", aggregate="sum",
                                 target=100, comparison="at_least", position=position)
    services.plan_submit(plan=plan, by=officer)
    services.plan_review(plan=plan, by=head)
    services.plan_approve(plan=plan, by=leader)
    plan = services.plan_issue(plan=plan, by=clerk)
    assignment = plan.assignments.get(unit=district)
    services.assignment_receive(assignment=assignment, by=district_officer)
    return assignment, district_officer


def main():
    fresh_database("kehoach_bench_upload")
    import openpyxl
    from django.core.exceptions import ValidationError

    from plans.indicators.excel import assignment_template, assignment_upload
    from plans.models import IndicatorValue

    assignment, officer = setup()
    template = assignment_template(assignment)
    files = {label: bomb(template, cells) for label, cells in (("100k cells", 100_000), ("265k cells", 265_000))}

    def upload(data):
        try:
            assignment_upload(assignment=assignment, by=officer, file=io.BytesIO(data))
        except ValidationError as exc:
            return exc.messages
        raise AssertionError("the bomb was accepted")

    upload(files["100k cells"])  # warm-up: imports and first-use caches are not the check's cost
    rows = []
    # Today's path first, while the process's RSS high-water mark is still its own.
    for label, data in files.items():
        rss_before, peak_before = rss_mib(), peak_rss_mib()
        timings = []
        for _ in range(RUNS):
            started = time.perf_counter()
            messages = upload(data)
            timings.append(time.perf_counter() - started)
        rss_after, peak_after = rss_mib(), peak_rss_mib()
        tracemalloc.start()
        upload(data)
        traced = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        rows.append((label, len(data), timings, traced, rss_after - rss_before, peak_after - peak_before, messages))
    assert not IndicatorValue.objects.exists()

    old = []
    for label, data in files.items():
        rss_before, peak_before = rss_mib(), peak_rss_mib()
        timings = []
        for _ in range(OLD_RUNS):
            started = time.perf_counter()
            workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)  # the old _open
            timings.append(time.perf_counter() - started)
            del workbook
        old.append((label, timings, rss_mib() - rss_before, peak_rss_mib() - peak_before))

    for new_row, old_row in zip(rows, old, strict=True):
        label, size, timings, traced, rss, peak, messages = new_row
        _, old_timings, old_rss, old_peak = old_row
        new, before = statistics.median(timings), statistics.median(old_timings)
        print(f"== {label}, {size / 1024:.0f} KB: {messages[0]}")
        runs = ", ".join(f"{t * 1000:.1f}" for t in timings)
        print(f"  refused: median {new * 1000:.1f} ms over {RUNS} runs ({runs});"
              f" tracemalloc peak {traced:.2f} MiB; RSS {rss:+.1f} MiB, high-water mark {peak:+.1f} MiB")
        print(f"  old path (openpyxl full load): median {before:.2f} s over {OLD_RUNS} runs "
              f"({', '.join(f'{t:.2f}' for t in old_timings)}); RSS {old_rss:+.0f} MiB after, "
              f"high-water mark {old_peak:+.0f} MiB")
        print(f"  ratio old / new: {before / new:,.0f}×")
        assert new < 1 and traced < 20 and peak < 20, "goal: under 1 s and 20 MB"


if __name__ == "__main__":
    main()
