from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.loading import UnitLoadError, read_units_csv, units_load


class Command(BaseCommand):
    help = "Load or update the unit tree from a CSV shaped like units_dien_bien.csv."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            result = units_load(read_units_csv(file))
        except UnitLoadError as exc:
            raise CommandError(
                _("Nothing was changed. Fix these lines and run again:") + "\n" + "\n".join(exc.errors)
            ) from exc
        self.stdout.write(
            _(
                "Units: %(uc)s created, %(uu)s updated. Departments: %(dc)s created, %(du)s updated."
            )
            % {
                "uc": result.units_created,
                "uu": result.units_updated,
                "dc": result.departments_created,
                "du": result.departments_updated,
            }
        )
