"""Create or update the runtime role of the application: everything on every table but the audit
tables, which it may only read and append to.

Run as the owner (the role that ran `migrate` and owns the tables), after every `migrate`:

    manage.py db_roles --app-role kehoach_app --password '…'

Idempotent: an existing role keeps its password unless --password is given, and its grants are set
again from scratch, so a table added by a later migration is covered by the next run.
"""

import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction

from ._owner import owner_alias

# The audit trail: appended by the application, never changed by it (core.audit).
APPEND_ONLY = ("core_transitionlog",)
# Written only by the owner's `audit_purge`; the application only reads it.
READ_ONLY = ("core_auditanchor",)
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def role_grants(cursor, *, role: str, schema: str = "public") -> None:
    """The app role's privileges in `schema`; `role` is a checked, quoted identifier."""
    cursor.execute(f"GRANT USAGE ON SCHEMA {schema} TO {role}")
    cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}")
    cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}")
    # Tables the owner creates later (the next migrate) are usable at once; the audit tables
    # below are narrowed again on every run.
    defaults = f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT"
    cursor.execute(f"{defaults} SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}")
    cursor.execute(f"{defaults} USAGE, SELECT ON SEQUENCES TO {role}")
    for table in APPEND_ONLY:
        cursor.execute(f"REVOKE ALL ON {schema}.{table} FROM {role}")
        cursor.execute(f"GRANT SELECT, INSERT ON {schema}.{table} TO {role}")
    for table in READ_ONLY:
        cursor.execute(f"REVOKE ALL ON {schema}.{table} FROM {role}")
        cursor.execute(f"GRANT SELECT ON {schema}.{table} TO {role}")


def app_role_ensure(*, role: str, password: str | None = None, using: str) -> bool:
    """Create the role (LOGIN, no special powers) or update it; grant as above. True if created."""
    if not ROLE_NAME.match(role):
        raise CommandError(f"{role!r} is not a valid role name (lower-case letters, digits, _).")
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise CommandError("Database roles exist on PostgreSQL only; the embedded SQLite has none.")
    quoted = connection.ops.quote_name(role)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        if cursor.fetchone()[0] == role:
            raise CommandError(f"{role} is the owner running this command; the app role must be another role.")
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        created = cursor.fetchone() is None
        verb = "CREATE" if created else "ALTER"
        # No superuser, no owner of anything, no bypass of row security: only what is granted below.
        options = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT"
        if password:
            cursor.execute(f"{verb} ROLE {quoted} {options} PASSWORD %s", [password])
        else:
            cursor.execute(f"{verb} ROLE {quoted} {options}")
        cursor.execute("SELECT current_database()")
        cursor.execute(f"GRANT CONNECT ON DATABASE {connection.ops.quote_name(cursor.fetchone()[0])} TO {quoted}")
        role_grants(cursor, role=quoted)
    return created


class Command(BaseCommand):
    help = "Create or update the application's runtime PostgreSQL role (run as the owner, after migrate)."

    def add_arguments(self, parser):
        parser.add_argument("--app-role", required=True, help="name of the runtime role, e.g. kehoach_app")
        parser.add_argument("--password", help="set (or change) the role's password")
        parser.add_argument("--database", default=None,
                            help="connection to run as the owner (default: 'owner' if DATABASE_OWNER_URL is set)")

    def handle(self, *args, app_role, password, database, **options):
        using = database or owner_alias()
        created = app_role_ensure(role=app_role, password=password, using=using)
        self.stdout.write(
            f"{'Created' if created else 'Updated'} role {app_role}: all tables read-write, "
            f"{', '.join(APPEND_ONLY)} select+insert only, {', '.join(READ_ONLY)} select only."
        )
