"""An emulation of the demo province's districts in two clusters, built through the services."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from emulation import services
from emulation.models import Cluster, ClusterMember, Criterion, CriterionGroup, ScoringTable, Source


def pdf(name="minh-chung.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% evidence\n", content_type="application/pdf")


def scoring_table(staff, year=None):
    """Work (timeliness 10, inspections 5) and a judged movement criterion (5): 20 points."""
    t = staff.tree
    table = ScoringTable.objects.create(organiser=t.province, year=year or timezone.localdate().year,
                                        level=t.muong_ang.level, name="Bảng chấm điểm thi đua khối huyện")
    work = CriterionGroup.objects.create(table=table, code="I", name="Thực hiện nhiệm vụ", position=0)
    movement = CriterionGroup.objects.create(table=table, code="II", name="Phong trào", position=1)
    Criterion.objects.create(group=work, code="1", name="Báo cáo đúng hạn", max_points=Decimal(10),
                             source=Source.TIMELINESS, position=0)
    Criterion.objects.create(group=work, code="2", name="Kết quả kiểm tra", max_points=Decimal(5),
                             source=Source.INSPECTIONS, position=1)
    Criterion.objects.create(group=movement, code="1", name="Tháng Thanh niên", max_points=Decimal(5),
                             source=Source.JUDGED, position=0)
    return table


def clusters(staff, table):
    """Cụm 1: Mường Ảng (head), Tuần Giáo and one more; Cụm 2: two other districts."""
    t = staff.tree
    others = [d for d in t.districts if d.pk not in (t.muong_ang.pk, t.tuan_giao.pk)]
    first = Cluster.objects.create(organiser=t.province, year=table.year, name="Cụm 1", head=t.muong_ang)
    second = Cluster.objects.create(organiser=t.province, year=table.year, name="Cụm 2", head=others[1])
    for cluster, units in ((first, [t.muong_ang, t.tuan_giao, others[0]]), (second, others[1:3])):
        for unit in units:
            ClusterMember.objects.create(cluster=cluster, unit=unit)
    return first, second


def opened(staff, year=None):
    table = scoring_table(staff, year)
    clusters(staff, table)
    now = timezone.now()
    return services.emulation_open(table=table, by=staff.province_officer, subject="Thi đua năm",
                                   self_assessment_due=now + datetime.timedelta(days=10),
                                   verification_due=now + datetime.timedelta(days=20))


def judged(sheet):
    return sheet.scores.get(criterion__source=Source.JUDGED)
