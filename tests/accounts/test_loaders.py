"""load_units / load_national_units / seed_demo: idempotent, and bad input changes nothing."""

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from accounts.models import Department, Position, Unit, UnitLevel, User

pytestmark = pytest.mark.django_db
SOURCE = settings.DEMO_DATA_DIR / "units_dien_bien.csv"


def counts():
    return (Unit.objects.count(), Department.objects.count(), UnitLevel.objects.count())


def write_csv(tmp_path, body, name="units.csv"):
    path = tmp_path / name
    path.write_text("code,name,level,parent_code,grassroots_units,note\n" + body, encoding="utf-8")
    return path


def test_the_province_file_loads_its_units_and_departments():
    call_command("load_units", str(SOURCE))
    assert Unit.objects.count() == 1 + 16
    assert Department.objects.count() == 5
    province = Unit.objects.get(code="TDDB")
    assert Unit.objects.filter(path__startswith=province.path, depth=2).count() == 16
    assert province.numchild == 16


def test_department_document_codes_come_from_the_file():
    call_command("load_units", str(SOURCE))
    codes = dict(Department.objects.values_list("code", "document_code"))
    assert codes["TDDB-XDD"] == "XDĐ"
    assert codes["TDDB-VP"] == "VP"
    committee = Department.objects.get(code="TDDB-UBKT")
    assert committee.document_code == "UBKTTĐ"
    assert committee.issues_own_documents is True
    assert not Department.objects.get(code="TDDB-TG").issues_own_documents


def test_loading_twice_leaves_the_same_rows():
    call_command("load_units", str(SOURCE))
    first = counts()
    paths = dict(Unit.objects.values_list("code", "path"))
    call_command("load_units", str(SOURCE))
    assert counts() == first
    assert dict(Unit.objects.values_list("code", "path")) == paths


def test_rerun_updates_a_renamed_unit(tmp_path):
    call_command("load_units", str(SOURCE))
    renamed = tmp_path / "renamed.csv"
    renamed.write_text(SOURCE.read_text(encoding="utf-8").replace(
        "HDMA,Huyện đoàn Mường Ảng", "HDMA,Đoàn xã Mường Ảng"), encoding="utf-8")
    call_command("load_units", str(renamed))
    assert Unit.objects.get(code="HDMA").name == "Đoàn xã Mường Ảng"
    assert Unit.objects.count() == 17


def test_new_children_of_existing_units_get_paths_after_their_siblings(tmp_path):
    call_command("load_units", str(SOURCE))
    extra = write_csv(
        tmp_path, "MA-X1,Đoàn xã Ẳng Nưa,grassroots,HDMA,,\nMA-X1-C1,Chi đoàn bản Cang,branch,MA-X1,,\n"
    )
    call_command("load_units", str(extra))
    district = Unit.objects.get(code="HDMA")
    commune = Unit.objects.get(code="MA-X1")
    branch = Unit.objects.get(code="MA-X1-C1")
    assert commune.path.startswith(district.path) and commune.depth == 3
    assert branch.path.startswith(commune.path) and branch.depth == 4
    assert Unit.objects.get(code="HDMA").numchild == 1
    assert Unit.objects.get(code="MA-X1").numchild == 1
    assert UnitLevel.objects.filter(code__in=["grassroots", "branch"]).count() == 2


def test_unknown_parent_names_the_line_and_changes_nothing(tmp_path):
    call_command("load_units", str(SOURCE))
    before = counts()
    bad = write_csv(tmp_path, "X1,Đoàn xã Mới,grassroots,HDMA,,\nX2,Đoàn xã Lạ,grassroots,NOPE,,\n")
    with pytest.raises(CommandError) as excinfo:
        call_command("load_units", str(bad))
    message = str(excinfo.value)
    assert "3" in message and "NOPE" in message  # line 3: header is line 1
    assert counts() == before
    assert not Unit.objects.filter(code="X1").exists()


