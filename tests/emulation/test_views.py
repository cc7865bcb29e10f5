"""The emulation screens: a table imported from Excel (every bad row named, nothing saved), the
year opened, a sheet walked through its steps in the browser's forms, the standings and their
downloads; another unit's sheet is not even found."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from emulation.models import Criterion, Emulation, ScoringTable, SheetState

from .helpers import clusters, judged, opened, pdf, scoring_table

pytestmark = pytest.mark.django_db

HEADER = ["group_code", "group_name", "code", "criterion", "max_points", "source", "late_weight"]


def _xlsx(rows):
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("bang-diem.xlsx", out.getvalue())


def _act(sheet, action):
    return reverse("emulation:sheet-action", args=[sheet.pk, action])


def _import(client, staff, rows, year=2026):
    return client.post(reverse("emulation:table-import"), {
        "organiser": staff.tree.province.pk, "year": year, "level": staff.tree.muong_ang.level_id,
        "name": "Bảng chấm điểm khối huyện", "file": _xlsx(rows)})


def test_a_scoring_table_is_imported_from_excel(client, staff):
    client.force_login(staff.province_officer)
    answer = _import(client, staff, [
        ["I", "Thực hiện nhiệm vụ", "1", "Báo cáo đúng hạn", 10, "timeliness", "0,5"],
        ["I", "", "2", "Kết quả kiểm tra", 5, "Kết quả kiểm tra, giám sát", None],
        ["II", "Phong trào", "1", "Tháng Thanh niên", "7.5", "judged", None],
    ])
    assert answer.status_code == 302
    table = ScoringTable.objects.get()
    criteria = list(Criterion.objects.filter(group__table=table).values_list("group__code", "code", "source",
                                                                             "max_points", "late_weight"))
    assert criteria == [("I", "1", "timeliness", Decimal(10), Decimal("0.5")),
                        ("I", "2", "inspections", Decimal(5), Decimal("0.7")),
                        ("II", "1", "judged", Decimal("7.5"), Decimal("0.7"))]


def test_a_bad_sheet_names_every_bad_row_and_saves_nothing(client, staff):
    client.force_login(staff.province_officer)
    answer = _import(client, staff, [
        ["I", "Thực hiện nhiệm vụ", "1", "Báo cáo đúng hạn", 10, "timeliness", "2"],
        ["I", "Thực hiện nhiệm vụ", "1", "Trùng mã", 0, "judged", None],
        ["II", "Phong trào", "3", "", "x", "đoán", None],
    ])
    assert answer.status_code == 200
    errors = " ".join(answer.context["form"].errors["file"])
    for expected in ("Dòng 2: late_weight", "Dòng 3: max_points", "Dòng 3: tiêu chí 1 xuất hiện hai lần",
                     "Dòng 4: tên tiêu chí để trống", "Dòng 4: nguồn điểm"):
        assert expected in errors
    assert not ScoringTable.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused(client, staff):
    client.force_login(staff.province_officer)
    answer = client.post(reverse("emulation:table-import"), {
        "organiser": staff.tree.province.pk, "year": 2026, "level": staff.tree.muong_ang.level_id, "name": "X",
        "file": SimpleUploadedFile("x.xlsx", b"not a zip")})
    assert answer.status_code == 200 and answer.context["form"].errors["file"]
    assert not ScoringTable.objects.exists()


def test_a_unit_officer_may_not_import_a_table_for_the_province(client, staff):
    client.force_login(staff.tuan_giao_officer)
    answer = client.post(reverse("emulation:table-import"), {
        "organiser": staff.tree.province.pk, "year": 2026, "level": staff.tree.muong_ang.level_id, "name": "X",
        "file": _xlsx([["I", "A", "1", "B", 10, "judged", None]])})
    # Tuần Giáo's officer drafts for Tuần Giáo only: the province is not among the choices.
    assert answer.status_code == 200 and answer.context["form"].errors["organiser"]
    assert not ScoringTable.objects.exists()


def test_the_province_opens_the_year_from_its_table(client, staff):
    table = scoring_table(staff)
    clusters(staff, table)
    client.force_login(staff.province_officer)
    page = client.get(reverse("emulation:open", args=[table.pk]))
    assert page.status_code == 200 and "Báo cáo đúng hạn" in page.content.decode()
    due = timezone.localtime() + timezone.timedelta(days=7)
    answer = client.post(reverse("emulation:open", args=[table.pk]), {
        "subject": "Thi đua năm", "self_assessment_due_0": due.strftime("%d/%m/%Y"), "self_assessment_due_1": "17:00",
        "verification_due_0": (due + timezone.timedelta(days=7)).strftime("%d/%m/%Y"),
        "verification_due_1": "17:00"})
    emulation = Emulation.objects.get()
    assert answer.status_code == 302 and emulation.sheets.count() == 5
    client.force_login(staff.tuan_giao_officer)
    assert client.get(reverse("emulation:open", args=[table.pk])).status_code == 404


def test_a_sheet_goes_through_its_steps_in_the_forms(client, staff):
    emulation = opened(staff)
    sheet = emulation.sheets.get(unit=staff.tree.tuan_giao)
    criterion = judged(sheet).criterion_id
    url = reverse("emulation:sheet", args=[sheet.pk])
    client.force_login(staff.tuan_giao_officer)
    page = client.get(url)
    assert page.status_code == 200 and f'name="points_{criterion}"' in page.content.decode()
    client.post(_act(sheet, "save"), {f"points_{criterion}": "4,5", f"files_{criterion}": pdf()})
    assert client.post(_act(sheet, "submit")).status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == SheetState.SUBMITTED and judged(sheet).self_points == Decimal("4.50")

    client.force_login(staff.muong_ang_officer)
    refused = client.post(_act(sheet, "verify"), {f"points_{criterion}": "3"})
    assert refused.status_code == 200 and "lý do thay đổi điểm" in refused.content.decode()
    client.post(_act(sheet, "verify"), {f"points_{criterion}": "3", f"comment_{criterion}": "Thiếu minh chứng."})
    client.force_login(staff.province_leader)
    client.post(_act(sheet, "approve"))
    sheet.refresh_from_db()
    assert sheet.state == SheetState.APPROVED and judged(sheet).final_points == Decimal("3.00")
    standings = client.get(reverse("emulation:detail", args=[emulation.pk]))
    assert standings.status_code == 200
    assert 'data-unit="HDTG"' in standings.content.decode()


def test_another_clusters_unit_does_not_find_a_sheet(client, staff):
    emulation = opened(staff)
    second_cluster_sheet = emulation.sheets.exclude(cluster__head=staff.tree.muong_ang).first()
    client.force_login(staff.tuan_giao_officer)
    assert client.get(reverse("emulation:sheet", args=[second_cluster_sheet.pk])).status_code == 404
    assert client.post(_act(second_cluster_sheet, "submit")).status_code == 404
    own = emulation.sheets.get(unit=staff.tree.tuan_giao)
    assert client.post(_act(own, "approve")).status_code == 403
    assert client.post(_act(own, "nonsense")).status_code == 404
    assert client.get(reverse("emulation:sheet", args=[own.pk])).status_code == 200


def test_the_downloads_open_with_the_standings(client, staff):
    import docx

    emulation = opened(staff)
    client.force_login(staff.province_officer)
    workbook = client.get(reverse("emulation:ranking-xlsx", args=[emulation.pk]))
    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    names = {str(cell.value) for row in book["Xếp hạng"].iter_rows() for cell in row if cell.value}
    assert staff.tree.tuan_giao.name in names
    document = docx.Document(io.BytesIO(client.get(reverse("emulation:decision-docx", args=[emulation.pk])).content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "QUYẾT ĐỊNH" in text and str(emulation.year) in text


def test_the_decision_comes_as_pdf_where_the_server_has_libreoffice(client, staff):
    from core.pdf import pdf_available

    emulation = opened(staff)
    client.force_login(staff.province_officer)
    answer = client.get(reverse("emulation:decision-pdf", args=[emulation.pk]))
    if pdf_available():
        assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
    else:  # the page says why; the .docx stays
        assert answer.status_code == 302 and answer["Location"] == reverse("emulation:detail", args=[emulation.pk])


def test_a_unit_downloads_every_units_totals_but_only_its_own_scores(client, staff):
    emulation = opened(staff)
    client.force_login(staff.tuan_giao_officer)
    download = client.get(reverse("emulation:ranking-xlsx", args=[emulation.pk]))
    book = openpyxl.load_workbook(io.BytesIO(download.content))
    ranked = {row[1] for row in book["Xếp hạng"].iter_rows(values_only=True) if row and row[1]}
    detailed = {row[1] for row in book["Bảng điểm"].iter_rows(values_only=True) if row and row[1]}
    assert staff.tree.muong_ang.name in ranked and staff.tree.tuan_giao.name in ranked
    assert staff.tree.tuan_giao.name in detailed and staff.tree.muong_ang.name not in detailed


@pytest.mark.parametrize(("cell", "message"), [
    ("NaN", "max_points"), ("1e30", "max_points"), ("2.125", "max_points"), ("Infinity", "max_points")])
def test_a_number_the_table_cannot_hold_is_a_named_row_error(client, staff, cell, message):
    client.force_login(staff.province_officer)
    answer = _import(client, staff, [["I", "Nhiệm vụ", "1", "Báo cáo", cell, "judged", None]])
    assert answer.status_code == 200 and f"Dòng 2: {message}" in " ".join(answer.context["form"].errors["file"])
    assert not ScoringTable.objects.exists()


def test_a_code_too_long_is_a_named_row_error(client, staff):
    client.force_login(staff.province_officer)
    answer = _import(client, staff, [["I", "Nhiệm vụ", "1" * 21, "Báo cáo", 5, "judged", None]])
    assert "Dòng 2: code" in " ".join(answer.context["form"].errors["file"])
    assert not ScoringTable.objects.exists()


def test_an_open_emulations_table_and_clusters_are_read_only_in_the_admin(client, staff):
    from tests.factories import UserFactory

    emulation = opened(staff)
    admin = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    client.force_login(admin)
    table_url = reverse("admin:emulation_scoringtable_change", args=[emulation.table_id])
    assert client.post(table_url, {"name": "Đổi tên"}).status_code == 403
    cluster = emulation.sheets.first().cluster
    assert client.post(reverse("admin:emulation_cluster_change", args=[cluster.pk]), {"name": "X"}).status_code == 403
    from emulation.tables import TableFileError, table_import, template_xlsx

    with pytest.raises(TableFileError):
        table_import(emulation.table, template_xlsx())
