"""The year's standings exported: the ranking workbook, the decision (Quyết định) and the chart.

Five districts in two clusters, scored on three criteria out of 100. Tuần Giáo's first criterion
was cut by its cluster (95 → 90), which ties it with Tủa Chùa; Tủa Chùa and the Khối's sheets are
verified, not approved yet, so the year's figures are provisional.
"""

import datetime
import io
import re
from decimal import Decimal

import docx
import openpyxl
import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Unit
from emulation.chart import chart
from emulation.exports import decision_docx, ranking_xlsx
from emulation.models import (
    Cluster,
    ClusterMember,
    Criterion,
    CriterionGroup,
    Emulation,
    EmulationState,
    Score,
    ScoreSheet,
    ScoringTable,
    SheetState,
)
from emulation.results import standings

pytestmark = pytest.mark.django_db

D = Decimal
GROUPS = {"I": "Công tác xây dựng Đoàn", "II": "Công tác phong trào"}
# (group, code, name, maximum): 100 points in all.
CRITERIA = [("I", "1", "Phát triển đoàn viên mới", D(30)), ("I", "2", "Sinh hoạt chi đoàn định kỳ", D(20)),
            ("II", "1", "Tổ chức các phong trào hành động cách mạng", D(50))]
MAX_TOTAL = D(100)
CLUSTER_1, CLUSTER_2 = "Cụm thi đua số 1", "Cụm thi đua số 2"
COMMENT = "Thiếu minh chứng về số đoàn viên mới kết nạp."
# unit code: (cluster, state, [(self, verified, final) per criterion, in CRITERIA's order])
SHEETS = {
    "HDMA": (CLUSTER_1, SheetState.APPROVED, [(28, 28, 28), (18, 18, 18), (45, 45, 45)]),
    "HDTG": (CLUSTER_1, SheetState.APPROVED, [(30, 25, 25), (20, 20, 20), (45, 45, 45)]),
    "HDTC": (CLUSTER_1, SheetState.VERIFIED, [(27, 27, None), (18, 18, None), (45, 45, None)]),
    "HDDB": (CLUSTER_2, SheetState.APPROVED, [("29.5", "29.5", "29.5"), (19, 19, 19), (40, 40, 40)]),
    "DKCQDN": (CLUSTER_2, SheetState.VERIFIED, [(30, 30, None), (15, 15, None), (48, 48, None)]),
}
ADJUSTED = ("HDTG", 0)  # the one score the cluster changed


def points(value):
    return None if value is None else D(str(value))


def column_total(code, which):
    """The sum of one column (0 self, 1 verified, 2 final), None if any criterion has none."""
    values = [points(triple[which]) for triple in SHEETS[code][2]]
    return None if None in values else sum(values, D(0))


def ranking_total(code):
    """The total a unit ranks by: final once approved, verified before that."""
    return column_total(code, 2 if SHEETS[code][1] == SheetState.APPROVED else 1)


def competition_places(codes):
    """{code: (rank, tied)}: one more than the units above; equal totals share a place."""
    totals = {code: ranking_total(code) for code in codes}
    return {code: (1 + sum(1 for other in codes if totals[other] > total),
                   sum(1 for other in codes if totals[other] == total) > 1)
            for code, total in totals.items()}


def ordered(codes, units):
    """Best first; a shared place in the tree's order."""
    return sorted(codes, key=lambda code: (-ranking_total(code), units[code].path))


def of_cluster(name):
    return [code for code, (cluster, *_) in SHEETS.items() if cluster == name]


def vi_points(value: Decimal) -> str:
    """88,5 · 90: as the decision writes them."""
    return f"{value.normalize():f}".replace(".", ",")


@pytest.fixture
def units(staff):
    return {unit.code: unit for unit in Unit.objects.filter(code__in=SHEETS)}


