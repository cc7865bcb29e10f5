from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmulationConfig(AppConfig):
    name = "emulation"
    verbose_name = _("Emulation (thi đua)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .registration import register

        register()
