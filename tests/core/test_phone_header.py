"""The header on a 390 px phone (issue 11, defect 10): it took 175 of 844 px and cut names
("Nguyễn Văn Hù…"). Now one row with a Menu button at ≤ 480 px, the person's full name in the
opened menu; no script. The API link left the main menu for the footer.

Screenshots (desktop; phone with the menu closed and open) go to $UI_SCREENSHOT_DIR or /tmp/shots/.
"""

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse

from notifications.services import Recipient, notify
from tests.browser import page  # noqa: F401  (fixture)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SHOTS = Path(os.environ.get("UI_SCREENSHOT_DIR", "/tmp/shots"))
PASSWORD = "mat-khau-thu-nghiem"
SECTIONS = ["workflows:inbox", "plans:list", "inspections:programmes", "dashboards:overview", "emulation:list"]


# --- markup (no browser) -----------------------------------------------------------------------

@pytest.mark.django_db
def test_the_api_link_is_in_the_footer_for_everyone_signed_in_not_in_the_main_menu(client, people):
    for person in (people.province_officer, people.muong_ang_officer, people.inspector, people.province_leader):
        client.force_login(person)
        body = client.get(reverse("home")).content.decode()
        nav = body[body.index('<nav class="mainnav"'):body.index("</nav>")]
        footer = body[body.index('<footer class="footer">'):]
        assert reverse("api-docs") not in nav, person
        assert f'href="{reverse("api-docs")}"' in footer, person


@pytest.mark.django_db
def test_the_header_needs_no_inline_script_or_style(client, people):
    client.force_login(people.province_officer)
    body = client.get(reverse("home")).content.decode()
    header = body[body.index('<header class="topbar">'):body.index("</header>")]
    assert not re.search(r"\son[a-z]+=", header) and "style=" not in header and "<script" not in header
    assert '<details class="menu">' in header and '<summary class="menu-button">' in header
    # The language is changed by a button, not a select that submits itself.
    assert 'name="language" value="en"' in header


# --- real Chromium -----------------------------------------------------------------------------

@pytest.fixture
def _stylesheet_served(settings):
    # The live server serves STATIC_ROOT, which only collectstatic fills: serve the sources.
    settings.STATIC_ROOT = settings.BASE_DIR / "static"


def log_in(page, live_server, user, viewport):  # noqa: F811
    user.set_password(PASSWORD)
    user.save()
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")


def shot(page, name):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"header-{name}.png"))


def with_unread(user, count=51):
    for i in range(count):
        notify(recipients=[Recipient(user.pk)], kind="task", title=f"Báo cáo số {i} cần duyệt", url="/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_390px_phone_the_header_is_one_short_row_and_the_menu_holds_the_rest(
        live_server, people, page, _stylesheet_served):  # noqa: F811
    officer = people.province_officer  # Nguyễn Văn Hùng, whose name the old header cut
    with_unread(officer)
    log_in(page, live_server, officer, PHONE)

    header = page.locator("header.topbar")
    assert header.bounding_box()["height"] <= 64
    assert page.locator(".menu-button").is_visible()
    assert page.locator(".bell").is_visible() and "(51)" in page.locator(".bell").inner_text()
    links = page.locator(".mainnav a")
    assert links.count() == 1 + len(SECTIONS)
    assert not any(links.nth(i).is_visible() for i in range(links.count()))
    assert not page.locator(".username").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "phone-closed")

    page.locator(".menu-button").click()

    for name in SECTIONS:
        assert page.locator(f'.mainnav a[href="{reverse(name)}"]').is_visible(), name
    name = page.locator(".username")
    assert name.is_visible() and name.inner_text() == "Nguyễn Văn Hùng"
    assert name.evaluate("el => el.scrollWidth <= el.clientWidth")  # not cut with an ellipsis
    assert page.get_by_role("button", name="Đăng xuất").is_visible()
    assert page.get_by_role("button", name="English").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "phone-open")

    page.locator(f'.mainnav a[href="{reverse("plans:list")}"]').click()
    page.wait_for_url(f"{live_server.url}{reverse('plans:list')}")
    assert header.bounding_box()["height"] <= 64  # a new page opens with the menu closed
    page.locator(".menu-button").click()
    assert page.locator(f'.mainnav a[href="{reverse("plans:list")}"][aria-current="page"]').is_visible()
    page.locator(".menu-button").click()
    assert not page.locator(".mainnav a").first.is_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_desktop_the_menu_stands_in_the_header_row(live_server, people, page, _stylesheet_served):  # noqa: F811
    with_unread(people.province_officer, 3)
    log_in(page, live_server, people.province_officer, DESKTOP)

    assert not page.locator(".menu-button").is_visible()
    for name in SECTIONS:
        assert page.locator(f'.mainnav a[href="{reverse(name)}"]').is_visible(), name
    assert page.locator(".username").inner_text() == "Nguyễn Văn Hùng"
    shot(page, "desktop")
    assert page.locator("header.topbar").bounding_box()["height"] <= 64
    assert page.locator(f'footer a[href="{reverse("api-docs")}"]').is_visible()

    page.goto(f"{live_server.url}/khong-co-trang-nay/")
    assert page.locator("h1").inner_text() == "Không tìm thấy trang"
    assert page.locator(".mainnav").is_visible()
    shot(page, "desktop-404")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_phone_gets_the_404_in_the_same_header(live_server, people, page, _stylesheet_served):  # noqa: F811
    log_in(page, live_server, people.muong_ang_officer, PHONE)
    page.goto(f"{live_server.url}/khong-co-trang-nay/")
    assert page.locator("h1").inner_text() == "Không tìm thấy trang"
    assert page.locator("header.topbar").bounding_box()["height"] <= 64
    page.locator(".menu-button").click()
    assert page.locator(f'.mainnav a[href="{reverse("workflows:inbox")}"]').is_visible()
    shot(page, "phone-404-open")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_login_page_on_a_phone_keeps_one_row(live_server, page, _stylesheet_served):  # noqa: F811
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/dang-nhap/")
    assert page.locator("header.topbar").bounding_box()["height"] <= 64
    assert page.get_by_role("button", name="English").is_visible()
    shot(page, "phone-login")
