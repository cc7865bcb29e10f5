import os
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.demo import demo_seed
from plans.targets import read_targets


class Command(BaseCommand):
    help = "Load the demo province (Điện Biên) with one account per role and print the logins."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Password for every demo account (default: random, kept in var/)")

    def handle(self, *args, password=None, **options):
        password = password or os.environ.get("DEMO_PASSWORD") or self._kept_password()
        accounts = demo_seed(password=password)
        targets = read_targets(settings.DEMO_DATA_DIR / "indicators_2024.csv")
        self.stdout.write(self.style.SUCCESS(f"Dữ liệu mẫu: {len(accounts)} tài khoản, {len(targets)} chỉ tiêu 2024 sẵn sàng."))
        self.stdout.write(f"Mật khẩu của mọi tài khoản mẫu: {password}")
        self.stdout.write("Tài khoản: admin (quản trị), " + ", ".join(a.username for a in accounts[:7]))
        self.stdout.write("           mỗi đơn vị cấp huyện: <mã>.canbo và <mã>.bithu, ví dụ hdma.canbo, hdtg.bithu")

    def _kept_password(self) -> str:
        # Kept so that restarting the demo does not change the logins people already wrote down.
        path = settings.VAR_DIR / "demo-password.txt"
        if path.exists():
            return path.read_text().strip()
        password = secrets.token_urlsafe(9)
        path.write_text(password)
        return password
