"""The year's standings as the province files them: the ranking and the score sheets in Excel
(core.sheets), and the decision (Quyết định) that recognises the results, in the official layout
(core.docx_layout). Both read a Standings from emulation.results and compute nothing of their own
beyond formatting, so the screens, the API and the documents agree. The words are the documents'
own (Vietnamese data), not interface strings.
"""

from decimal import Decimal

from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm
from openpyxl.styles import Font, PatternFill

from core import docx_layout, sheets
from core.vi_format import vi_number
from plans.documents import STANDING_BOARD, issuer_lines

from .models import EmulationState
from .ranking import Place
from .results import SheetRow, Standings

POINTS = "#,##0.00"
TIED = "{rank} (đồng hạng)"


def place_text(place: Place) -> str:
    """"2 (đồng hạng)" of a shared place: the decision writes ties so."""
    return TIED.format(rank=place.rank) if place.tied else str(place.rank)


def points_text(value: Decimal | None) -> str:
    """90 · 88,5 · 88,25: as many decimals as the points have (vi_number would write 88,50)."""
    if value is None:
        return "—"
    exponent = value.normalize().as_tuple().exponent
    return vi_number(value, min(max(-exponent, 0), 2))


def _pending(standings: Standings) -> int:
    return sum(1 for row in standings.overall if row.provisional)


# --- Excel --------------------------------------------------------------------------------------

RANKING_SHEET, SCORES_SHEET = "Xếp hạng", "Bảng điểm"
RANKING_HEADERS = ("Hạng", "Đơn vị", "Tổng điểm tự chấm", "Tổng điểm cụm thẩm định", "Tổng điểm chính thức")
RANKING_WIDTHS = {"A": 16, "B": 40, "C": 16, "D": 16, "E": 16}
RANKING_POINTS = {3: POINTS, 4: POINTS, 5: POINTS}
OVERALL = "Xếp hạng chung"
FINAL_NOTE = "Kết quả chính thức: bảng điểm của tất cả các đơn vị đã được Ban Thường vụ phê duyệt."
PROVISIONAL_NOTE = ("Kết quả tạm tính: còn {count} đơn vị chưa được Ban Thường vụ phê duyệt; đơn vị đó xếp hạng theo "
                    "điểm cụm thẩm định, hoặc điểm tự chấm khi cụm chưa thẩm định.")
SCORES_HEADERS = ("Cụm thi đua", "Đơn vị", "Nhóm tiêu chí", "Mã", "Tiêu chí", "Điểm tối đa", "Điểm tự chấm",
                  "Điểm cụm thẩm định", "Điểm chính thức", "Nhận xét của cụm")
SCORES_WIDTHS = {"A": 20, "B": 28, "C": 30, "D": 8, "E": 50, "F": 10, "G": 10, "H": 12, "I": 10, "J": 40}
SCORES_POINTS = {6: POINTS, 7: POINTS, 8: POINTS, 9: POINTS}
VERIFIED_COLUMN = 8
ADJUSTED_FILL = PatternFill("solid", fgColor="FFEB9C")
ADJUSTED_NOTE = "Ô tô vàng: điểm cụm thẩm định khác điểm đơn vị tự chấm (lý do ở cột nhận xét của cụm)."
HEADER_ROW = 4


def _note(standings: Standings) -> str:
    pending = _pending(standings)
    return PROVISIONAL_NOTE.format(count=pending) if pending else FINAL_NOTE


def _heading(sheet, standings: Standings, title: str, columns: int, note: str):
    emulation = standings.emulation
    sheets.title_row(sheet, title.format(year=emulation.year), columns=columns)
    sheet["A2"] = f"{emulation.organiser.name}: {emulation.subject}"
    sheets.note(sheet, 3, note)


def ranking_xlsx(standings: Standings, detail_for: set[int] | None = None) -> bytes:
    """The ranking of every unit; the per-criterion sheet only of the sheets in `detail_for` (ids;
    None: all), those the person may open: a unit sees the others' totals, not their scores."""
    book, sheet = sheets.workbook(RANKING_SHEET)
    _heading(sheet, standings, "KẾT QUẢ XẾP HẠNG THI ĐUA NĂM {year}", len(RANKING_HEADERS), _note(standings))
    row = HEADER_ROW
    sections = [(cluster.cluster.name, cluster.sheets, "cluster_place") for cluster in standings.clusters]
    for name, rows, place in [*sections, (OVERALL, standings.overall, "overall_place")]:
        sheet.cell(row + 1, 1, name).font = Font(bold=True)
        sheets.header_row(sheet, row + 2, RANKING_HEADERS)
        row += 2
        for line in rows:
            row += 1
            where: Place = getattr(line, place)
            # A place alone stays a number, so that Excel sorts it; a shared one needs its words.
            sheets.boxed_row(sheet, row, [
                where.rank if not where.tied else place_text(where), line.sheet.unit.name, line.self_total,
                line.verified_total, line.final_total], formats=RANKING_POINTS)
        row += 1  # a blank line between the tables
    sheets.column_widths(sheet, RANKING_WIDTHS)
    _scores_sheet(book.create_sheet(SCORES_SHEET), standings, detail_for)
    return sheets.to_bytes(book)


