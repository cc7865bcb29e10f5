"""The plan's official document (.docx): composed from the record, fixed at issuance, downloaded by
those who see the plan (issue 13, Deliver 1). The PDF is in test_document_pdf.py."""

import datetime
import io
import stat
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from accounts.models import Role
from accounts.services import position_create
from core.files import DOCX
from core.pdf import PdfUnavailable, docx_to_pdf
from plans import documents, services
from plans.models import Plan, PlanKind
from tests.factories import UserFactory

from .helpers import approved_plan, assignment_of, draft_plan, issued_plan

BODY = ("I. MỤC ĐÍCH, YÊU CẦU\n"
        "1. Mục đích\n"
        "Phát huy vai trò xung kích của đoàn viên, thanh niên.\n"
        "II. NỘI DUNG\n"
        "Các đơn vị báo cáo kết quả về Ban Thường vụ Tỉnh đoàn (qua Ban Xây dựng Đoàn).")


def texts(content: bytes) -> list[str]:
    """Every paragraph of the document, the two-column blocks' cells included, in reading order."""
    document = Document(io.BytesIO(content))
    found = [p.text for p in document.paragraphs]
    for table in document.tables:
        for cell in table.rows[0].cells:
            found.extend(p.text for p in cell.paragraphs)
    return found


def runs(content: bytes):
    document = Document(io.BytesIO(content))
    cells = [p for t in document.tables for c in t.rows[0].cells for p in c.paragraphs]
    return [run for p in [*document.paragraphs, *cells] for run in p.runs]


def test_the_issued_docx_holds_every_element(people):
    plan = issued_plan(people, recipients=[people.tree.muong_ang, people.tree.tuan_giao], body=BODY)
    lines = texts(documents.plan_docx(plan))
    day = timezone.localdate(plan.issued_at)

    assert {"BCH ĐOÀN TỈNH ĐIỆN BIÊN", "***", f"Số: {plan.number}", "ĐOÀN TNCS HỒ CHÍ MINH",
            f"Điện Biên, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}",
            "KẾ HOẠCH", "Tổ chức Tháng Thanh niên năm 2024",
            "TM. BAN THƯỜNG VỤ", "BÍ THƯ", "Lò Văn Thắng",
            "Nơi nhận:", "- Huyện đoàn Mường Ảng;", "- Huyện đoàn Tuần Giáo;", "- Lưu VP, XDĐ.",
            "I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", "II. NỘI DUNG"} <= set(lines)
    assert plan.number.endswith("-KH/TĐTN-XDĐ")
    assert "DỰ THẢO" not in lines


def test_the_layout_is_the_official_one(people):
    plan = issued_plan(people, body=BODY)
    content = documents.plan_docx(plan)
    section = Document(io.BytesIO(content)).sections[0]
    # A4; top and bottom 20 mm, left 30 mm, right 20 mm (Decree 30/2020, Hướng dẫn 36-HD/VPTW).
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [20, 20, 30, 20]
    style = Document(io.BytesIO(content)).styles["Normal"].font
    assert (style.name, style.size.pt) == ("Times New Roman", 14)
    by_text = {run.text: run for run in runs(content)}
    day = timezone.localdate(plan.issued_at)
    assert by_text[f"Điện Biên, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"].italic
    assert by_text["KẾ HOẠCH"].bold and by_text["I. MỤC ĐÍCH, YÊU CẦU"].bold and by_text["1. Mục đích"].bold
    assert not by_text["Phát huy vai trò xung kích của đoàn viên, thanh niên."].bold


