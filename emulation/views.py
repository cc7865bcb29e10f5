"""The emulation screens under /thi-dua/: the list, a table's import, opening the year, the
standings with their downloads and the decision, and each unit's score sheet. Thin: the
selectors decide what the person sees, the rules what they may do, the services do it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.selectors import units_of
from core import rules
from core.attachments import attachments_by_owner
from core.errors import ActionForbidden, TaskMissing, TransitionNotAllowed
from core.files import DOCX, PDF, XLSX, file_response
from core.pdf import PdfUnavailable, docx_to_pdf
from core.transitions import history_of
from core.ui import add_service_errors, forbidden, history_rows, perform

from . import selectors, services
from .chart import chart
from .exports import decision_docx, ranking_xlsx
from .forms import DecideForm, OpenForm, TableImportForm
from .models import ScoringTable, SheetState, Source
from .results import standings
from .rules import EMULATION_RULES, SHEET_RULES, TABLE_RULES
from .tables import TableFileError, table_import, template_xlsx

# A returned sheet keeps the figures the board sent back only as the cluster's starting point.
VERIFIED_STATES = (SheetState.VERIFIED, SheetState.APPROVED)

#: What a computed criterion counted, and each item's outcome, as the sheet shows them.
COUNT_LABELS = {
    "on_time": gettext_lazy("on time"), "late": gettext_lazy("late"), "not_accepted": gettext_lazy("not accepted"),
    "total": gettext_lazy("counted"), "met": gettext_lazy("met or exceeded"), "judged": gettext_lazy("own targets"),
    "violations": gettext_lazy("violations"), "open_remediations": gettext_lazy("remediations still open"),
}
OUTCOME_LABELS = {
    "on_time": gettext_lazy("accepted, on time"), "late": gettext_lazy("accepted, late"),
    "not_accepted": gettext_lazy("due, not accepted"), "not_due": gettext_lazy("not yet due"),
    "met": gettext_lazy("met"), "exceeded": gettext_lazy("exceeded"), "not_met": gettext_lazy("not met"),
    "not_reported": gettext_lazy("not reported"), "violation": gettext_lazy("violation"),
    "open_remediation": gettext_lazy("remediation still open"),
}


def _explained(score) -> dict | None:
    if not score.computed:
        return None
    return {"counts": [(COUNT_LABELS.get(key, key), value) for key, value in score.computed["counts"].items()],
            "items": [(label, outcome, OUTCOME_LABELS.get(outcome, outcome)) for label, outcome in
                      score.computed["items"]]}


HISTORY_LABELS = {"submit": gettext_lazy("sent"), "verify": gettext_lazy("verified"),
                  "approve": gettext_lazy("approved"), "return_to_cluster": gettext_lazy("returned to the cluster")}


@login_required
def emulation_list(request):
    tables = list(selectors.tables_of(request.user).prefetch_related("emulations"))
    return render(request, "emulation/list.html", {
        "emulations": selectors.emulations_visible_to(request.user),
        "tables": [(table, rules.allowed(TABLE_RULES, request.user, table)) for table in tables],
        "can_import": any(request.user.has_perm("accounts.draft_plans", u) for u in units_of(request.user)),
    })


@login_required
def table_import_page(request):
    units = [u for u in units_of(request.user) if request.user.has_perm("accounts.draft_plans", u)]
    if not units:
        return forbidden(request, _("You may not make scoring tables."))
    form = TableImportForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                table = ScoringTable.objects.create(organiser=form.units[data["organiser"]], year=data["year"],
                                                    level=data["level"], name=data["name"])
                count = table_import(table, data["file"].read())
        except IntegrityError:
            form.add_error("year", _("This unit already has a scoring table for that year and level."))
        except TableFileError as exc:
            for error in exc.errors:
                form.add_error("file", error)
        else:
            messages.success(request, _("Scoring table saved with %(count)s criteria.") % {"count": count})
            return redirect("emulation:list")
    return render(request, "emulation/table_import.html", {"form": form})


@login_required
def table_template_download(request):
    return file_response(template_xlsx(), "mau-bang-cham-diem.xlsx", XLSX)


@login_required
def emulation_open_page(request, pk):
    table = get_object_or_404(selectors.tables_of(request.user), pk=pk)
    if "open" not in rules.allowed(TABLE_RULES, request.user, table):
        return forbidden(request, _("You may not open an emulation for %(unit)s.") % {"unit": table.organiser})
    form = OpenForm(request.POST or None, initial={"subject": _("Emulation of %(year)s") % {"year": table.year}})
    if request.method == "POST" and form.is_valid():
        try:
            emulation = services.emulation_open(table=table, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ActionForbidden as exc:
            return forbidden(request, str(exc))
        else:
            messages.success(request, _("The emulation is open: every unit of the clusters has its sheet."))
            return redirect("emulation:detail", pk=emulation.pk)
    return render(request, "emulation/open.html", {"form": form, "table": table,
                                                   "criteria": selectors.criteria_of(table)})


@login_required
def emulation_detail(request, pk):
    emulation = get_object_or_404(selectors.emulations_visible_to(request.user), pk=pk)
    result = standings(emulation)
    return render(request, "emulation/detail.html", {
        "emulation": emulation, "standings": result, "chart": chart(result),
        "clusters": [(c.cluster, [(row, row.cluster_place) for row in c.sheets]) for c in result.clusters],
        "overall": [(row, row.overall_place) for row in result.overall],
        "can_decide": "decide" in rules.allowed(EMULATION_RULES, request.user, emulation),
        "decide_form": DecideForm(initial={"decision_text": emulation.decision_text}),
        "history": history_rows(emulation, history_of(emulation), {"open": _("opened"), "decide": _("decided")}),
    })


@login_required
def ranking_download(request, pk):
    emulation = get_object_or_404(selectors.emulations_visible_to(request.user), pk=pk)
    detail = set(selectors.sheets_visible_to(request.user).filter(emulation=emulation).values_list("pk", flat=True))
    return file_response(ranking_xlsx(standings(emulation), detail_for=detail),
                         f"xep-hang-thi-dua-{emulation.year}.xlsx", XLSX)


@login_required
def decision_download(request, pk):
    emulation = get_object_or_404(selectors.emulations_visible_to(request.user), pk=pk)
    return file_response(decision_docx(standings(emulation)), f"quyet-dinh-thi-dua-{emulation.year}.docx", DOCX)


@login_required
def decision_pdf_download(request, pk):
    """The decision as PDF/A (LibreOffice); without it the page says why and the .docx stays."""
    emulation = get_object_or_404(selectors.emulations_visible_to(request.user), pk=pk)
    try:
        content = docx_to_pdf(decision_docx(standings(emulation)))
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("emulation:detail", pk=emulation.pk)
    return file_response(content, f"quyet-dinh-thi-dua-{emulation.year}.pdf", PDF)


@login_required
@require_POST
def emulation_decide_page(request, pk):
    emulation = get_object_or_404(selectors.emulations_visible_to(request.user), pk=pk)
    form = DecideForm(request.POST)
    text = form.cleaned_data["decision_text"] if form.is_valid() else ""
    answer = perform(request, lambda: services.emulation_decide(emulation=emulation, by=request.user,
                                                                decision_text=text),
                     _("The decision is issued."), forbidden_page=True)
    return answer or redirect("emulation:detail", pk=emulation.pk)


# --- a unit's sheet ------------------------------------------------------------------------------

def _entries(request, scores, *fields):
    """{criterion id: {field: value}} of the sheet's form (inputs named points_<id>, note_<id>…)."""
    return {score.criterion_id: {field: request.POST[f"{field}_{score.criterion_id}"] for field in fields
                                 if f"{field}_{score.criterion_id}" in request.POST}
            for score in scores}


