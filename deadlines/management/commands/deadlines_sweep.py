from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from deadlines.sweep import deadlines_sweep


class Command(BaseCommand):
    help = "Send the reminders, overdue notices and escalations that are due now (each exactly once)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=None, help="Rows per transaction (default 2000).")

    def handle(self, *args, batch_size=None, **options):
        result = deadlines_sweep(**({"batch_size": batch_size} if batch_size else {}))
        self.stdout.write(
            _("Deadlines: %(candidates)s due rows checked, %(events)s levels sent, %(notifications)s notifications.")
            % result.as_dict()
        )
