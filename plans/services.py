"""Writes on plans, assignments and reports. Each runs in one transaction on a locked row,
checks who may act, applies the state machine's transition, logs it, and moves the workflow."""


from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import attachments, audit, rules, transitions
from core.numbering import number_next
from deadlines.policy import receipt_due_from, review_due_from
from registers.services import incoming_record, outgoing_record
from workflows import engine

from . import documents, fanout, tasks
from .flows import AssignmentFlow, PlanApprovalFlow
from .models import OPEN_ASSIGNMENT_STATES, Assignment, AssignmentState, Plan, PlanState, Report
from .rules import ASSIGNMENT_RULES, DRAFTING, PLAN_RULES

EDITABLE_FIELDS = (
    "kind", "subject", "body", "period_start", "period_end", "receipt_due", "report_due", "department",
)


def _require(action: str, user, obj):
    rules.require(ASSIGNMENT_RULES if isinstance(obj, Assignment) else PLAN_RULES, action, user, obj)


def _attach(owner, files, by):
    if files:
        attachments.attachments_add(owner=owner, files=files, by=by)


def _require_comment(comment: str):
    if not (comment or "").strip():
        raise ValidationError({"comment": _("A comment is required to return it.")})


def _deadline_errors(plan: Plan, now) -> dict[str, list[str]]:
    """A plan's deadlines are still to come and the receipt is due no later than the report."""
    errors = {}
    if plan.report_due and plan.report_due < now:
        errors.setdefault("report_due", []).append(_("The report deadline has already passed."))
    if plan.receipt_due and plan.receipt_due < now:
        errors.setdefault("receipt_due", []).append(_("The receipt deadline has already passed."))
    if plan.receipt_due and plan.report_due and plan.report_due < plan.receipt_due:
        errors.setdefault("report_due", []).append(_("The report deadline is before the receipt deadline."))
    return errors


def _require_deadlines_ahead(plan: Plan, now):
    """Checked again at each step after the draft: a plan saved in time may wait for its approval
    or its issue until its deadline has passed, and would then be overdue at birth."""
    errors = _deadline_errors(plan, now)
    if errors:
        raise ValidationError(errors)


def _validate_plan(plan: Plan, recipients):
    errors = _deadline_errors(plan, timezone.now())
    if not plan.subject:
        errors["subject"] = _("The subject line is required.")
    if plan.department_id and plan.department.unit_id != plan.issuing_unit_id:
        errors["department"] = _("The department does not belong to the issuing unit.")
    if plan.period_start and plan.period_end and plan.period_end < plan.period_start:
        errors["period_end"] = _("The end of the period is before its start.")
    if recipients is not None:
        issuer_path = plan.issuing_unit.path
        foreign = [u for u in recipients if not u.path.startswith(issuer_path) or u.pk == plan.issuing_unit_id]
        if foreign:
            errors["recipients"] = _("Plans go only to units below the issuing unit: %(units)s") % {
                "units": ", ".join(u.name for u in foreign)
            }
        ended = [u for u in recipients if not u.is_active]
        if ended and "recipients" not in errors:
            errors["recipients"] = _("These units have ended (merged or dissolved): %(units)s") % {
                "units": ", ".join(u.name for u in ended)}
    if plan.issuing_unit_id and not plan.issuing_unit.is_active:
        errors["issuing_unit"] = _("%(unit)s has ended (merged or dissolved).") % {"unit": plan.issuing_unit.name}
    if errors:
        raise ValidationError(errors)


def plan_create(*, by, issuing_unit, subject, report_due, recipients=(), parent_assignment=None, files=(),
                **fields) -> Plan:
    """A new draft; its files are saved with it or not at all."""
    rules.require(DRAFTING, "draft", by, issuing_unit)
    if parent_assignment is not None and parent_assignment.unit_id != issuing_unit.pk:
        raise ValidationError({"parent_assignment": _("An implementing plan belongs to the assigned unit.")})
    received = Assignment.objects.filter(pk=getattr(parent_assignment, "pk", None), state=AssignmentState.RECEIVED)
    if parent_assignment is not None and not received.exists():
        raise ValidationError({"parent_assignment": _("Implementing plans are drafted once the work is received.")})
    plan = Plan(issuing_unit=issuing_unit, subject=subject, report_due=report_due,
                parent_assignment=parent_assignment, created_by=by,
                **{k: v for k, v in fields.items() if k in EDITABLE_FIELDS})
    recipients = list(recipients)
    _validate_plan(plan, recipients)
    with transaction.atomic():
        plan.save()
        plan.recipients.set(recipients)
        _attach(plan, files, by)
    return plan


