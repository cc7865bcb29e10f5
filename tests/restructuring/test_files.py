"""The restructuring file: `manage.py restructure FILE.csv`, the admin upload, and the 2025
rehearsal of the demo province (district unions dissolved, communes merged)."""

import datetime
import io

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.loading import read_units_csv, units_load
from accounts.models import Position, Role, Unit
from accounts.services import position_create
from core.models import TransitionLog
from plans import selectors as plan_selectors
from plans.models import OPEN_ASSIGNMENT_STATES, Assignment, AssignmentState
from restructuring.admin import UPLOAD_SESSION_KEY
from restructuring.files import RestructureFileError, changes_apply, parse_changes
from restructuring.models import ChangeKind, UnitChange
from tests.factories import UserFactory
from tests.plans.helpers import assignment_of, issued_plan
from tests.restructuring.helpers import work_of
from workflows.inbox import inbox_tasks

HEADER = "kind,old_codes,new_codes,new_names,new_parent,effective_on,decision,move_people\n"
OPEN_TASKS = [STATUS.NEW, STATUS.ASSIGNED]


@pytest.fixture(autouse=True)
def _english(settings):
    """The messages are checked in their English msgids: the commands and pages speak Vietnamese."""
    with translation.override("en"):
        yield


@pytest.fixture
def admin_en(admin_client, settings):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return admin_client


