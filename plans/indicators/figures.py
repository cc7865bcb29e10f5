"""The figures card: one row per indicator with a unit's figure, a form while it may be entered.

The same card sits on a recipient's assignment page (plans.views.assignment_page builds it
with figures_block) and on the issuer's results page for its own figures. A refused sheet is
shown again with what was typed and the rows the service found wrong.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from core.errors import ActionForbidden

from . import selectors, services
from .formatting import editable_text, fields_of, figure_text, unit_goal_text
from .forms import CutoffForm


def _posted_entries(post, entries) -> dict:
    """The figures form as the services expect it: {code: {"value"|"numerator","denominator", "note"}}."""
    posted = {}
    for entry in entries:
        indicator, prefix = entry.indicator, f"i{entry.indicator.pk}-"
        data = {"note": post.get(prefix + "note", "").strip()}
        names = ("numerator", "denominator") if indicator.needs_fraction else ("value",)
        data.update({name: post.get(prefix + name, "").strip() for name in names})
        posted[indicator.code] = data
    return posted


def _row_errors(entries, posted) -> dict[str, list[str]]:
    """After the service refused the sheet, its own per-row checks say which rows are wrong."""
    errors = {}
    for entry in entries:
        found = []
        services.clean_entry(entry.indicator, posted.get(entry.indicator.code, {}), found)
        if found:
            errors[entry.indicator.code] = found
    return errors


def _entry_rows(entries, posted=None, row_errors=None) -> list[dict]:
    rows = []
    for entry in entries:
        indicator, stored = entry.indicator, entry.value
        if posted is not None:
            data = posted[indicator.code]
        elif stored is not None:
            data = {"value": editable_text(stored.value), "numerator": editable_text(stored.numerator),
                    "denominator": editable_text(stored.denominator), "note": stored.note}
        else:
            data = {}
        goal, own = unit_goal_text(indicator, entry.allocated)
        fields = fields_of(indicator)
        rows.append({
            "indicator": indicator,
            "prefix": f"i{indicator.pk}-",
            "goal": goal,
            "own_goal": own,
            "data": data,
            "stored": stored,
            "stored_text": figure_text(fields, stored.value, stored.numerator, stored.denominator) if stored else "—",
            "errors": (row_errors or {}).get(indicator.code, []),
        })
    return rows


def entry_block(entries, *, editable, posted=None, row_errors=None, errors=(), form=None, upload_errors=()):
    """The card's context (templates/plans/indicators/_figures.html) for selectors' entries."""
    rows = _entry_rows(entries, posted, row_errors)
    cutoffs = [e.value.cutoff_date for e in entries if e.value is not None and e.value.cutoff_date]
    return {
        "rows": rows,
        "editable": editable,
        "form": form or CutoffForm(initial={"cutoff_date": max(cutoffs) if cutoffs else None}),
        "errors": list(errors),
        "upload_errors": list(upload_errors),
        "filled": sum(1 for e in entries if e.value is not None),
        "total": len(entries),
    }


def figures_block(assignment, *, editable: bool, **shown):
    """The figures card of the assignment page (None when the plan has no indicator for units).

    `shown` carries what a refused form or upload puts back: typed figures and errors.
    """
    entries = shown.pop("entries", None)
    if entries is None:
        entries = selectors.unit_entries(assignment)
    if not entries:
        return None
    return entry_block(entries, editable=editable, **shown)


def save_figures(request, entries, save, *, success_url, show_again):
    """Parse the figures form, call `save` (a service); on a refused sheet show it again with its errors.

    `show_again(shown)` answers with the card's page, `shown` being entry_block's keywords.
    """
    form = CutoffForm(request.POST)
    posted = _posted_entries(request.POST, entries)
    if form.is_valid():
        try:
            count = save(posted, form.cleaned_data["cutoff_date"])
        except ActionForbidden as exc:
            messages.error(request, str(exc))
            return redirect(success_url)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):  # the state does not allow it: nothing to correct here
                messages.error(request, " ".join(exc.messages))
                return redirect(success_url)
            row_errors = _row_errors(entries, posted)
            shown = {message for found in row_errors.values() for message in found}
            return show_again({"posted": posted, "row_errors": row_errors, "form": form,
                               "errors": [m for m in exc.messages if m not in shown]})
        messages.success(request, _("Figures saved for %(count)s indicators.") % {"count": count})
        return redirect(success_url)
    return show_again({"posted": posted, "form": form})
