"""One world for the whole security package, built once per module: the named people of
tests/conftest.py and an object of every kind the routes take, in the units whose relation to
each person the authorization matrix is about.

Built inside a module-wide transaction that is rolled back at the end, so nothing leaks into
other modules; each test still runs in its own savepoint (the `db` fixture), so an allowed POST
that changes something is undone before the next case.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from accounts.loading import read_units_csv, units_load
from accounts.models import Department, Position, Role, Unit, UnitLevel
from accounts.services import position_create
from tests.factories import UnitFactory, UserFactory

#: role key → (username, full name, unit key, role, department key), as in tests/conftest.py `people`.
PEOPLE = {
    "province_leader": ("lanhdao", "Lò Văn Thắng", "province", Role.SECRETARY, None),
    "province_officer": ("chuyenvien", "Nguyễn Văn Hùng", "province", Role.OFFICER, "xdd"),
    "department_head": ("truongban", "Quàng Thị Mai", "province", Role.DEPARTMENT_HEAD, "xdd"),
    "clerk": ("vanthu", "Lường Thị Hoa", "province", Role.CLERK, "vp"),
    "inspector": ("ubkt.uyvien1", "Cà Thị Lan", "province", Role.INSPECTION_MEMBER, "ubkt"),
    "inspector2": ("ubkt.uyvien2", "Vì Văn Sơn", "province", Role.INSPECTION_MEMBER, "ubkt"),
    "inspection_chair": ("ubkt.chunhiem", "Tòng Văn Minh", "province", Role.INSPECTION_CHAIR, "ubkt"),
    "muong_ang_officer": ("hdma.canbo", "Cán bộ Mường Ảng", "muong_ang", Role.OFFICER, None),
    "muong_ang_secretary": ("hdma.bithu", "Bí thư Mường Ảng", "muong_ang", Role.SECRETARY, None),
    "tuan_giao_officer": ("hdtg.canbo", "Cán bộ Tuần Giáo", "tuan_giao", Role.OFFICER, None),
}


def _tree():
    units_load(read_units_csv(settings.DEMO_DATA_DIR / "units_dien_bien.csv"))
    Unit.objects.filter(code="TDDB").update(document_code="TĐTN")  # as seed_demo sets it
    muong_ang = Unit.objects.get(code="HDMA")
    # The demo file stops at districts; one commune under Mường Ảng gives its officers a child unit.
    grassroots, _created = UnitLevel.objects.get_or_create(code="grassroots", defaults={"name": "Cơ sở", "rank": 3})
    commune = UnitFactory(parent=muong_ang, code="HDMA-XBL", name="Đoàn xã Búng Lao", level=grassroots)
    return SimpleNamespace(
        province=Unit.objects.get(code="TDDB"), muong_ang=Unit.objects.get(pk=muong_ang.pk),
        tuan_giao=Unit.objects.get(code="HDTG"), commune=commune,
        xdd=Department.objects.get(code="TDDB-XDD"), ubkt=Department.objects.get(code="TDDB-UBKT"),
        vp=Department.objects.get(code="TDDB-VP"),
        districts=list(Unit.objects.filter(level__code="district").order_by("path")),
    )


def _people(tree):
    people = {}
    for key, (username, full_name, unit, role, department) in PEOPLE.items():
        user = UserFactory(username=username, full_name=full_name)
        position_create(user=user, unit=getattr(tree, unit), role=role,
                        department=getattr(tree, department) if department else None)
        people[key] = user
    Position.objects.update(valid_from=datetime.date(2020, 1, 1))
    return SimpleNamespace(tree=tree, **people)


def _pdf(name="bao-cao.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% test\n", content_type="application/pdf")


def build_world():
    """Every object a route of the project takes, from the services, as the people would make them."""
    from core.attachments import attachments_add
    from inspections.models import Remediation
    from notifications.models import Notification
    from plans import services as plan_services
    from plans.indicators import services as indicator_services
    from plans.models import Report
    from tests.inspections.helpers import conclude, decided_inspection, target_of
    from tests.plans.helpers import assignment_of, issued_plan
    from tests.plans.indicators.helpers import add_indicator

    tree = _tree()
    p = _people(tree)
    # The province's plan, issued to Mường Ảng and Tuần Giáo; Mường Ảng received it and reported.
    plan = issued_plan(p, recipients=[tree.muong_ang, tree.tuan_giao])
    indicator = add_indicator(plan, "4c", target=1000, unit_of_measure="đơn vị máu")
    assignment = assignment_of(plan, tree.muong_ang)
    plan_services.assignment_receive(assignment=assignment, by=p.muong_ang_officer)
    indicator_services.indicator_values_set(assignment=assignment, by=p.muong_ang_officer,
                                            entries={"4c": {"value": "1200"}})
    plan_services.assignment_report(assignment=assignment, by=p.muong_ang_officer,
                                    text="Đã tổ chức 12 đợt hiến máu.", files=[_pdf()])
    report = Report.objects.filter(assignment=assignment).latest("pk")
    attachment = attachments_add(owner=report, files=[_pdf("minh-chung.pdf")], by=p.muong_ang_officer)[0]
    # Mường Ảng's own plan to its commune, still a draft: a child of the province, a sibling of Tuần Giáo.
    district_plan = plan_services.plan_create(
        by=p.muong_ang_officer, issuing_unit=tree.muong_ang, recipients=[tree.commune],
        subject="Kế hoạch hiến máu tình nguyện của Huyện đoàn Mường Ảng",
        report_due=timezone.now() + datetime.timedelta(days=20))
    # The committee inspects Mường Ảng and Tuần Giáo; Mường Ảng's conclusion is issued.
    inspection = decided_inspection(p, targets=[tree.muong_ang, tree.tuan_giao])
    target = target_of(inspection, tree.muong_ang)
    conclusion = conclude(p, target)
    target.refresh_from_db()
    finding = target.findings.first()
    remediation = Remediation.objects.filter(target=target).order_by("pk").first()
    tuan_giao_target = target_of(inspection, tree.tuan_giao)
    from accounts.api_tokens import api_token_create

    emulation, open_table = _emulation(p)
    token, _key = api_token_create(user=p.muong_ang_officer)
    notification = Notification.objects.filter(recipient=p.muong_ang_officer).order_by("pk").first()
    return SimpleNamespace(
        people=p, tree=tree, plan=plan, indicator=indicator, assignment=assignment, report=report,
        attachment=attachment, district_plan=district_plan, programme=inspection.programme,
        inspection=inspection, target=target, finding=finding, conclusion=conclusion, remediation=remediation,
        tuan_giao_target=tuan_giao_target, token=token, notification=notification,
        emulation=emulation, sheet=emulation.sheets.get(unit=tree.muong_ang), open_table=open_table,
    )


def _emulation(p):
    """The province's emulation of the year, opened: one cluster headed by Mường Ảng with one other
    district (Tuần Giáo is in none); and next year's table, not opened yet."""
    from emulation import services as emulation_services
    from emulation.models import Cluster, ClusterMember, Criterion, CriterionGroup, ScoringTable, Source

    tree, now = p.tree, timezone.now()
    year = timezone.localdate().year
    table = ScoringTable.objects.create(organiser=tree.province, year=year, level=tree.muong_ang.level,
                                        name="Bảng chấm điểm thi đua khối huyện")
    group = CriterionGroup.objects.create(table=table, code="I", name="Thực hiện nhiệm vụ")
    Criterion.objects.create(group=group, code="1", name="Báo cáo đúng hạn", max_points=10, source=Source.TIMELINESS)
    Criterion.objects.create(group=group, code="2", name="Tháng Thanh niên", max_points=5, source=Source.JUDGED)
    other = next(d for d in tree.districts if d.pk not in (tree.muong_ang.pk, tree.tuan_giao.pk))
    cluster = Cluster.objects.create(organiser=tree.province, year=year, name="Cụm 1", head=tree.muong_ang)
    for unit in (tree.muong_ang, other):
        ClusterMember.objects.create(cluster=cluster, unit=unit)
    emulation = emulation_services.emulation_open(
        table=table, by=p.province_officer, subject="Thi đua năm",
        self_assessment_due=now + datetime.timedelta(days=10), verification_due=now + datetime.timedelta(days=20))
    open_table = ScoringTable.objects.create(organiser=tree.province, year=year + 1, level=tree.muong_ang.level,
                                             name="Bảng chấm điểm năm sau")
    return emulation, open_table


