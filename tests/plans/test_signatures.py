"""The plan's signatures (plans.signatures) on screen and in the API. The PDFs here are small
hand-made ones (tests/signing/helpers.small_pdf) standing in for LibreOffice's, so these run
everywhere; test_signatures_pdf.py does the same on the real issued document."""

import pytest
from django.urls import reverse
from django.utils import translation

from plans import documents, signatures, tasks
from signing import selectors as signing_selectors
from signing.models import SignedFile
from tests.helpers import messages_of
from tests.signing.helpers import Pki, sign_with, small_pdf

from .helpers import approved_plan, assignment_of, issued_plan


@pytest.fixture
def pki(db):
    return Pki()


@pytest.fixture(autouse=True)
def _small_pdfs(monkeypatch):
    monkeypatch.setattr("plans.signatures.docx_to_pdf", lambda content: small_pdf("approved"))
    monkeypatch.setattr("plans.documents.docx_to_pdf", lambda content: small_pdf("issued"))
    monkeypatch.setattr("plans.documents.pdf_possible", lambda: True)


def _states(answer) -> list[str]:
    return [part.split('"')[0] for part in answer.content.decode().split('data-signature-state="')[1:]]


def test_approval_signs_the_approved_version_with_the_leaders_kept_key(pki, people):
    certificate = pki.server_certificate(user=people.province_leader)
    plan = approved_plan(people, recipients=[people.tree.muong_ang])
    tasks.plan_sign_approval(plan.pk)
    approval = signing_selectors.signed_file_of(plan, SignedFile.Stage.APPROVAL)
    [signature] = signing_selectors.signatures_of(approval).signatures
    assert signature.valid and signature.certificate == certificate
    assert signing_selectors.read(approval).startswith(small_pdf("approved"))


def test_approval_without_a_kept_key_composes_nothing(pki, people, monkeypatch):
    monkeypatch.setattr("plans.signatures.docx_to_pdf", lambda content: pytest.fail("composed for nothing"))
    plan = approved_plan(people, recipients=[people.tree.muong_ang])
    tasks.plan_sign_approval(plan.pk)
    assert not SignedFile.objects.exists()


def test_issuing_signs_with_the_leader_then_the_unit(pki, people):
    leader = pki.server_certificate(user=people.province_leader)
    unit = pki.server_certificate(unit=people.tree.province)
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    tasks.plan_document_pdf(plan.pk)
    tasks.plan_document_pdf(plan.pk)  # a retried task signs nothing twice
    issued = signing_selectors.signed_file_of(plan, SignedFile.Stage.ISSUE)
    found = signing_selectors.signatures_of(issued)
    assert [s.certificate for s in found.signatures] == [leader, unit] and found.all_valid
    assert [e.by for e in issued.events.all()] == [people.province_leader, people.clerk]
    assert signatures.pdf_for_download(plan) == signing_selectors.read(issued)


def test_a_recipient_downloads_the_signed_pdf_and_sees_its_signatures(pki, people, client):
    pki.server_certificate(unit=people.tree.province)
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    tasks.plan_document_pdf(plan.pk)
    client.force_login(people.muong_ang_officer)
    page = client.get(reverse("plans:assignment", args=[assignment_of(plan, people.tree.muong_ang).pk]))
    assert _states(page) == ["valid"]
    assert reverse("plans:document-pdf", args=[plan.pk]) in page.content.decode()
    download = client.get(reverse("plans:document-pdf", args=[plan.pk]))
    issued = signing_selectors.signed_file_of(plan, SignedFile.Stage.ISSUE)
    assert download.content == signing_selectors.read(issued)


def test_one_changed_byte_shows_invalid_on_the_page_and_in_the_api(pki, people, client, as_):
    pki.server_certificate(user=people.province_leader)
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    tasks.plan_document_pdf(plan.pk)
    client.force_login(people.province_officer)
    assert _states(client.get(reverse("plans:detail", args=[plan.pk]))) == ["valid"]
    api = as_(people.province_officer).get(f"/api/plans/{plan.pk}/signatures/")
    assert api.json()[0]["all_valid"] and api.json()[0]["signatures"][0]["valid"]

    issued = signing_selectors.signed_file_of(plan, SignedFile.Stage.ISSUE)
    content = signing_selectors.read(issued)
    at = content.index(b"stream\n") + 10  # inside the page's content, which the signature covers
    with open(issued.file.path, "wb") as stored:
        stored.write(content[:at] + bytes([content[at] ^ 1]) + content[at + 1:])

    assert _states(client.get(reverse("plans:detail", args=[plan.pk]))) == ["invalid"]
    answer = as_(people.province_officer).get(f"/api/plans/{plan.pk}/signatures/").json()[0]
    assert not answer["all_valid"] and not answer["signatures"][0]["valid"] and answer["signatures"][0]["problem"]


def test_the_approving_leader_uploads_the_version_signed_with_a_token(pki, people, client):
    token = pki.token(user=people.province_leader)
    plan = approved_plan(people, recipients=[people.tree.muong_ang])
    client.force_login(people.province_leader)
    page = client.get(reverse("plans:detail", args=[plan.pk]))
    assert page.context["signed_upload_form"] is not None
    given = client.get(reverse("plans:document-pdf", args=[plan.pk])).content
    answer = client.post(reverse("plans:document-upload", args=[plan.pk]),
                         {"signed_pdf": _file(sign_with(given, token))}, follow=True)
    assert [level for level, _ in messages_of(answer)] == ["success"]
    assert _states(answer) == ["valid"]
    approval = signing_selectors.signed_file_of(plan, SignedFile.Stage.APPROVAL)
    assert approval.signature_count == 1


