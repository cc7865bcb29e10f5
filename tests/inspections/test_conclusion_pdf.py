"""The conclusion notice as PDF (inspections:conclusion-pdf, api-conclusion-pdf): made by LibreOffice
headless (core.pdf) and read back with pdftotext. Skipped without LibreOffice, except in CI
(REQUIRE_BROWSER=1), where it must run, as tests/plans/test_document_pdf.py does."""

import os
import re
import shutil
import subprocess

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from core.files import PDF
from core.pdf import PdfUnavailable, pdf_available
from inspections import documents, services
from inspections.models import Conclusion, ConclusionState, FindingCategory, Severity
from tests.helpers import reload
from tests.inspections.helpers import conclude, decided_inspection, target_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _soffice():
    if pdf_available() and shutil.which("pdftotext"):
        return
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail("LibreOffice (soffice) or pdftotext not found: CI installs libreoffice-writer-nogui")
    pytest.skip("LibreOffice (soffice) or pdftotext not found (apt-get install libreoffice-writer-nogui poppler-utils)")


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "notice.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def targets(people):
    inspection = decided_inspection(people)
    return target_of(inspection, people.tree.muong_ang), target_of(inspection, people.tree.tuan_giao)


@pytest.fixture
def issued(people, targets):
    return conclude(people, targets[0])


def _no_conversion(monkeypatch):
    """Any further conversion fails: what is served now is the stored file."""
    def refuse(_content):
        raise AssertionError("the stored PDF should have been served")
    monkeypatch.setattr(documents, "docx_to_pdf", refuse)


def test_the_unit_downloads_the_issued_notice_with_its_number(client, people, issued, tmp_path):
    client.force_login(people.muong_ang_officer)
    answer = client.get(reverse("inspections:conclusion-pdf", args=[issued.pk]))

    assert answer.status_code == 200 and answer["Content-Type"] == PDF
    assert answer["Content-Disposition"] == f'attachment; filename="{documents.file_name(issued, "pdf")}"'
    text = pdf_text(answer.content, tmp_path)
    assert f"Số: {issued.number}" in text
    assert "THÔNG BÁO KẾT LUẬN KIỂM TRA" in text and "đối với Huyện đoàn Mường Ảng" in text
    assert "DỰ THẢO" not in text


def test_the_issued_pdf_is_made_once_and_stored(client, people, issued, monkeypatch):
    client.force_login(people.inspector)
    first = client.get(reverse("inspections:conclusion-pdf", args=[issued.pk])).content
    stored = reload(issued).document_pdf
    assert stored.name.startswith("inspections/conclusions/") and stored.name.endswith(".pdf")
    with stored.open("rb") as file:
        assert file.read() == first

    _no_conversion(monkeypatch)
    Conclusion.objects.filter(pk=issued.pk).update(text="Một văn bản khác hẳn.")  # the record, not the notice
    client.force_login(people.muong_ang_officer)
    assert client.get(reverse("inspections:conclusion-pdf", args=[issued.pk])).content == first
    assert reload(issued).document_pdf.name == stored.name


def test_a_correction_after_issue_makes_the_pdf_again(client, people, issued, tmp_path):
    """The notice shows each correction beside its finding (as the .docx does): the stored PDF of the
    notice before the correction is not served for the notice after it."""
    client.force_login(people.muong_ang_officer)
    url = reverse("inspections:conclusion-pdf", args=[issued.pk])
    before = client.get(url).content
    first_name = reload(issued).document_pdf.name
    finding = issued.target.findings.get()
    services.finding_record(target=issued.target, by=people.inspector2, category=FindingCategory.SHORTCOMING,
                            severity=Severity.MINOR, description="Sổ sách đã cập nhật một phần.", corrects=finding)

    after = client.get(url).content
    assert after != before and "Sổ sách đã cập nhật một phần" in pdf_text(after, tmp_path)
    assert reload(issued).document_pdf.name != first_name
    assert client.get(url).content == after  # and the new edition is stored in turn


