"""The unit page with its history over time, and the administrators' restructuring form: a preview
that changes nothing, a confirmation that applies it once, errors on the form with nothing saved."""

import datetime
import html as html_lib
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import Position, Unit, UnitLevel
from restructuring import services
from restructuring.models import ChangeKind, UnitChange
from tests.factories import UnitFactory, UserFactory
from tests.helpers import html, messages_of, vi
from tests.plans.helpers import assignment_of, issued_plan

from .helpers import snapshot, work_of

TODAY = timezone.localdate
NEW = reverse("restructuring:new")


def unit_url(unit):
    return reverse("restructuring:unit", args=[unit.pk])


@pytest.fixture
def admin_user(db):
    return UserFactory(username="quantri", full_name="Quản trị hệ thống", is_staff=True)


@pytest.fixture
def dissolved(staff):
    """Mường Ảng dissolved into the province by decision 15-QĐ/TĐTN; its commune goes with its work."""
    t = staff.tree
    commune = UnitFactory(parent=Unit.objects.get(pk=t.muong_ang.pk), code="HDMA-XBL", name="Đoàn xã Búng Lao",
                          level=UnitLevel.objects.get_or_create(code="grassroots", defaults={"name": "Cơ sở",
                                                                                             "rank": 3})[0])
    plan = issued_plan(staff, recipients=[t.muong_ang])
    change = services.dissolve(Unit.objects.get(pk=t.muong_ang.pk), effective_on=TODAY(),
                               decision="15-QĐ/TĐTN").apply(by=staff.province_leader)
    return change, commune, plan


def dissolve_fields(staff, **extra):
    return {"kind": ChangeKind.DISSOLVE, "old_codes": staff.tree.muong_ang.code,
            "effective_on": TODAY().strftime("%d/%m/%Y"), "decision": "15-QĐ/TĐTN", **extra}


# --- the unit page ---------------------------------------------------------------------------------------


def test_an_ended_unit_shows_its_history_and_where_its_work_went(client, staff, dissolved):
    t = staff.tree
    client.force_login(staff.tuan_giao_officer)  # any signed-in person, even of another unit
    page = html(client.get(unit_url(t.muong_ang)))
    assert vi(gettext_lazy("Work moved to")) in page
    assert f'data-successor="{t.province.pk}"' in page and f'href="{unit_url(t.province)}"' in page
    assert vi(ChangeKind.DISSOLVE.label) in page and "15-QĐ/TĐTN" in page
    assert TODAY().strftime("%d/%m/%Y") in page
    history = page.split('id="lich-su"')[1]
    before, after = history.split('class="side after"')
    assert t.muong_ang.name in before and f'href="{unit_url(t.muong_ang)}"' in before
    assert t.province.name in after and f'href="{unit_url(t.province)}"' in after
    assert 'data-state="ended"' in page


def test_the_names_in_the_history_are_those_of_the_day(client, staff):
    t = staff.tree
    old_name = t.muong_ang.name
    services.rename(t.muong_ang, name="Đoàn xã Mường Ảng", effective_on=TODAY(), decision="7-QĐ").apply(
        by=staff.province_leader)
    client.force_login(staff.muong_ang_officer)
    page = html(client.get(unit_url(t.muong_ang)))
    assert "<h1>Đoàn xã Mường Ảng</h1>" in page
    before, after = page.split('id="lich-su"')[1].split('class="side after"')
    assert old_name in before and "Đoàn xã Mường Ảng" not in before
    assert "Đoàn xã Mường Ảng" in after and vi(ChangeKind.RENAME.label) in page
    assert vi(gettext_lazy("Work moved to")) not in page  # still active


def test_the_successor_lists_its_current_units_below(client, staff, dissolved):
    _change, commune, _plan = dissolved
    client.force_login(staff.tuan_giao_officer)
    page = html(client.get(unit_url(staff.tree.province)))
    children = page.split('class="unit-children"')[1].split("</ul>")[0]
    assert f'data-unit="{commune.code}"' in children  # moved up with the dissolved district's work
    assert f'data-unit="{staff.tree.muong_ang.code}"' not in children  # ended
    assert f'data-unit="{staff.tree.tuan_giao.code}"' in children
    assert 'id="change-' in page  # the province took part in the change: it is in its history too