def _converting_once():
    """core.pdf.docx_to_pdf remembering what it made, by the document's content: the matrix asks
    every role for the same few PDFs, and one LibreOffice run per document (not per role) says
    the same about who may have it. The zip's timestamps (docProps/core.xml, member dates) differ
    between two compositions of one document, so the key is the other members' bytes."""
    import hashlib
    import io
    import zipfile

    from core.pdf import docx_to_pdf

    made = {}

    def convert(content: bytes) -> bytes:
        with zipfile.ZipFile(io.BytesIO(content)) as docx:
            digest = hashlib.sha256()
            for name in sorted(docx.namelist()):
                if name != "docProps/core.xml":
                    digest.update(name.encode() + docx.read(name))
        key = digest.hexdigest()
        if key not in made:
            made[key] = docx_to_pdf(content)
        return made[key]

    return convert


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with pytest.MonkeyPatch.context() as patch:
        convert = _converting_once()
        for module in ("plans.documents", "plans.signatures", "inspections.documents"):
            patch.setattr(f"{module}.docx_to_pdf", convert)
        yield from _world(django_db_blocker, media)


def _world(django_db_blocker, media):
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        built = build_world()
        built.media = media
        yield built
        # Undo the world: the next module, and the rest of the suite, start from an empty database.
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _media_in_tmp(request, settings):
    """The files of the module's world stay readable: one MEDIA_ROOT for the module, not one per test."""
    if "world" in request.fixturenames:
        settings.MEDIA_ROOT = request.getfixturevalue("world").media
