"""The official layout of a generated Youth Union document (python-docx): Times New Roman 14 on
A4, the two-column heading (issuer and number on the left, "ĐOÀN TNCS HỒ CHÍ MINH" and place and
date on the right), and the closing (recipients on the left, signature on the right).

The words passed in are the document's own (Vietnamese data), not interface strings.
"""

import datetime
import io

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

YOUTH_UNION = "ĐOÀN TNCS HỒ CHÍ MINH"
LEFT_COLUMN, RIGHT_COLUMN = Cm(7), Cm(9)  # together the 16 cm between the margins


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
    # A new cell holds one empty paragraph; the blocks write their own.
    for cell in (left, right):
        cell._tc.remove(cell.paragraphs[0]._p)
    return left, right


def heading(document, *, issuer_lines: list[str], number: str, place_date: str):
    """The issuer (earlier lines a superior body, the last one the issuer, in bold), "***" and
    the number on the left; the Youth Union's name and the place and date on the right."""
    left, right = _two_columns(document)
    for index, text in enumerate(issuer_lines):
        line(left, text, bold=index == len(issuer_lines) - 1, size=13)
    line(left, "***", size=13)
    line(left, number, size=13)
    line(right, YOUTH_UNION, bold=True, underline=True, size=14)
    line(right)
    line(right, place_date, italic=True, size=14)
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


def to_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