def plan_update(*, plan: Plan, by, recipients=None, files=(), **fields) -> Plan:
    with transaction.atomic():
        plan = transitions.lock(Plan, plan.pk)
        _require("edit", by, plan)
        if plan.state != PlanState.DRAFT:
            raise ValidationError(_("Only a draft can be edited."))
        before = _plan_contents(plan)
        for name, value in fields.items():
            if name in EDITABLE_FIELDS:
                setattr(plan, name, value)
        recipients = list(recipients) if recipients is not None else None
        _validate_plan(plan, recipients)
        plan.save()
        if recipients is not None:
            plan.recipients.set(recipients)
        _attach(plan, files, by)
        audit.record_change(plan, by=by, before=before, after=_plan_contents(plan))
    return plan


def _plan_contents(plan: Plan) -> dict:
    """What an edit of the draft may change, as the audit row's before / after."""
    return {**audit.snapshot(plan, EDITABLE_FIELDS),
            "recipients": sorted(plan.recipients.values_list("pk", flat=True))}


def plan_submit(*, plan: Plan, by, comment: str = "") -> Plan:
    with transaction.atomic():
        plan = transitions.lock(Plan, plan.pk)
        _require("submit", by, plan)
        if plan.state == PlanState.DRAFT:
            if not plan.recipients.exists():
                raise ValidationError({"recipients": _("Choose at least one recipient unit.")})
            _require_deadlines_ahead(plan, timezone.now())
        transitions.apply(plan, "submit", by=by, comment=comment, label=_("submit"))
        if plan.process_id is None:
            PlanApprovalFlow.start.run(subject=plan)
        else:
            engine.complete(plan.process, PlanApprovalFlow.rework, by=by)
    return plan


def plan_review(*, plan: Plan, by, comment: str = "") -> Plan:
    """The department head passes the draft on to the leader."""
    with transaction.atomic():
        plan = transitions.lock(Plan, plan.pk)
        _require("review", by, plan)
        transitions.apply(plan, "review", by=by, comment=comment, label=_("forward for approval"))
        engine.complete(plan.process, PlanApprovalFlow.review, by=by)
    return plan


def plan_approve(*, plan: Plan, by, comment: str = "") -> Plan:
    with transaction.atomic():
        plan = transitions.lock(Plan, plan.pk)
        _require("approve", by, plan)
        if plan.state == PlanState.AWAITING_APPROVAL:
            _require_deadlines_ahead(plan, timezone.now())
        transitions.apply(plan, "approve", by=by, comment=comment, label=_("approve"), acting_unit=plan.issuing_unit)
        engine.complete(plan.process, PlanApprovalFlow.approve, by=by)
        if plan.state == PlanState.APPROVED:
            transaction.on_commit(lambda: tasks.plan_sign_approval.delay(plan.pk), robust=True)
    return plan


def plan_return(*, plan: Plan, by, comment: str) -> Plan:
    """Back to the drafter with comments, from department review or from the leader."""
    _require_comment(comment)
    with transaction.atomic():
        plan = transitions.lock(Plan, plan.pk)
        _require("return", by, plan)
        node = PlanApprovalFlow.review if plan.state == PlanState.UNDER_REVIEW else PlanApprovalFlow.approve
        leader_step = node is PlanApprovalFlow.approve
        transitions.apply(plan, "return_to_draft", by=by, comment=comment, label=_("return"),
                          acting_unit=plan.issuing_unit if leader_step else None)
        engine.complete(plan.process, node, by=by)
    return plan


def plan_issue(*, plan: Plan, by, comment: str = "") -> Plan:
    """Number the plan and send it: one assignment, process and receive task per recipient.

    The query count does not depend on the number of recipients (bulk inserts throughout).
    """
    with transaction.atomic():
        plan = transitions.lock(Plan, plan.pk)
        _require("issue", by, plan)
        now = timezone.now()
        # Read once for the fan-out, the register row and the document: 3,321 rows each time.
        recipients = list(plan.recipients.order_by("path").values_list("pk", "path", "name"))
        number = None
        if plan.state == PlanState.APPROVED:
            _require_deadlines_ahead(plan, now)
            number = number_next(unit=plan.issuing_unit, department=plan.department, kind_code=plan.kind,
                                 day=timezone.localdate(now))
        transitions.apply(plan, "issue", by=by, comment=comment, label=_("issue"), number=number, issued_at=now)
        if number is not None:
            # In the transaction that took the number: a rolled-back issue leaves no register row.
            outgoing_record(number=number, unit=plan.issuing_unit, department=plan.department, kind=plan.kind,
                            subject=plan.subject, signer=documents.signature_of(plan)[1], issued_at=now, by=by,
                            document=plan,
                            recipients="; ".join(name for _pk, _path, name in recipients))
        # The official document is fixed with the number; its PDF is made after commit, outside the
        # locks (LibreOffice takes seconds). Robust: a broker down must not fail an issue already committed;
        # the first download then makes the PDF.
        documents.document_fix(plan, recipients=[(path, name) for _pk, path, name in recipients])
        transaction.on_commit(lambda: tasks.plan_document_pdf.delay(plan.pk), robust=True)
        # The policy's receipt deadline is a default, not anyone's choice: a plan due sooner (a quick
        # report request) is capped at its report deadline rather than refused, as obligations does.
        receipt_due = plan.receipt_due or min(receipt_due_from(now), plan.report_due)
        fanout.assignments_send(plan=plan, unit_ids=[pk for pk, _path, _name in recipients], receipt_due=receipt_due)
        engine.complete(plan.process, PlanApprovalFlow.issue, by=by)
    return plan


