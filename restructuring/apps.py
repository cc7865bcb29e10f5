from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RestructuringConfig(AppConfig):
    name = "restructuring"
    verbose_name = _("Restructuring of units")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts import lineage

        from . import selectors

        lineage.register(selectors.today_of, selectors.neighbours_of, selectors.absorbed_ids)
