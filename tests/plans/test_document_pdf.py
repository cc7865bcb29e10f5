"""The plan's official document as PDF, made by LibreOffice headless (core.pdf), read back with
pdftotext (poppler-utils). Skipped without LibreOffice, except in CI (REQUIRE_BROWSER=1), where
it must run, as the browser tests must."""

import os
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from core.files import PDF
from core.pdf import pdf_available
from plans import documents, services
from plans.models import Plan
from plans.tasks import plan_document_pdf

from .helpers import issued_plan

# The demo's plan (plans.demo): the province's Youth Month plan to its 16 district-level units.
DEMO_BODY = ("Triển khai Tháng Thanh niên với chủ đề “Tuổi trẻ Điện Biên xung kích, tình nguyện”.\n"
             "Các đơn vị báo cáo kết quả về Ban Thường vụ Tỉnh đoàn (qua Ban Xây dựng Đoàn).")


@pytest.fixture(autouse=True)
def _soffice():
    if pdf_available() and shutil.which("pdftotext"):
        return
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail("LibreOffice (soffice) or pdftotext not found: CI installs libreoffice-writer-nogui")
    pytest.skip("LibreOffice (soffice) or pdftotext not found (apt-get install libreoffice-writer-nogui poppler-utils)")


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return re.sub(r"\s+", " ", text)  # a name wrapped in its column still reads as one


def test_the_issued_demo_plan_pdf_holds_the_document(people, tmp_path):
    t = people.tree
    plan = issued_plan(people, subject="Kế hoạch tổ chức Tháng Thanh niên năm 2025", body=DEMO_BODY)
    day = timezone.localdate(plan.issued_at)
    content = documents.plan_pdf(plan)
    assert content.startswith(b"%PDF")
    text = pdf_text(content, tmp_path)

    for expected in ("BCH ĐOÀN TỈNH ĐIỆN BIÊN", "ĐOÀN TNCS HỒ CHÍ MINH", f"Số: {plan.number}",
                     f"Điện Biên, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}",
                     "KẾ HOẠCH", "Tổ chức Tháng Thanh niên năm 2025", "TM. BAN THƯỜNG VỤ", "Lò Văn Thắng",
                     "Nơi nhận:", "Lưu VP, XDĐ.", "Tuổi trẻ Điện Biên xung kích, tình nguyện"):
        assert expected in text, expected
    for unit in t.districts:
        assert f"- {unit.name};" in text, unit.name


def test_the_pdf_is_pdf_a_with_its_fonts_embedded(people, tmp_path):
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    path = tmp_path / "plan.pdf"
    path.write_bytes(documents.plan_pdf(plan))
    meta = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, text=True, check=True).stdout
    assert "<pdfaid:part>2</pdfaid:part>" in meta
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    # Times New Roman, or Liberation Serif standing in at its metrics; embedded either way.
    assert re.search(r"(TimesNewRoman|LiberationSerif)\S*\s+TrueType\s+\S+\s+yes", fonts), fonts


def test_the_issued_pdf_is_stored_and_the_same_bytes_after_an_edit(people, tmp_path):
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    first = documents.plan_pdf(plan)
    plan.refresh_from_db()
    assert plan.document_pdf.name.endswith(".pdf")

    Plan.objects.filter(pk=plan.pk).update(subject="Kế hoạch khác hẳn")
    plan.refresh_from_db()
    assert documents.plan_pdf(plan) == first  # stored once, never composed again
    assert "Khác hẳn" not in pdf_text(first, tmp_path)


def test_issuing_queues_the_pdf_after_commit(people, django_capture_on_commit_callbacks):
    plan = _approved_draft(people)
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_issue(plan=plan, by=people.clerk)
    plan.refresh_from_db()
    assert plan.document_docx and plan.document_pdf


def _approved_draft(people):
    from .helpers import approved_plan

    return approved_plan(people, recipients=[people.tree.muong_ang])


def test_the_task_leaves_the_stored_pdf_alone(people):
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    first = documents.plan_pdf(plan)
    plan_document_pdf(plan.pk)
    plan.refresh_from_db()
    assert documents.plan_pdf(plan) == first


def test_a_recipient_downloads_the_pdf(people, client, tmp_path):
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    client.force_login(people.muong_ang_officer)
    answer = client.get(reverse("plans:document-pdf", args=[plan.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == PDF
    assert f"Số: {plan.number}" in pdf_text(answer.content, tmp_path)


def test_the_inspection_notice_goes_the_same_pdf_path(people, tmp_path):
    from inspections import services as inspections
    from inspections.documents import conclusion_pdf
    from tests.inspections.helpers import decided_inspection, target_of

    target = target_of(decided_inspection(people), people.tree.muong_ang)
    inspections.target_self_report(target=target, by=people.muong_ang_officer, text="Báo cáo tự kiểm tra.")
    conclusion = inspections.conclusion_save(target=target, by=people.inspector, text="Đơn vị thực hiện tốt.",
                                             recommendations=[])
    inspections.conclusion_submit(conclusion=conclusion, by=people.inspector)
    inspections.conclusion_approve(conclusion=conclusion, by=people.inspection_chair)
    conclusion = inspections.conclusion_issue(conclusion=conclusion, by=people.inspection_chair)

    text = pdf_text(conclusion_pdf(conclusion), tmp_path)
    for expected in ("THÔNG BÁO KẾT LUẬN KIỂM TRA", f"Số: {conclusion.number}", "ĐOÀN TNCS HỒ CHÍ MINH",
                     "đối với Huyện đoàn Mường Ảng", "Đơn vị thực hiện tốt.", "Tòng Văn Minh"):
        assert expected in text, expected