@pytest.mark.parametrize("who, sees", [
    ("admin", True),
    ("province_officer", True),  # of the successor unit: re-appoints them
    ("tuan_giao_officer", False),  # an outsider
    ("muong_ang_officer", False),  # the person whose position ended: no longer of any unit here
])
def test_the_people_whose_positions_ended_are_for_administrators_and_the_successor(
        client, staff, dissolved, admin_user, who, sees):
    client.force_login(admin_user if who == "admin" else getattr(staff, who))
    page = html(client.get(unit_url(staff.tree.muong_ang)))
    assert ('data-person="hdma.canbo"' in page) is sees
    assert ("data-ended-people" in page) is sees
    assert ("Bí thư Mường Ảng" in page) is sees  # a name other than the viewer's own (in the header)


def test_the_unit_page_needs_a_sign_in_and_a_real_unit(client, staff):
    response = client.get(unit_url(staff.tree.muong_ang))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(staff.tuan_giao_officer)
    assert client.get(reverse("restructuring:unit", args=[10**9])).status_code == 404


def test_only_administrators_see_the_restructure_button(client, staff, admin_user):
    client.force_login(staff.province_leader)
    assert NEW not in html(client.get(unit_url(staff.tree.muong_ang)))
    client.force_login(admin_user)
    assert f"{NEW}?unit={staff.tree.muong_ang.code}" in html(client.get(unit_url(staff.tree.muong_ang)))


# --- the restructuring form ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_form_is_for_administrators_only(client, staff, method):
    before = snapshot()
    client.force_login(staff.province_leader)  # the province's secretary, not an administrator
    response = getattr(client, method)(NEW, dissolve_fields(staff, confirm="1") if method == "post" else None)
    assert response.status_code == 403
    assert snapshot() == before
    client.logout()
    response = getattr(client, method)(NEW)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_form_opens_for_the_unit_asked(client, staff, admin_user):
    client.force_login(admin_user)
    page = html(client.get(NEW, {"unit": "HDMA"}))
    assert 'name="old_codes"' in page and 'value="HDMA"' in page


def test_the_preview_lists_what_will_move_and_changes_nothing(client, staff, admin_user):
    t = staff.tree
    plan = issued_plan(staff, recipients=[t.muong_ang])
    client.force_login(admin_user)
    before = snapshot()
    page = html(client.post(NEW, dissolve_fields(staff)))
    assert snapshot() == before
    preview = page.split("data-preview")[1]
    assert f'data-id="{assignment_of(plan, t.muong_ang).pk}"' in preview.split('data-list="assignments_carried"')[1]
    assert 'data-count="assignments_carried"' in preview and 'data-count="tasks"' in preview
    people = preview.split('data-list="people"')[1]
    assert 'data-person="hdma.canbo"' in people and 'data-person="hdma.bithu"' in people
    assert t.province.name in preview  # where the work goes
    assert 'name="confirm" value="1"' in preview


def _confirm_form(page) -> dict:
    """The hidden fields of the preview's confirmation form, as the browser would send them."""
    form = page.split('class="confirm"')[1].split("</form>")[0]
    return {name: html_lib.unescape(value)
            for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form)}


