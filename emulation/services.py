"""The emulation's steps: the organiser opens the year's emulation → each unit assesses itself
(computed criteria filled in and explained, judged ones scored with evidence) → the cluster
head verifies, changing a figure only with a comment → the standing board approves or returns
it → the clerk issues the numbered decision. Every step checks its rule, runs in one
transaction on the locked row, goes through the state machine and is logged (core.transitions).
"""

from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Unit
from core import attachments, rules, transitions
from core.numbering import number_next
from notifications.hooks import guarded
from registers.services import outgoing_record
from workflows import engine

from . import notices
from .flows import ScoreSheetFlow
from .models import ClusterMember, Emulation, Score, ScoreSheet, ScoringTable, SheetState, Source
from .rules import EMULATION_RULES, SHEET_RULES, TABLE_RULES
from .scoring import computed_scores
from .selectors import criteria_of

DECISION_KIND = "QĐ"


def _require(action, user, obj):
    by_kind = {ScoringTable: TABLE_RULES, Emulation: EMULATION_RULES}
    rules.require(by_kind.get(type(obj), SHEET_RULES), action, user, obj)


def _points(value, criterion, field: str) -> Decimal:
    """Points typed by a person: a number from 0 to the criterion's maximum, 2 decimals."""
    try:
        points = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, AttributeError):
        raise ValidationError({field: _("%(code)s: enter a number of points.") % {"code": criterion.code}}) from None
    if not points.is_finite() or points < 0 or points > criterion.max_points:
        raise ValidationError({field: _("%(code)s: the points go from 0 to %(max)s.") % {
            "code": criterion.code, "max": criterion.max_points}})
    return points.quantize(Decimal("0.01"))


# --- opening ------------------------------------------------------------------------------------