def test_the_api_gives_the_same_stored_pdf(as_, client, people, issued, tmp_path):
    answer = as_(people.muong_ang_officer).get(reverse("api-conclusion-pdf", args=[issued.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == PDF
    assert f"Số: {issued.number}" in pdf_text(answer.content, tmp_path)
    client.force_login(people.inspection_chair)
    assert client.get(reverse("inspections:conclusion-pdf", args=[issued.pk])).content == answer.content


def test_another_units_person_gets_404(as_, client, people, issued):
    """Tuần Giáo is inspected by the same inspection, but Mường Ảng's notice is not theirs; a province
    officer outside the committee does not see it either (the .docx route's check, shared)."""
    for person in (people.tuan_giao_officer, people.province_officer):
        client.force_login(person)
        assert client.get(reverse("inspections:conclusion-pdf", args=[issued.pk])).status_code == 404
        assert as_(person).get(reverse("api-conclusion-pdf", args=[issued.pk])).status_code == 404
    assert not reload(issued).document_pdf  # nothing made for a refused request


def test_the_unit_does_not_see_a_draft_notice(client, people, targets):
    target = targets[0]
    services.target_self_report(target=target, by=people.muong_ang_officer, text="Báo cáo tự kiểm tra.")
    draft = services.conclusion_save(target=target, by=people.inspector, text="Kết luận dự thảo.")
    client.force_login(people.muong_ang_officer)
    assert client.get(reverse("inspections:conclusion-pdf", args=[draft.pk])).status_code == 404


def test_an_unissued_notice_is_a_preview_composed_on_the_fly(client, people, targets, tmp_path):
    target = targets[0]
    services.target_self_report(target=target, by=people.muong_ang_officer, text="Báo cáo tự kiểm tra.")
    draft = services.conclusion_save(target=target, by=people.inspector, text="Kết luận dự thảo lần một.")
    client.force_login(people.inspector)
    url = reverse("inspections:conclusion-pdf", args=[draft.pk])

    answer = client.get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == PDF
    assert answer["Content-Disposition"] == f'attachment; filename="thong-bao-ket-luan-du-thao-{draft.pk}.pdf"'
    text = pdf_text(answer.content, tmp_path)
    assert "DỰ THẢO" in text and "Kết luận dự thảo lần một." in text
    assert reload(draft).state == ConclusionState.DRAFT and not reload(draft).document_pdf

    services.conclusion_save(target=target, by=people.inspector, text="Kết luận dự thảo lần hai.")
    assert "Kết luận dự thảo lần hai." in pdf_text(client.get(url).content, tmp_path)  # never stored


def test_without_libreoffice_the_page_says_why(client, people, issued, monkeypatch):
    def unavailable(_content):
        raise PdfUnavailable("LibreOffice is missing")
    monkeypatch.setattr(documents, "docx_to_pdf", unavailable)
    client.force_login(people.muong_ang_officer)

    answer = client.get(reverse("inspections:conclusion-pdf", args=[issued.pk]))
    assert answer.status_code == 302
    assert answer["Location"] == reverse("inspections:target", args=[issued.target_id]) + "#ket-luan"
    assert [(m.level_tag, str(m)) for m in get_messages(answer.wsgi_request)] == [("error", "LibreOffice is missing")]


def test_without_libreoffice_the_api_answers_503(as_, people, issued, monkeypatch):
    def unavailable(_content):
        raise PdfUnavailable("LibreOffice is missing")
    monkeypatch.setattr(documents, "docx_to_pdf", unavailable)
    answer = as_(people.muong_ang_officer).get(reverse("api-conclusion-pdf", args=[issued.pk]))
    assert answer.status_code == 503 and answer.json() == {"detail": "LibreOffice is missing"}


def test_the_target_page_links_the_pdf(client, people, issued):
    client.force_login(people.muong_ang_officer)
    body = client.get(reverse("inspections:target", args=[issued.target_id])).content.decode()
    assert reverse("inspections:conclusion-pdf", args=[issued.pk]) in body
    assert reverse("inspections:conclusion-docx", args=[issued.pk]) in body
