import sqlite3

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def _sqlite_real_parameter_limit(sender, connection, **kwargs):
    # Django 5.2 assumes SQLite's old limit of 999 bound parameters and splits bulk inserts
    # into many batches; SQLite ≥ 3.32 allows 32,766. Using the connection's real limit keeps
    # issuing a plan at a fixed number of queries on the embedded default too.
    if connection.vendor == "sqlite":
        connection.features.max_query_params = connection.connection.getlimit(
            sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER
        )


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        connection_created.connect(_sqlite_real_parameter_limit, dispatch_uid="sqlite-parameter-limit")
