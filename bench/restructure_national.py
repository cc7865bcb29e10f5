"""Issue 14's national rehearsal (PostgreSQL): the country as it was before 1 July 2025 (63
provinces, 696 districts, 10,036 communes, from the official lists shipped by the PyPI package
`vietnamadminunits` 1.0.4, MIT) with a plan open in every commune and an officer in every district,
then the 2025 reform as one restructuring file written from the same package's official old → new
mapping: provinces merged (63 → 34), district unions dissolved, communes merged (→ 3,321), the
communes divided between several new ones split. `restructure` is timed as a dry run, applied, and
applied again (nothing to do), and the tree and the open work are checked after it.

    .venv/bin/python bench/restructure_national.py [runs]      (runs: dry runs timed first, default 1;
                                                                0 applies at once)

Only the package's data files are read, from its wheel (pip download, no install): its code needs
shapely and geopy, which nothing here uses.
"""

import csv
import datetime
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import defaultdict
from pathlib import Path

from _setup import ROOT, fresh_database

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 1
PACKAGE = "vietnamadminunits==1.0.4"
WHEELS = Path("/tmp/kehoach-bench-var/wheels")
EFFECTIVE = "2025-07-01"
PROVINCE_DECISION = "202/2025/QH15"
COMMUNE_DECISION = "NQ UBTVQH15 sắp xếp ĐVHC cấp xã 2025"


