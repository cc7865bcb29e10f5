"""The rows of the plan page's progress table, rendered in Python.

A plan to every commune lists 50 of its 3,321 recipients a page. Through the template engine
each row cost 0.4 ms (1,700 variable lookups and 170 date filters a page), 20 ms of the centre's
plan page; format_html cost nearly as much (its lazy-string checks on every argument). Here each
value is escaped once with the standard library's html.escape (what django.utils.html.escape
calls), and a moment or a label shared by many rows (a plan gives all its recipients the same
deadline) is formatted once. templates/plans/detail.html holds the table around these rows; the
cells keep its classes and data attributes, which the stylesheet, the phone layout and the
tests read.
"""

from functools import cache
from html import escape

from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import dateformat
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

_DASH = "—"


def progress_rows(rows: list[dict], *, is_issuer: bool) -> SafeString:
    """`rows` as plans.views.plan_detail builds them: assignment, status, status_label, group,
    return_comment, rollup."""
    if not rows:
        return mark_safe("")
    day, moment = get_format("SHORT_DATE_FORMAT"), get_format("SHORT_DATETIME_FORMAT")

    @cache
    def short(value, fmt=day) -> str:
        return dateformat.format(localtime(value), fmt) if value else ""

    @cache
    def text(value) -> str:
        return escape(str(value))

    labels = {name: text(label) for name, label in (
        ("unit", _("Unit")), ("state", _("State")), ("receipt", _("Confirm receipt by")),
        ("report", _("Report by")), ("reports", _("Reports")), ("below", _("Units below")),
        ("received", _("received")), ("returned", _("Returned with the comment:")))}
    return mark_safe("".join(_row(row, labels, short, moment, text, is_issuer) for row in rows))


def _row(row, labels, short, moment, text, is_issuer) -> str:
    a, status = row["assignment"], text(row["status"])
    comment = row["return_comment"]
    returned = ""
    if comment:  # with the template's own filter, as the template showed it
        returned = (f'<p class="return-comment"><strong>{labels["returned"]}</strong> '
                    f'{linebreaksbr(comment, autoescape=True)}</p>')
    if a.received_at:
        receipt = f'<span class="muted">{labels["received"]} {text(short(a.received_at))}</span>'
    else:
        receipt = text(short(a.receipt_due)) or _DASH
    reports = _DASH
    if a.report_count:
        reports = str(a.report_count)
        if a.reported_at:
            reports += f' <span class="muted">({text(short(a.reported_at))})</span>'
    url = escape(reverse("plans:assignment", args=[a.pk]))
    cells = (
        f'<td class="c-unit" data-label="{labels["unit"]}"><a href="{url}">{escape(a.unit.name)}</a></td>'
        f'<td class="c-state{" has-comment" if comment else ""}" data-label="{labels["state"]}">'
        f'<span class="chip st-{status}" data-state="{text(a.state)}" data-group="{text(row["group"])}" '
        f'title="{text(a.get_state_display())}">{text(row["status_label"])}</span>{returned}</td>'
        f'<td class="c-receipt" data-label="{labels["receipt"]}">{receipt}</td>'
        f'<td class="c-report" data-label="{labels["report"]}"><span class="due st-{status}" '
        f'title="{text(short(a.report_due, moment))}">{text(short(a.report_due))}</span></td>'
        f'<td class="c-reports{"" if a.report_count else " empty"}" data-label="{labels["reports"]}">{reports}</td>'
    )
    if is_issuer:
        cells += _rollup(row["rollup"], labels["below"], text)
    return f'<tr class="row-{status}" data-unit="{escape(a.unit.code)}" data-status="{status}">{cells}</tr>'


def _rollup(rollup, label, text) -> str:
    if not rollup:
        return f'<td class="c-rollup empty" data-label="{label}">{_DASH}</td>'
    states = " · ".join(f'<span data-state="{text(code)}">{text(name)}: {n}</span>'
                        for code, name, n in rollup["states"])
    done = text(_("%(done)s/%(total)s done") % {"done": rollup["accepted"], "total": rollup["total"]})
    return (f'<td class="c-rollup" data-label="{label}"><span class="rollup"><strong>{done}</strong> '
            f'<small class="muted">{states}</small></span></td>')

