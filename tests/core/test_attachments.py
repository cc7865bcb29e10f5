"""Attachments: only real PDF/Word/Excel/JPG/PNG files, stored under random names, all or nothing,
and downloaded only by people who may see the plan or report they belong to."""

import io
import re
import unicodedata
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from core.attachments import attachment_visible, attachments_add, attachments_of
from core.models import Attachment
from plans import services
from tests.plans.helpers import draft_plan, issued_plan

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
OOXML = "application/vnd.openxmlformats-officedocument"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


def office_bytes(marker: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(marker, "<document/>")
    return buffer.getvalue()


DOCX_BYTES = office_bytes("word/document.xml")
XLSX_BYTES = office_bytes("xl/workbook.xml")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def stored_files() -> list[Path]:
    """Uploaded files kept; an issued plan's own document (plans.documents) is not an upload."""
    root = Path(settings.MEDIA_ROOT)
    documents = root / "plans" / "documents"
    return [p for p in root.rglob("*") if p.is_file() and documents not in p.parents] if root.exists() else []


def refusal_of(excinfo) -> list[str]:
    return excinfo.value.message_dict["attachments"]


def download_url(attachment: Attachment) -> str:
    return reverse("attachment-download", args=[attachment.pk])


def assignment_of(plan, unit):
    return plan.assignments.get(unit=unit)


def report_of_muong_ang(people):
    plan = issued_plan(people, recipients=[people.tree.muong_ang, people.tree.tuan_giao])
    assignment = assignment_of(plan, people.tree.muong_ang)
    services.assignment_receive(assignment=assignment, by=people.muong_ang_officer)
    return services.assignment_report(assignment=assignment, by=people.muong_ang_officer,
                                      text="Đã tổ chức 12 hoạt động Tháng Thanh niên.")


@pytest.fixture(autouse=True)
def _english():
    # Refusals are asserted on their msgids; Vietnamese is the default language outside requests.
    with translation.override("en"):
        yield


@pytest.fixture
def plan(people):
    return draft_plan(people)


# What is accepted


@pytest.mark.parametrize(
    "name, content, mime_type",
    [
        ("Kế hoạch.pdf", PDF_BYTES, "application/pdf"),
        ("Danh sách.docx", DOCX_BYTES, f"{OOXML}.wordprocessingml.document"),
        ("Số liệu.xlsx", XLSX_BYTES, f"{OOXML}.spreadsheetml.sheet"),
        ("Ảnh hoạt động.jpg", JPEG_BYTES, "image/jpeg"),
        ("Ảnh hoạt động.jpeg", JPEG_BYTES, "image/jpeg"),
        ("Sơ đồ.png", PNG_BYTES, "image/png"),
    ],
)
def test_it_accepts_each_allowed_type(people, plan, name, content, mime_type):
    [attachment] = attachments_add(owner=plan, files=[upload(name, content)], by=people.province_officer)
    assert attachment.mime_type == mime_type
    assert attachment.original_name == name
    assert list(attachments_of(plan)) == [attachment]


def test_it_accepts_documents_made_by_python_docx_and_openpyxl(people, plan):
    import docx
    import openpyxl

    word, excel = io.BytesIO(), io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Báo cáo kết quả")
    document.save(word)
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Đơn vị"
    workbook.save(excel)

    added = attachments_add(owner=plan, by=people.province_officer, files=[
        upload("Báo cáo.docx", word.getvalue()), upload("Số liệu.xlsx", excel.getvalue()),
    ])
    assert [a.mime_type.rsplit(".", 1)[-1] for a in added] == ["document", "sheet"]


def test_the_stored_name_is_random_not_the_original(people, plan):
    files = [upload("Kế hoạch.pdf", PDF_BYTES), upload("Kế hoạch.pdf", PDF_BYTES)]
    first, second = attachments_add(owner=plan, files=files, by=people.province_officer)
    names = [Path(first.file.name).name, Path(second.file.name).name]
    assert all(re.fullmatch(r"[0-9a-f]{32}\.pdf", name) for name in names)
    assert names[0] != names[1]
    assert first.file.name.startswith("attachments/")


def test_it_records_size_and_uploader(people, plan):
    [attachment] = attachments_add(owner=plan, files=[upload("Sơ đồ.png", PNG_BYTES)],
                                   by=people.province_officer)
    attachment.refresh_from_db()
    assert attachment.size == len(PNG_BYTES)
    assert attachment.uploaded_by == people.province_officer
    assert Path(attachment.file.path).read_bytes() == PNG_BYTES


def test_the_original_name_is_nfc_normalised(people, plan):
    decomposed = unicodedata.normalize("NFD", "Kế hoạch Tháng Thanh niên.pdf")
    [attachment] = attachments_add(owner=plan, files=[upload(decomposed, PDF_BYTES)],
                                   by=people.province_officer)
    assert attachment.original_name == unicodedata.normalize("NFC", decomposed)


def test_files_of_one_owner_are_not_listed_for_another(people, plan):
    other = draft_plan(people, subject="Kế hoạch khác")
    attachments_add(owner=plan, files=[upload("Kế hoạch.pdf", PDF_BYTES)], by=people.province_officer)
    assert not attachments_of(other).exists()


# What is refused


def test_it_refuses_an_exe_renamed_pdf(people, plan):
    with pytest.raises(ValidationError) as excinfo:
        attachments_add(owner=plan, files=[upload("Kế hoạch.pdf", EXE_BYTES)], by=people.province_officer)
    assert refusal_of(excinfo) == ["Kế hoạch.pdf: its content does not match its extension."]


def test_it_refuses_a_png_named_pdf(people, plan):
    with pytest.raises(ValidationError) as excinfo:
        attachments_add(owner=plan, files=[upload("Kế hoạch.pdf", PNG_BYTES)], by=people.province_officer)
    assert refusal_of(excinfo) == ["Kế hoạch.pdf: its content does not match its extension."]


def test_it_refuses_a_workbook_named_docx(people, plan):
    with pytest.raises(ValidationError) as excinfo:
        attachments_add(owner=plan, files=[upload("Báo cáo.docx", XLSX_BYTES)], by=people.province_officer)
    assert refusal_of(excinfo) == ["Báo cáo.docx: its content does not match its extension."]


def test_it_refuses_a_zip_without_an_office_document_named_xlsx(people, plan):
    with pytest.raises(ValidationError) as excinfo:
        attachments_add(owner=plan, files=[upload("Số liệu.xlsx", office_bytes("readme.txt"))],
                        by=people.province_officer)
    assert refusal_of(excinfo) == ["Số liệu.xlsx: its content does not match its extension."]


@pytest.mark.parametrize("name", ["setup.exe", "Kế hoạch.doc", "Kế hoạch", "trang.html"])
def test_it_refuses_extensions_outside_the_allow_list(people, plan, name):
    with pytest.raises(ValidationError) as excinfo:
        attachments_add(owner=plan, files=[upload(name, PDF_BYTES)], by=people.province_officer)
    assert refusal_of(excinfo) == [
        f"{name}: only PDF, Word (.docx), Excel (.xlsx), JPG and PNG files are accepted."
    ]


def test_it_refuses_a_file_over_the_size_limit(people, plan, settings):
    settings.ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024
    big = PDF_BYTES + b"0" * (2 * 1024 * 1024)
    with pytest.raises(ValidationError) as excinfo:
        attachments_add(owner=plan, files=[upload("Kế hoạch.pdf", big)], by=people.province_officer)
    assert refusal_of(excinfo) == ["Kế hoạch.pdf is larger than 2 MB."]


def test_a_file_at_the_size_limit_is_accepted(people, plan, settings):
    settings.ATTACHMENT_MAX_BYTES = len(PDF_BYTES)
    added = attachments_add(owner=plan, files=[upload("Kế hoạch.pdf", PDF_BYTES)], by=people.province_officer)
    assert len(added) == 1


def test_it_refuses_an_empty_file(people, plan):
    with pytest.raises(ValidationError) as excinfo:
        attachments_add(owner=plan, files=[upload("Kế hoạch.pdf", b"")], by=people.province_officer)
    assert refusal_of(excinfo) == ["Kế hoạch.pdf is empty."]


# All or nothing


def test_a_batch_with_one_bad_file_stores_nothing(people, plan):
    files = [upload("Kế hoạch.pdf", PDF_BYTES), upload("setup.pdf", EXE_BYTES),
             upload("Sơ đồ.png", PNG_BYTES)]
    with pytest.raises(ValidationError):
        attachments_add(owner=plan, files=files, by=people.province_officer)
    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_every_bad_file_of_a_batch_is_named(people, plan):
    files = [upload("setup.pdf", EXE_BYTES), upload("Kế hoạch.pdf", PDF_BYTES),
             upload("virus.exe", EXE_BYTES)]
    with pytest.raises(ValidationError) as excinfo:
        attachments_add(owner=plan, files=files, by=people.province_officer)
    assert [message.split(":")[0] for message in refusal_of(excinfo)] == ["setup.pdf", "virus.exe"]


def test_a_failure_after_some_files_were_written_leaves_nothing_behind(people, plan, monkeypatch):
    real_save = Attachment.save
    calls = []

    def save_then_fail_on_second(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Attachment, "save", save_then_fail_on_second)
    files = [upload("Kế hoạch.pdf", PDF_BYTES), upload("Sơ đồ.png", PNG_BYTES)]
    with pytest.raises(OSError):
        attachments_add(owner=plan, files=files, by=people.province_officer)
    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_files_cannot_be_attached_to_an_unregistered_owner(people):
    with pytest.raises(ValueError):
        attachments_add(owner=people.tree.muong_ang, files=[upload("Kế hoạch.pdf", PDF_BYTES)],
                        by=people.province_officer)
    assert stored_files() == []


# Who may download


@pytest.fixture
def plan_for_muong_ang(people):
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    [attachment] = attachments_add(owner=plan, files=[upload("Kế hoạch.pdf", PDF_BYTES)],
                                   by=people.province_officer)
    return attachment


def test_the_issuing_units_officer_downloads_with_the_original_name(client, people, plan_for_muong_ang):
    client.force_login(people.province_officer)
    response = client.get(download_url(plan_for_muong_ang))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"filename*=utf-8''{quote('Kế hoạch.pdf')}" in response["Content-Disposition"]


def test_a_recipient_district_downloads_an_issued_plans_file(client, people, plan_for_muong_ang):
    client.force_login(people.muong_ang_officer)
    response = client.get(download_url(plan_for_muong_ang))
    assert response.status_code == 200
    assert f"filename*=utf-8''{quote('Kế hoạch.pdf')}" in response["Content-Disposition"]


def test_a_download_is_not_sniffed_nor_publicly_cached(client, people, plan_for_muong_ang):
    client.force_login(people.muong_ang_officer)
    response = client.get(download_url(plan_for_muong_ang))
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]


