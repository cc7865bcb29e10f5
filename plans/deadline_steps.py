"""The assignment's two deadlines, as the deadline sweep reads them (registered in plans.apps).

Each candidate query is one range scan of a (state, due) index: assignment_state_receipt_due,
assignment_state_due.
"""

from django.utils.translation import gettext as _

from deadlines.models import StepKind
from deadlines.steps import Candidate, Step, short

from .models import Assignment, AssignmentState


class _AssignmentStep(Step):
    url_name = "plans:assignment"
    approved_model = "plans.plan"

    def fields(self):
        return ("unit_id", "unit__name", "plan__issuing_unit_id", "plan__department_id", "plan_id", "plan__subject",
                "carried_by_id", "carried_by__name")

    def candidate(self, row):
        pk, due, unit_id, unit_name, issuing_unit_id, department_id, plan_id, subject, carrier_id, carrier = row
        # Work carried on by another unit since its own ended: that unit is told and escalated.
        if carrier_id:
            unit_id, unit_name = carrier_id, carrier
        return Candidate(pk, due, unit_id, unit_name, issuing_unit_id, department_id, plan_id, None, short(subject))


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


STEPS = (AssignmentReceipt(), AssignmentReport())
