"""The database alias the owner's commands (db_roles, audit_purge) use by default."""

from django.conf import settings

OWNER_ALIAS = "owner"


def owner_alias() -> str:
    """`owner` when DATABASE_OWNER_URL configured it, else `default` (SQLite, or one role for all)."""
    return OWNER_ALIAS if OWNER_ALIAS in settings.DATABASES else "default"