def emulation_open(*, table: ScoringTable, by, subject: str, self_assessment_due, verification_due,
                   department=None) -> Emulation:
    """One score sheet and one process per unit of the organiser's clusters of the year, the
    computed criteria already filled in. Fixed number of queries for any number of units."""
    _require("open", by, table)
    errors = {}
    now = timezone.now()
    if not (subject or "").strip():
        errors["subject"] = [_("Enter the subject line.")]
    if self_assessment_due is None or self_assessment_due <= now:
        errors["self_assessment_due"] = [_("The self-assessment deadline must be in the future.")]
    elif verification_due is None or verification_due <= self_assessment_due:
        errors["verification_due"] = [_("Verification comes after the self-assessment deadline.")]
    criteria = criteria_of(table)
    if not criteria:
        errors["table"] = [_("The scoring table has no criteria: import or enter them first.")]
    # The table scores one level: the clusters' units of that level (a unit of another level has its own table).
    members = list(ClusterMember.objects.filter(organiser=table.organiser, year=table.year, unit__level=table.level)
                   .select_related("cluster").order_by("cluster__name", "unit__path"))
    if not members:
        errors["table"] = [*errors.get("table", []), _("No competition cluster has units of %(level)s for "
                                                       "%(year)s.") % {"year": table.year, "level": table.level}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        transitions.lock(ScoringTable, table.pk)  # two people opening at once: the second finds it open
        if Emulation.objects.filter(table=table).exists():
            raise ValidationError({"table": [_("This scoring table's emulation is already open.")]})
        emulation = Emulation.objects.create(table=table, department=department, subject=subject.strip(),
                                             self_assessment_due=self_assessment_due,
                                             verification_due=verification_due, opened_by=by)
        sheets = ScoreSheet.objects.bulk_create([ScoreSheet(emulation=emulation, unit_id=m.unit_id,
                                                            cluster_id=m.cluster_id) for m in members])
        computed = computed_scores(criteria, [s.unit_id for s in sheets], year=table.year)
        Score.objects.bulk_create([_score(sheet, criterion, computed[sheet.unit_id].get(criterion.pk))
                                   for sheet in sheets for criterion in criteria])
        processes = engine.processes_start_bulk(
            ScoreSheetFlow, ScoreSheetFlow.assess, permission="accounts.handle_assignments",
            content_type=ContentType.objects.get_for_model(Unit), object_pks=[s.unit_id for s in sheets])
        for sheet, process in zip(sheets, processes, strict=True):
            sheet.process = process
        ScoreSheet.objects.bulk_update(sheets, ["process"])
        transitions.transition_log(obj=emulation, transition="open", source="", by=by)
        guarded(f"the sheets of emulation {emulation.pk}", lambda opened: notices.sheets_opened(*opened),
                (emulation, sheets))
    return emulation


def _score(sheet, criterion, computed) -> Score:
    if computed is None:
        return Score(sheet=sheet, criterion=criterion)
    return Score(sheet=sheet, criterion=criterion, self_points=computed.points,
                 computed={"counts": computed.counts, "items": [list(item) for item in computed.items]})


def _recompute(sheet: ScoreSheet) -> None:
    """The computed criteria as the work stands now: a report accepted since the opening counts."""
    criteria = [c for c in criteria_of(sheet.emulation.table) if c.source != Source.JUDGED]
    found = computed_scores(criteria, [sheet.unit_id], year=sheet.emulation.table.year)[sheet.unit_id]
    for score in sheet.scores.filter(criterion__in=criteria):
        result = found[score.criterion_id]
        score.self_points = result.points
        score.computed = {"counts": result.counts, "items": [list(item) for item in result.items]}
        score.save(update_fields=["self_points", "computed"])


# --- the unit ----------------------------------------------------------------------------------

def sheet_assess(*, sheet: ScoreSheet, by, entries: dict, files: dict | None = None) -> ScoreSheet:
    """Save the unit's judged points and notes: {criterion id: {"points": …, "note": …}}, with
    evidence files {criterion id: [files]}. Computed criteria take notes only: their points are
    what the work shows."""
    with transaction.atomic():
        sheet = transitions.lock(ScoreSheet, sheet.pk)
        _require("assess", by, sheet)
        if sheet.state != SheetState.SELF_ASSESSING:
            raise ValidationError(_("The sheet has been sent: it can no longer be changed."))
        scores = {s.criterion_id: s for s in sheet.scores.select_related("criterion")}
        unknown = set(entries) | set(files or {})
        unknown -= set(scores)
        if unknown:
            raise ValidationError(_("Unknown criteria for this sheet: %(ids)s") % {"ids": sorted(unknown)})
        computed = [scores[cid].criterion.code for cid, uploaded in (files or {}).items()
                    if uploaded and scores[cid].criterion.source != Source.JUDGED]
        if computed:
            raise ValidationError(_("Evidence goes with the judged criteria; these are computed: %(codes)s.") % {
                "codes": ", ".join(computed)})
        for criterion_id, entry in entries.items():
            score = scores[criterion_id]
            if score.criterion.source == Source.JUDGED and str(entry.get("points", "")).strip() != "":
                score.self_points = _points(entry["points"], score.criterion, f"points_{criterion_id}")
            if "note" in entry:
                score.note = (entry.get("note") or "").strip()
            score.save(update_fields=["self_points", "note"])
        for criterion_id, uploaded in (files or {}).items():
            if uploaded:
                attachments.attachments_add(owner=scores[criterion_id], files=uploaded, by=by)
    return sheet


def sheet_submit(*, sheet: ScoreSheet, by, comment: str = "") -> ScoreSheet:
    """Send the sheet to the cluster: every judged criterion scored, with evidence where it has
    points; the computed ones recomputed as the work stands."""
    with transaction.atomic():
        sheet = transitions.lock(ScoreSheet, sheet.pk)
        _require("assess", by, sheet)
        missing, unproven = [], []
        judged = list(sheet.scores.filter(criterion__source=Source.JUDGED).select_related("criterion"))
        evidence = attachments.attachments_by_owner(judged)
        for score in judged:
            if score.self_points is None:
                missing.append(score.criterion.code)
            elif score.self_points > 0 and not evidence[score.pk]:
                unproven.append(score.criterion.code)
        errors = []
        if missing:
            errors.append(_("Score these criteria first: %(codes)s.") % {"codes": ", ".join(missing)})
        if unproven:
            errors.append(_("Attach the evidence of these criteria: %(codes)s.") % {"codes": ", ".join(unproven)})
        if errors:
            raise ValidationError(errors)
        _recompute(sheet)
        transitions.apply(sheet, "submit", by=by, comment=comment, label=_("send the sheet"))
        engine.complete(sheet.process, ScoreSheetFlow.assess, by=by)
    return sheet


# --- the cluster head and the board ----------------------------------------------------------------

def sheet_verify(*, sheet: ScoreSheet, by, entries: dict | None = None, comment: str = "") -> ScoreSheet:
    """The cluster's points: the unit's unless `entries` changes them ({criterion id: {"points",
    "comment"}}); a changed figure needs its comment. Sent on to the standing board."""
    entries = entries or {}
    with transaction.atomic():
        sheet = transitions.lock(ScoreSheet, sheet.pk)
        _require("verify", by, sheet)
        scores = {s.criterion_id: s for s in sheet.scores.select_related("criterion")}
        if set(entries) - set(scores):
            raise ValidationError(_("Unknown criteria for this sheet: %(ids)s") % {
                "ids": sorted(set(entries) - set(scores))})
        errors = {}
        for criterion_id, score in scores.items():
            entry = entries.get(criterion_id, {})
            typed = str(entry.get("points", "")).strip()
            points = score.self_points if typed == "" else _points(typed, score.criterion, f"points_{criterion_id}")
            note = (entry.get("comment") or "").strip()
            if points != score.self_points and not note:
                errors[f"comment_{criterion_id}"] = [_("%(code)s: say why the points change.") % {
                    "code": score.criterion.code}]
            score.verified_points, score.verify_comment = points, note
        if errors:
            raise ValidationError(errors)
        for score in scores.values():
            score.save(update_fields=["verified_points", "verify_comment"])
        transitions.apply(sheet, "verify", by=by, comment=comment, label=_("verify the sheet"))
        engine.complete(sheet.process, ScoreSheetFlow.verify, by=by)
    return sheet


def sheet_approve(*, sheet: ScoreSheet, by, comment: str = "") -> ScoreSheet:
    with transaction.atomic():
        sheet = transitions.lock(ScoreSheet, sheet.pk)
        _require("approve", by, sheet)
        transitions.apply(sheet, "approve", by=by, comment=comment, label=_("approve the sheet"),
                          acting_unit=sheet.emulation.table.organiser)
        for score in sheet.scores.all():
            score.final_points = score.verified_points
            score.save(update_fields=["final_points"])
        engine.complete(sheet.process, ScoreSheetFlow.approve, by=by)
    return sheet


def sheet_return(*, sheet: ScoreSheet, by, comment: str) -> ScoreSheet:
    """Back to the cluster head, who verifies again."""
    if not (comment or "").strip():
        raise ValidationError({"comment": _("A comment is required to return it.")})
    with transaction.atomic():
        sheet = transitions.lock(ScoreSheet, sheet.pk)
        _require("approve", by, sheet)
        transitions.apply(sheet, "return_to_cluster", by=by, comment=comment, label=_("return the sheet"),
                          acting_unit=sheet.emulation.table.organiser)
        engine.complete(sheet.process, ScoreSheetFlow.approve, by=by)
    return sheet


# --- the decision --------------------------------------------------------------------------------

def emulation_decide(*, emulation: Emulation, by, decision_text: str = "") -> Emulation:
    """Number and issue the decision once every sheet is approved; entered in the outgoing register."""
    with transaction.atomic():
        emulation = transitions.lock(Emulation, emulation.pk)
        _require("decide", by, emulation)
        waiting = emulation.sheets.exclude(state=SheetState.APPROVED).select_related("unit")
        if waiting.exists():
            raise ValidationError(_("Every sheet must be approved first; still waiting: %(units)s.") % {
                "units": ", ".join(s.unit.name for s in waiting[:10])})
        now = timezone.now()
        if decision_text.strip():
            emulation.decision_text = decision_text.strip()
        organiser = emulation.table.organiser
        number = number_next(unit=organiser, department=emulation.department, kind_code=DECISION_KIND,
                             day=timezone.localdate(now))
        transitions.apply(emulation, "decide", by=by, label=_("issue the decision"), number=number, issued_at=now)
        outgoing_record(number=number, unit=organiser, department=emulation.department, kind=DECISION_KIND,
                        subject=emulation.subject, signer="", issued_at=now, by=by, document=emulation,
                        recipients="; ".join(emulation.sheets.order_by("unit__path")
                                             .values_list("unit__name", flat=True)))
    return emulation