#: The sheet's POST actions (…/phieu/<pk>/<action>/) and the rule each one needs.
SHEET_ACTIONS = {"save": "assess", "submit": "assess", "verify": "verify", "approve": "approve", "return": "approve"}


def _sheet_post(request, sheet, scores, action):
    user, comment = request.user, request.POST.get("comment", "")
    if action in ("save", "submit"):
        files = {s.criterion_id: request.FILES.getlist(f"files_{s.criterion_id}") for s in scores
                 if s.criterion.source == Source.JUDGED}
        services.sheet_assess(sheet=sheet, by=user, entries=_entries(request, scores, "points", "note"), files=files)
        if action == "submit":
            services.sheet_submit(sheet=sheet, by=user, comment=comment)
            return _("The sheet is sent to the cluster.")
        return _("Saved.")
    if action == "verify":
        services.sheet_verify(sheet=sheet, by=user, entries=_entries(request, scores, "points", "comment"),
                              comment=comment)
        return _("Verified and sent to the standing board.")
    if action == "approve":
        services.sheet_approve(sheet=sheet, by=user, comment=comment)
        return _("Approved.")
    services.sheet_return(sheet=sheet, by=user, comment=comment)
    return _("Returned to the cluster.")


@login_required
@require_POST
def sheet_action(request, pk, action):
    sheet = get_object_or_404(selectors.sheets_visible_to(request.user), pk=pk)
    if action not in SHEET_ACTIONS:
        raise Http404
    refusal = SHEET_RULES[SHEET_ACTIONS[action]].who(request.user, sheet)
    if refusal is not None:
        return forbidden(request, refusal)
    scores = list(sheet.scores.select_related("criterion__group"))
    try:
        done = _sheet_post(request, sheet, scores, action)
    except (ValidationError, TransitionNotAllowed, TaskMissing) as exc:
        # The sheet again, each error under its criterion; the refused step changed nothing.
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": getattr(exc, "messages", [str(exc)])}
        messages.error(request, " ".join(message for values in errors.values() for message in values))
        return _sheet_page(request, sheet, errors, typed=request.POST)
    messages.success(request, done)
    return redirect("emulation:sheet", pk=sheet.pk)


@login_required
def sheet_detail(request, pk):
    return _sheet_page(request, get_object_or_404(selectors.sheets_visible_to(request.user), pk=pk), {})


def _typed(posted, criterion_id) -> dict:
    """What the person typed for a criterion, shown again beside the errors of a refused step."""
    return {field: posted.get(f"{field}_{criterion_id}", "") for field in ("points", "note", "comment")}


def _sheet_page(request, sheet, errors, typed=None):
    scores = list(sheet.scores.select_related("criterion__group"))
    allowed = rules.allowed(SHEET_RULES, request.user, sheet)
    evidence = attachments_by_owner(scores)
    return render(request, "emulation/sheet.html", {
        "sheet": sheet, "emulation": sheet.emulation, "errors": errors,
        "assessing": "assess" in allowed, "verifying": "verify" in allowed, "approving": "approve" in allowed,
        "rows": [{"score": s, "evidence": evidence.get(s.pk, []), "explained": _explained(s),
                  "typed": _typed(typed, s.criterion_id) if typed is not None else None,
                  "error": errors.get(f"points_{s.criterion_id}", []) + errors.get(f"comment_{s.criterion_id}", [])}
                 for s in scores],
        "self_total": sum((s.self_points or 0) for s in scores),
        "verified_total": sum((s.verified_points or 0) for s in scores) if sheet.state in VERIFIED_STATES else None,
        "verified_shown": sheet.state in VERIFIED_STATES,
        "history": history_rows(sheet, history_of(sheet), HISTORY_LABELS),
    })