def _file(tmp_path, *lines, name="changes.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _run(*args):
    out = io.StringIO()
    call_command("restructure", *map(str, args), stdout=out)
    return out.getvalue()


def _snapshot():
    return (list(Unit.objects.order_by("pk").values_list("pk", "code", "path", "name", "is_active", "numchild")),
            list(Assignment.objects.order_by("pk").values_list("pk", "unit_id", "state")),
            list(Position.objects.order_by("pk").values_list("pk", "unit_id", "valid_to")),
            list(Task.objects.order_by("pk").values_list("pk", "owner_permission_obj_pk", "status", "owner_id")),
            list(UnitChange.objects.order_by("pk").values_list("pk", "key")), TransitionLog.objects.count())


GOOD = (
    # Two district unions merge into a new one, which a later line of the same file renames.
    "merge,HDMA;HDTG,HDMATG,Huyện đoàn Mường Ảng - Tuần Giáo,TDDB,2025-07-01,20-QĐ/TĐTN,yes",
    "rename,HDMATG,,Huyện đoàn liên huyện Mường Ảng - Tuần Giáo,,2025-07-01,21-QĐ/TĐTN,",
    "move,HDTC,,,HDMATG,01/07/2025,22-QĐ/TĐTN,",
    "split,HDMC,HDMC-B;HDMC-N,Huyện đoàn Mường Chà Bắc;Huyện đoàn Mường Chà Nam,,2025-07-01,23-QĐ/TĐTN,no",
    "dissolve,HDNP,,,,2025-07-01,24-QĐ/TĐTN,no",
)


def test_a_good_file_applies_every_line_in_order_and_a_second_run_changes_nothing(staff, tmp_path):
    t = staff.tree
    plan = issued_plan(staff, recipients=[t.muong_ang, Unit.objects.get(code="HDNP")])
    path = _file(tmp_path, *GOOD)

    out = _run(path, "--by", "lanhdao")

    assert UnitChange.objects.count() == 5
    assert list(UnitChange.objects.order_by("pk").values_list("kind", flat=True)) == [
        ChangeKind.MERGE, ChangeKind.RENAME, ChangeKind.MOVE, ChangeKind.SPLIT, ChangeKind.DISSOLVE]
    merged = Unit.objects.get(code="HDMATG")
    assert merged.name == "Huyện đoàn liên huyện Mường Ảng - Tuần Giáo" and merged.is_active
    assert Unit.objects.get_parent(merged) == t.province
    assert Unit.objects.get_parent(Unit.objects.get(code="HDTC")) == merged
    assert assignment_of(plan, merged).state in OPEN_ASSIGNMENT_STATES
    assert work_of(plan, t.province)  # Nậm Pồ's, dissolved into its parent
    assert {u.code for u in Unit.objects.filter(is_active=False)} == {"HDMA", "HDTG", "HDMC", "HDNP"}
    assert Unit.objects.filter(code__in=["HDMC-B", "HDMC-N"], is_active=True).count() == 2
    # move_people=yes on the merge: Mường Ảng's officer goes on in the merged union.
    assert Position.objects.active_on().filter(user=staff.muong_ang_officer, unit=merged).exists()
    assert all(c.by == staff.province_leader for c in UnitChange.objects.all())
    for line in range(2, 7):
        assert f"Line {line} —" in out
    assert "Total: 5 lines, 5 applied now, 0 applied before." in out
    assert "1 assignments moved" in out

    before = _snapshot()
    again = _run(path, "--by", "lanhdao")
    assert _snapshot() == before
    assert "Total: 5 lines, 0 applied now, 5 applied before." in again


def test_the_command_records_the_first_superuser_and_refuses_without_one(staff, tmp_path):
    path = _file(tmp_path, "dissolve,HDNP,,,,2025-07-01,24-QĐ/TĐTN,")
    with pytest.raises(CommandError, match="superuser"):
        _run(path)
    assert not UnitChange.objects.exists()
    with pytest.raises(CommandError, match="nobody"):
        _run(path, "--by", "nobody")
    admin = UserFactory(username="quantri", is_superuser=True, is_staff=True)
    _run(path)
    assert UnitChange.objects.get().by == admin


def test_a_dry_run_prints_the_previews_and_changes_nothing(staff, tmp_path):
    issued_plan(staff, recipients=[staff.tree.muong_ang])
    path = _file(tmp_path, *GOOD)
    before = _snapshot()
    out = _run(path, "--by", "lanhdao", "--dry-run")
    assert _snapshot() == before
    assert "Line 6 —" in out and "1 assignments moved" in out and "Dry run" in out


def test_a_bad_file_names_every_bad_line_and_changes_nothing(staff, tmp_path):
    issued_plan(staff, recipients=[staff.tree.muong_ang])
    path = _file(
        tmp_path,
        "dissolve,HDNP,,,,2025-07-01,1-QĐ/TĐTN,",            # 2: good, but rolled back with the rest
        "dissolve,HDXX,,,,2025-07-01,2-QĐ/TĐTN,",            # 3: unknown code
        "merge,HDMA;HDTG,HDTG,,,2025-07-01,3-QĐ/TĐTN,",      # 4: good
        "merge,HDMA;HDMC,HDMC,,,2025-07-01,4-QĐ/TĐTN,",      # 5: Mường Ảng merged twice on one date
        "move,HDDB,,,HDDBD,2025-07-01,5-QĐ/TĐTN,",           # 6: good
        "move,HDDBD,,,HDDB,2025-07-01,6-QĐ/TĐTN,",           # 7: a cycle through line 6
        "rename,HDTC,,Huyện đoàn Tủa Chùa mới,,31/02/2025,7,",  # 8: no such date
        "annex,HDMN,,,,2025-07-01,8,",                        # 9: unknown kind
        "merge,HDMN;HDMC,NEWX,,TDDB,2025-07-01,9,",           # 10: a new unit without a name
        "rename,NEWX,,Tên mới,,2025-07-01,10,",               # 11: refers to line 10's unit
        "merge,HDDBD;HDTC,TDDB,Tỉnh đoàn mới,,2025-07-01,11,",  # 12: a "new" code that exists
    )
    before = _snapshot()
    with pytest.raises(CommandError) as raised:
        _run(path, "--by", "lanhdao")
    message = str(raised.value)
    lines = {int(part.split(":")[0]) for part in message.split("Line ")[1:]}
    assert lines == {3, 5, 7, 8, 9, 10, 11, 12}
    assert "Line 3: unknown unit code HDXX" in message
    assert "Line 5: HDMA is already ended by line 4." in message
    assert "Line 7: A unit cannot be moved under itself" in message
    assert "Line 8: bad date 31/02/2025" in message
    assert "Line 9: unknown kind annex" in message
    assert "Line 11: unit NEWX was to be created by line 10" in message
    assert "Line 12: the code TDDB is already used" in message
    assert _snapshot() == before


@pytest.mark.parametrize(("lines", "expected"), [
    (["dissolve,HDNP,,,,2025-07-01,1,", "merge,HDMA;HDTG,HDNP,,,2025-07-01,2,"],
     "Line 3: HDNP Huyện đoàn Nậm Pồ has ended: it cannot take units or work."),
    (["dissolve,HDNP,,,,2025-07-01,1,", "move,HDMA,,,HDNP,2025-07-01,2,"],
     "Line 3: HDNP Huyện đoàn Nậm Pồ has ended: it cannot take units or work."),
    (["merge,HDMA;HDTG,HDX,Huyện đoàn mới,HDMA,2025-07-01,1,yes"],
     "Line 2: the new unit HDX cannot go under HDMA Huyện đoàn Mường Ảng, which ends with this change."),
    (["rename,HDMA,HDMA2,Huyện đoàn mới,,2025-07-01,1,"],
     "Line 2: Rename keeps the unit and its code: leave new_codes empty."),
    (["merge,HDMA;HDTG,,,,2025-07-01,1,"],
     "Line 2: a merge names exactly one unit in new_codes: the one the units become."),
    (["dissolve,HDMA;HDTG,,,,2025-07-01,1,"], "Line 2: Dissolve takes exactly one unit in old_codes."),
    (["move,HDMA,,,,2025-07-01,1,"], "Line 2: a move needs new_parent: the unit it goes under."),
    (["split,HDMC,,,,2025-07-01,1,"], "Line 2: a split names its successor units in new_codes."),
    ([",HDMA,,,,2025-07-01,1,"], "Line 2: unknown kind —: write rename, move, merge, split or dissolve."),
    (["dissolve,HDMA,,,,2025-07-01,1,maybe"], "Line 2: move_people is maybe: write yes or no."),
    (["dissolve,TDDB,,,,2025-07-01,1,"], "Line 2: Tỉnh đoàn Điện Biên has no parent to take its units and work."),
    (["dissolve,HDMA,,,,2099-01-01,1,"], "Line 2: The effective date is in the future: apply the change on that day."),
    (["dissolve,HDMA,,,,2025-07-01,1,", "dissolve,HDMA,,,,2025-07-01,1,"],
     "Line 3: HDMA is already ended by line 2."),
])
def test_each_rule_of_a_line_is_checked_and_the_file_changes_nothing(staff, lines, expected):
    issued_plan(staff, recipients=[staff.tree.muong_ang])
    before = _snapshot()
    with pytest.raises(RestructureFileError) as raised:
        changes_apply(parse_changes(HEADER + "\n".join(lines) + "\n"), by=staff.province_leader)
    assert expected in raised.value.errors
    assert _snapshot() == before


def test_a_file_without_the_columns_or_in_another_encoding_is_refused(tmp_path):
    with pytest.raises(RestructureFileError, match="missing columns: new_parent"):
        parse_changes("kind,old_codes,new_codes,new_names,effective_on,decision\nrename,A,,B,2025-07-01,\n")
    with pytest.raises(RestructureFileError, match="UTF-8"):
        parse_changes((HEADER + "rename,HDMA,,Huyện đoàn,,2025-07-01,,\n").encode("utf-16"))


# --- The 2025 rehearsal of the demo province -----------------------------------------------------------

DISSOLVED = ["TPDBP", "TXML", "HDDB", "HDDBD", "HDMA", "HDTG", "HDTC", "HDMC", "HDMN", "HDNP"]


@pytest.fixture
def communes(staff):
    result = units_load(read_units_csv(settings.DEMO_DATA_DIR / "communes_dien_bien.csv"))
    assert result.units_created == 129
    return staff


def test_the_2025_rehearsal_leaves_the_province_over_its_45_communes(communes):
    staff = communes
    t = staff.tree
    plan = issued_plan(staff, recipients=[t.muong_ang, Unit.objects.get(code="DTNCA")])
    both = issued_plan(staff, recipients=[t.muong_ang, t.tuan_giao], subject="Kế hoạch hai huyện")
    moving = assignment_of(plan, t.muong_ang)
    commune = Unit.objects.get(code="HDMA-03256")  # Đoàn thị trấn Mường Ảng
    commune_secretary = UserFactory(username="ttma.bithu")
    position_create(user=commune_secretary, unit=commune, role=Role.SECRETARY)
    Position.objects.update(valid_from=datetime.date(2020, 1, 1))
    dissolved_ids = list(Unit.objects.filter(code__in=DISSOLVED).values_list("pk", flat=True))

    out = _run(settings.DEMO_DATA_DIR / "restructure_2025_dien_bien.csv", "--by", "lanhdao")
    assert "Total: 55 lines, 55 applied now, 0 applied before." in out

    # Every open assignment of a dissolved union is now the province's; no open task is theirs.
    assert not Assignment.objects.filter(unit_id__in=dissolved_ids, carried_by__isnull=True,
                                         state__in=OPEN_ASSIGNMENT_STATES).exists()
    moving.refresh_from_db()
    # The province issued the plan: it carries the work on in Mường Ảng's name, history and all.
    assert moving.acting_unit == t.province and moving.unit == t.muong_ang
    assert assignment_of(plan, Unit.objects.get(code="DTNCA")).unit.code == "DTNCA"
    # Two dissolved unions had the same plan: the province carries on both, none is cancelled.
    assert {a.acting_unit for a in Assignment.objects.filter(plan=both)} == {t.province}
    assert not Assignment.objects.filter(plan=both, state=AssignmentState.CANCELLED).exists()
    assert not Task.objects.filter(status__in=OPEN_TASKS,
                                   owner_permission_obj_pk__in=[str(pk) for pk in dissolved_ids]).exists()
    # The former district officer can no longer act.
    officer = staff.muong_ang_officer
    assert not Position.objects.active_on().filter(user=officer).exists()
    assert not plan_selectors.assignment_actions(officer, moving)
    assert not inbox_tasks(officer).exists()
    assert moving.process.task_set.filter(status=STATUS.NEW).get() in inbox_tasks(staff.province_officer)

    # The province's direct units: the 6 non-territorial ones and the 45 new communes.
    province = Unit.objects.get(pk=t.province.pk)
    children = list(Unit.objects.get_children(province))
    active = [u for u in children if u.is_active]
    assert len([u for u in active if u.level.code == "grassroots"]) == 45
    assert {u.code for u in active if u.level.code != "grassroots"} == {
        "DKCQDN", "DTNCA", "DTNBDBP", "DTNQS", "DTCDSP", "DTCDYT"}
    assert not Unit.objects.filter(code__in=DISSOLVED, is_active=True).exists()
    assert Unit.objects.filter(level__code="grassroots", is_active=False).count() == 129
    assert not Unit.objects.filter(level__code="grassroots", is_active=False, numchild__gt=0).exists()
    new_ma = Unit.objects.get(code="TDDB-03256")
    assert new_ma.name == "Đoàn xã Mường Ảng" and Unit.objects.get_parent(new_ma) == province
    # The commune's people go on in the new commune (move_people=yes), the district's do not.
    assert Position.objects.active_on().filter(user=commune_secretary, unit=new_ma).exists()

    before = _snapshot()
    again = _run(settings.DEMO_DATA_DIR / "restructure_2025_dien_bien.csv", "--by", "lanhdao")
    assert _snapshot() == before and "0 applied now, 55 applied before" in again


def test_seed_demo_loads_the_communes_once_and_not_again_after_the_rehearsal(communes):
    from demo.management.commands.seed_demo import Command

    assert Command()._communes() == 0  # the fixture loaded them: nothing more
    Unit.objects.filter(level__code="grassroots").delete()
    assert Command()._communes() == 129
    _run(settings.DEMO_DATA_DIR / "restructure_2025_dien_bien.csv", "--by", "lanhdao")
    before = _snapshot()
    assert Command()._communes() == 0  # under the province now: a load would refuse to move them
    assert _snapshot() == before


# --- The admin upload ---------------------------------------------------------------------------------


def _upload(client, text, name="sapxep.csv"):
    upload = io.BytesIO(text.encode("utf-8"))
    upload.name = name
    return client.post(reverse("admin:restructuring_unitchange_upload"), {"file": upload})


def test_the_admin_upload_previews_every_line_then_applies_on_confirmation(admin_en, staff):
    admin_client = admin_en
    t = staff.tree
    plan = issued_plan(staff, recipients=[t.muong_ang])
    page = admin_client.get(reverse("admin:restructuring_unitchange_changelist"))
    assert reverse("admin:restructuring_unitchange_upload") in page.content.decode()
    before = _snapshot()

    preview = _upload(admin_client, HEADER + "dissolve,HDMA,,,,2025-07-01,312-QĐ/TĐTN,no\n")
    assert preview.status_code == 200
    line = preview.context["result"].lines[0]
    assert (line.line, line.carried["assignments"] + line.carried["assignments_carried"], line.carried["tasks"]) == (
        2, 1, 1)
    assert line.positions_ended == 2  # Mường Ảng's officer and secretary
    body = preview.content.decode()
    assert 'data-count="1"' in body and "HDMA" in body and 'name="confirm"' in body
    assert _snapshot() == before  # the first POST changes nothing

    digest = preview.context["digest"]
    done = admin_client.post(reverse("admin:restructuring_unitchange_upload"), {"confirm": "1", "digest": digest})
    assert done.status_code == 302
    change = UnitChange.objects.get()
    assert change.kind == ChangeKind.DISSOLVE and change.decision == "312-QĐ/TĐTN"
    assert work_of(plan, t.province).state in OPEN_ASSIGNMENT_STATES
    assert UPLOAD_SESSION_KEY not in admin_client.session
    listing = admin_client.get(reverse("admin:restructuring_unitchange_changelist")).content.decode()
    assert "312-QĐ/TĐTN" in listing and t.muong_ang.name in listing

    # Confirming again (the session no longer holds it) applies nothing more.
    again = admin_client.post(reverse("admin:restructuring_unitchange_upload"), {"confirm": "1", "digest": digest})
    assert again.status_code == 302 and UnitChange.objects.count() == 1


def test_the_admin_upload_shows_each_bad_line_and_keeps_nothing(admin_en, staff):
    admin_client = admin_en
    before = _snapshot()
    response = _upload(admin_client, HEADER + "dissolve,HDXX,,,,2025-07-01,1,\nannex,HDMA,,,,2025-07-01,2,\n")
    assert response.status_code == 200
    assert response.context["errors"] == ["Line 2: unknown unit code HDXX",
                                          "Line 3: unknown kind annex: write rename, move, merge, split or dissolve."]
    assert 'name="confirm"' not in response.content.decode()
    assert UPLOAD_SESSION_KEY not in admin_client.session
    # A confirmation with no preview behind it applies nothing.
    admin_client.post(reverse("admin:restructuring_unitchange_upload"), {"confirm": "1", "digest": "x"})
    assert _snapshot() == before


def test_only_staff_allowed_to_add_changes_may_upload(client, staff):
    officer = staff.province_officer
    officer.is_staff = True
    officer.save()
    client.force_login(officer)
    url = reverse("admin:restructuring_unitchange_upload")
    assert client.get(url).status_code == 403
    officer.user_permissions.add(Permission.objects.get(codename="add_unitchange"))
    assert client.get(url).status_code == 200