@pytest.fixture
def emulation(staff, units):
    t = staff.tree
    table = ScoringTable.objects.create(organiser=t.province, year=2025, level=t.muong_ang.level,
                                        name="Bảng chấm điểm thi đua khối huyện, thị, thành đoàn")
    groups = {code: CriterionGroup.objects.create(table=table, code=code, name=name, position=position)
              for position, (code, name) in enumerate(GROUPS.items())}
    criteria = [Criterion.objects.create(group=groups[group], code=code, name=name, max_points=maximum,
                                         position=position)
                for position, (group, code, name, maximum) in enumerate(CRITERIA)]
    clusters = {name: Cluster.objects.create(organiser=t.province, year=2025, name=name,
                                             head=units[of_cluster(name)[0]])
                for name in (CLUSTER_1, CLUSTER_2)}
    due = timezone.make_aware(datetime.datetime(2025, 11, 30, 17, 0))
    emulation = Emulation.objects.create(table=table, department=t.xdd, subject="Thi đua năm 2025 của Đoàn cấp huyện",
                                         self_assessment_due=due, verification_due=due + datetime.timedelta(days=14),
                                         opened_by=staff.province_officer)
    for code, (cluster, state, scores) in SHEETS.items():
        ClusterMember.objects.create(cluster=clusters[cluster], unit=units[code])
        sheet = ScoreSheet.objects.create(emulation=emulation, unit=units[code], cluster=clusters[cluster], state=state)
        for index, (criterion, (own, verified, final)) in enumerate(zip(criteria, scores, strict=True)):
            Score.objects.create(sheet=sheet, criterion=criterion, self_points=points(own),
                                 verified_points=points(verified), final_points=points(final),
                                 verify_comment=COMMENT if (code, index) == ADJUSTED else "")
    return emulation


def test_the_fixture_holds_a_tie_and_a_cut():
    # Guards the tests below: without a shared place they would prove nothing about ties.
    assert competition_places(of_cluster(CLUSTER_1)) == {"HDMA": (1, False), "HDTG": (2, True), "HDTC": (2, True)}
    assert column_total("HDTG", 0) == 95 and ranking_total("HDTG") == 90


# --- the workbook -------------------------------------------------------------------------------

def workbook(emulation):
    return openpyxl.load_workbook(io.BytesIO(ranking_xlsx(standings(emulation))))


def sections(sheet, names):
    """{section name: [row values]}: a name in column A, the header under it, rows to a blank line."""
    rows = list(sheet.iter_rows(values_only=True))
    found = {}
    for index, row in enumerate(rows):
        if row[0] in names:
            body = []
            for values in rows[index + 2:]:
                if values[0] is None:
                    break
                body.append(values)
            found[row[0]] = (rows[index + 1], body)
    return found


def as_points(value):
    return None if value is None else D(str(value))


def expected_rows(codes, units):
    places = competition_places(codes)
    rows = []
    for code in ordered(codes, units):
        rank, tied = places[code]
        rows.append((f"{rank} (đồng hạng)" if tied else rank, units[code].name, column_total(code, 0),
                     column_total(code, 1), column_total(code, 2)))
    return rows


def test_the_ranking_sheet_ranks_each_cluster_then_every_unit(emulation, units):
    sheet = workbook(emulation)["Xếp hạng"]
    found = sections(sheet, {CLUSTER_1, CLUSTER_2, "Xếp hạng chung"})
    assert list(found) == [CLUSTER_1, CLUSTER_2, "Xếp hạng chung"]
    for name, codes in ((CLUSTER_1, of_cluster(CLUSTER_1)), (CLUSTER_2, of_cluster(CLUSTER_2)),
                        ("Xếp hạng chung", list(SHEETS))):
        header, rows = found[name]
        assert header[0] == "Hạng" and header[1] == "Đơn vị"
        got = [(place, unit, *map(as_points, totals)) for place, unit, *totals in rows]
        assert got == expected_rows(codes, units), name
    # Overall, the tie at 90 is third place, and the Khối's 93 (verified only) ranks first.
    overall = dict((unit, place) for place, unit, *_ in found["Xếp hạng chung"][1])
    assert overall[units["HDTG"].name] == overall[units["HDTC"].name] == "3 (đồng hạng)"
    assert overall[units["DKCQDN"].name] == 1 and overall[units["HDDB"].name] == 5


