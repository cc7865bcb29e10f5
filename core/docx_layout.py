"""The official layout of a generated Youth Union document (python-docx): Times New Roman 14 on
A4, the two-column heading (issuer and number on the left, "ĐOÀN TNCS HỒ CHÍ MINH" and place and
date on the right), the title, the body with its headings, and the closing (recipients on the left,
signature on the right). Plans (plans.documents) and the inspection notices (inspections.documents)
are composed from these same pieces; core.pdf makes the PDF of the result.

Sizes and margins follow the format rules (Decree 30/2020, the Party's Hướng dẫn 36-HD/VPTW): A4,
top and bottom 20 mm, left 30 mm, right 20 mm, body 14 pt; the PDF has Liberation Serif, metric-
compatible with Times New Roman, where the server has no Times New Roman.

The words passed in are the document's own (Vietnamese data), not interface strings.
"""

import datetime
import io
import re

from django.conf import settings
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from core.numbering import format_number

YOUTH_UNION = "ĐOÀN TNCS HỒ CHÍ MINH"
DRAFT_MARK = "DỰ THẢO"
# Together the 16 cm between the margins; the right one holds "Điện Biên, ngày 29 tháng 02 năm 2024" on one line.
LEFT_COLUMN, RIGHT_COLUMN = Cm(7), Cm(9)


def official_style(document):
    """Times New Roman 14 on A4, margins as administrative documents have them."""
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(14)
    # Word picks the font of Vietnamese letters from the east-Asian slot unless it is set too.
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Times New Roman")
    paragraph = normal.paragraph_format
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.first_line_indent, paragraph.space_after, paragraph.line_spacing = Cm(1.27), Pt(6), 1.15
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)


# Unit names start with their kind; what follows is the place of the date line.
PLACE_PREFIXES = ("Tỉnh đoàn ", "Thành đoàn ", "Huyện đoàn ", "Thị đoàn ", "Quận đoàn ")


def place_of(unit) -> str:
    """"Điện Biên" of "Tỉnh đoàn Điện Biên": the place of the date line."""
    for prefix in PLACE_PREFIXES:
        if unit.name.startswith(prefix):
            return unit.name[len(prefix):]
    return unit.name


def number_placeholder(*, unit, department, kind_code: str) -> str:
    """The number a draft will get, without its figure: "…-KH/TĐTN-XDĐ" (as core.numbering formats)."""
    if department is not None and department.issues_own_documents:
        issuer, advising = department.document_code, ""
    else:
        issuer, advising = unit.document_code or unit.code, department.document_code if department else ""
    text = format_number(0, kind_code, issuer, advising, settings.DOCUMENT_NUMBERING["style"])
    return "…" + text[2:]  # format_number writes the figure as two digits: "00-KH/…"


def long_date(place: str, day: datetime.date | None, *, year: int | None = None) -> str:
    """"Điện Biên, ngày 29 tháng 02 năm 2024"; without a day (a draft) the blanks are left to fill."""
    if day is None:
        return f"{place}, ngày … tháng … năm {year or ''}".rstrip()
    return f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def line(container, text: str = "", *, bold=False, italic=False, underline=False, size: float | None = None,
         align=WD_ALIGN_PARAGRAPH.CENTER, indent: bool = False):
    """One paragraph of a heading or block: centred, no first-line indent unless asked."""
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    if not indent:
        paragraph.paragraph_format.first_line_indent = Cm(0)
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
    return paragraph


def _two_columns(document):
    table = document.add_table(rows=1, cols=2)  # "Normal Table": no borders
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = LEFT_COLUMN, RIGHT_COLUMN
    # The grid's widths too: Word reads the cells', LibreOffice (the PDF) the grid's.
    table.columns[0].width, table.columns[1].width = LEFT_COLUMN, RIGHT_COLUMN
    # A new cell holds one empty paragraph; the blocks write their own.
    for cell in (left, right):
        cell._tc.remove(cell.paragraphs[0]._p)
    return left, right


def heading(document, *, issuer_lines: list[str], number: str, place_date: str, about: str = ""):
    """The issuer (earlier lines a superior body, the last one the issuer, in bold), "***" and
    the number on the left, a letter's "V/v …" under it; the Youth Union's name and the place and
    date on the right."""
    left, right = _two_columns(document)
    for index, text in enumerate(issuer_lines):
        line(left, text, bold=index == len(issuer_lines) - 1, size=13)
    line(left, "***", size=13)
    line(left, number, size=13)
    if about:
        line(left, about, italic=True, size=12)
    line(right, YOUTH_UNION, bold=True, underline=True, size=14)
    line(right)
    line(right, place_date, italic=True, size=13)
    document.add_paragraph()


def closing(document, *, recipients: list[str], signature: list[str], signer: str = ""):
    """"Nơi nhận:" and its lines on the left; the signature block on the right."""
    left, right = _two_columns(document)
    line(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    for text in recipients:
        line(left, text, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    for text in signature:
        line(right, text, bold=True, size=14)
    for _ in range(4):  # room for the signature and the seal
        line(right)
    line(right, signer, bold=True, size=14)


def new_document(*, draft: bool):
    """An empty document in the official style; a draft carries the DỰ THẢO mark at the top right."""
    document = Document()
    official_style(document)
    if draft:
        line(document, DRAFT_MARK, bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    return document


def title(document, *, kind: str, subject_lines: list[str]):
    """"KẾ HOẠCH" and the subject under it, bold and centred, closed by a short rule."""
    line(document, kind.upper(), bold=True)
    for text in subject_lines:
        line(document, text, bold=True)
    line(document, "-----")
    document.add_paragraph()


def addressees(document, names: list[str]):
    """"Kính gửi:" of a letter: one addressee on the line, several as a list under it."""
    if len(names) == 1:
        line(document, f"Kính gửi: {names[0]}", align=WD_ALIGN_PARAGRAPH.CENTER)
    else:
        line(document, "Kính gửi:", align=WD_ALIGN_PARAGRAPH.CENTER)
        for index, name in enumerate(names):
            mark = "." if index == len(names) - 1 else ";"
            paragraph = line(document, f"- {name}{mark}", align=WD_ALIGN_PARAGRAPH.LEFT)
            paragraph.paragraph_format.left_indent = Cm(5)
    document.add_paragraph()


# "I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG": a part; "1. Mục đích", "2.1. …", "a) …": a heading inside it.
_PART = re.compile(r"^[IVXLC]+\.\s")
_SECTION = re.compile(r"^(\d+\.)+\s|^[a-zđ]\)\s")


def body(document, text: str):
    """The body, one paragraph a line: parts (a Roman numeral, or a line in capitals) in bold,
    numbered headings in bold, the rest justified with its first line indented."""
    for raw in text.splitlines():
        value = raw.strip()
        if not value:
            continue
        paragraph = document.add_paragraph()
        run = paragraph.add_run(value)
        if _PART.match(value) or (value.isupper() and len(value) > 3):
            run.bold = True
        elif _SECTION.match(value) and len(value) < 120:
            run.bold = True
    document.add_paragraph()


def to_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
