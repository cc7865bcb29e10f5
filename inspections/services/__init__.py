"""Writes on inspections. Like plans.services: one transaction, rows locked in the order
inspection → target → conclusion → remediation, the permission checked, the transition applied
and logged (core.transitions), the workflow task completed (workflows.engine)."""

from .conclusions import conclusion_approve, conclusion_issue, conclusion_return, conclusion_save, conclusion_submit
from .decisions import (
    inspection_approve,
    inspection_create,
    inspection_return,
    inspection_submit,
    inspection_update,
    programme_create,
)
from .remediation import remediation_reopen, remediation_report, remediation_verify
from .targets import finding_record, finding_update, target_self_report

__all__ = [
    "conclusion_approve",
    "conclusion_issue",
    "conclusion_return",
    "conclusion_save",
    "conclusion_submit",
    "finding_record",
    "finding_update",
    "inspection_approve",
    "inspection_create",
    "inspection_return",
    "inspection_submit",
    "inspection_update",
    "programme_create",
    "remediation_reopen",
    "remediation_report",
    "remediation_verify",
    "target_self_report",
]
