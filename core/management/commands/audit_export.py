"""Write the audit trail of a period, or of one object, to an .xlsx file."""

import datetime
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core import audit
from core.audit_export import trail_xlsx


def _day(raw: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"{raw!r} is not a date written YYYY-MM-DD.") from None


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


class Command(BaseCommand):
    help = "Export audit rows (a period and/or one object) to .xlsx."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD (local time)")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (included)")
        parser.add_argument("--object", help="one object, app.model:id, e.g. plans.plan:12")
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")

    def handle(self, *args, start, end, object, output, **options):
        start_day, end_day = (_day(start) if start else None), (_day(end) if end else None)
        if start_day and end_day and end_day < start_day:
            raise CommandError("--to is before --from.")
        content_type = object_id = None
        if object:
            label, _colon, raw_id = object.partition(":")
            app_label, _dot, model = label.lower().partition(".")
            content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
            if content_type is None or not raw_id.isdigit():
                raise CommandError(f"--object {object!r}: expected app.model:id of an existing model.")
            object_id = int(raw_id)
        if not (start_day or end_day or content_type):
            raise CommandError("Give a period (--from/--to) or an object (--object).")
        rows = audit.trail(start=_midnight(start_day) if start_day else None,
                           end=_midnight(end_day + datetime.timedelta(days=1)) if end_day else None,
                           content_type=content_type, object_id=object_id)
        period = f"Từ ngày {start_day:%d/%m/%Y} " if start_day else ""
        period += f"đến ngày {end_day:%d/%m/%Y}" if end_day else ""
        subtitle = " · ".join(part for part in (period.strip(), f"Đối tượng: {object}" if object else "") if part)
        Path(output).write_bytes(trail_xlsx(rows, title="NHẬT KÝ THAO TÁC", subtitle=subtitle))
        self.stdout.write(f"Wrote {output}.")
