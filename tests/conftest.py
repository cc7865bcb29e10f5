"""Named people of the demo province, as STYLE.md §7 asks: tests read like the organisation."""

import datetime
from types import SimpleNamespace

import pytest
from django.conf import settings

from accounts.loading import read_units_csv, units_load
from accounts.models import Department, Position, Role, Unit
from accounts.services import position_create
from tests.factories import UserFactory


@pytest.fixture
def province_tree(db):
    """Tỉnh đoàn Điện Biên, its departments and 16 district-level units, from the real file."""
    units_load(read_units_csv(settings.DEMO_DATA_DIR / "units_dien_bien.csv"))
    Unit.objects.filter(code="TDDB").update(document_code="TĐTN")  # as seed_demo sets it
    return SimpleNamespace(
        province=Unit.objects.get(code="TDDB"),
        muong_ang=Unit.objects.get(code="HDMA"),
        tuan_giao=Unit.objects.get(code="HDTG"),
        xdd=Department.objects.get(code="TDDB-XDD"),
        ubkt=Department.objects.get(code="TDDB-UBKT"),
        vp=Department.objects.get(code="TDDB-VP"),
        districts=list(Unit.objects.filter(level__code="district").order_by("path")),
    )


@pytest.fixture
def people(province_tree):
    """The province leader, Mường Ảng's officer, Tuần Giáo's officer (the outsider), an inspector."""
    t = province_tree

    def person(username, full_name, unit, role, department=None):
        user = UserFactory(username=username, full_name=full_name)
        position_create(user=user, unit=unit, role=role, department=department)
        return user

    return SimpleNamespace(
        tree=t,
        province_leader=person("lanhdao", "Lò Văn Thắng", t.province, Role.SECRETARY),
        muong_ang_officer=person("hdma.canbo", "Cán bộ Mường Ảng", t.muong_ang, Role.OFFICER),
        muong_ang_secretary=person("hdma.bithu", "Bí thư Mường Ảng", t.muong_ang, Role.SECRETARY),
        tuan_giao_officer=person("hdtg.canbo", "Cán bộ Tuần Giáo", t.tuan_giao, Role.OFFICER),
        inspector=person("ubkt.uyvien1", "Cà Thị Lan", t.province, Role.INSPECTION_MEMBER, t.ubkt),
        inspector2=person("ubkt.uyvien2", "Vì Văn Sơn", t.province, Role.INSPECTION_MEMBER, t.ubkt),
        inspection_chair=person("ubkt.chunhiem", "Tòng Văn Minh", t.province, Role.INSPECTION_CHAIR, t.ubkt),
        province_officer=person("chuyenvien", "Nguyễn Văn Hùng", t.province, Role.OFFICER, t.xdd),
        department_head=person("truongban", "Quàng Thị Mai", t.province, Role.DEPARTMENT_HEAD, t.xdd),
        clerk=person("vanthu", "Lường Thị Hoa", t.province, Role.CLERK, t.vp),
    )


@pytest.fixture
def staff(people):
    """The named people, holding their positions since 2020 so that 2025 is inside them."""
    Position.objects.update(valid_from=datetime.date(2020, 1, 1))
    return people


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def as_(people):
    """An API client signed in as one of the named people: `as_(people.clerk).post(...)`."""

    def client_for(user):
        from rest_framework.test import APIClient

        client = APIClient()
        client.force_authenticate(user)
        return client

    return client_for


@pytest.fixture(autouse=True)
def _session_written_each_request(settings):
    """Tests see the session written on every request, so a page's query count does not depend
    on how soon it follows the login; test_sessions checks the once-a-minute write itself."""
    settings.SESSION_TOUCH_EVERY = datetime.timedelta(0)


@pytest.fixture(autouse=True)
def _inbox_summary_not_kept(settings):
    """Tests see the inbox summarised afresh on every request, so a due moment a test moves shows
    at once; tests/workflows/test_inbox_kept.py checks the keeping itself."""
    settings.INBOX_SUMMARY_SECONDS = 0
