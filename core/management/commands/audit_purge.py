"""Delete audit rows older than AUDIT_RETENTION_MONTHS (run as the owner: the app role cannot)."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from core import audit

from ._owner import owner_alias


class Command(BaseCommand):
    help = "Delete audit rows older than the retention period and anchor the rest of the chain."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=None,
                            help="connection to run as the owner (default: 'owner' if DATABASE_OWNER_URL is set)")

    def handle(self, *args, database, **options):
        try:
            cutoff = audit.retention_cutoff()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        result = audit.purge(cutoff=cutoff, using=database or owner_alias())
        if result.anchor is None:
            self.stdout.write(f"Nothing older than {cutoff:%Y-%m-%d} to purge.")
        else:
            self.stdout.write(f"Purged {result.deleted} audit rows up to row {result.anchor.last_purged_pk} "
                              f"(older than {cutoff:%Y-%m-%d}); the chain now starts at {result.anchor.hash}.")
