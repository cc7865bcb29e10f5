"""The audit trail as .xlsx (issue 12, V4): per period for the system's staff, per object for whoever
sees the object, and nobody else (IDOR); and `manage.py audit_export` for the same files."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.files import XLSX
from core.models import TransitionLog
from plans import services
from tests.factories import UserFactory
from tests.helpers import vi
from tests.plans.helpers import assignment_of, draft_plan, issued_plan

HEADINGS = ["STT", "Đối tượng", "Thời điểm", "Người thực hiện", "Thao tác", "Từ", "Đến", "Ghi chú", "Thay đổi",
            "Mã băm"]


def sheet_of(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content), read_only=True).active


def table(content: bytes) -> list[tuple]:
    rows = list(sheet_of(content).iter_rows(min_row=4, values_only=True))
    assert list(rows[0]) == HEADINGS
    return rows[1:]


@pytest.fixture
def edited_plan(people):
    """A draft plan edited and submitted by the province officer: one edit row, one transition."""
    plan = draft_plan(people, recipients=[people.tree.muong_ang])
    services.plan_update(plan=plan, by=people.province_officer, subject="Kế hoạch đã sửa")
    return services.plan_submit(plan=plan, by=people.province_officer, comment="Kính trình")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="quantri", full_name="Quản trị hệ thống", is_staff=True)


def period_url(start="2000-01-01", end=None):
    end = end or timezone.localdate().isoformat()
    return f"/tep/nhat-ky/?from={start}&to={end}"


def test_staff_export_a_period_with_vietnamese_columns(client, admin_user, edited_plan):
    client.force_login(admin_user)
    response = client.get(period_url())
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    rows = table(response.content)
    edit, submit = rows
    assert edit[1] == f"plans.plan #{edited_plan.pk}" and edit[3] == "Nguyễn Văn Hùng"
    assert (edit[4], edit[5], edit[6]) == ("Sửa", "Dự thảo", "Dự thảo")
    assert edit[8] == 'Trích yếu: "Kế hoạch tổ chức Tháng Thanh niên năm 2024" → "Kế hoạch đã sửa"'
    assert submit[4:8] == ("Đã trình duyệt", "Dự thảo", "Ban đang xem xét", "Kính trình")
    assert submit[9] == TransitionLog.objects.get(transition="submit").hash


def test_a_period_outside_the_rows_is_an_empty_table(client, admin_user, edited_plan):
    client.force_login(admin_user)
    assert table(client.get(period_url("2001-01-01", "2001-12-31")).content) == []


@pytest.mark.parametrize("query, message", [
    ("?from=2024-13-01&to=2024-12-31", "The start date (from) must be a date written YYYY-MM-DD."),
    ("?from=hôm-qua&to=2024-01-01", "The start date (from) must be a date written YYYY-MM-DD."),
    ("?from=2024-01-01", "The end date (to) must be a date written YYYY-MM-DD."),
    ("?from=2024-02-01&to=2024-01-01", "The end date is before the start date."),
])
def test_a_bad_period_is_refused_with_a_message(client, admin_user, query, message):
    client.force_login(admin_user)
    response = client.get(f"/tep/nhat-ky/{query}")
    assert response.status_code == 400 and response.content.decode() == vi(gettext_lazy(message))


def test_a_unit_officer_may_not_export_a_period(client, people, edited_plan):
    for user in (people.province_leader, people.province_officer, people.tuan_giao_officer):
        client.force_login(user)
        response = client.get(period_url())
        assert response.status_code == 403 and response["Content-Type"] != XLSX
        assert vi(gettext_lazy("Only administrators may export the whole audit trail.")) in response.content.decode()


def test_anonymous_visitors_are_sent_to_login(client, edited_plan):
    response = client.get(period_url())
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
    response = client.get(f"/tep/nhat-ky/plans.plan/{edited_plan.pk}/")
    assert response.status_code == 302


def test_whoever_sees_the_plan_exports_its_trail(client, people, edited_plan):
    client.force_login(people.province_officer)
    response = client.get(f"/tep/nhat-ky/plans.plan/{edited_plan.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert [row[1] for row in table(response.content)] == [f"plans.plan #{edited_plan.pk}"] * 2


def test_an_outsider_cannot_export_another_units_object(client, people, edited_plan):
    """IDOR: Tuần Giáo's officer guesses the id of the province's draft plan."""
    client.force_login(people.tuan_giao_officer)
    assert client.get(f"/tep/nhat-ky/plans.plan/{edited_plan.pk}/").status_code == 404
    # …and the same answer for an id that does not exist, or a model nobody registered.
    assert client.get(f"/tep/nhat-ky/plans.plan/{edited_plan.pk + 1000}/").status_code == 404
    assert client.get(f"/tep/nhat-ky/accounts.user/{people.clerk.pk}/").status_code == 404
    assert client.get("/tep/nhat-ky/khong.co/1/").status_code == 404


def test_the_command_exports_one_object(tmp_path, edited_plan, people):
    other = draft_plan(people, subject="Kế hoạch khác")
    services.plan_submit(plan=other, by=people.province_officer)
    out = tmp_path / "nhat-ky.xlsx"
    call_command("audit_export", object=f"plans.plan:{edited_plan.pk}", output=str(out))
    rows = table(out.read_bytes())
    assert {row[1] for row in rows} == {f"plans.plan #{edited_plan.pk}"} and len(rows) == 2


def test_the_command_exports_a_period(tmp_path, edited_plan):
    out = tmp_path / "nhat-ky.xlsx"
    today = timezone.localdate().isoformat()
    call_command("audit_export", start=today, end=today, output=str(out))
    assert len(table(out.read_bytes())) == 2


@pytest.mark.parametrize("arguments, message", [
    ({"start": "2024-02-30"}, "not a date"),
    ({"start": "2024-02-01", "end": "2024-01-01"}, "before"),
    ({"object": "plans.khong:1"}, "expected app.model:id"),
    ({"object": "plans.plan:abc"}, "expected app.model:id"),
    ({}, "Give a period"),
])
def test_the_command_names_bad_arguments(tmp_path, db, arguments, message):
    out = tmp_path / "x.xlsx"
    with pytest.raises(CommandError, match=message):
        call_command("audit_export", output=str(out), **arguments)
    assert not out.exists()


def test_a_recipient_exports_its_assignment_but_not_the_issuers_drafting_trail(client, people):
    """A recipient never sees a plan's drafting rounds (plans.selectors.plan_history_for): its
    audit trail, with the edits and comments of those rounds, belongs to the issuing unit."""
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    client.force_login(people.muong_ang_officer)
    assert client.get(f"/tep/nhat-ky/plans.plan/{plan.pk}/").status_code == 404
    assignment = assignment_of(plan, people.tree.muong_ang)
    assert client.get(f"/tep/nhat-ky/plans.assignment/{assignment.pk}/").status_code == 200
    client.force_login(people.province_officer)
    assert client.get(f"/tep/nhat-ky/plans.plan/{plan.pk}/").status_code == 200