def test_the_ranking_sheet_says_the_figures_are_provisional(emulation):
    note = workbook(emulation)["Xếp hạng"]["A3"].value
    pending = sum(1 for _, state, _ in SHEETS.values() if state != SheetState.APPROVED)
    assert "tạm tính" in note and f"còn {pending} đơn vị" in note


def approve_all(emulation):
    """The board approved the last sheets: their final points are the verified ones."""
    ScoreSheet.objects.filter(emulation=emulation).update(state=SheetState.APPROVED)
    for score in Score.objects.filter(sheet__emulation=emulation, final_points__isnull=True):
        score.final_points = score.verified_points
        score.save(update_fields=["final_points"])


def test_once_every_sheet_is_approved_the_figures_are_final(emulation):
    approve_all(emulation)
    note = workbook(emulation)["Xếp hạng"]["A3"].value
    assert "chính thức" in note and "tạm tính" not in note


def test_the_score_sheet_has_one_row_per_unit_and_criterion(emulation, units):
    sheet = workbook(emulation)["Bảng điểm"]
    header = [cell.value for cell in sheet[4]]
    assert header[:5] == ["Cụm thi đua", "Đơn vị", "Nhóm tiêu chí", "Mã", "Tiêu chí"]
    lines = {}
    for row in sheet.iter_rows(min_row=5):
        values = [cell.value for cell in row]
        if values[3] is not None:  # the unit's total row has no code
            lines[(values[1], values[3], values[4])] = (values, row[7].fill.fgColor.rgb)
    assert len(lines) == len(SHEETS) * len(CRITERIA)
    for code, (cluster, _state, scores) in SHEETS.items():
        for index, ((group, criterion, name, maximum), triple) in enumerate(zip(CRITERIA, scores, strict=True)):
            values, fill = lines[(units[code].name, criterion, name)]
            assert values[0] == cluster and values[2] == f"{group}. {GROUPS[group]}"
            assert [as_points(v) for v in values[5:9]] == [maximum, *map(points, triple)], (code, criterion)
            adjusted = (code, index) == ADJUSTED
            assert values[9] == (COMMENT if adjusted else None)
            assert (fill == "00FFEB9C") is adjusted, (code, criterion)


def test_each_unit_closes_with_its_totals(emulation, units):
    sheet = workbook(emulation)["Bảng điểm"]
    totals = {row[1]: row for row in sheet.iter_rows(min_row=5, values_only=True) if row[4] == "Tổng cộng"}
    assert totals[units["HDTG"].name][5:9] == (MAX_TOTAL, column_total("HDTG", 0), 90, 90)
    assert totals[units["HDTC"].name][8] is None  # verified, not approved: no final total yet


# --- the decision -------------------------------------------------------------------------------

def decision(emulation):
    return docx.Document(io.BytesIO(decision_docx(standings(emulation))))


def text_of(document):
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def ranking_tables(document):
    """The tables headed "Xếp hạng": one a cluster, as (place, unit, total) rows."""
    return [[tuple(cell.text for cell in row.cells) for row in table.rows[1:]]
            for table in document.tables if table.rows[0].cells[0].text == "Xếp hạng"]


