"""Two-factor in real Chromium: the inspection committee chair, who must use it, logs in for the
first time, enrols an authenticator app from the page (the typed key), keeps the recovery codes
and reaches the inbox; next time the code is asked and a recovery code also works."""

import base64

import pytest
from django_otp.oath import TOTP

from tests.browser import page  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem"  # tests/factories.UserFactory
INBOX = "/ke-hoach/viec-can-xu-ly/"


@pytest.fixture(autouse=True)
def _required(settings):
    settings.TWO_FACTOR_REQUIRED = True
    settings.STATIC_ROOT = settings.BASE_DIR / "static"  # the live server serves the sources


def log_in_with_password(page, live_server, username):  # noqa: F811
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_the_chair_enrols_in_the_browser_and_reaches_the_inbox(live_server, people, page, tmp_path):  # noqa: F811
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
            else None)

    page.goto(f"{live_server.url}{INBOX}")
    page.wait_for_url("**/dang-nhap/**")
    log_in_with_password(page, live_server, "ubkt.chunhiem")

    page.wait_for_url("**/dang-nhap/cai-dat-xac-thuc/**")
    assert page.locator("h1").inner_text() == "Cài đặt xác thực hai bước"
    assert page.locator("svg.qr").is_visible()
    page.screenshot(path=str(tmp_path / "enrol.png"), full_page=True)

    secret = page.locator("[data-secret]").inner_text().replace(" ", "")
    app = TOTP(base64.b32decode(secret))
    page.get_by_label("Mã").fill(f"{app.token():06d}")
    page.locator("button.primary").click()
    assert page.locator("h1").inner_text() == "Mã dự phòng của bạn"
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10

    page.locator("a.btn.primary").click()
    page.wait_for_url(f"{live_server.url}{INBOX}")
    assert page.locator("h1").inner_text() == "Việc cần xử lý"

    # Next login: the code step, where a recovery code stands in for the phone.
    page.locator(".menu-button").click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.goto(f"{live_server.url}/dang-nhap/")
    log_in_with_password(page, live_server, "ubkt.chunhiem")
    page.wait_for_url("**/dang-nhap/xac-thuc/**")
    assert page.locator("h1").inner_text() == "Xác thực hai bước"
    page.get_by_label("Mã").fill(codes[0])
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text().startswith("Xin chào")
    assert refused == []