def package_data() -> tuple[Path, dict]:
    """The package's SQLite dataset (extracted) and its 2025 converter mapping."""
    WHEELS.mkdir(parents=True, exist_ok=True)
    wheel = next(WHEELS.glob("vietnamadminunits-1.0.4-*.whl"), None)
    if wheel is None:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(WHEELS),
                        PACKAGE], check=True)
        wheel = next(WHEELS.glob("vietnamadminunits-1.0.4-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        target = Path(tempfile.mkdtemp(prefix="vau-"))
        archive.extract("vietnamadminunits/data/dataset.db", target)
        mapping = json.loads(archive.read("vietnamadminunits/data/converter_2025.json"))
    return target / "vietnamadminunits/data/dataset.db", mapping


class Country:
    """The legacy tree and the 2025 mapping, keyed as the package keys them."""

    def __init__(self, dataset: Path, mapping: dict):
        db = sqlite3.connect(dataset)
        self.legacy = db.execute(
            "select provinceKey, districtKey, wardKey, provinceCode, districtCode, wardCode, province, district,"
            " ward from admin_units_legacy order by provinceCode, districtCode, wardCode").fetchall()
        self.new = db.execute("select provinceKey, wardKey, provinceCode, wardCode, province, ward"
                              " from admin_units order by provinceCode, wardCode").fetchall()
        self.mapping = mapping
        self.province_of_key = {}   # legacy province key → (code, name)
        self.district_of_key = {}   # "province_district" → (code, name)
        self.ward_of_key = {}       # "province_district_ward" → (code, name)
        for pk, dk, wk, pc, dc, wc, pname, dname, wname in self.legacy:
            self.province_of_key[pk] = (pc, pname)
            self.district_of_key[f"{pk}_{dk}"] = (dc, dname)
            if wc:  # the island districts have no commune: the district itself became one
                self.ward_of_key[f"{pk}_{dk}_{wk}"] = (wc, wname)
        self.new_province = {pk: (pc, pname) for pk, wk, pc, wc, pname, wname in self.new}
        self.new_ward = {(pk, wk): (wc, wname) for pk, wk, pc, wc, pname, wname in self.new}

    def unit_rows(self):
        from accounts.loading import UnitRow

        rows = [UnitRow(line=1, code="VN", name="Trung ương Đoàn TNCS Hồ Chí Minh", level="central")]
        for code, name in sorted(self.province_of_key.values()):
            rows.append(UnitRow(line=len(rows) + 1, code=f"LP{code}", name=f"Tỉnh đoàn {name}", level="province",
                                parent_code="VN"))
        for key, (code, name) in sorted(self.district_of_key.items(), key=lambda item: item[1][0]):
            province = self.province_of_key[key.split("_")[0]][0]
            rows.append(UnitRow(line=len(rows) + 1, code=f"LD{code}", name=f"Đoàn {name}", level="district",
                                parent_code=f"LP{province}"))
        for key, (code, name) in sorted(self.ward_of_key.items(), key=lambda item: item[1][0]):
            district = self.district_of_key["_".join(key.split("_")[:2])][0]
            rows.append(UnitRow(line=len(rows) + 1, code=f"LW{code}", name=f"Đoàn {name}", level="commune",
                                parent_code=f"LD{district}"))
        return rows

    def changes(self) -> list[dict]:
        """The 2025 reform as lines of a restructuring file, in the order they must run."""
        province_lines, lines = [], []
        province_unit = {}  # new province key → the code of its unit after the merges
        for new_key, old_keys in self.mapping["DICT_PROVINCE"].items():
            code, name = self.new_province[new_key]
            if len(old_keys) == 1:
                province_unit[new_key] = f"LP{self.province_of_key[old_keys[0]][0]}"
                continue
            province_unit[new_key] = f"P{code}"
            province_lines.append(_line("merge", [f"LP{self.province_of_key[k][0]}" for k in old_keys], [f"P{code}"],
                               [f"Tỉnh đoàn {name}"], "VN", PROVINCE_DECISION))
        islands = set()
        ward_unit = {}  # (new province key, new ward key) → its unit's code after the merges
        for province_key, wards in self.mapping["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
            for ward_key, old_keys in wards.items():
                code, name = self.new_ward[(province_key, ward_key)]
                olds = []
                for key in old_keys:
                    if key in self.ward_of_key:
                        olds.append(f"LW{self.ward_of_key[key][0]}")
                    else:  # an island district without communes: it is the new special zone itself
                        district = f"LD{self.district_of_key[key.rstrip('_')][0]}"
                        islands.add(district)
                        olds.append(district)
                if len(olds) == 1:  # one commune became one: it goes on under its new name
                    ward_unit[(province_key, ward_key)] = olds[0]
                    lines.append(_line("rename", olds, [], [f"Đoàn {name}"], "", COMMUNE_DECISION))
                else:
                    ward_unit[(province_key, ward_key)] = f"W{code}"
                    lines.append(_line("merge", olds, [f"W{code}"], [f"Đoàn {name}"], province_unit[province_key],
                                       COMMUNE_DECISION))
        dissolves = [_line("dissolve", [f"LD{code}"], [], [], "", PROVINCE_DECISION)
                     for code, _name in sorted(self.district_of_key.values()) if f"LD{code}" not in islands]
        splits = []
        for province_key, divided in self.mapping["DICT_PROVINCE_WARD_DIVIDED"].items():
            for old_key, pieces in divided.items():
                pieces = sorted(pieces, key=lambda p: not p["isDefaultNewWard"])  # its work goes to the default
                codes, names = [], []
                for piece in pieces:
                    unit = ward_unit.get((province_key, piece["newWardKey"]))
                    if unit is None:  # a new commune made only of parts of divided ones: the first split makes it
                        code, name = self.new_ward[(province_key, piece["newWardKey"])]
                        unit = ward_unit[(province_key, piece["newWardKey"])] = f"W{code}"
                        names.append(f"Đoàn {name}")
                    else:
                        names.append("")
                    codes.append(unit)
                splits.append(_line("split", [f"LW{self.ward_of_key[old_key][0]}"], codes, names,
                                    province_unit[province_key], COMMUNE_DECISION))
        # Districts go first: their communes then stand under the (merged) province the merges name.
        return province_lines + dissolves + lines + splits


def _line(kind, olds, news, names, parent, decision):
    # A name with only empty entries is no name: keep the column empty then.
    return {"kind": kind, "old_codes": ";".join(olds), "new_codes": ";".join(news),
            "new_names": ";".join(names) if any(names) else "", "new_parent": parent, "effective_on": EFFECTIVE,
            "decision": decision, "move_people": "no"}


def write_csv(lines, path: Path):
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(lines[0]))
        writer.writeheader()
        writer.writerows(lines)


class Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def main():
    fresh_database("kehoach_bench_restructure")
    from django.db import connection
    from django.utils import timezone

    from accounts.loading import units_load
    from accounts.models import Position, Role, Unit, UnitLevel, User
    from accounts.services import positions_sync_groups
    from plans import services
    from restructuring.files import changes_apply, read_changes_csv

    started = time.perf_counter()
    country = Country(*package_data())
    for rank, (code, name) in enumerate([("central", "Trung ương"), ("province", "Cấp tỉnh"),
                                         ("district", "Cấp huyện"), ("commune", "Cấp xã")]):
        UnitLevel.objects.create(code=code, name=name, rank=rank)
    units_load(country.unit_rows())
    central = Unit.objects.get(code="VN")
    central.document_code = "TWĐTN"
    central.save()
    admin = User.objects.create_superuser("admin", password="bench-pass-long-enough")
    people = {}
    for role in (Role.OFFICER, Role.SECRETARY, Role.CLERK):
        people[role] = User.objects.create(username=f"tw.{role}")
    districts = list(Unit.objects.filter(level__code="district"))
    officers = User.objects.bulk_create([User(username=f"{u.code.lower()}.canbo") for u in districts])
    Position.objects.bulk_create(
        [Position(user=people[role], unit=central, role=role) for role in people]
        + [Position(user=user, unit=unit, role=Role.OFFICER) for user, unit in zip(officers, districts, strict=True)])
    Position.objects.update(valid_from=datetime.date(2020, 1, 1))
    positions_sync_groups()
    communes = list(Unit.objects.filter(level__code="commune"))
    plan = services.plan_create(by=people[Role.OFFICER], issuing_unit=central, subject="Kế hoạch toàn quốc năm 2025",
                                report_due=timezone.now() + datetime.timedelta(days=30), recipients=communes)
    services.plan_submit(plan=plan, by=people[Role.OFFICER])
    services.plan_approve(plan=plan, by=people[Role.SECRETARY])
    services.plan_issue(plan=plan, by=people[Role.CLERK])
    print(f"legacy country: {len(country.province_of_key)} provinces, {len(districts)} districts, "
          f"{len(communes)} communes; one plan open in every commune, an officer in every district; "
          f"built in {time.perf_counter() - started:.0f} s")

    lines = country.changes()
    path = Path(tempfile.mkdtemp(prefix="restructure-")) / "restructure_2025_national.csv"
    write_csv(lines, path)
    kinds = defaultdict(int)
    for line in lines:
        kinds[line["kind"]] += 1
    print(f"the 2025 file: {len(lines)} lines ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))})")

    def timed(dry_run):
        counter = Counter()
        with connection.execute_wrapper(counter):
            begun = time.perf_counter()
            result = changes_apply(read_changes_csv(path), by=admin, dry_run=dry_run)
            seconds = time.perf_counter() - begun
        return seconds, counter.count, result

    dry = [timed(True) for _ in range(RUNS)]
    applied = timed(False)
    again = timed(False)
    if dry:
        seconds = [d[0] for d in dry]
        print(f"dry run: median {statistics.median(seconds):.1f} s over {RUNS} "
              f"({', '.join(f'{s:.1f}' for s in seconds)}), {dry[0][1]:,} statements")
    print(f"applied: {applied[0]:.1f} s, {applied[1]:,} statements ({applied[1] / len(lines):.0f} a line); "
          f"totals {applied[2].totals}")
    print(f"applied again: {again[0]:.1f} s, {again[1]:,} statements, "
          f"{len(again[2].applied)} lines applied (all {len(again[2].lines)} found applied before)")

    check(plan)
    print(f"whole rehearsal {time.perf_counter() - started:.0f} s")


def check(plan):
    """What the reform must leave: today's tree, and every open assignment with a living unit."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    from accounts.models import Position, Unit
    from plans.models import OPEN_ASSIGNMENT_STATES, Assignment


    active = {row["level__code"]: row["n"] for row in
              Unit.objects.filter(is_active=True).order_by().values("level__code").annotate(n=Count("pk"))}
    print(f"today's tree: {active}")
    assert active.get("province") == 34 and active.get("commune", 0) + active.get("district", 0) == 3321, active
    ended = list(Unit.objects.filter(is_active=False).values_list("pk", flat=True))
    open_on_ended = Assignment.objects.filter(plan=plan, state__in=OPEN_ASSIGNMENT_STATES, unit_id__in=ended,
                                              carried_by__isnull=True).count()
    actors = set(Assignment.objects.filter(plan=plan, state__in=OPEN_ASSIGNMENT_STATES)
                 .values_list("carried_by", "unit"))
    acting = {carried or unit for carried, unit in actors}
    tasks_on_ended = Task.objects.filter(
        status__in=[STATUS.NEW, STATUS.ASSIGNED], owner_permission_content_type=ContentType.objects.get_for_model(Unit),
        owner_permission_obj_pk__in=[str(pk) for pk in ended]).count()
    held = Position.objects.active_on().filter(unit__level__code="district", unit__is_active=False).count()
    print(f"open assignments: {Assignment.objects.filter(plan=plan, state__in=OPEN_ASSIGNMENT_STATES).count():,}, "
          f"done by {len(acting):,} units, none on an ended unit ({open_on_ended}); open tasks on ended units: "
          f"{tasks_on_ended}; district positions still held: {held}")
    assert open_on_ended == 0 and tasks_on_ended == 0 and held == 0
    assert not Unit.objects.filter(pk__in=acting, is_active=False).exists()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if RUNS < 0:  # -1: only the checks, on the database a run left
        import os

        import django

        os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kehoach_bench_restructure")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
        django.setup()
        from plans.models import Plan

        check(Plan.objects.get(subject="Kế hoạch toàn quốc năm 2025"))
    else:
        main()
