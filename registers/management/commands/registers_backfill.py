"""Write the register rows of the documents numbered, and the receipts confirmed, before the
registers existed: once, after the deployment that brings them (docs/architecture.md, Documents)."""

from django.core.management.base import BaseCommand

from registers import services


class Command(BaseCommand):
    help = ("Write the missing outgoing and incoming register rows of documents issued and received before "
            "the registers, with their original numbers and dates. Running it again writes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count the rows that would be written.")

    def handle(self, *args, dry_run, **options):
        result = services.backfill(dry_run=dry_run)
        for refusal in result.refused:
            self.stderr.write(refusal)
        verb = "would be written" if dry_run else "written"
        self.stdout.write(f"{result.outgoing} outgoing, {result.incoming} incoming rows {verb}")
        if result.refused:
            self.stdout.write(f"{len(result.refused)} documents not registered (see above).")
