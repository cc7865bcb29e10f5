import os
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from accounts.demo import ADMIN_FULL_NAME, DEMO_TOTP_SECRET, PROVINCE_ACCOUNTS, demo_seed
from accounts.loading import read_units_csv, units_load
from accounts.models import Unit, User
from demo.overdue import demo_overdue_seed
from demo.signing import demo_signing_seed
from emulation.demo import demo_emulation_seed
from inspections.demo import demo_inspections_seed
from obligations.demo import demo_obligations_seed
from plans.demo import demo_indicator_plan_seed, demo_plans_seed
from plans.indicators.targets import read_targets


class Command(BaseCommand):
    help = "Load the demo province (Điện Biên) with one account per role and print the logins."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Password for every demo account (default: random, kept)")

    def handle(self, *args, password=None, **options):
        password = password or os.environ.get("DEMO_PASSWORD") or self._kept_password()
        accounts = demo_seed(password=password)
        communes = self._communes()
        demo_signing_seed()  # before the plans: the issued demo plan is signed as it is issued
        demo_plans_seed()
        demo_indicator_plan_seed()
        demo_obligations_seed()
        demo_inspections_seed()
        demo_emulation_seed()  # after the work it scores: reports, indicators, inspections
        demo_overdue_seed()  # last: its sweep also covers the other demos' deadlines
        targets = read_targets(settings.DEMO_DATA_DIR / "indicators_2024.csv")
        self.stdout.write(self.style.SUCCESS(
            _("Demo data: %(accounts)s accounts, %(targets)s year targets ready.")
            % {"accounts": len(accounts), "targets": len(targets)}
        ))
        self.stdout.write(_("Password of every demo account: %(password)s") % {"password": password})
        if communes:
            self.stdout.write(_("%(count)s commune unions loaded. The 2025 rehearsal: manage.py restructure "
                                "demo_data/restructure_2025_dien_bien.csv --dry-run") % {"count": communes})
        province = ", ".join(a.username for a in accounts if a.unit_code == "TDDB")
        self.stdout.write(_("Province accounts: admin (administrator), %(names)s") % {"names": province})
        self.stdout.write(
            _("Each district-level unit: <code>.canbo and <code>.bithu, e.g. hdma.canbo, hdtg.bithu")
        )
        self.stdout.write(
            _("Two-factor: admin, lanhdao, vanthu, ubkt.chunhiem and every <code>.bithu are asked for a code after "
              "the password. Add this key once to an authenticator app (time-based, 6 digits): %(secret)s")
            % {"secret": DEMO_TOTP_SECRET}
        )
        try:
            validate_password(password)
        except ValidationError as error:
            # Not refused: a test or a quick local run may pick a short one on purpose.
            self.stderr.write(_("Warning: this password would not be accepted for a real account: %(reasons)s")
                              % {"reasons": " ".join(error.messages)})

    def _communes(self) -> int:
        # Once: after the 2025 rehearsal they hang under the province, and loading them again
        # under their districts would be a move, which a load refuses.
        rows = read_units_csv(settings.DEMO_DATA_DIR / "communes_dien_bien.csv")
        if Unit.objects.filter(code__in=[row.code for row in rows]).exists():
            return 0
        return units_load(rows).units_created

    def _kept_password(self) -> str:
        # Kept so that restarting the demo does not change the logins people already wrote down.
        path = settings.VAR_DIR / "demo-password.txt"
        if path.exists():
            return path.read_text().strip()
        password = secrets.token_urlsafe(9)
        # A random draw can resemble an account's name (UserAttributeSimilarityValidator refused
        # "MoA9dARPNlhA" for lanhdao): drawn again until every province account would accept it.
        while not self._acceptable(password):
            password = secrets.token_urlsafe(9)
        path.write_text(password)
        return password

    @staticmethod
    def _acceptable(password: str) -> bool:
        people = [(a.username, a.full_name) for a in PROVINCE_ACCOUNTS] + [("admin", ADMIN_FULL_NAME)]
        try:
            for username, full_name in people:
                validate_password(password, User(username=username, full_name=full_name))
        except ValidationError:
            return False
        return True
