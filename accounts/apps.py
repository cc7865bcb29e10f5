from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Organisation")

    def ready(self):
        from core.transitions import register_delegation

        from .selectors import delegated_by

        # A deputy acting for an absent leader is logged "on behalf of" that leader.
        register_delegation(delegated_by)
