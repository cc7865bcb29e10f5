"""V7 in real Chromium: the pages run under the Content-Security-Policy without a violation, and
the behaviour moved out of onchange= attributes into static/js/forms.js still works."""

import datetime
from pathlib import Path

import drf_spectacular_sidecar
import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from inspections.services.decisions import programme_create
from plans import services
from tests.browser import page  # noqa: F401  (fixture)
from tests.plans.helpers import assignment_of, issued_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(page, live_server, user):  # noqa: F811
    """The browser carries a session made by Django's test client: no dependence on the login form."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])


def refusals(page):  # noqa: F811
    """Chromium's console lines for everything the policy blocked, as they happen."""
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Refused to" in message.text else None)
    return refused


def test_the_plan_form_runs_under_the_policy_and_ticks_all_recipients(live_server, staff, page, settings):  # noqa: F811
    settings.STATIC_ROOT = settings.BASE_DIR / "static"  # the live server serves the real files
    refused = refusals(page)
    signed_in(page, live_server, staff.province_officer)
    page.goto(f"{live_server.url}/ke-hoach/tao-moi/")
    boxes = page.locator('input[name="recipients"]')
    assert boxes.count() == 16

    page.locator("#id_all_recipients").check()
    assert page.locator('input[name="recipients"]:checked').count() == 16
    boxes.nth(3).uncheck()  # one taken out by hand: "all" is no longer true
    assert not page.locator("#id_all_recipients").is_checked()
    assert page.locator('input[name="recipients"]:checked').count() == 15
    page.locator("#id_all_recipients").check()
    page.locator("#id_all_recipients").uncheck()
    assert page.locator('input[name="recipients"]:checked').count() == 0
    assert refused == []


def test_the_dashboards_draw_their_bars_without_inline_style(live_server, staff, page, settings):  # noqa: F811
    settings.STATIC_ROOT = settings.BASE_DIR / "static"
    plan = issued_plan(staff, report_due=timezone.now() + datetime.timedelta(days=20))
    assignment = assignment_of(plan, staff.tree.muong_ang)
    services.assignment_receive(assignment=assignment, by=staff.muong_ang_officer)
    services.assignment_report(assignment=assignment, by=staff.muong_ang_officer, text="Đã thực hiện.")
    refused = refusals(page)
    signed_in(page, live_server, staff.province_officer)
    year = timezone.localdate().year
    page.goto(f"{live_server.url}/tong-hop/dung-han/?date_from=01/01/{year - 1}&date_to=31/12/{year + 1}")

    segment = page.locator('li[data-unit="HDMA"] svg.seg-awaiting_review')
    track = page.locator('li[data-unit="HDMA"] .bar-track')
    assert segment.count() == 1
    # The whole track: the width attribute takes effect where a style= would have been refused.
    assert abs(segment.bounding_box()["width"] - track.bounding_box()["width"]) < 1
    assert refused == []


def test_the_year_filter_sends_itself_under_the_policy(live_server, staff, page, settings):  # noqa: F811
    settings.STATIC_ROOT = settings.BASE_DIR / "static"
    for year in (2025, 2026):
        programme_create(by=staff.inspector, issuing_unit=staff.tree.province, year=year,
                         title=f"Chương trình kiểm tra năm {year}", department=staff.tree.ubkt)
    refused = refusals(page)
    signed_in(page, live_server, staff.inspector)
    page.goto(f"{live_server.url}/kiem-tra/")
    assert page.locator("li[data-programme]").count() == 2

    with page.expect_navigation():
        page.locator("#id_year_filter").select_option("2025")
    assert page.url.endswith("?year=2025")
    assert page.locator("li[data-programme]").count() == 1
    assert refused == []


def test_the_swagger_page_renders_under_its_own_policy(live_server, people, page, settings, tmp_path):  # noqa: F811
    # The live server serves STATIC_ROOT; the sidecar's Swagger files live in its package.
    sidecar = Path(drf_spectacular_sidecar.__file__).parent / "static" / "drf_spectacular_sidecar"
    (tmp_path / "drf_spectacular_sidecar").symlink_to(sidecar)
    settings.STATIC_ROOT = tmp_path
    refused = refusals(page)
    signed_in(page, live_server, people.muong_ang_officer)
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector("#swagger-ui .opblock", timeout=20000)
    assert page.locator("#swagger-ui .opblock").count() > 10
    assert refused == []
