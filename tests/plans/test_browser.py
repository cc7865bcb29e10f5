"""The plan screens in real Chromium at phone width: a district officer receives and reports,
the province follows the progress matrix. Screenshots of the key steps go to /tmp/ui-*.png."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from plans import services
from plans.models import Assignment, AssignmentState
from tests.browser import page  # noqa: F401  (fixture)
from tests.plans.helpers import issued_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SHOTS = Path(os.environ.get("UI_SCREENSHOT_DIR", "/tmp"))
PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture(autouse=True)
def _stylesheet_served(settings):
    # The live server serves STATIC_ROOT, which only collectstatic fills; the screenshots must show
    # the real stylesheet, so serve the sources.
    settings.STATIC_ROOT = settings.BASE_DIR / "static"


def shot(page, name):  # noqa: F811
    page.screenshot(path=str(SHOTS / f"ui-{name}.png"), full_page=True)


def log_in(page, live_server, user):  # noqa: F811
    user.set_password(PASSWORD)
    user.save()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")


def go_to(page, href):  # noqa: F811
    """A section of the main menu, which a phone keeps behind the Menu button."""
    page.locator(".menu-button").click()
    page.locator(f'.mainnav a[href="{href}"]').click()


def no_horizontal_scroll(page):  # noqa: F811
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_district_officer_confirms_receipt_and_reports_from_the_inbox(live_server, people, page, tmp_path):  # noqa: F811
    plan = issued_plan(people, body="Mỗi cơ sở đoàn tổ chức ít nhất một công trình thanh niên.")
    mine = Assignment.objects.get(plan=plan, unit=people.tree.muong_ang)
    log_in(page, live_server, people.muong_ang_officer)

    go_to(page, "/ke-hoach/viec-can-xu-ly/")
    task = page.locator('li.task[data-task="receive"]')
    assert task.count() == 1
    assert plan.subject in task.inner_text()
    assert no_horizontal_scroll(page)
    shot(page, "1-inbox")

    task.get_by_role("link", name=plan.subject).click()
    page.wait_for_url(f"{live_server.url}/ke-hoach/giao-viec/{mine.pk}/")
    assert "Huyện đoàn Mường Ảng" in page.locator(".five").inner_text()
    assert page.locator('h1 + .meta [data-state]').get_attribute("data-state") == "sent"
    assert no_horizontal_scroll(page)
    shot(page, "2-assignment-sent")

    page.locator('form[data-action="receive"] button').click()
    page.wait_for_selector('h1 + .meta [data-state="received"]')
    assert page.locator(".messages .msg-success").is_visible()
    shot(page, "3-assignment-received")

    proof = tmp_path / "bien-ban.pdf"
    proof.write_bytes(b"%PDF-1.4\n% bien ban\n")
    page.locator("#id_text").fill("Đã tổ chức 12 công trình thanh niên, 350 đoàn viên tham gia.")
    page.locator("#id_attachments").set_input_files(str(proof))
    shot(page, "4-report-form")
    page.locator("#bao-cao button[type=submit]").click()
    page.wait_for_selector('h1 + .meta [data-state="reported"]')
    latest = page.locator('li.version[data-version="1"]')
    assert "350 đoàn viên" in latest.inner_text() and "bien-ban.pdf" in latest.inner_text()
    assert no_horizontal_scroll(page)
    shot(page, "5-reported")
    assert Assignment.objects.get(pk=mine.pk).state == AssignmentState.REPORTED

    go_to(page, "/ke-hoach/viec-can-xu-ly/")
    assert page.locator(f'li.task[data-plan="{plan.pk}"]').count() == 0


def test_the_province_follows_progress_and_accepts_a_report(live_server, people, page):  # noqa: F811
    t = people.tree
    plan = issued_plan(people, receipt_due=timezone.now() + datetime.timedelta(days=10))
    mine = Assignment.objects.get(plan=plan, unit=t.muong_ang)
    services.assignment_receive(assignment=mine, by=people.muong_ang_officer)
    services.assignment_report(assignment=mine, by=people.muong_ang_officer, text="Đã xong 12 công trình")
    Assignment.objects.filter(plan=plan, unit=t.tuan_giao).update(
        report_due=timezone.now() - datetime.timedelta(days=1)
    )
    log_in(page, live_server, people.province_officer)

    go_to(page, "/ke-hoach/")
    page.locator("#id_q").fill("thang thanh nien")
    page.locator(".searchrow button").click()
    assert page.locator("li.item").count() == 1
    assert no_horizontal_scroll(page)
    shot(page, "6-plan-list")

    page.get_by_role("link", name=plan.subject).click()
    assert page.locator('tr[data-unit="HDTG"]').get_attribute("class") == "row-overdue"
    assert page.locator('tr[data-unit="HDMA"] [data-state]').get_attribute("data-state") == "reported"
    assert no_horizontal_scroll(page)
    shot(page, "7-plan-progress")

    page.locator('tr[data-unit="HDMA"] a').click()
    page.locator('form[data-action="accept"] textarea').fill("Báo cáo đầy đủ.")
    page.locator('form[data-action="accept"] button').click()
    page.wait_for_selector('h1 + .meta [data-state="accepted"]')
    shot(page, "8-report-accepted")

    page.goto(f"{live_server.url}/ke-hoach/tao-moi/")
    assert page.locator('input[name="recipients"]').count() == 16
    page.locator("#id_all_recipients").check()
    assert page.locator('input[name="recipients"]:checked').count() == 16
    assert no_horizontal_scroll(page)
    shot(page, "9-plan-form")
