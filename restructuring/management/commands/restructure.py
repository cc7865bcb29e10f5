from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from restructuring.files import RestructureFileError, changes_apply, read_changes_csv


class Command(BaseCommand):
    help = ("Apply a restructuring file (CSV: kind, old_codes, new_codes, new_names, new_parent, effective_on, "
            "decision, move_people): every line checked first, all or nothing; --dry-run shows what it would do.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Show the previews and change nothing.")
        parser.add_argument("--by", metavar="USERNAME", help="Who applies it (default: the first superuser).")

    def handle(self, *args, file, dry_run=False, by=None, **options):
        user = self._user(by)
        try:
            result = changes_apply(read_changes_csv(file), by=user, dry_run=dry_run)
        except RestructureFileError as exc:
            raise CommandError(
                _("Nothing was changed. Fix these lines and run again:") + "\n" + "\n".join(exc.errors)) from exc
        for line in result.lines:
            self.stdout.write(_("Line %(line)s — %(kind)s: %(before)s → %(after)s") % {
                "line": line.line, "kind": line.kind_label, "before": "; ".join(line.before),
                "after": "; ".join(line.after)})
            if line.already_applied:
                self.stdout.write("  " + _("applied before (%(date)s): nothing changed") % {
                    "date": f"{line.change.at:%d/%m/%Y}"})
                continue
            self.stdout.write("  " + _counts(line.counts))
            if line.positions_ended or line.children_moved:
                self.stdout.write("  " + _("%(positions)s positions ended, %(children)s units attached to the "
                                           "successor") % {"positions": line.positions_ended,
                                                           "children": line.children_moved})
        totals = result.totals
        total = (_("Total: %(lines)s lines, %(applied)s to apply, %(before)s applied before.") if dry_run else
                 _("Total: %(lines)s lines, %(applied)s applied now, %(before)s applied before."))
        self.stdout.write(self.style.SUCCESS(total % {"lines": len(result.lines), "applied": len(result.applied),
                                                      "before": len(result.lines) - len(result.applied)}))
        self.stdout.write("  " + _counts(result.total_counts))
        self.stdout.write("  " + _("%(positions)s positions ended, %(children)s units attached to the successor")
                          % {"positions": totals["positions_ended"], "children": totals["children_moved"]})
        if dry_run:
            self.stdout.write(self.style.WARNING(_("Dry run: nothing was changed.")))

    def _user(self, username):
        users = get_user_model().objects
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(_("No user %(username)s.") % {"username": username})
            return user
        user = users.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError(_("No superuser to record as the one who applied it: create one, or give --by "
                                 "USERNAME."))
        return user


def _counts(counts) -> str:
    if not counts:
        return _("nothing open to carry")
    return _("carried: %(counts)s") % {"counts": ", ".join(f"{number} {label}" for label, number in counts)}