def test_another_district_gets_404(client, people, plan_for_muong_ang):
    client.force_login(people.tuan_giao_officer)
    assert client.get(download_url(plan_for_muong_ang)).status_code == 404


def test_a_draft_plans_file_is_404_for_its_recipient_districts(client, people):
    plan = draft_plan(people, recipients=[people.tree.muong_ang])
    [attachment] = attachments_add(owner=plan, files=[upload("Dự thảo.pdf", PDF_BYTES)],
                                   by=people.province_officer)
    client.force_login(people.muong_ang_officer)
    assert client.get(download_url(attachment)).status_code == 404


def test_a_draft_plans_file_is_downloadable_by_its_issuing_unit(client, people):
    plan = draft_plan(people, recipients=[people.tree.muong_ang])
    [attachment] = attachments_add(owner=plan, files=[upload("Dự thảo.pdf", PDF_BYTES)],
                                   by=people.province_officer)
    client.force_login(people.department_head)
    assert client.get(download_url(attachment)).status_code == 200


def test_anonymous_visitors_are_sent_to_login(client, plan_for_muong_ang):
    response = client.get(download_url(plan_for_muong_ang))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_missing_attachment_is_404(client, people):
    client.force_login(people.province_leader)
    assert client.get(reverse("attachment-download", args=[987654])).status_code == 404


