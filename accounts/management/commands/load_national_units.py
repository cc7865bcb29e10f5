import time

from django.core.management.base import BaseCommand, CommandError

from accounts.loading import UnitLoadError
from accounts.national import national_units_load


class Command(BaseCommand):
    help = "Load the central union, today's 34 provinces and 3,321 communes (vietnam-provinces)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        try:
            result = national_units_load()
        except UnitLoadError as exc:
            raise CommandError("\n".join(exc.errors)) from exc
        self.stdout.write(
            f"{result.units_created} created, {result.units_updated} updated "
            f"in {time.perf_counter() - started:.2f} s"
        )
