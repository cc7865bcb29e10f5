"""The demo province: Tỉnh đoàn Điện Biên, its departments and 16 district-level units,
with one account per role. Idempotent: running it again resets passwords and nothing else."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from .loading import read_units_csv, units_load
from .models import Department, Position, Role, Unit, UnitLevel, User
from .services import positions_sync_groups, role_groups_grant_missing
from .two_factor import REQUIRED_ROLES

PROVINCE_CODE = "TDDB"
# The demo's one authenticator secret, printed by seed_demo and written in README: every demo
# account that must use two-factor gets an app device with it, so a tester adds ONE entry to an
# authenticator app. It is public, so it exists only here, never outside the demo seed.
DEMO_TOTP_SECRET = "NNSW Q33B MNUC 2ZDF NVXS 2MTG MEWW WZLZ"  # base32 of b"kehoach-demo-2fa-key"
DEMO_TOTP_KEY = b"kehoach-demo-2fa-key".hex()
LEVEL_NAMES = {
    "province": ("Cấp tỉnh", 1),
    "district": ("Cấp huyện và tương đương", 2),
    "grassroots": ("Cơ sở đoàn", 3),
    "branch": ("Chi đoàn", 4),
}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    unit_code: str
    role: str
    department_code: str | None = None


PROVINCE_ACCOUNTS = [
    DemoAccount("lanhdao", "Lò Văn Thắng", PROVINCE_CODE, Role.SECRETARY),
    DemoAccount("truongban", "Quàng Thị Mai", PROVINCE_CODE, Role.DEPARTMENT_HEAD, "TDDB-XDD"),
    DemoAccount("chuyenvien", "Nguyễn Văn Hùng", PROVINCE_CODE, Role.OFFICER, "TDDB-XDD"),
    DemoAccount("vanthu", "Lường Thị Hoa", PROVINCE_CODE, Role.CLERK, "TDDB-VP"),
    DemoAccount("ubkt.chunhiem", "Tòng Văn Minh", PROVINCE_CODE, Role.INSPECTION_CHAIR, "TDDB-UBKT"),
    DemoAccount("ubkt.uyvien1", "Cà Thị Lan", PROVINCE_CODE, Role.INSPECTION_MEMBER, "TDDB-UBKT"),
    DemoAccount("ubkt.uyvien2", "Vì Văn Sơn", PROVINCE_CODE, Role.INSPECTION_MEMBER, "TDDB-UBKT"),
]

ADMIN_FULL_NAME = "Quản trị hệ thống"


def demo_accounts(district_units) -> list[DemoAccount]:
    accounts = list(PROVINCE_ACCOUNTS)
    for unit in district_units:
        prefix = unit.code.lower()
        accounts.append(DemoAccount(f"{prefix}.canbo", f"Cán bộ {unit.name}", unit.code, Role.OFFICER))
        accounts.append(DemoAccount(f"{prefix}.bithu", f"Bí thư {unit.name}", unit.code, Role.SECRETARY))
    return accounts


@transaction.atomic
def demo_seed(*, password: str) -> list[DemoAccount]:
    units_load(read_units_csv(settings.DEMO_DATA_DIR / "units_dien_bien.csv"))
    for code, (name, rank) in LEVEL_NAMES.items():
        UnitLevel.objects.update_or_create(code=code, defaults={"name": name, "rank": rank})
    province = Unit.objects.get(code=PROVINCE_CODE)
    if province.document_code != "TĐTN":
        province.document_code = "TĐTN"
        province.save(update_fields=["document_code"])

    districts = list(Unit.objects.filter(path__startswith=province.path, depth=province.depth + 1, is_active=True)
                     .order_by("path"))
    accounts = demo_accounts(districts)
    units = {u.code: u for u in [province, *districts]}
    departments = {d.code: d for d in Department.objects.filter(unit=province)}
    users = {u.username: u for u in User.objects.filter(username__in=[a.username for a in accounts])}
    # One hash for all: every demo account shares the printed password, and 40 key
    # derivations would take ten seconds.
    password_hash = make_password(password)
    users_by_name = {}
    for account in accounts:
        user = users.get(account.username) or User(username=account.username)
        user.full_name = account.full_name
        user.password = password_hash
        user.save()
        users_by_name[account.username] = user
        Position.objects.get_or_create(
            user=user,
            unit=units[account.unit_code],
            role=account.role,
            department=departments.get(account.department_code),
            valid_to=None,
        )
    admin = User.objects.filter(username="admin").first() or User(username="admin")
    admin.full_name = ADMIN_FULL_NAME
    admin.is_staff = admin.is_superuser = True
    admin.password = password_hash
    admin.save()
    _demo_two_factor([users_by_name[a.username] for a in accounts if a.role in REQUIRED_ROLES] + [admin])
    positions_sync_groups()
    role_groups_grant_missing()
    return accounts


def _demo_two_factor(users) -> None:
    """The demo app device for each account that must use two-factor and has no app yet (a
    tester who enrolled their own phone keeps it)."""
    enrolled = set(TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True))
    TOTPDevice.objects.bulk_create([
        TOTPDevice(user=user, name="Demo", key=DEMO_TOTP_KEY, confirmed=True)
        for user in users if user.pk not in enrolled
    ])
