"""The indicator upload costs nothing before the file has shown it is our template (finding V1:
an 18 KB file of 100k inline-string cells took 4.3 s and 140 MB, parsed whole before any check).
Order: byte size, ZIP directory (core.ooxml), read-only open, signature, declared sheet size, and
only then the template's own rows and columns."""

import io
import os
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl.worksheet import _read_only, _reader

from core.models import Attachment
from plans.indicators.excel import META_SHEET, ROW_SLACK, SHEET, assignment_template, assignment_upload
from plans.models import IndicatorValue
from tests.core.test_ooxml import inline_string_sheet

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_PART = "xl/worksheets/sheet1.xml"  # "Chỉ tiêu", the first sheet of the template
# Mường Ảng's rows in the template of add_four: 4c (count), 1b (fraction), 2a (yes/no).
GOOD = {"F7": 120, "G8": 3, "H8": 4, "F9": 1}
LAST_ROW = 9


def filled(template: bytes, cells=GOOD, change=None) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(template))
    for coordinate, value in cells.items():
        workbook[SHEET][coordinate] = value
    if change:
        change(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def repackaged(data: bytes, replace: dict[str, str | bytes]) -> bytes:
    """The same package with some parts replaced or added, as a hand-made attack file would be."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name in replace.keys() - set(source.namelist()):
            target.writestr(name, replace[name])
    return out.getvalue()


def v1_upload(template: bytes, cells: int) -> bytes:
    """A signed template whose sheet is replaced by `cells` inline strings (18 KB for 100k)."""
    return repackaged(template, {SHEET_PART: inline_string_sheet(cells)})


def refused(assignment, by, data: bytes, opened) -> list[str]:
    """Upload `data` (what openpyxl did while the test built it is forgotten) and return the refusal."""
    opened["loads"].clear()
    opened["sheets_read"].clear()
    with pytest.raises(ValidationError) as excinfo:
        assignment_upload(assignment=assignment, by=by, file=io.BytesIO(data))
    return excinfo.value.message_dict["file"]


def stored_files() -> list[Path]:
    """Uploaded files kept; the issued plan's own document (plans.documents) is not an upload."""
    root = Path(settings.MEDIA_ROOT)
    documents = root / "plans" / "documents"
    return [p for p in root.rglob("*") if p.is_file() and documents not in p.parents] if root.exists() else []


@pytest.fixture
def opened(monkeypatch):
    """How openpyxl is called: each load_workbook's options, and the sheets whose rows are read."""
    record = {"loads": [], "sheets_read": []}
    load, cells_by_row = openpyxl.load_workbook, _read_only.ReadOnlyWorksheet._cells_by_row

    def spy_load(*args, **kwargs):
        record["loads"].append(kwargs)
        return load(*args, **kwargs)

    def spy_rows(self, *args, **kwargs):
        record["sheets_read"].append(self.title)
        return cells_by_row(self, *args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", spy_load)
    monkeypatch.setattr(_read_only.ReadOnlyWorksheet, "_cells_by_row", spy_rows)
    return record


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


RATIO = "The file is compressed far more than a real document (part “%s”) and may be a decompression bomb."
TOTAL = "The file would unpack to more than 5 MB, which is more than any document needs."


@pytest.mark.parametrize("cells, size, refusal", [
    (100_000, 25_000, RATIO % SHEET_PART),  # 3.8 MB of XML
    (265_000, 55_000, TOTAL),  # 10 MB: more than a template ever unpacks to, seen before its ratio
])
def test_the_v1_upload_is_refused_before_openpyxl_opens_it(received, people, opened, cells, size, refusal):
    data = v1_upload(assignment_template(received), cells)
    assert len(data) < size  # the probe's 18 KB and 47 KB files, plus the template's other parts
    assert refused(received, people.muong_ang_officer, data, opened) == [refusal]
    assert opened["loads"] == [] and not IndicatorValue.objects.exists()


def test_a_template_that_inflates_beyond_what_a_template_needs_is_refused(received, people, opened):
    # Random text does not compress, so no ratio gives it away: only the size it unpacks to.
    noise = os.urandom(3 * 1024 * 1024).hex()
    data = repackaged(assignment_template(received), {"docProps/custom.xml": noise})
    assert refused(received, people.muong_ang_officer, data, opened) == [TOTAL]
    assert opened["loads"] == []


def test_a_template_linking_to_an_outside_workbook_is_refused(received, people, opened):
    template = filled(assignment_template(received))
    rels = zipfile.ZipFile(io.BytesIO(template)).read("xl/_rels/workbook.xml.rels").decode()
    rels = rels.replace("</Relationships>", '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/'
                        'officeDocument/2006/relationships/externalLinkPath" Target="file:///\\\\attacker\\s\\b.xlsx" '
                        'TargetMode="External"/></Relationships>')
    data = repackaged(template, {"xl/_rels/workbook.xml.rels": rels})
    [error] = refused(received, people.muong_ang_officer, data, opened)
    assert error.startswith("The file links to content outside it (“file:///")
    assert opened["loads"] == [] and not IndicatorValue.objects.exists()


def test_a_good_template_is_opened_read_only_and_still_lands(received, people, opened):
    data = filled(assignment_template(received))
    opened["loads"].clear()
    assert assignment_upload(assignment=received, by=people.muong_ang_officer, file=io.BytesIO(data)) == 3
    assert [load["read_only"] for load in opened["loads"]] == [True]
    assert IndicatorValue.objects.get(indicator__code="4c").value == Decimal(120)


def test_the_signature_is_checked_before_the_grid_is_read(received, people, opened):
    def forge(workbook):
        workbook[META_SHEET]["B2"] = '["4c"]'

    data = filled(assignment_template(received), change=forge)
    assert refused(received, people.muong_ang_officer, data, opened) == [
        "The template was changed outside this system and cannot be trusted. Download a new template."]
    assert opened["sheets_read"] == [META_SHEET]


def _rows_below(workbook):
    for row in range(LAST_ROW + 1, LAST_ROW + 5_001):
        workbook[SHEET].cell(row, 1, row)


def _columns_beyond(workbook):
    workbook[SHEET].cell(8, 40, "ghi chú ngoài biểu")


@pytest.mark.parametrize("change, rows, columns", [(_rows_below, LAST_ROW + 5_000, 9), (_columns_beyond, LAST_ROW, 40)])
def test_a_sheet_declaring_more_rows_or_columns_than_the_template_is_refused_before_its_cells_are_read(
        received, people, opened, change, rows, columns):
    data = filled(assignment_template(received), change=change)
    assert refused(received, people.muong_ang_officer, data, opened) == [
        f"The sheet “{SHEET}” has {rows} rows and {columns} columns; this template has {LAST_ROW} rows and 9 columns.",
        "Rows or columns were added, removed, reordered or recoded. Download a new template."]
    assert SHEET not in opened["sheets_read"] and not IndicatorValue.objects.exists()


def test_a_sheet_that_understates_its_size_is_read_no_further_than_the_template(received, people, monkeypatch):
    data = filled(assignment_template(received), change=lambda wb: [
        wb[SHEET].cell(row, 1, row) for row in range(LAST_ROW + ROW_SLACK + 1, LAST_ROW + 20_000)])
    sheet = zipfile.ZipFile(io.BytesIO(data)).read(SHEET_PART).decode()
    sheet = re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:I9"', sheet)  # the lie
    parsed = []
    parse_row = _reader.WorkSheetParser.parse_row
    monkeypatch.setattr(_reader.WorkSheetParser, "parse_row",
                        lambda self, row: parsed.append(1) or parse_row(self, row))
    assert assignment_upload(assignment=received, by=people.muong_ang_officer,
                             file=io.BytesIO(repackaged(data, {SHEET_PART: sheet}))) == 3
    # The three meta rows, then the sheet up to its slack and the one row that ends the read.
    assert len(parsed) <= 3 + LAST_ROW + ROW_SLACK + 1


# --- Over HTTP ----------------------------------------------------------------------------------

def test_the_v1_upload_over_http_shows_a_vietnamese_error_and_stores_nothing(client, people, received):
    data = v1_upload(assignment_template(received), 100_000)
    client.force_login(people.muong_ang_officer)
    with translation.override("vi"):
        expected = gettext("The file is compressed far more than a real document (part “%(part)s”) and may be a "
                           "decompression bomb.") % {"part": SHEET_PART}
        response = client.post(reverse("plans:assignment-figures-upload", args=[received.pk]),
                               {"file": SimpleUploadedFile("chi-tieu.xlsx", data, XLSX)})
    assert response.status_code == 200
    assert response.context["figures"]["upload_errors"] == [expected]
    assert not IndicatorValue.objects.exists() and not Attachment.objects.exists() and stored_files() == []


def test_another_units_officer_is_refused_before_the_file_is_looked_at(client, people, received, opened):
    data = v1_upload(assignment_template(received), 100_000)
    client.force_login(people.tuan_giao_officer)
    response = client.post(reverse("plans:assignment-figures-upload", args=[received.pk]),
                           {"file": SimpleUploadedFile("chi-tieu.xlsx", data, XLSX)})
    assert response.status_code == 404 and opened["loads"] == [] and not IndicatorValue.objects.exists()