def plan_revoke(*, plan: Plan, by, reason: str) -> Plan:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("A reason is required to revoke a plan.")})
    with transaction.atomic():
        plan = transitions.lock(Plan, plan.pk)
        _require("revoke", by, plan)
        # Every row lock before the first history row: logging takes the audit chain's lock until
        # commit (core.hashchain), and a unit reporting now holds its assignment and waits for it.
        open_assignments = list(plan.assignments.select_for_update().filter(state__in=OPEN_ASSIGNMENT_STATES))
        transitions.apply(plan, "revoke", by=by, comment=reason, label=_("revoke"), acting_unit=plan.issuing_unit)
        _cancel_in_bulk(open_assignments, by=by, reason=reason)
    return plan


def _cancel_in_bulk(assignments, *, by, reason):
    transitions.apply_in_bulk(Assignment, assignments, transition="cancel", target=AssignmentState.CANCELLED, by=by,
                              comment=reason)
    engine.processes_cancel([a.process for a in assignments if a.process_id])


def assignment_receive(*, assignment: Assignment, by, comment: str = "") -> Assignment:
    with transaction.atomic():
        assignment = transitions.lock(Assignment, assignment.pk)
        _require("receive", by, assignment)
        now, plan = timezone.now(), assignment.plan
        # The arrival number's row lock before the history row, which holds the audit chain's lock
        # to commit (core.hashchain). A receipt the state refuses rolls the number back with it.
        incoming_record(assignment=assignment, unit=assignment.acting_unit, arrived_at=now,
                        sender=plan.issuing_unit.name, document_number=plan.number, subject=plan.subject,
                        document_date=timezone.localdate(plan.issued_at) if plan.issued_at else None)
        transitions.apply(assignment, "receive", by=by, comment=comment, label=_("confirm receipt"), at=now,
                          then=lambda: engine.complete(assignment.process, AssignmentFlow.receive, by=by))
    return assignment


def assignment_report(*, assignment: Assignment, by, text: str, files=()) -> Report:
    if not (text or "").strip():
        raise ValidationError({"text": _("The report cannot be empty.")})
    with transaction.atomic():
        assignment = transitions.lock(Assignment, assignment.pk)
        _require("report", by, assignment)
        now = timezone.now()
        previous = assignment.reports.order_by("-version").first()
        version = previous.version + 1 if previous else 1
        made = {}

        def report_and_move_on():
            made["report"] = Report.objects.create(assignment=assignment, version=version, text=text,
                                                   submitted_by=by)
            _attach(made["report"], files, by)
            engine.complete(assignment.process, AssignmentFlow.report, by=by)

        transitions.apply(assignment, "report", by=by, label=_("report"), at=now, review_due=review_due_from(now),
                          then=report_and_move_on)
        # A report is never changed, a new version replaces it: the audit row is the text before → after.
        audit.record_change(made["report"], by=by, before={"text": previous.text if previous else None},
                            after={"text": text})
    return made["report"]


def assignment_accept(*, assignment: Assignment, by, comment: str = "") -> Assignment:
    with transaction.atomic():
        # Plan before assignment, the order plan_revoke takes them in: no deadlock between the two.
        plan = transitions.lock(Plan, assignment.plan_id)
        assignment = transitions.lock(Assignment, assignment.pk)
        _require("accept", by, assignment)

        def comment_and_move_on():
            Report.objects.filter(assignment=assignment, version=assignment.reports.count()).update(
                review_comment=comment)
            engine.complete(assignment.process, AssignmentFlow.review, by=by)

        transitions.apply(assignment, "accept", by=by, comment=comment, label=_("accept"), at=timezone.now(),
                          then=comment_and_move_on)
        still_open = plan.assignments.filter(state__in=OPEN_ASSIGNMENT_STATES).exists()
        if not still_open and plan.state == PlanState.ISSUED:
            transitions.apply(plan, "close", by=by, label=_("close"),
                              comment=_("Every recipient's report has been accepted."))
    return assignment


def assignment_return(*, assignment: Assignment, by, comment: str) -> Assignment:
    _require_comment(comment)
    with transaction.atomic():
        assignment = transitions.lock(Assignment, assignment.pk)
        _require("return", by, assignment)
        transitions.apply(assignment, "return_report", by=by, comment=comment, label=_("return the report"))
        Report.objects.filter(assignment=assignment, version=assignment.reports.count()).update(
            review_comment=comment
        )
        # After the history row: the reopened step's notice quotes the return's comment from it.
        engine.complete(assignment.process, AssignmentFlow.review, by=by)
    return assignment
