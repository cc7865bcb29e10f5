import pytest

from tests.browser import page  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_district_officer_logs_in_and_sees_the_vietnamese_home(live_server, people, page, tmp_path):  # noqa: F811
    people.muong_ang_officer.set_password("mat-khau-thu-nghiem")
    people.muong_ang_officer.save()

    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Đăng nhập"
    page.get_by_label("Tên đăng nhập").fill("hdma.canbo")
    page.get_by_label("Mật khẩu").fill("mat-khau-thu-nghiem")
    page.get_by_role("button", name="Đăng nhập").click()

    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Xin chào, Cán bộ Mường Ảng"
    assert page.get_by_text("Đơn vị và chức vụ của bạn").is_visible()
    row = page.locator("tbody tr").first
    assert "Huyện đoàn Mường Ảng" in row.inner_text() and "Cán bộ" in row.inner_text()
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)


def test_a_wrong_password_keeps_the_officer_on_the_login_page(live_server, people, page):  # noqa: F811
    page.goto(f"{live_server.url}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("hdma.canbo")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_role("alert").inner_text().startswith("Sai tên đăng nhập hoặc mật khẩu")
