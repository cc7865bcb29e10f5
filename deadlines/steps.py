"""The four kinds of step with a deadline: which rows are open, where their due moment lives,
and what the sweep needs to know about each (unit, issuer, who approved, what to call it).

Each candidate query is one range scan of a (state, due) index: assignment_state_due,
assignment_state_receipt_due, target_state_due, remediation_state_due.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from inspections.models import InspectionTarget, Remediation, RemediationState, TargetState
from plans.models import Assignment, AssignmentState

from .models import DeadlineEvent, Level, StepKind

SUBJECT_CHARS = 120


@dataclass(slots=True)
class Candidate:
    object_id: int
    due: datetime.datetime
    unit_id: int | None  # None: an outside body under supervision
    unit_name: str
    issuing_unit_id: int
    department_id: int | None  # the plan's advising department
    approved_id: int  # the plan or inspection whose approver is the leader in charge
    inspection_id: int | None
    subject: str


def _short(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SUBJECT_CHARS else text[: SUBJECT_CHARS - 1] + "…"


class Step:
    kind: str
    due_field: str
    url_name: str
    approved_model: str  # "plans.plan" or "inspections.inspection"

    def open_rows(self):
        raise NotImplementedError

    def fields(self) -> tuple[str, ...]:
        raise NotImplementedError

    def candidate(self, row) -> Candidate:
        raise NotImplementedError

    def what(self, subject: str) -> str:
        raise NotImplementedError

    def candidates(self, horizon) -> list[Candidate]:
        """Open rows due by `horizon` that still have a level to go: one query.

        Rows whose last level is recorded drop out through the NOT EXISTS (served by the
        event table's unique index), so the work tracks the rows that are due, not the table.
        """
        finished = DeadlineEvent.objects.filter(
            step_kind=self.kind, object_id=OuterRef("pk"), level=Level.LEVEL3, due=OuterRef(self.due_field)
        )
        rows = (
            self.open_rows().filter(**{f"{self.due_field}__lte": horizon}).filter(~Exists(finished))
            .order_by().values_list("pk", self.due_field, *self.fields())
        )
        # Ordered by id so two sweeps insert their claims in the same order (no deadlock).
        return sorted((self.candidate(row) for row in rows), key=lambda c: c.object_id)

    def url_maker(self):
        """pk → the object's page. Reversed once: a sweep may build thousands of links."""
        marker = 987654321
        try:
            pattern = reverse(self.url_name, args=[marker])
        except NoReverseMatch:
            return lambda pk: ""
        head, tail = pattern.split(str(marker), 1)
        return lambda pk: f"{head}{pk}{tail}"


class _AssignmentStep(Step):
    url_name = "plans:assignment"
    approved_model = "plans.plan"

    def fields(self):
        return ("unit_id", "unit__name", "plan__issuing_unit_id", "plan__department_id", "plan_id", "plan__subject")

    def candidate(self, row):
        pk, due, unit_id, unit_name, issuing_unit_id, department_id, plan_id, subject = row
        return Candidate(pk, due, unit_id, unit_name, issuing_unit_id, department_id, plan_id, None, _short(subject))


class AssignmentReceipt(_AssignmentStep):
    kind = StepKind.ASSIGNMENT_RECEIPT
    due_field = "receipt_due"

    def open_rows(self):
        return Assignment.objects.filter(state=AssignmentState.SENT)

    def what(self, subject):
        return _("confirming receipt of “%(subject)s”") % {"subject": subject}


class AssignmentReport(_AssignmentStep):
    kind = StepKind.ASSIGNMENT_REPORT
    due_field = "report_due"

    def open_rows(self):
        return Assignment.objects.filter(state__in=[AssignmentState.SENT, AssignmentState.RECEIVED])

    def what(self, subject):
        return _("the report on “%(subject)s”") % {"subject": subject}


class InspectionSelfReport(Step):
    kind = StepKind.INSPECTION_SELF_REPORT
    due_field = "self_report_due"
    url_name = "inspections:target"
    approved_model = "inspections.inspection"

    def open_rows(self):
        # An outside body has no account here: the team records its report, nobody to remind.
        return InspectionTarget.objects.filter(state=TargetState.NOTIFIED, unit__isnull=False)

    def fields(self):
        return ("unit_id", "unit__name", "inspection__programme__issuing_unit_id", "inspection_id",
                "inspection__subject")

    def candidate(self, row):
        pk, due, unit_id, unit_name, issuing_unit_id, inspection_id, subject = row
        return Candidate(pk, due, unit_id, unit_name, issuing_unit_id, None, inspection_id, inspection_id,
                         _short(subject))

    def what(self, subject):
        return _("the self-report for “%(subject)s”") % {"subject": subject}


class RemediationStep(Step):
    kind = StepKind.REMEDIATION
    due_field = "due"
    url_name = "inspections:remediation"
    approved_model = "inspections.inspection"

    def open_rows(self):
        return Remediation.objects.filter(state=RemediationState.OPEN)

    def fields(self):
        return ("target__unit_id", "target__unit__name", "target__outside_body",
                "target__inspection__programme__issuing_unit_id", "target__inspection_id", "recommendation__text")

    def candidate(self, row):
        pk, due, unit_id, unit_name, outside_body, issuing_unit_id, inspection_id, text = row
        return Candidate(pk, due, unit_id, unit_name or outside_body, issuing_unit_id, None, inspection_id,
                         inspection_id, _short(text))

    def what(self, subject):
        return _("the remediation “%(subject)s”") % {"subject": subject}


STEPS: tuple[Step, ...] = (AssignmentReceipt(), AssignmentReport(), InspectionSelfReport(), RemediationStep())