def _scores_sheet(sheet, standings: Standings, detail_for):
    _heading(sheet, standings, "BẢNG ĐIỂM THI ĐUA NĂM {year} THEO TIÊU CHÍ", len(SCORES_HEADERS), ADJUSTED_NOTE)
    sheets.header_row(sheet, HEADER_ROW, SCORES_HEADERS)
    row = HEADER_ROW
    for cluster in standings.clusters:
        for line in cluster.sheets:
            if detail_for is None or line.sheet.pk in detail_for:
                row = _unit_rows(sheet, row, cluster.cluster.name, line)
    sheets.column_widths(sheet, SCORES_WIDTHS)
    sheet.freeze_panes = f"C{HEADER_ROW + 1}"


def _unit_rows(sheet, row: int, cluster: str, line: SheetRow) -> int:
    unit = line.sheet.unit.name
    for score in line.rows:
        row += 1
        criterion = score.criterion
        sheets.boxed_row(sheet, row, [
            cluster, unit, f"{criterion.group.code}. {criterion.group.name}", criterion.code, criterion.name,
            criterion.max_points, score.self_points, score.verified_points, score.final_points,
            score.verify_comment or None], formats=SCORES_POINTS, wrap=(3, 5, 10))
        if score.adjusted:
            sheet.cell(row, VERIFIED_COLUMN).fill = ADJUSTED_FILL
    row += 1
    maximum = sum((score.criterion.max_points for score in line.rows), Decimal(0))
    sheets.boxed_row(sheet, row, [cluster, unit, None, None, "Tổng cộng", maximum, line.self_total,
                                  line.verified_total, line.final_total, None], bold=True, formats=SCORES_POINTS)
    return row


# --- The decision -------------------------------------------------------------------------------

DECISION_CODE = "QĐ"
DEFAULT_TEXT = "Công nhận kết quả chấm điểm, xếp hạng thi đua năm {year} của các đơn vị trong các cụm thi đua như sau:"
FINAL_HEADING, PROVISIONAL_HEADING = "Tổng điểm", "Tổng điểm (tạm tính)"
PROVISIONAL_LINE = ("Điểm tạm tính: còn {count} đơn vị chưa được Ban Thường vụ phê duyệt bảng điểm; "
                    "kết quả có thể thay đổi.")
RANKING_COLUMNS = (Cm(4), Cm(8.5), Cm(3.5))  # "2 (đồng hạng)" on one line; 16 cm in all


def _authority(unit) -> str:
    """"BAN THƯỜNG VỤ TỈNH ĐOÀN ĐIỆN BIÊN": who decides, over the reasons."""
    return f"BAN THƯỜNG VỤ {unit.name.upper()}"


def _ranking_table(document, cluster, heading: str):
    paragraph = docx_layout.line(document, cluster.cluster.name, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    paragraph.paragraph_format.space_before = Cm(0.2)
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    table.autofit = False
    for cell, text in zip(table.rows[0].cells, ("Xếp hạng", "Đơn vị", heading), strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for line in cluster.sheets:
        values = (place_text(line.cluster_place), line.sheet.unit.name, points_text(line.total))
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.paragraphs[0].add_run(text)
    for index, (column, width) in enumerate(zip(table.columns, RANKING_COLUMNS, strict=True)):
        # The cells' widths for Word, the grid's for LibreOffice (as core.docx_layout does).
        column.width = width
        for cell in column.cells:
            cell.width = width
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.first_line_indent = Cm(0)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if index == 1 else WD_ALIGN_PARAGRAPH.CENTER


def decision_docx(standings: Standings) -> bytes:
    """The decision recognising the year's results, ranking each cluster's units. Until it is
    issued it has no number or date and carries the DỰ THẢO mark; its totals are the current ones,
    marked provisional while some sheets await the standing board."""
    emulation = standings.emulation
    unit, year = emulation.organiser, emulation.year
    issued = emulation.state == EmulationState.DECIDED and bool(emulation.number)
    number = emulation.number if issued else docx_layout.number_placeholder(
        unit=unit, department=emulation.department, kind_code=DECISION_CODE)
    day = timezone.localdate(emulation.issued_at) if issued and emulation.issued_at else None

    document = docx_layout.new_document(draft=not issued)
    docx_layout.heading(document, issuer_lines=issuer_lines(unit), number=f"Số: {number}",
                        place_date=docx_layout.long_date(docx_layout.place_of(unit), day,
                                                         year=timezone.localdate().year))
    docx_layout.title(document, kind="Quyết định", subject_lines=[f"Về việc công nhận kết quả thi đua năm {year}"])
    docx_layout.line(document, _authority(unit), bold=True)
    document.add_paragraph()
    document.add_paragraph("Căn cứ Điều lệ Đoàn TNCS Hồ Chí Minh;")
    table = emulation.table.name  # often named with its year already
    document.add_paragraph(f"Căn cứ {table};" if str(year) in table else f"Căn cứ {table} năm {year};")
    document.add_paragraph("Căn cứ kết quả tự chấm điểm của các đơn vị và kết quả thẩm định của các cụm thi đua,")
    docx_layout.line(document, "QUYẾT ĐỊNH:", bold=True)
    docx_layout.body(document, emulation.decision_text or DEFAULT_TEXT.format(year=year))

    pending = _pending(standings)
    heading = PROVISIONAL_HEADING if pending else FINAL_HEADING
    for cluster in standings.clusters:
        _ranking_table(document, cluster, heading)
    if pending:
        document.add_paragraph().add_run(PROVISIONAL_LINE.format(count=pending)).italic = True
    document.add_paragraph()

    keep = "- Lưu VP" + (f", {emulation.department.document_code}" if emulation.department_id else "")
    docx_layout.closing(document, recipients=["- Các đơn vị trong cụm thi đua;", keep + "."],
                        signature=[STANDING_BOARD, "BÍ THƯ"])
    return docx_layout.to_bytes(document)