def test_the_draft_decision_ranks_each_cluster(emulation, units):
    document = decision(emulation)
    text = text_of(document)
    assert "QUYẾT ĐỊNH" in text and "Về việc công nhận kết quả thi đua năm 2025" in text
    assert "DỰ THẢO" in text and "Số: …-QĐ/TĐTN-XDĐ" in text  # not issued: no number yet
    assert "BCH ĐOÀN TỈNH ĐIỆN BIÊN" in text and "Điện Biên, ngày … tháng … năm" in text
    assert "Công nhận kết quả chấm điểm, xếp hạng thi đua năm 2025" in text
    assert "Căn cứ Bảng chấm điểm thi đua khối huyện, thị, thành đoàn năm 2025;" in text
    tables = ranking_tables(document)
    assert len(tables) == 2
    for rows, name in zip(tables, (CLUSTER_1, CLUSTER_2), strict=True):
        codes = of_cluster(name)
        places = competition_places(codes)
        expected = [(f"{places[c][0]} (đồng hạng)" if places[c][1] else str(places[c][0]), units[c].name,
                     vi_points(ranking_total(c))) for c in ordered(codes, units)]
        assert rows == expected, name
    assert ("2 (đồng hạng)", units["HDTC"].name, "90") in tables[0]
    assert ("2", units["HDDB"].name, "88,5") in tables[1]
    # Two sheets still await the board: the totals say so.
    assert "Tổng điểm (tạm tính)" in text and "còn 2 đơn vị" in text


def test_the_issued_decision_has_its_number_date_and_text(emulation):
    approve_all(emulation)
    issued_at = timezone.make_aware(datetime.datetime(2026, 1, 20, 9, 30))
    Emulation.objects.filter(pk=emulation.pk).update(
        state=EmulationState.DECIDED, number="05-QĐ/TĐTN-XDĐ", issued_at=issued_at,
        decision_text="Điều 1. Công nhận kết quả thi đua năm 2025 của các đơn vị như sau:\n"
                      "Điều 2. Văn phòng, Ban Xây dựng Đoàn và các đơn vị căn cứ Quyết định thi hành.")
    text = text_of(decision(Emulation.objects.get(pk=emulation.pk)))
    assert "Số: 05-QĐ/TĐTN-XDĐ" in text and "Điện Biên, ngày 20 tháng 01 năm 2026" in text
    assert "DỰ THẢO" not in text and "tạm tính" not in text
    assert "Điều 2. Văn phòng, Ban Xây dựng Đoàn" in text
    assert "xếp hạng thi đua năm 2025 của các đơn vị trong các cụm" not in text  # its own text, not the default


# --- the chart ----------------------------------------------------------------------------------

def test_the_chart_draws_each_units_total_out_of_the_maximum(emulation, units):
    html = render_to_string("emulation/_chart.html", {"chart": chart(standings(emulation))})
    assert " style=" not in html  # the CSP allows no inline style
    svgs = re.findall(r"<svg .*?</svg>", html, re.S)
    assert len(svgs) == 2
    for svg, name in zip(svgs, (CLUSTER_1, CLUSTER_2), strict=True):
        labelled_by = re.search(r'<svg [^>]*role="img"[^>]*aria-labelledby="([^"]+)"', svg).group(1).split()
        assert all(f'id="{ident}"' in html for ident in labelled_by)
        codes = ordered(of_cluster(name), units)
        bars = re.findall(r'<g class="bar[^"]*" data-unit="([^"]+)".*?</g>', svg, re.S)
        assert bars == codes  # one bar a unit, best first
        track = float(re.search(r'class="track"[^>]*width="([\d.]+)"', svg).group(1))
        for code, bar in zip(codes, re.findall(r'<g class="bar.*?</g>', svg, re.S), strict=True):
            width = float(re.search(r'class="total"[^>]*width="([\d.]+)"', bar).group(1))
            assert width == pytest.approx(track * float(ranking_total(code) / MAX_TOTAL), abs=0.1), code
            title = re.search(r"<title>(.*?)</title>", bar, re.S).group(1)
            assert units[code].name in title and vi_points(ranking_total(code)) in title
            assert ("fill-opacity" in bar) is (SHEETS[code][1] != SheetState.APPROVED)
        # Attributes are written with a dot whatever the language: 88,5 would break the drawing.
        assert not re.search(r'(width|height|x|y|viewBox)="[^"]*,[^"]*"', svg)
