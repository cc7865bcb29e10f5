"""The register screens: each register by year for the unit's people, its .xlsx, the paper form;
another unit's register is a 404."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from plans import services as plan_services
from registers.models import DocumentKind, OutgoingEntry
from registers.services import outgoing_register_paper
from tests.helpers import html, messages_of, vi
from tests.plans.helpers import assignment_of, issued_plan

pytestmark = pytest.mark.django_db


def sheet_of(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def paper_data(**fields):
    return {"kind": DocumentKind.LETTER, "subject": "V/v cử cán bộ dự tập huấn",
            "issued_on": (timezone.localdate() - datetime.timedelta(days=1)).strftime("%d/%m/%Y"),
            "signer": "Lò Văn Thắng", "recipients": "- Như trên;\n- Lưu VP.",
            "reason": "Phát hành bản giấy khi hệ thống bảo trì", **fields}


# --- outgoing ------------------------------------------------------------------------------------------


def test_the_unit_sees_its_outgoing_register_of_the_year(client, people):
    plan = issued_plan(people)
    client.force_login(people.clerk)
    page = html(client.get(reverse("registers:outgoing", args=[people.tree.province.pk])))
    assert plan.number in page and plan.subject in page and "Lò Văn Thắng" in page


def test_another_year_shows_that_year_only(client, people):
    issued_plan(people)
    client.force_login(people.clerk)
    url = reverse("registers:outgoing", args=[people.tree.province.pk])
    response = client.get(url, {"year": timezone.localdate().year - 1})
    assert response.context["page"].paginator.count == 0


def test_a_bad_year_is_told_and_the_current_year_shown(client, people):
    client.force_login(people.clerk)
    response = client.get(reverse("registers:outgoing", args=[people.tree.province.pk]), {"year": "abc"})
    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year
    assert response.context["form"].errors["year"]


def test_the_committees_register_is_chosen_by_issuer(client, people):
    issued_plan(people)
    outgoing_register_paper(unit=people.tree.province, department=people.tree.ubkt, by=people.inspection_chair,
                            kind=DocumentKind.NOTICE, subject="Thông báo giấy của Ủy ban", signer="Tòng Văn Minh",
                            issued_on=timezone.localdate(), recipients="Các huyện đoàn", reason="Bản giấy")
    client.force_login(people.inspector)
    url = reverse("registers:outgoing", args=[people.tree.province.pk])
    own = html(client.get(url))
    committee = html(client.get(url, {"issuer": f"dept:{people.tree.ubkt.pk}"}))
    assert "Thông báo giấy của Ủy ban" not in own and "Thông báo giấy của Ủy ban" in committee


def test_the_outgoing_screen_takes_the_same_queries_for_one_row_or_many(client, people):
    def queries():
        client.force_login(people.clerk)
        url = reverse("registers:outgoing", args=[people.tree.province.pk])
        with CaptureQueriesContext(connection) as captured:
            html(client.get(url))
        return len(captured)

    for _ in range(1):
        outgoing_register_paper(unit=people.tree.province, by=people.clerk, **_paper_kwargs())
    one = queries()
    for _ in range(5):
        outgoing_register_paper(unit=people.tree.province, by=people.clerk, **_paper_kwargs())
    assert queries() == one


def _paper_kwargs():
    return {"kind": DocumentKind.LETTER, "subject": "Công văn giấy", "signer": "Lò Văn Thắng",
            "issued_on": timezone.localdate(), "recipients": "Các huyện đoàn", "reason": "Bản giấy"}


def test_the_outgoing_export_holds_each_row_under_vietnamese_headings(client, people):
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    letter = outgoing_register_paper(unit=people.tree.province, by=people.clerk, **_paper_kwargs())
    client.force_login(people.province_officer)
    year = timezone.localdate().year
    sheet = sheet_of(client.get(reverse("registers:outgoing-xlsx", args=[people.tree.province.pk]), {"year": year}))
    assert sheet["A1"].value == f"SỔ ĐĂNG KÝ VĂN BẢN ĐI NĂM {year}"
    assert [c.value for c in sheet[4]] == ["STT", "Số, ký hiệu văn bản", "Ngày văn bản", "Loại văn bản",
                                           "Trích yếu nội dung", "Người ký", "Nơi nhận", "Ghi chú"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=5)]
    assert rows[0][:2] == [1, plan.number] and rows[0][3] == "Kế hoạch" and rows[0][4] == plan.subject
    assert rows[0][5] == "Lò Văn Thắng" and rows[0][6] == people.tree.muong_ang.name and rows[0][7] is None
    assert rows[0][2].date() == timezone.localdate(plan.issued_at)
    assert rows[1][:2] == [2, letter.number] and rows[1][3] == "Công văn" and "Bản giấy" in rows[1][7]
    assert len(rows) == 2


def test_last_years_export_is_empty_of_this_years_rows(client, people):
    issued_plan(people)
    client.force_login(people.clerk)
    sheet = sheet_of(client.get(reverse("registers:outgoing-xlsx", args=[people.tree.province.pk]),
                                {"year": timezone.localdate().year - 1}))
    assert sheet.max_row == 4


# --- incoming ------------------------------------------------------------------------------------------


def test_the_incoming_register_and_its_export(client, people):
    plan = issued_plan(people)
    plan_services.assignment_receive(assignment=assignment_of(plan, people.tree.muong_ang), by=people.muong_ang_officer)
    client.force_login(people.muong_ang_secretary)
    page = html(client.get(reverse("registers:incoming", args=[people.tree.muong_ang.pk])))
    assert plan.number in page and people.tree.province.name in page
    sheet = sheet_of(client.get(reverse("registers:incoming-xlsx", args=[people.tree.muong_ang.pk])))
    assert [c.value for c in sheet[4]] == ["Số đến", "Ngày đến", "Tác giả (nơi gửi)", "Số, ký hiệu văn bản",
                                           "Ngày văn bản", "Trích yếu nội dung"]
    row = [c.value for c in sheet[5]]
    assert row[0] == 1 and row[2] == people.tree.province.name and row[3] == plan.number and row[5] == plan.subject
    assert sheet.max_row == 5


# --- another unit's register: 404 -------------------------------------------------------------------


@pytest.mark.parametrize("route", ["registers:outgoing", "registers:outgoing-xlsx", "registers:incoming",
                                   "registers:incoming-xlsx", "registers:outgoing-paper"])
@pytest.mark.parametrize(("who", "unit"), [
    ("tuan_giao_officer", "muong_ang"),  # a sibling
    ("clerk", "muong_ang"),  # the parent
    ("muong_ang_secretary", "province"),  # a child
])
def test_another_units_register_is_not_found(client, people, route, who, unit):
    client.force_login(getattr(people, who))
    assert client.get(reverse(route, args=[getattr(people.tree, unit).pk])).status_code == 404


def test_the_registers_link_leads_to_the_persons_unit(client, people):
    client.force_login(people.muong_ang_officer)
    response = client.get(reverse("registers:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("registers:outgoing", args=[people.tree.muong_ang.pk])
    assert reverse("registers:home") in html(client.get(reverse("plans:list")))


# --- paper form ----------------------------------------------------------------------------------------


def test_the_clerk_registers_a_paper_document_through_the_form(client, people):
    client.force_login(people.clerk)
    url = reverse("registers:outgoing-paper", args=[people.tree.province.pk])
    assert "reason" in html(client.get(url))
    response = client.post(url, paper_data(department=people.tree.vp.pk), follow=True)
    entry = OutgoingEntry.objects.get()
    assert entry.on_paper and entry.subject == "V/v cử cán bộ dự tập huấn" and entry.number_seq == 1
    assert messages_of(response) == [("success", vi(gettext_lazy("Registered as %(number)s."), number=entry.number))]


def test_the_form_without_a_reason_is_shown_again_with_the_error_and_nothing_saved(client, people):
    client.force_login(people.clerk)
    url = reverse("registers:outgoing-paper", args=[people.tree.province.pk])
    response = client.post(url, paper_data(reason=""))
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    assert not OutgoingEntry.objects.exists()


def test_the_form_refuses_a_future_date_in_vietnamese(client, people):
    client.force_login(people.clerk)
    url = reverse("registers:outgoing-paper", args=[people.tree.province.pk])
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    response = client.post(url, paper_data(issued_on=tomorrow))
    future = vi(gettext_lazy("The date of the document cannot be in the future."))
    assert response.context["form"].errors["issued_on"] == [future]
    assert not OutgoingEntry.objects.exists()


def test_an_officer_of_the_unit_may_not_register_paper_documents(client, people):
    client.force_login(people.province_officer)
    url = reverse("registers:outgoing-paper", args=[people.tree.province.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, paper_data()).status_code == 403
    assert not OutgoingEntry.objects.exists()


def test_the_clerk_may_not_register_in_the_committees_name(client, people):
    client.force_login(people.clerk)
    url = reverse("registers:outgoing-paper", args=[people.tree.province.pk])
    assert client.post(url, paper_data(department=people.tree.ubkt.pk)).status_code == 403
    assert not OutgoingEntry.objects.exists()


def test_an_unknown_issuer_shows_the_units_own_register_of_the_year_asked(client, people):
    client.force_login(people.clerk)
    url = reverse("registers:outgoing", args=[people.tree.province.pk])
    response = client.get(url, {"issuer": "dept:999999", "year": "2024"})
    assert response.status_code == 200
    assert response.context["issuer"] == f"unit:{people.tree.province.pk}" and response.context["year"] == 2024
    assert '<option value="2024" selected>' in html(response)


def test_another_units_issuer_in_the_address_shows_ones_own_register(client, people):
    issued_plan(people)  # the province's register has a row
    client.force_login(people.muong_ang_officer)
    url = reverse("registers:outgoing", args=[people.tree.muong_ang.pk])
    response = client.get(url, {"issuer": f"unit:{people.tree.province.pk}"})
    assert response.context["issuer"] == f"unit:{people.tree.muong_ang.pk}"
    assert response.context["page"].paginator.count == 0
