"""Two-factor login (issue 12, Deliver 1): who must have it, enrolment with recovery codes, the
code step, the gate on pages and the session API, the admin reset, the demo devices.

config/settings/test.py turns the requirement off for the rest of the suite; here it is on."""

import datetime
import logging

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import Position, Role
from accounts.services import delegation_create, position_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-nghiem"  # tests/factories.UserFactory
INBOX = "/ke-hoach/viec-can-xu-ly/"


@pytest.fixture(autouse=True)
def _required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def code_of(device) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def verified(client, user):
    """A session that went through both steps (force_login, then the code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or enrolled(user)
    client.force_login(user)
    assert client.post(reverse("two-factor-verify"), {"code": code_of(device)}).status_code == 302
    return client


def password_step(client, username, next_url=None):
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(url, data)


def later(seconds=31):
    # Every TOTP code is good once (django-otp remembers the last time step used).
    return time_machine.travel(timezone.now() + datetime.timedelta(seconds=seconds), tick=False)


# --- the rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "required"), [
    (Role.SECRETARY, True),
    (Role.DEPUTY_SECRETARY, True),
    (Role.STANDING_MEMBER, True),
    (Role.CLERK, True),
    (Role.INSPECTION_CHAIR, True),
    (Role.DEPARTMENT_HEAD, False),
    (Role.OFFICER, False),
    (Role.INSPECTION_MEMBER, False),
])
def test_who_must_use_two_factor_by_role(province_tree, role, required):
    user = UserFactory()
    position_create(user=user, unit=province_tree.muong_ang, role=role)
    assert two_factor.two_factor_required(user) is required


def test_administrators_must_use_two_factor(db):
    assert two_factor.two_factor_required(UserFactory(is_staff=True))
    assert two_factor.two_factor_required(UserFactory(is_superuser=True))
    assert not two_factor.two_factor_required(UserFactory())


def test_an_ended_leader_position_no_longer_requires_it(people):
    Position.objects.filter(user=people.muong_ang_secretary).update(
        valid_from=datetime.date(2020, 1, 1), valid_to=timezone.localdate() - datetime.timedelta(days=1))
    assert not two_factor.two_factor_required(people.muong_ang_secretary)


def test_a_deputy_standing_in_for_a_leader_must_use_it(people):
    today = timezone.localdate()
    assert not two_factor.two_factor_required(people.department_head)
    delegation_create(principal=people.province_leader, deputy=people.department_head, starts_on=today,
                      ends_on=today, by=people.province_leader)
    assert two_factor.two_factor_required(people.department_head)


def test_the_switch_off_lets_required_users_in_with_a_password(client, people, settings):
    settings.TWO_FACTOR_REQUIRED = False
    response = password_step(client, "lanhdao")
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


# --- enrolment ---------------------------------------------------------------------------------------


def test_a_leader_without_an_app_is_walked_through_enrolment(client, people):
    response = password_step(client, "lanhdao", next_url=INBOX)
    assert response.status_code == 302 and response["Location"].startswith(reverse("two-factor-enrol"))

    # Nothing else opens meanwhile.
    assert client.get(INBOX)["Location"].startswith(reverse("two-factor-enrol"))
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "<svg" in body and 'class="qr"' in body and "<script" not in body and "style=" not in body
    device = TOTPDevice.objects.get(user=people.province_leader, confirmed=False)
    assert page.context["secret"].replace(" ", "") in body.replace(" ", "")
    assert "Cài đặt xác thực hai bước" in body

    wrong = client.post(response["Location"], {"code": "000000", "next": INBOX})
    assert wrong.status_code == 200 and "Mã không đúng" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    with later():  # django-otp makes the next try wait a second after a wrong code
        done = client.post(response["Location"], {"code": code_of(device), "next": INBOX})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in done.content.decode() for code in codes)
    assert "chỉ hiện một lần" in done.content.decode()
    assert set(StaticToken.objects.filter(device__user=people.province_leader).values_list("token", flat=True)) \
        == set(codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(INBOX).status_code == 200


def test_reloading_the_enrolment_page_keeps_the_same_secret(client, people):
    password_step(client, "lanhdao")
    first = client.get(reverse("two-factor-enrol")).context["secret"]
    assert client.get(reverse("two-factor-enrol")).context["secret"] == first
    assert TOTPDevice.objects.filter(user=people.province_leader).count() == 1


def test_the_enrolment_code_must_be_six_digits(client, people):
    password_step(client, "lanhdao")
    response = client.post(reverse("two-factor-enrol"), {"code": "abc"})
    assert "6 chữ số" in response.content.decode()
    response = client.post(reverse("two-factor-enrol"), {"code": ""})
    assert "Hãy nhập mã" in response.content.decode()


def test_someone_with_only_the_password_cannot_enrol_a_second_app(client, people):
    enrolled(people.province_leader)
    password_step(client, "lanhdao")
    response = client.get(reverse("two-factor-enrol"))
    assert response["Location"].startswith(reverse("two-factor-verify"))
    assert client.post(reverse("two-factor-enrol"), {"code": "123456"})["Location"].startswith(
        reverse("two-factor-verify"))
    assert TOTPDevice.objects.filter(user=people.province_leader).count() == 1


def test_an_officer_may_log_in_with_a_password_and_turn_two_factor_on_from_the_account_page(client, people):
    assert password_step(client, "hdma.canbo")["Location"] == reverse("home")
    home = client.get(reverse("home")).content.decode()
    assert reverse("two-factor-enrol") in home and "Tắt: chỉ cần mật khẩu" in home

    client.get(reverse("two-factor-enrol"))
    device = TOTPDevice.objects.get(user=people.muong_ang_officer)
    assert client.post(reverse("two-factor-enrol"), {"code": code_of(device)}).status_code == 200
    assert "Bật: khi đăng nhập" in client.get(reverse("home")).content.decode()

    # From now on the officer is asked for the code too.
    client.post(reverse("logout"))
    assert password_step(client, "hdma.canbo")["Location"].startswith(reverse("two-factor-verify"))
    assert client.get(reverse("home"))["Location"].startswith(reverse("two-factor-verify"))


# --- the code step ---------------------------------------------------------------------------------


def test_an_enrolled_leader_gives_the_code_and_goes_where_they_were_going(client, people):
    device = enrolled(people.province_leader)
    response = password_step(client, "lanhdao", next_url=INBOX)
    assert response["Location"].startswith(reverse("two-factor-verify"))
    assert client.get(INBOX)["Location"].startswith(reverse("two-factor-verify"))

    page = client.get(response["Location"])
    assert "Xác thực hai bước" in page.content.decode()
    done = client.post(response["Location"], {"code": code_of(device), "next": INBOX})
    assert done.status_code == 302 and done["Location"] == INBOX
    assert client.get(INBOX).status_code == 200


def test_a_wrong_code_is_refused_in_vietnamese(client, people):
    device = enrolled(people.province_leader)
    password_step(client, "lanhdao")
    right = code_of(device)
    wrong = f"{(int(right) + 1) % 1000000:06d}"
    response = client.post(reverse("two-factor-verify"), {"code": wrong})
    assert response.status_code == 200
    assert "Mã không đúng" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_a_code_from_an_outsiders_app_does_not_open_the_account(client, people):
    enrolled(people.province_leader)
    theirs = enrolled(people.tuan_giao_officer)
    password_step(client, "lanhdao")
    response = client.post(reverse("two-factor-verify"), {"code": code_of(theirs)})
    assert response.status_code == 200 and "Mã không đúng" in response.content.decode()


def test_a_code_is_good_once(client, people):
    device = enrolled(people.province_leader)
    code = code_of(device)
    password_step(client, "lanhdao")
    assert client.post(reverse("two-factor-verify"), {"code": code}).status_code == 302
    client.post(reverse("logout"))

    password_step(client, "lanhdao")
    assert client.post(reverse("two-factor-verify"), {"code": code}).status_code == 200


def test_a_recovery_code_works_once_only(client, people):
    enrolled(people.province_leader)
    [code, *_] = two_factor.recovery_codes_replace(user=people.province_leader)

    password_step(client, "lanhdao")
    # Typed in capitals with a space, as people copy it from paper.
    typed = f"{code[:4].upper()} {code[4:].upper()}"
    assert client.post(reverse("two-factor-verify"), {"code": typed})["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))

    password_step(client, "lanhdao")
    with later():
        response = client.post(reverse("two-factor-verify"), {"code": code})
    assert response.status_code == 200 and "Mã không đúng" in response.content.decode()
    assert StaticToken.objects.filter(device__user=people.province_leader).count() == 9


def test_wrong_codes_count_as_failed_logins_for_the_lockout(client, people):
    enrolled(people.province_leader)
    password_step(client, "lanhdao")
    statuses = []
    for n in range(5):
        with later(n * 40):  # past django-otp's growing wait, so axes is what stops it
            statuses.append(client.post(reverse("two-factor-verify"), {"code": f"{n:06d}"}).status_code)
    assert statuses[:4] == [200] * 4 and statuses[4] == 429
    # The half-done session is gone, and the password is refused for the cool-off.
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
    with later(300):
        assert password_step(client, "lanhdao").status_code == 429


def test_a_next_address_off_the_site_is_not_followed(client, people):
    device = enrolled(people.province_leader)
    password_step(client, "lanhdao")
    response = client.post(reverse("two-factor-verify"), {"code": code_of(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


# --- the gate on every page and on the session API ------------------------------------------------


def test_a_force_logged_in_leader_reaches_only_the_login_pages(client, people):
    client.force_login(people.province_leader)
    for url in (reverse("home"), INBOX, reverse("plans:list"), reverse("admin:index")):
        assert client.get(url)["Location"].startswith(reverse("two-factor-enrol")), url
    assert client.get(reverse("two-factor-enrol")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302


def test_the_session_api_refuses_an_unverified_leader_with_a_clear_message(client, people):
    device = enrolled(people.province_leader)
    password_step(client, "lanhdao")
    response = client.get(reverse("api-me"))
    assert response.status_code == 403
    assert "xác thực hai bước" in response.json()["detail"]

    client.post(reverse("two-factor-verify"), {"code": code_of(device)})
    assert client.get(reverse("api-me")).json()["username"] == "lanhdao"


def test_an_unverified_leader_cannot_mint_an_api_token_to_skip_the_code(client, people):
    from knox.models import AuthToken

    enrolled(people.province_leader)
    password_step(client, "lanhdao")
    response = client.post(reverse("api-tokens"))
    assert response.status_code == 403
    assert not AuthToken.objects.exists()


def test_a_session_from_before_two_factor_is_gated_too(client, people):
    client.force_login(people.province_leader)
    session = client.session
    del session[two_factor.GATE_SESSION_KEY]
    session.save()
    assert client.get(reverse("home"))["Location"].startswith(reverse("two-factor-enrol"))


def test_an_officer_without_an_app_meets_no_gate(client, people):
    client.force_login(people.muong_ang_officer)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("two-factor-verify"))["Location"] == reverse("home")


# --- the admin reset ---------------------------------------------------------------------------------


def reset_action(admin_client, *users):
    return admin_client.post(reverse("admin:accounts_user_changelist"), {
        "action": "reset_two_factor", "_selected_action": [u.pk for u in users],
    })


def test_the_admin_resets_a_lost_phone_and_it_is_logged(client, admin_user, people, caplog):
    admin_client = verified(client, admin_user)
    enrolled(people.province_leader)
    two_factor.recovery_codes_replace(user=people.province_leader)
    kept = enrolled(people.clerk)

    with caplog.at_level(logging.WARNING, logger="accounts"):
        response = reset_action(admin_client, people.province_leader)
    assert response.status_code == 302

    assert not TOTPDevice.objects.filter(user=people.province_leader).exists()
    assert not StaticDevice.objects.filter(user=people.province_leader).exists()
    assert TOTPDevice.objects.filter(pk=kept.pk).exists()
    assert LogEntry.objects.filter(object_id=str(people.province_leader.pk), user=admin_user).exists()
    assert any("Two-factor reset" in r.getMessage() and "lanhdao" in r.getMessage() for r in caplog.records)


def test_after_a_reset_the_leader_enrols_again_even_in_a_verified_session(client, people):
    device = enrolled(people.province_leader)
    password_step(client, "lanhdao")
    client.post(reverse("two-factor-verify"), {"code": code_of(device)})
    assert client.get(reverse("home")).status_code == 200

    two_factor.two_factor_reset(user=people.province_leader, by=people.province_leader)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"].startswith(reverse("two-factor-enrol"))


def test_an_officer_cannot_reset_anyones_two_factor(client, people):
    device = enrolled(people.province_leader)
    client.force_login(people.muong_ang_officer)
    reset_action(client, people.province_leader)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_staff_without_the_right_to_change_users_cannot_reset(client, people):
    device = enrolled(people.province_leader)
    verified(client, UserFactory(is_staff=True))
    reset_action(client, people.province_leader)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


# --- the demo ------------------------------------------------------------------------------------------


def test_the_demo_gives_its_leaders_the_documented_app_secret(db):
    import base64

    from accounts.demo import DEMO_TOTP_SECRET, demo_seed

    demo_seed(password="mat-khau-demo-dai")
    key = base64.b32decode(DEMO_TOTP_SECRET.replace(" ", ""))
    for username in ("lanhdao", "vanthu", "ubkt.chunhiem", "hdma.bithu", "admin"):
        device = TOTPDevice.objects.get(user__username=username)
        assert device.bin_key == key and device.confirmed
        assert device.verify_token(f"{TOTP(key).token():06d}")
    assert not TOTPDevice.objects.filter(user__username__in=["chuyenvien", "hdma.canbo", "ubkt.uyvien1"]).exists()

    # Seeding again adds nothing, and a tester's own phone is kept.
    TOTPDevice.objects.filter(user__username="vanthu").update(key=TOTPDevice().key)
    demo_seed(password="mat-khau-demo-dai")
    assert TOTPDevice.objects.filter(user__username="lanhdao").count() == 1
    assert TOTPDevice.objects.get(user__username="vanthu").bin_key != key
