"""Downloading the audit trail as .xlsx: per period (staff) and per object (whoever sees it)."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import audit
from .audit_export import trail_xlsx
from .files import XLSX, file_response
from .ui import forbidden


def _day(raw: str | None, message: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(raw or "")
    except ValueError:
        raise ValueError(message) from None


def _bad_request(message: str):
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


@login_required
@require_safe
def period_export(request):
    """Every audit row of a period, across all units: for the system's staff, not for a unit."""
    if not (request.user.is_staff or request.user.is_superuser):
        return forbidden(request, _("Only administrators may export the whole audit trail."))
    try:
        start = _day(request.GET.get("from"), _("The start date (from) must be a date written YYYY-MM-DD."))
        end = _day(request.GET.get("to"), _("The end date (to) must be a date written YYYY-MM-DD."))
    except ValueError as exc:
        return _bad_request(str(exc))
    if end < start:
        return _bad_request(_("The end date is before the start date."))
    rows = audit.trail(start=_local_midnight(start), end=_local_midnight(end + datetime.timedelta(days=1)))
    content = trail_xlsx(rows, title="NHẬT KÝ THAO TÁC",
                         subtitle=f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}")
    return file_response(content, f"nhat-ky-{start:%Y%m%d}-{end:%Y%m%d}.xlsx", XLSX)


@login_required
@require_safe
def object_export(request, label, pk):
    """The audit trail of one object, for whoever may see that object."""
    content_type = audit.subject_content_type(label)
    # Unknown, unregistered and not visible look the same: an id says nothing about what exists.
    if content_type is None or not audit.subject_visible(request.user, content_type, pk):
        raise Http404
    rows = audit.trail(content_type=content_type, object_id=pk)
    content = trail_xlsx(rows, title="NHẬT KÝ THAO TÁC", subtitle=f"Đối tượng: {label} #{pk}")
    return file_response(content, f"nhat-ky-{content_type.model}-{pk}.xlsx", XLSX)