def _file(content, name="da-ky.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_an_upload_signed_by_someone_else_is_refused_with_a_vietnamese_message(pki, people, client):
    other = pki.token(user=people.muong_ang_secretary)
    plan = approved_plan(people, recipients=[people.tree.muong_ang])
    client.force_login(people.province_leader)
    given = client.get(reverse("plans:document-pdf", args=[plan.pk])).content
    with translation.override("vi"):
        answer = client.post(reverse("plans:document-upload", args=[plan.pk]),
                             {"signed_pdf": _file(sign_with(given, other))}, follow=True,
                             HTTP_ACCEPT_LANGUAGE="vi")
    [(level, text)] = messages_of(answer)
    assert level == "error" and "Bí thư Mường Ảng" in text
    with translation.override("en"):
        english = str(signatures.signing.upload_errors(given, sign_with(given, other), signers=[])[0][0])
    assert text != english  # it reads in Vietnamese, not in the code's English
    assert signing_selectors.signed_file_of(plan, SignedFile.Stage.APPROVAL).signature_count == 0


def test_only_the_approving_leader_may_upload(pki, people, client):
    token = pki.token(user=people.department_head)
    plan = approved_plan(people, recipients=[people.tree.muong_ang])
    client.force_login(people.department_head)
    assert client.get(reverse("plans:detail", args=[plan.pk])).context["signed_upload_form"] is None
    given = client.get(reverse("plans:document-pdf", args=[plan.pk])).content
    answer = client.post(reverse("plans:document-upload", args=[plan.pk]),
                         {"signed_pdf": _file(sign_with(given, token))}, follow=True)
    assert [level for level, _ in messages_of(answer)] == ["error"]
    assert signing_selectors.signed_file_of(plan, SignedFile.Stage.APPROVAL).signature_count == 0


def test_another_units_person_gets_404_for_the_upload_and_the_preview(pki, people, client):
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    client.force_login(people.tuan_giao_officer)
    assert client.post(reverse("plans:document-upload", args=[plan.pk]), {}).status_code == 404
    assert client.get(reverse("plans:document-preview", args=[plan.pk])).status_code == 404
    assert client.get(f"/api/plans/{plan.pk}/signatures/").status_code in (401, 403, 404)


def test_the_api_upload_checks_the_same_way(pki, people, as_):
    token = pki.token(user=people.province_leader)
    other = pki.token(user=people.muong_ang_secretary)
    plan = approved_plan(people, recipients=[people.tree.muong_ang])
    api = as_(people.province_leader)
    given = api.get(f"/api/plans/{plan.pk}/document-pdf/", HTTP_ACCEPT="application/pdf").content
    refused = api.post(f"/api/plans/{plan.pk}/sign/", {"file": _file(sign_with(given, other))},
                       format="multipart")
    assert refused.status_code == 400 and "Bí thư Mường Ảng" in str(refused.json())
    accepted = api.post(f"/api/plans/{plan.pk}/sign/", {"file": _file(sign_with(given, token))},
                        format="multipart")
    assert accepted.status_code == 200
    [approval] = accepted.json()
    assert approval["stage"] == "approval" and approval["all_valid"]
    assert approval["signatures"][0]["owner"] == "Lò Văn Thắng"
    missing = api.post(f"/api/plans/{plan.pk}/sign/", {}, format="multipart")
    assert missing.status_code == 400
    assert as_(people.department_head).post(f"/api/plans/{plan.pk}/sign/",
                                            {"file": _file(given)}, format="multipart").status_code == 403


def test_the_preview_is_page_one_as_png(pki, people, client):
    import shutil

    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils not installed")
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    client.force_login(people.muong_ang_officer)
    answer = client.get(reverse("plans:document-preview", args=[plan.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "image/png"
    assert answer.content.startswith(b"\x89PNG")


def test_a_draft_has_no_signed_file(people, client):
    from .helpers import draft_plan

    plan = draft_plan(people, recipients=[people.tree.muong_ang])
    assert signatures.signed_file(plan) is None
    client.force_login(people.province_officer)
    page = client.get(reverse("plans:detail", args=[plan.pk]))
    assert page.context["signed_files"] == [] and page.context["signed_upload_form"] is None
    assert documents.is_fixed(plan) is False


def test_the_upload_is_offered_until_the_leader_has_signed(pki, people, client):
    token = pki.token(user=people.province_leader)
    plan = approved_plan(people, recipients=[people.tree.muong_ang])
    client.force_login(people.province_leader)
    assert client.get(reverse("plans:detail", args=[plan.pk])).context["signed_upload_form"] is not None
    given = client.get(reverse("plans:document-pdf", args=[plan.pk])).content
    client.post(reverse("plans:document-upload", args=[plan.pk]), {"signed_pdf": _file(sign_with(given, token))})
    assert client.get(reverse("plans:detail", args=[plan.pk])).context["signed_upload_form"] is None
