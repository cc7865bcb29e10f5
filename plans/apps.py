from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans")

    def ready(self):
        from core.attachments import register_owner

        from .models import Plan, Report
        from .selectors import plans_visible_to, reports_visible_to

        # Whoever sees a plan or a report sees its files; nobody else does.
        register_owner(Plan, plans_visible_to)
        register_owner(Report, reports_visible_to)