def test_unknown_parent_through_the_shell_exits_non_zero(tmp_path):
    """The acceptance check as an operator runs it: a real process and its exit code."""
    import subprocess
    import sys

    bad = write_csv(tmp_path, "X2,Đoàn xã Lạ,grassroots,NOPE,,\n")
    db = tmp_path / "cli.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{db}", "APP_VAR_DIR": str(tmp_path / "var"), "PATH": "/usr/bin:/bin"}
    run = lambda *args: subprocess.run(  # noqa: E731
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert run("migrate", "--noinput").returncode == 0
    result = run("load_units", str(bad))
    assert result.returncode != 0
    assert "2" in result.stderr and "NOPE" in result.stderr
    check = subprocess.run(
        [sys.executable, "-c", "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("
         "'select count(*) from accounts_unit').fetchone()[0])", str(db)],
        capture_output=True, text=True,
    )
    assert check.stdout.strip() == "0"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("A,Một,district,,,\nA,Hai,district,,,\n", "A"),  # duplicate code
        ("A,,district,,,\n", "A"),  # empty name
        (",Không mã,district,,,\n", "3"),  # empty code, on line 3
        ("A,Một,district,B,,\nB,Hai,district,A,,\n", "A"),  # cycle
        ("D,Ban,department,,,\n", "D"),  # a department with no unit
    ],
)
def test_bad_rows_are_refused_whole(tmp_path, body, fragment):
    call_command("load_units", str(SOURCE))
    before = counts()
    with pytest.raises(CommandError) as excinfo:
        call_command("load_units", str(write_csv(tmp_path, "OK1,Đơn vị tốt,district,TDDB,,\n" + body)))
    assert fragment in str(excinfo.value)
    assert counts() == before


def test_moving_an_existing_unit_is_refused(tmp_path):
    call_command("load_units", str(SOURCE))
    before = counts()
    moved = write_csv(tmp_path, "X,Khác,province,,,\nHDMA,Huyện đoàn Mường Ảng,district,X,,\n")
    with pytest.raises(CommandError) as excinfo:
        call_command("load_units", str(moved))
    assert "HDMA" in str(excinfo.value)
    assert counts() == before


def test_missing_columns_are_named(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("code,name\nA,B\n", encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        call_command("load_units", str(path))
    assert "level" in str(excinfo.value) and "parent_code" in str(excinfo.value)


def test_national_units_are_34_provinces_and_3321_communes():
    call_command("load_national_units")
    assert Unit.objects.get(depth=1).code == "VN"
    assert Unit.objects.filter(level__code="province", depth=2).count() == 34
    assert Unit.objects.filter(level__code="commune", depth=3).count() == 3321
    hanoi = Unit.objects.get(name="Thành phố Hà Nội")
    assert Unit.objects.filter(path__startswith=hanoi.path, depth=3).count() == hanoi.numchild > 0
    call_command("load_national_units")
    assert Unit.objects.count() == 1 + 34 + 3321


def test_seed_demo_gives_every_role_an_account_and_is_idempotent():
    call_command("seed_demo", password="mat-khau-demo-123")
    first = (User.objects.count(), Position.objects.count(), Unit.objects.count())
    call_command("seed_demo", password="mat-khau-demo-123")
    assert (User.objects.count(), Position.objects.count(), Unit.objects.count()) == first
    roles = set(Position.objects.filter(unit__code="TDDB").values_list("role", flat=True))
    assert {"secretary", "department_head", "officer", "clerk", "inspection_chair"} <= roles
    assert Position.objects.filter(unit__code="TDDB", role="inspection_member").count() == 2
    for district in Unit.objects.filter(level__code="district"):
        assert set(district.positions.values_list("role", flat=True)) == {"officer", "secretary"}
    assert User.objects.get(username="hdma.canbo").check_password("mat-khau-demo-123")
    from plans.models import Plan

    # Plans demo: one awaiting approval, two issued; deadlines demo: one overdue report request.
    assert sorted(Plan.objects.values_list("state", flat=True)) == ["awaiting_approval", "issued", "issued", "issued"]
    year_plan = Plan.objects.get(kind="CTr")
    assert year_plan.indicators.count() == 33
    from plans.indicators.summary import plan_indicator_summary

    summary = plan_indicator_summary(year_plan)
    assert summary.units_missing == 2  # two districts still to report their figures
    assert summary.indicators["verdict"].notna().all()
    assert Unit.objects.get(code="TDDB").document_code == "TĐTN"


def test_the_year_targets_are_ready_for_the_indicators():
    from plans.indicators.targets import read_targets

    targets = read_targets(settings.DEMO_DATA_DIR / "indicators_2024.csv")
    assert len(targets) == 33
    assert len({t.code for t in targets}) == 33
    assert {t.aggregate for t in targets} == {"sum", "ratio_of_sums", "all_units", "province_only"}


def test_demo_data_is_a_faithful_copy_of_the_shared_domain_files():
    shared = settings.BASE_DIR.parent / "shared" / "domain"
    if not shared.exists():
        pytest.skip("shared/domain is not beside this checkout")
    for name in ("units_dien_bien.csv", "indicators_2024.csv", "document_numbers.txt"):
        assert (settings.DEMO_DATA_DIR / name).read_bytes() == (shared / name).read_bytes(), name
