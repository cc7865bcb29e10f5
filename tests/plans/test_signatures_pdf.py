"""Acceptance of issue 13's signatures on the real issued document (LibreOffice's PDF/A): pyHanko
itself validates the issued PDF's signatures against the test CA, and the text is still the
document's. Skipped without LibreOffice except in CI, like test_document_pdf.py."""

import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from plans import signatures, tasks
from signing.pdf import certificate_of
from tests.signing.helpers import Pki

from .helpers import issued_plan
from .test_document_pdf import DEMO_BODY, _soffice, pdf_text  # noqa: F401 - _soffice is an autouse fixture


@pytest.fixture
def pki(db):
    return Pki()


def test_the_issued_pdf_carries_the_leaders_and_the_units_signatures(pki, people, tmp_path):
    pki.server_certificate(user=people.province_leader)
    pki.server_certificate(unit=people.tree.province)
    plan = issued_plan(people, subject="Kế hoạch tổ chức Tháng Thanh niên năm 2025", body=DEMO_BODY)
    tasks.plan_document_pdf(plan.pk)
    content = signatures.pdf_for_download(plan)

    context = ValidationContext(trust_roots=[certificate_of(pki.kit.certificate_der)], allow_fetching=False)
    embedded = PdfFileReader(io.BytesIO(content)).embedded_signatures
    statuses = [validate_pdf_signature(sig, context) for sig in embedded]
    assert [s.signing_cert.subject.native["common_name"] for s in statuses] == ["Lò Văn Thắng", "Tỉnh đoàn Điện Biên"]
    assert all(s.bottom_line for s in statuses), [s.pretty_print_details() for s in statuses]

    text = pdf_text(content, tmp_path)  # signing appended; the document reads as before
    assert f"Số: {plan.number}" in text and "Lò Văn Thắng" in text


def test_a_changed_byte_in_the_real_pdf_fails_pyhanko_too(pki, people):
    pki.server_certificate(unit=people.tree.province)
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    tasks.plan_document_pdf(plan.pk)
    content = signatures.pdf_for_download(plan)
    at = content.index(b"stream") + 200
    changed = content[:at] + bytes([content[at] ^ 1]) + content[at + 1:]
    context = ValidationContext(trust_roots=[certificate_of(pki.kit.certificate_der)], allow_fetching=False)
    [sig] = PdfFileReader(io.BytesIO(changed), strict=False).embedded_signatures
    assert not validate_pdf_signature(sig, context).bottom_line
