from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Organisation")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from core.transitions import register_delegation

        from .selectors import delegated_by
        from .two_factor import gate_set_at_login

        # A deputy acting for an absent leader is logged "on behalf of" that leader.
        register_delegation(delegated_by)
        # Each new session learns at login whether it owes a second factor (accounts.middleware).
        user_logged_in.connect(gate_set_at_login, dispatch_uid="accounts.two_factor.gate")
