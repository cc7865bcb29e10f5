"""The inspection's deadlines, as the deadline sweep reads them (registered in inspections.apps).

Each candidate query is one range scan of a (state, due) index: target_state_due,
remediation_state_due.
"""

from django.utils.translation import gettext as _

from accounts.models import Role
from deadlines.models import StepKind
from deadlines.steps import Candidate, Step, short

from .models import InspectionTarget, Remediation, RemediationState, TargetState, TeamMember, TeamRole


class InspectionSelfReport(Step):
    kind = StepKind.INSPECTION_SELF_REPORT
    due_field = "self_report_due"
    url_name = "inspections:target"
    approved_model = "inspections.inspection"
    level2_role = Role.INSPECTION_CHAIR

    def open_rows(self):
        # An outside body has no account here: the team records its report, nobody to remind.
        return InspectionTarget.objects.filter(state=TargetState.NOTIFIED, unit__isnull=False)

    def fields(self):
        return ("unit_id", "unit__name", "inspection__programme__issuing_unit_id", "inspection_id",
                "inspection__subject")

    def candidate(self, row):
        pk, due, unit_id, unit_name, issuing_unit_id, inspection_id, subject = row
        return Candidate(pk, due, unit_id, unit_name, issuing_unit_id, None, inspection_id, inspection_id,
                         short(subject))

    def what(self, subject):
        return _("the self-report for “%(subject)s”") % {"subject": subject}


class RemediationStep(Step):
    kind = StepKind.REMEDIATION
    due_field = "due"
    url_name = "inspections:remediation"
    approved_model = "inspections.inspection"
    level2_role = Role.INSPECTION_CHAIR

    def open_rows(self):
        return Remediation.objects.filter(state=RemediationState.OPEN)

    def fields(self):
        return ("target__unit_id", "target__unit__name", "target__outside_body",
                "target__inspection__programme__issuing_unit_id", "target__inspection_id", "recommendation__text")

    def candidate(self, row):
        pk, due, unit_id, unit_name, outside_body, issuing_unit_id, inspection_id, text = row
        return Candidate(pk, due, unit_id, unit_name or outside_body, issuing_unit_id, None, inspection_id,
                         inspection_id, short(text))

    def contacts(self, group_ids):
        # An outside body's remediation is followed by the inspection team's head.
        return dict(
            TeamMember.objects.filter(inspection_id__in=group_ids, role=TeamRole.HEAD)
            .values_list("inspection_id", "user_id")
        )

    def what(self, subject):
        return _("the remediation “%(subject)s”") % {"subject": subject}


STEPS = (InspectionSelfReport(), RemediationStep())
