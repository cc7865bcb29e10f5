"""Walk the audit hash chain and name the first row that was changed or follows a removed one."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core import audit


class Command(BaseCommand):
    help = "Verify the audit hash chain; exit 1 naming the first broken row."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        verdict = audit.verify(using=database)
        if verdict.intact:
            self.stdout.write(f"Audit chain intact: all {verdict.count} rows verified.")
            return
        row = verdict.broken
        raise CommandError(
            f"Audit chain broken at row {row.pk} ({verdict.reason}): "
            f"{row.content_type.app_label}.{row.content_type.model} #{row.object_id}, "
            f"{row.transition}, at {timezone.localtime(row.at).isoformat()}; "
            f"{verdict.count} rows before it are intact.",
            returncode=1,
        )
