"""The Vietnamese shell: login, home with the user's units and roles, English on request."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_is_in_vietnamese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="vi">' in body
    assert "Đăng nhập" in body
    assert "Tên đăng nhập" in body and "Mật khẩu" in body


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_wrong_password_is_told_in_vietnamese(client, people):
    response = client.post(reverse("login"), {"username": "hdma.canbo", "password": "sai"})
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.content.decode()


def test_home_lists_the_users_units_and_roles(client, people):
    client.force_login(people.inspector)
    body = client.get(reverse("home")).content.decode()
    assert "Tỉnh đoàn Điện Biên" in body
    assert "Ủy viên Ủy ban Kiểm tra" in body
    assert "Ủy ban Kiểm tra Tỉnh đoàn" in body
    assert "Huyện đoàn Mường Ảng" not in body


def test_dates_are_day_first_with_slashes(client, people):
    client.force_login(people.muong_ang_officer)
    position = people.muong_ang_officer.positions.get()
    body = client.get(reverse("home")).content.decode()
    assert position.valid_from.strftime("%d/%m/%Y") in body


def test_numbers_use_vietnamese_separators():
    from django.utils import formats, translation

    with translation.override("vi"):
        assert formats.number_format(4112, use_l10n=True, force_grouping=True) == "4.112"
        assert formats.number_format(51.83, decimal_pos=2, use_l10n=True) == "51,83"


def test_english_is_selectable(client, people):
    client.force_login(people.muong_ang_officer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in body
    assert "Your units and roles" in body


def test_logout_is_a_post(client, people):
    client.force_login(people.muong_ang_officer)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_admin_speaks_vietnamese(admin_client):
    body = admin_client.get(reverse("admin:index")).content.decode()
    assert "Đơn vị" in body and "Chức vụ" in body


def test_an_english_browser_still_gets_vietnamese_by_default(client):
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in body and "Đăng nhập" in body


def test_an_unknown_language_cookie_falls_back_to_vietnamese(client):
    client.cookies["django_language"] = "xx"
    assert '<html lang="vi">' in client.get(reverse("login")).content.decode()


def test_plan_state_is_read_only_in_the_admin(admin_client, people):
    from tests.plans.helpers import issued_plan

    plan = issued_plan(people)
    body = admin_client.get(reverse("admin:plans_plan_change", args=[plan.pk])).content.decode()
    assert 'name="state"' not in body
    assert plan.subject in body
