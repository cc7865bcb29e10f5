"""A score sheet's process: the unit assesses itself → the cluster head verifies → the standing
board approves, or returns it to the cluster. The nodes hold no rules: emulation.services
completes each step, and the gate reads the state the service left on the sheet."""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from workflows.engine import link_subject

from .models import SheetState


def _unit(process):
    return process.score_sheet.unit


def verifier_of(sheet):
    """The unit whose people verify a sheet: its cluster's head, or the organiser for the head's own."""
    cluster = sheet.cluster
    return sheet.emulation.table.organiser if cluster.head_id == sheet.unit_id else cluster.head


def _verifier(process):
    return verifier_of(process.score_sheet)


def _organiser(process):
    return process.score_sheet.emulation.table.organiser


class ScoreSheetFlow(flow.Flow):
    process_title = _("Emulation score sheet")
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(link_subject).Next(this.assess)
    assess = (
        flow.ManualTask()
        .Annotation(title=_("Assess the unit's emulation scores"))
        .Permission("accounts.handle_assignments", obj=_unit)
        .Next(this.verify)
    )
    verify = (
        flow.ManualTask()
        .Annotation(title=_("Verify the emulation scores"))
        .Permission("accounts.review_reports", obj=_verifier)
        .Next(this.approve)
    )
    approve = (
        flow.ManualTask()
        .Annotation(title=_("Approve the emulation scores"))
        .Permission("accounts.approve_plans", obj=_organiser)
        .Next(this.after_approval)
    )
    after_approval = (
        flow.If(lambda activation: activation.process.score_sheet.state == SheetState.APPROVED)
        .Then(this.end)
        .Else(this.verify)
    )
    end = flow.End()
