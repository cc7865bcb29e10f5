"""Restore the database and the media files from a `manage.py backup` archive (core.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_check, backup_restore, describe


class Command(BaseCommand):
    help = ("Check a backup archive, then replace the database and the media files with its content. "
            "Stop the web and the worker first.")

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, path, yes, **options):
        try:
            # Checked before asking, so a damaged archive is refused even without --yes.
            manifest = backup_check(path)
        except BackupError as exc:
            raise CommandError(f"Nothing was changed: {exc}") from None
        self.stdout.write(f"{path}: intact, {describe(manifest)}.")
        if not yes:
            answer = input("This replaces the whole database and every media file. Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was changed: restore cancelled.")
        try:
            restored = backup_restore(path=path)
        except BackupError as exc:
            # Every refusal comes before the database is touched, and pg_restore runs in one transaction.
            raise CommandError(f"Restore failed, nothing was changed: {exc}") from None
        self.stdout.write(f"Restored the database and {restored.files} media files from {path}.")