def test_confirming_the_preview_applies_it_and_opens_the_successor(client, staff, admin_user):
    t = staff.tree
    plan = issued_plan(staff, recipients=[t.muong_ang])
    client.force_login(admin_user)
    confirm = _confirm_form(html(client.post(NEW, dissolve_fields(staff))))
    assert confirm["confirm"] == "1" and confirm["old_codes"] == "HDMA" and confirm["move_people"] == "False"
    response = client.post(NEW, confirm, follow=True)
    assert response.redirect_chain[-1][0] == unit_url(t.province)
    change = UnitChange.objects.get()
    assert change.kind == ChangeKind.DISSOLVE and change.decision == "15-QĐ/TĐTN" and change.by == admin_user
    assert [level for level, _text in messages_of(response)] == ["success"]
    assert not Unit.objects.get(pk=t.muong_ang.pk).is_active
    assert work_of(plan, t.province)
    # The same confirmation again (a double tap, the back button) changes nothing.
    after = snapshot()
    again = client.post(NEW, confirm, follow=True)
    assert again.redirect_chain[-1][0] == unit_url(t.province)
    assert [level for level, _text in messages_of(again)] == ["info"]
    assert snapshot() == after


def test_a_merge_into_a_new_unit_from_the_form(client, staff, admin_user):
    t = staff.tree
    client.force_login(admin_user)
    fields = {"kind": ChangeKind.MERGE, "old_codes": "HDMA, HDTG",
              "successors": "HDMATG | Huyện đoàn Mường Ảng - Tuần Giáo",
              "effective_on": TODAY().strftime("%d/%m/%Y"), "decision": "20-QĐ/TĐTN", "move_people": "on"}
    page = html(client.post(NEW, fields))
    assert not Unit.objects.filter(code="HDMATG").exists()
    response = client.post(NEW, _confirm_form(page))
    merged = Unit.objects.get(code="HDMATG")
    assert response["Location"] == unit_url(merged)
    assert Unit.objects.get_parent(merged) == t.province and merged.level == t.muong_ang.level
    assert Position.objects.active_on().filter(user=staff.muong_ang_officer, unit=merged).exists()


def test_a_split_into_two_new_units_from_the_form(client, staff, admin_user):
    t = staff.tree
    plan = issued_plan(staff, recipients=[t.muong_ang])
    district = UnitLevel.objects.get(code="district")
    client.force_login(admin_user)
    fields = {"kind": ChangeKind.SPLIT, "old_codes": "HDMA", "new_level": district.pk,
              "successors": "HDMA-D | Huyện đoàn Mường Ảng Đông\r\nHDMA-T | Huyện đoàn Mường Ảng Tây",
              "effective_on": TODAY().strftime("%d/%m/%Y")}
    page = html(client.post(NEW, fields))
    assert "Huyện đoàn Mường Ảng Đông" in page.split('data-list="assignments"')[1]  # the first piece takes it
    response = client.post(NEW, _confirm_form(page))
    east, west = Unit.objects.get(code="HDMA-D"), Unit.objects.get(code="HDMA-T")
    assert response["Location"] == unit_url(east)
    assert west.name == "Huyện đoàn Mường Ảng Tây" and Unit.objects.get_parent(west) == t.province
    assert assignment_of(plan, east)


def test_a_rename_from_the_form(client, staff, admin_user):
    client.force_login(admin_user)
    fields = {"kind": ChangeKind.RENAME, "old_codes": "HDMA", "new_name": "Đoàn xã Mường Ảng",
              "effective_on": TODAY().strftime("%d/%m/%Y"), "confirm": "1"}
    response = client.post(NEW, fields)
    assert response["Location"] == unit_url(staff.tree.muong_ang)
    assert Unit.objects.get(pk=staff.tree.muong_ang.pk).name == "Đoàn xã Mường Ảng"


