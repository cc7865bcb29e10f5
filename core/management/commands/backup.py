"""Write one archive with the database dump, every media file and a manifest (core.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_check, backup_create, describe


class Command(BaseCommand):
    help = "Back up the database and the media files into one .tar.gz (default: BACKUP_DIR)."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="where to write the archive (.tar.gz)")

    def handle(self, *args, output, **options):
        try:
            path = backup_create(output=output)
            # Read back what was written: a backup nobody can restore is found out now, not on the bad day.
            manifest = backup_check(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Backup written to {path} ({describe(manifest)}).")
