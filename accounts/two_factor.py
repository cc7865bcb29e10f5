"""Two-factor login (TOTP app + recovery codes) over django-otp: who must have it, enrolment,
the per-session gate the middleware reads, and the admin reset.

The gate (what the session owes: nothing, the code, an enrolment) is decided at login and kept
in the session, so an ordinary page of a user who owes nothing costs no query for it; it is
recomputed on the 2FA pages themselves and at the next login, which is when a newly appointed
leader meets the requirement.
"""

import base64
import logging

import segno
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import LEADER_ROLES, Delegation, Position, Role, User

logger = logging.getLogger(__name__)

#: Roles whose holders sign, issue or decide: a stolen password alone must not act for them.
REQUIRED_ROLES = frozenset({*LEADER_ROLES, Role.CLERK, Role.INSPECTION_CHAIR})
RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Ứng dụng xác thực"
RECOVERY_DEVICE_NAME = "Mã dự phòng"

#: Session key: "" nothing to do, "verify" the code is asked, "enrol" the user must set up an app.
GATE_SESSION_KEY = "two_factor_gate"
GATE_NONE, GATE_VERIFY, GATE_ENROL = "", "verify", "enrol"


def two_factor_required(user: User) -> bool:
    """The one rule: who may not work with a password alone.

    Administrators (staff or superuser), anyone holding a leader, clerk or inspection-chair
    position today, and a deputy standing in for a leader today (they approve in the leader's name).
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return True
    holds_role = Position.objects.active_on().filter(user=user, role__in=REQUIRED_ROLES).exists()
    return holds_role or Delegation.objects.active_on().filter(deputy=user).exists()


def has_two_factor(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def gate_for(user: User) -> str:
    """What this user must do after the password: an enrolled user always gives the code."""
    if has_two_factor(user):
        return GATE_VERIFY
    if settings.TWO_FACTOR_REQUIRED and two_factor_required(user):
        return GATE_ENROL
    return GATE_NONE


def gate_refresh(request, user: User | None = None) -> str:
    """Decide the gate of the signed-in user again and keep it in the session. `user` is given
    at login, when request.user is the plain user Django just put there.

    The gate says what is owed, not whether it was given: that is django-otp's device in the
    session, checked on each request, so a reset (device deleted) closes a verified session too."""
    gate = gate_for(user or request.user)
    request.session[GATE_SESSION_KEY] = gate
    return gate


def gate_set_at_login(sender, request, user, **kwargs):
    """user_logged_in receiver (connected in AccountsConfig.ready): the gate of the new session."""
    if request is not None and hasattr(request, "session"):
        gate_refresh(request, user)


# --- enrolment ---------------------------------------------------------------------------------


def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """The user's unconfirmed app device, made on first call: reloading the page keeps the secret
    the user may already have typed into the app."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_enrolment_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the app device with a code from it; returns the new recovery codes (shown once),
    or None if the code is wrong (nothing changes then)."""
    # Locked so two tabs confirming at once cannot make two sets of recovery codes.
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_is_allowed()[0] or not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = recovery_codes_replace(user=user)
    logger.info("Two-factor enrolled for user %s (id %s).", user.get_username(), user.pk)
    return codes


def recovery_codes_replace(*, user: User) -> list[str]:
    """A fresh set of single-use recovery codes; any older set stops working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def verification_device(user: User, code: str):
    """The device a typed code is meant for: six digits come from the app, anything else is a
    recovery code. Choosing one (rather than trying each) keeps a typo from throttling the other."""
    wanted = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    return next((d for d in devices_for_user(user) if isinstance(d, wanted)), None)


def normalise_code(raw: str) -> str:
    # People type recovery codes in groups and capitals, app codes with a space in the middle.
    return "".join(raw.split()).lower()


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG (no script, no style attribute: CSP-safe)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, svgclass="qr", title="QR")


def secret_text(device: TOTPDevice) -> str:
    """The key as authenticator apps accept it typed: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


# --- admin reset -----------------------------------------------------------------------------------


@transaction.atomic
def two_factor_reset(*, user: User, by: User) -> int:
    """Remove every device of `user` (lost phone): the next login asks them to enrol again.
    A session the user already verified stops counting as verified (django-otp reloads the device)."""
    removed = sum(model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
                  for model in (TOTPDevice, StaticDevice))
    logger.warning("Two-factor reset for user %s (id %s) by %s (id %s): %s device(s) removed.",
                   user.get_username(), user.pk, by.get_username(), by.pk, removed)
    return removed