@pytest.mark.parametrize("fields, field, message", [
    ({"old_codes": "KHONGCO"}, "old_codes", "No unit has the code %(codes)s."),
    ({"old_codes": "HDMA HDTG"}, "old_codes", "This change takes one unit; only a merge takes several."),
    ({"successors": "KHONGCO"}, "successors", "No unit has the code %(codes)s."),
    ({"successors": "HDTG | Trùng mã"}, "successors",
     "A dissolved unit's work goes to one existing unit (its parent if none is named)."),
    ({"kind": ChangeKind.MOVE, "new_parent_code": "KHONGCO"}, "new_parent_code", "No unit has the code %(codes)s."),
    ({"kind": ChangeKind.MOVE}, "new_parent_code", "Choose the new parent unit."),
    ({"kind": ChangeKind.RENAME}, "new_name", "Enter the new name."),
    ({"kind": ChangeKind.MERGE, "old_codes": "HDMA HDTG"}, "successors",
     "Name the one unit they merge into: one of them, another unit or a new unit."),
    ({"kind": ChangeKind.SPLIT, "successors": "HDMA-D | Mường Ảng Đông"}, "successors",
     "A split needs at least two successor units."),
    ({"kind": ChangeKind.SPLIT, "move_people": "on", "successors": "A | Một\nB | Hai"}, "move_people",
     "A split does not move people: appoint them in the unit they join."),
    ({"effective_on": "31/02/2025"}, "effective_on", None),
    ({"effective_on": "01/01/1800"}, "effective_on", "Enter a date from 1900 on."),
    ({"successors": "HDMA"}, "successors", "A successor cannot be a unit that ends."),
    ({"kind": ChangeKind.SPLIT, "successors": f"{'X' * 41} | Một\nB | Hai"}, "successors", None),
])
def test_bad_codes_and_shapes_are_shown_on_their_field_and_nothing_is_saved(
        client, staff, admin_user, fields, field, message):
    client.force_login(admin_user)
    before = snapshot()
    response = client.post(NEW, dissolve_fields(staff, confirm="1", **fields))
    assert response.status_code == 200 and snapshot() == before
    errors = response.context["form"].errors
    assert field in errors, errors
    if message:
        codes = "KHONGCO"
        assert vi(gettext_lazy(message), codes=codes) in errors[field]
    assert "data-preview" not in response.content.decode()


@pytest.mark.parametrize("fields, message", [
    ({"effective_on": (TODAY() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")},
     "The effective date is in the future: apply the change on that day."),
    ({"kind": ChangeKind.MERGE, "old_codes": "HDMA HDTG", "successors": "TDDB | Trùng mã"},
     "The code %(code)s is already used by another unit."),
    ({"kind": ChangeKind.MOVE, "old_codes": "TDDB", "new_parent_code": "HDMA"},
     "A unit cannot be moved under itself or one of its own units."),
])
def test_what_the_operation_refuses_is_shown_on_the_form_and_nothing_is_saved(
        client, staff, admin_user, fields, message):
    client.force_login(admin_user)
    before = snapshot()
    for confirm in ("", "1"):  # neither the preview nor the confirmation goes through
        response = client.post(NEW, dissolve_fields(staff, confirm=confirm, **fields))
        assert response.status_code == 200 and snapshot() == before
        form = response.context["form"]
        assert form.errors
        if message:
            assert vi(gettext_lazy(message), code="TDDB") in form.non_field_errors()
        assert "data-preview" not in response.content.decode()


def test_work_is_never_handed_to_a_unit_that_has_ended(client, staff, admin_user, dissolved):
    client.force_login(admin_user)
    before = snapshot()
    for fields in ({"kind": ChangeKind.MERGE, "old_codes": "HDTG HDMC", "successors": "HDMA"},
                   {"kind": ChangeKind.MOVE, "old_codes": "HDTG", "new_parent_code": "HDMA"},
                   {"kind": ChangeKind.MERGE, "old_codes": "HDTG HDMC", "successors": "HDX | Mới",
                    "new_parent_code": "HDMA"}):
        response = client.post(NEW, dissolve_fields(staff, confirm="1", **fields))
        assert response.status_code == 200
        assert vi(gettext_lazy("%(unit)s has already ended."), unit=staff.tree.muong_ang.name) in \
            response.context["form"].non_field_errors()
    assert snapshot() == before


def test_a_change_already_applied_is_told_not_previewed(client, staff, admin_user, dissolved):
    change, _commune, _plan = dissolved
    client.force_login(admin_user)
    page = html(client.post(NEW, dissolve_fields(staff)))
    assert f'data-applied="{change.pk}"' in page and "data-preview" not in page