def test_a_deputy_secretary_signs_as_pho_bi_thu(people):
    deputy = UserFactory(username="pbt", full_name="Lường Văn Phó")
    position_create(user=deputy, unit=people.tree.province, role=Role.DEPUTY_SECRETARY)
    plan = draft_plan(people)
    services.plan_submit(plan=plan, by=people.province_officer)
    services.plan_review(plan=plan, by=people.department_head)
    services.plan_approve(plan=plan, by=deputy)
    plan = services.plan_issue(plan=plan, by=people.clerk)

    lines = texts(documents.plan_docx(plan))
    assert {"TM. BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "Lường Văn Phó"} <= set(lines)
    assert "Lò Văn Thắng" not in lines and "BÍ THƯ" not in lines


def test_issuing_fixes_the_document(people):
    plan = issued_plan(people, body=BODY)
    plan.refresh_from_db()
    assert plan.document_docx.name.startswith("plans/documents/")
    issued = documents.plan_docx(plan)
    with plan.document_docx.open("rb") as stored:
        assert stored.read() == issued

    # The record changes afterwards (a correction in the admin, a new layout of the recipients):
    Plan.objects.filter(pk=plan.pk).update(subject="Kế hoạch khác hẳn", body="Nội dung mới")
    plan.recipients.set([people.tree.tuan_giao])
    plan.refresh_from_db()

    again = documents.plan_docx(plan)
    assert again == issued
    lines = texts(again)
    assert "Tổ chức Tháng Thanh niên năm 2024" in lines and "Khác hẳn" not in lines
    assert "- Huyện đoàn Mường Ảng;" in lines


def test_before_issue_it_is_a_draft_preview_composed_from_the_record(people):
    plan = draft_plan(people, body=BODY)
    lines = texts(documents.plan_docx(plan))
    assert "DỰ THẢO" in lines
    assert "Số: …-KH/TĐTN-XDĐ" in lines
    assert f"Điện Biên, ngày … tháng … năm {timezone.localdate().year}" in lines
    assert "Lò Văn Thắng" not in lines  # nobody has approved it yet
    assert not Plan.objects.get(pk=plan.pk).document_docx  # nothing stored before issue

    services.plan_update(plan=plan, by=people.province_officer, subject="Kế hoạch hội thi tin học trẻ")
    assert "Hội thi tin học trẻ" in texts(documents.plan_docx(plan))


def test_once_approved_the_preview_carries_the_signer(people):
    plan = approved_plan(people)
    lines = texts(documents.plan_docx(plan))
    assert {"DỰ THẢO", "TM. BAN THƯỜNG VỤ", "BÍ THƯ", "Lò Văn Thắng"} <= set(lines)


@pytest.mark.parametrize("kind", PlanKind.values)
def test_every_kind_comes_out_numbered_and_titled(people, kind):
    plan = issued_plan(people, kind=kind, subject="Tổng kết công tác Đoàn năm 2024",
                       recipients=[people.tree.muong_ang])
    lines = texts(documents.plan_docx(plan))
    assert f"Số: {plan.number}" in lines and f"-{kind}/" in plan.number
    if kind in (PlanKind.LETTER, PlanKind.REPORT_REQUEST):
        # A letter has no title: its subject under the number, the addressee under "Kính gửi".
        assert {"V/v Tổng kết công tác Đoàn năm 2024", "Kính gửi: Huyện đoàn Mường Ảng", "- Như trên;"} <= set(lines)
    else:
        assert {documents.TITLES[kind].upper(), "Tổng kết công tác Đoàn năm 2024",
                "- Huyện đoàn Mường Ảng;"} <= set(lines)


def test_a_letter_to_several_units_lists_them_under_kinh_gui(people):
    plan = issued_plan(people, kind=PlanKind.LETTER, recipients=[people.tree.muong_ang, people.tree.tuan_giao])
    lines = texts(documents.plan_docx(plan))
    assert lines.index("Kính gửi:") < lines.index("- Huyện đoàn Mường Ảng;") < lines.index("- Huyện đoàn Tuần Giáo.")


# --- Downloads ----------------------------------------------------------------------------------

def test_a_recipient_downloads_the_issued_docx_from_the_page_and_the_api(people, client, as_):
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    client.force_login(people.muong_ang_officer)
    answer = client.get(reverse("plans:document-docx", args=[plan.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == DOCX
    assert answer.content == documents.plan_docx(plan)
    assert quote(f"{plan.number.replace('/', '-')}.docx") in answer["Content-Disposition"]

    api = as_(people.muong_ang_officer).get(reverse("api-plan-document-docx", args=[plan.pk]))
    assert api.status_code == 200 and api.content == answer.content


def test_the_assignment_page_links_the_issued_document(people, client):
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    client.force_login(people.muong_ang_officer)
    page = client.get(reverse("plans:assignment", args=[assignment_of(plan, people.tree.muong_ang).pk]))
    assert reverse("plans:document-docx", args=[plan.pk]).encode() in page.content


def test_the_plan_page_links_both_files(people, client, settings, monkeypatch):
    plan = issued_plan(people)
    client.force_login(people.clerk)
    monkeypatch.setattr("core.pdf._soffice", lambda: "/usr/bin/soffice")
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert reverse("plans:document-docx", args=[plan.pk]) in page
    assert reverse("plans:document-pdf", args=[plan.pk]) in page


def _no_soffice(settings, monkeypatch):
    settings.SOFFICE_PATH = "/nonexistent/soffice"
    monkeypatch.setattr("core.pdf.shutil.which", lambda name: None)


def test_without_libreoffice_the_page_says_the_pdf_needs_it(people, client, settings, monkeypatch):
    _no_soffice(settings, monkeypatch)
    plan = issued_plan(people)
    client.force_login(people.clerk)
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert reverse("plans:document-pdf", args=[plan.pk]) not in page
    assert 'data-document="pdf-unavailable"' in page
    assert reverse("plans:document-docx", args=[plan.pk]) in page

    answer = client.get(reverse("plans:document-pdf", args=[plan.pk]), follow=True)
    assert answer.redirect_chain[-1][0] == reverse("plans:detail", args=[plan.pk])
    assert "LibreOffice" in " ".join(str(m) for m in answer.context["messages"])


def test_without_libreoffice_the_api_answers_503_with_the_reason(people, as_, settings, monkeypatch):
    _no_soffice(settings, monkeypatch)
    plan = issued_plan(people)
    answer = as_(people.clerk).get(reverse("api-plan-document-pdf", args=[plan.pk]))
    assert answer.status_code == 503 and "LibreOffice" in answer.json()["detail"]
    assert not Plan.objects.get(pk=plan.pk).document_pdf  # nothing half-stored


def test_another_units_officer_gets_404_for_both_files(people, client, as_):
    district_plan = services.plan_create(
        by=people.muong_ang_officer, issuing_unit=people.tree.muong_ang, subject="Kế hoạch của Mường Ảng",
        report_due=timezone.now() + datetime.timedelta(days=10),
    )
    client.force_login(people.tuan_giao_officer)
    for route in ("plans:document-docx", "plans:document-pdf"):
        assert client.get(reverse(route, args=[district_plan.pk])).status_code == 404
    for route in ("api-plan-document-docx", "api-plan-document-pdf"):
        assert as_(people.tuan_giao_officer).get(reverse(route, args=[district_plan.pk])).status_code == 404
    # …while its own unit's officer gets it (the 404 above is the rule, not a wrong address).
    own = as_(people.muong_ang_officer).get(reverse("api-plan-document-docx", args=[district_plan.pk]))
    assert own.status_code == 200


def test_a_person_not_signed_in_is_sent_to_log_in(people, client):
    plan = issued_plan(people)
    answer = client.get(reverse("plans:document-docx", args=[plan.pk]))
    assert answer.status_code == 302 and reverse("login") in answer["Location"]


# --- The converter's failures (no LibreOffice needed) -------------------------------------------

def _fake_soffice(tmp_path, script: str) -> str:
    path = tmp_path / "soffice"
    path.write_text("#!/bin/sh\n" + script + "\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_a_missing_libreoffice_is_a_clear_error(settings, monkeypatch):
    _no_soffice(settings, monkeypatch)
    with pytest.raises(PdfUnavailable, match="LibreOffice"):
        docx_to_pdf(b"PK")


def test_a_stuck_conversion_ends_at_the_timeout(settings, tmp_path):
    settings.SOFFICE_PATH = _fake_soffice(tmp_path, "exec sleep 30")
    settings.PDF_TIMEOUT_SECONDS = 1
    with pytest.raises(PdfUnavailable):
        docx_to_pdf(b"PK")


def test_a_conversion_that_makes_no_pdf_is_an_error_not_an_empty_file(settings, tmp_path):
    settings.SOFFICE_PATH = _fake_soffice(tmp_path, "exit 0")  # soffice answers 0 on unreadable input
    with pytest.raises(PdfUnavailable, match="LibreOffice"):
        docx_to_pdf(b"not a docx")


def test_many_recipients_are_named_by_the_unit_they_belong_to(people):
    """Beyond RECIPIENTS_NAMED, "Nơi nhận" counts the recipients under each parent unit: a plan to
    every commune must not carry thousands of lines (issue 16)."""
    from accounts.models import UnitLevel
    from tests.factories import UnitFactory

    level = UnitLevel.objects.get(code="district")
    communes = [UnitFactory(parent=people.tree.muong_ang, level=level) for _ in range(documents.RECIPIENTS_NAMED)]
    plan = issued_plan(people, recipients=[people.tree.tuan_giao, *communes])
    lines = texts(documents.plan_docx(plan))
    assert f"- {documents.RECIPIENTS_NAMED} đơn vị trực thuộc Huyện đoàn Mường Ảng;" in lines
    assert "- 1 đơn vị trực thuộc Tỉnh đoàn Điện Biên;" in lines
    assert not any(commune.name in line for commune in communes for line in lines)
    # At the limit each is still named.
    few = issued_plan(people, recipients=communes)
    assert {f"- {commune.name};" for commune in communes} <= set(texts(documents.plan_docx(few)))
