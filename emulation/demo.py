"""The demo province's emulation of the year: its 16 district-level units in two clusters (the
territorial unions; the bloc, armed forces and school unions), a scoring table imported from the
.xlsx template the import page offers, and the whole year walked through the services: each unit's officer
self-assesses with evidence, the cluster heads verify (Tuần Giáo's Youth Month points lowered
with a comment), the province's leader approves and its clerk issues the numbered decision.
Computed criteria come from the demo's own reports, indicators and inspections. A second run
finds the table and adds nothing."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Unit, User

from . import services
from .models import Cluster, ClusterMember, Emulation, ScoringTable, Source
from .tables import table_import, template_xlsx

TERRITORIAL = ["TPDBP", "TXML", "HDDB", "HDDBD", "HDMA", "HDTG", "HDTC", "HDMC", "HDMN", "HDNP"]
BLOCS = ["DKCQDN", "DTNCA", "DTNBDBP", "DTNQS", "DTCDSP", "DTCDYT"]
CLUSTERS = [("Cụm thi đua số 1 – các huyện, thị xã, thành phố", TERRITORIAL, "TPDBP"),
            ("Cụm thi đua số 2 – Đoàn khối, lực lượng vũ trang, trường học", BLOCS, "DKCQDN")]
#: The judged points each unit gives itself (Tháng Thanh niên, tình nguyện), out of 15 each.
SELF_POINTS = {"TPDBP": (14, 13), "TXML": (12, 12), "HDDB": (13, 14), "HDDBD": (11, 12), "HDMA": (13, 13),
               "HDTG": (14, 12), "HDTC": (12, 11), "HDMC": (11, 11), "HDMN": (10, 12), "HDNP": (12, 10),
               "DKCQDN": (14, 14), "DTNCA": (13, 14), "DTNBDBP": (13, 13), "DTNQS": (12, 13), "DTCDSP": (13, 12),
               "DTCDYT": (12, 12)}
LOWERED = ("HDTG", "II.1", Decimal(12), "Chưa có minh chứng 2 hoạt động Tháng Thanh niên ở cơ sở.")


def _evidence(code):
    return SimpleUploadedFile(f"minh-chung-{code.lower()}.pdf", b"%PDF-1.4\n% minh chung du lieu mau\n",
                              content_type="application/pdf")


def demo_emulation_seed() -> Emulation | None:
    province = Unit.objects.get(code="TDDB")
    year = timezone.localdate().year
    if ScoringTable.objects.filter(organiser=province, year=year).exists():
        return None
    units = {u.code: u for u in Unit.objects.filter(code__in=TERRITORIAL + BLOCS, is_active=True)}
    people = {u.username: u for u in User.objects.filter(username__endswith=".canbo")}
    officer, leader, clerk = (User.objects.get(username=name) for name in ("chuyenvien", "lanhdao", "vanthu"))
    table = ScoringTable.objects.create(organiser=province, year=year, level=units["HDMA"].level,
                                        name=f"Bảng chấm điểm thi đua năm {year} – cấp huyện và tương đương")
    table_import(table, template_xlsx())
    heads = {}
    for name, codes, head in CLUSTERS:
        cluster = Cluster.objects.create(organiser=province, year=year, name=name, head=units[head])
        for code in codes:
            if code in units:
                ClusterMember.objects.create(cluster=cluster, unit=units[code])
                heads[code] = head
    now = timezone.now()
    emulation = services.emulation_open(
        table=table, by=officer, subject=f"Đánh giá, xếp loại thi đua năm {year} các đơn vị cấp huyện và tương đương",
        self_assessment_due=now + datetime.timedelta(days=7), verification_due=now + datetime.timedelta(days=14))
    sheets = list(emulation.sheets.select_related("unit"))
    for sheet in sheets:
        code = sheet.unit.code
        judged = [s for s in sheet.scores.select_related("criterion__group") if s.criterion.source == Source.JUDGED]
        by = people[f"{code.lower()}.canbo"]
        services.sheet_assess(sheet=sheet, by=by, entries={
            s.criterion_id: {"points": str(points), "note": "Có báo cáo và hình ảnh kèm theo."}
            for s, points in zip(judged, SELF_POINTS[code], strict=True)},
            files={s.criterion_id: [_evidence(code)] for s in judged})
        services.sheet_submit(sheet=sheet, by=by)
    for sheet in sheets:
        code = sheet.unit.code
        verifier = officer if heads[code] == code else people[f"{heads[code].lower()}.canbo"]
        entries = {}
        if code == LOWERED[0]:
            score = next(s for s in sheet.scores.select_related("criterion__group")
                         if f"{s.criterion.group.code}.{s.criterion.code}" == LOWERED[1])
            entries = {score.criterion_id: {"points": str(LOWERED[2]), "comment": LOWERED[3]}}
        services.sheet_verify(sheet=sheet, by=verifier, entries=entries)
        services.sheet_approve(sheet=sheet, by=leader)
    return services.emulation_decide(
        emulation=emulation, by=clerk,
        decision_text="Công nhận kết quả thi đua năm của các đơn vị theo bảng xếp hạng dưới đây; đề nghị tặng Cờ "
                      "thi đua cho đơn vị dẫn đầu mỗi cụm và Bằng khen cho đơn vị xếp thứ hai.")
