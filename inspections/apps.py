from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections")

    def ready(self):
        from core.attachments import register_owner

        from .models import Finding, InspectionTarget, RemediationReport
        from .selectors import findings_visible_to, remediation_reports_visible_to, targets_visible_to

        # Evidence follows its finding: a target sees it only once its conclusion is issued.
        register_owner(Finding, findings_visible_to)
        register_owner(InspectionTarget, targets_visible_to)
        register_owner(RemediationReport, remediation_reports_visible_to)