def test_a_file_missing_from_storage_is_404(client, people, plan_for_muong_ang):
    Path(plan_for_muong_ang.file.path).unlink()
    client.force_login(people.province_officer)
    assert client.get(download_url(plan_for_muong_ang)).status_code == 404


def test_downloads_answer_only_get_and_head(client, people, plan_for_muong_ang):
    client.force_login(people.province_officer)
    assert client.post(download_url(plan_for_muong_ang)).status_code == 405


@pytest.fixture
def report_file(people):
    report = report_of_muong_ang(people)
    [attachment] = attachments_add(owner=report, files=[upload("Báo cáo.docx", DOCX_BYTES)],
                                   by=people.muong_ang_officer)
    return attachment


def test_a_reports_file_is_downloadable_by_its_unit(client, people, report_file):
    client.force_login(people.muong_ang_secretary)
    assert client.get(download_url(report_file)).status_code == 200


def test_a_reports_file_is_downloadable_by_the_issuer(client, people, report_file):
    client.force_login(people.province_leader)
    assert client.get(download_url(report_file)).status_code == 200


def test_a_reports_file_is_404_for_another_recipient_district(client, people, report_file):
    # Tuần Giáo received the same plan, but not Mường Ảng's report.
    client.force_login(people.tuan_giao_officer)
    assert client.get(download_url(report_file)).status_code == 404


def test_an_unregistered_owners_file_is_never_visible(people):
    attachment = Attachment.objects.create(
        owner=people.tree.muong_ang, file="attachments/x.pdf", original_name="x.pdf", size=1,
        mime_type="application/pdf", uploaded_by=people.muong_ang_officer,
    )
    assert attachment_visible(people.muong_ang_officer, attachment) is False



def test_the_files_of_many_owners_are_read_in_one_query(people, django_assert_num_queries):
    from core.attachments import attachments_add, attachments_by_owner
    from tests.plans.helpers import draft_plan

    first, second, empty = draft_plan(people), draft_plan(people), draft_plan(people)
    attachments_add(owner=first, files=[upload("a.pdf", PDF_BYTES), upload("b.pdf", PDF_BYTES)],
                    by=people.province_officer)
    attachments_add(owner=second, files=[upload("c.pdf", PDF_BYTES)], by=people.province_officer)
    with django_assert_num_queries(1):
        grouped = attachments_by_owner([first, second, empty])
    names = {pk: sorted(a.original_name for a in files) for pk, files in grouped.items()}
    assert names == {first.pk: ["a.pdf", "b.pdf"], second.pk: ["c.pdf"], empty.pk: []}
