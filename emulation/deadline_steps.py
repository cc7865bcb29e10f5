"""The emulation's deadlines, as the deadline sweep reads them (registered in emulation.apps): a
unit's self-assessment, then its cluster head's verification. Both dues live on the emulation;
each candidate query is one scan of the sheets in that state (sheet_state), joined to it."""

from django.utils.translation import gettext as _

from deadlines.models import StepKind
from deadlines.steps import Candidate, Step, short

from .models import ScoreSheet, SheetState


class SelfAssessmentStep(Step):
    kind = StepKind.EMULATION_SELF_ASSESSMENT
    due_field = "emulation__self_assessment_due"
    url_name = "emulation:sheet"
    approved_model = "emulation.emulation"  # no approval: the organiser's secretary is in charge

    def open_rows(self):
        return ScoreSheet.objects.filter(state=SheetState.SELF_ASSESSING)

    def fields(self):
        return ("unit_id", "unit__name", "emulation__table__organiser_id", "emulation_id", "emulation__subject")

    def candidate(self, row):
        pk, due, unit_id, unit_name, organiser_id, emulation_id, subject = row
        return Candidate(pk, due, unit_id, unit_name, organiser_id, None, emulation_id, None, short(subject))

    def what(self, subject):
        return _("the emulation self-assessment for “%(subject)s”") % {"subject": subject}


class VerificationStep(SelfAssessmentStep):
    kind = StepKind.EMULATION_VERIFICATION
    due_field = "emulation__verification_due"

    def open_rows(self):
        return ScoreSheet.objects.filter(state=SheetState.SUBMITTED)

    def fields(self):
        # The verifiers are the ones reminded and escalated about: the cluster head's people, or the
        # organiser's for the head's own sheet (emulation.flows.verifier_of).
        return ("unit_id", "cluster__head_id", "cluster__head__name", "emulation__table__organiser_id",
                "emulation__table__organiser__name", "emulation_id", "emulation__subject")

    def candidate(self, row):
        pk, due, unit_id, head_id, head_name, organiser_id, organiser_name, emulation_id, subject = row
        if head_id == unit_id:
            head_id, head_name = organiser_id, organiser_name
        return Candidate(pk, due, head_id, head_name, organiser_id, None, emulation_id, None, short(subject))

    def what(self, subject):
        return _("the verification of the emulation score sheets for “%(subject)s”") % {"subject": subject}


STEPS = (SelfAssessmentStep(), VerificationStep())
