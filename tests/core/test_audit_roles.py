"""The runtime role cannot change the audit trail (issue 12, V4; acceptance): created with
`manage.py db_roles` by the owner, it may read and append history rows, nothing more."""

import secrets
from io import StringIO

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import ProgrammingError, connection, transaction

from core import audit
from core.models import TransitionLog
from plans import services
from tests.plans.helpers import approved_plan, draft_plan

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles and grants need PostgreSQL"),
]

ROLE = "kehoach_audit_app"
PASSWORD = secrets.token_urlsafe(16)


@pytest.fixture
def app_role(db):
    out = StringIO()
    call_command("db_roles", app_role=ROLE, password=PASSWORD, stdout=out)
    return out.getvalue()


def app_connection():
    """A second connection to the test database, as the runtime role."""
    settings = connection.settings_dict
    return psycopg.connect(host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432,
                           dbname=settings["NAME"], user=ROLE, password=PASSWORD, autocommit=True)


@pytest.fixture
def as_app_role():
    """Run the application's own code on the default connection, logged in as the runtime role."""
    saved = dict(connection.settings_dict)

    def switch():
        connection.close()
        connection.settings_dict.update(USER=ROLE, PASSWORD=PASSWORD)

    yield switch
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


def test_the_app_role_cannot_update_delete_or_truncate_history(people, app_role):
    approved_plan(people)
    row = TransitionLog.objects.order_by("pk").first()
    with app_connection() as conn:
        for statement in (f"UPDATE core_transitionlog SET comment = 'sửa lén' WHERE id = {row.pk}",
                          f"DELETE FROM core_transitionlog WHERE id = {row.pk}",
                          "TRUNCATE core_transitionlog",
                          "DELETE FROM core_auditanchor",
                          "INSERT INTO core_auditanchor (last_purged_pk, hash, cutoff, deleted, at) "
                          "VALUES (1, 'x', now(), 0, now())"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
                conn.execute(statement)
        # Reading is allowed, and so is every other table: the app still works.
        assert conn.execute("SELECT count(*) FROM core_transitionlog").fetchone()[0] == 3
        conn.execute("UPDATE plans_plan SET subject = subject")
    assert TransitionLog.objects.get(pk=row.pk).comment == row.comment
    assert audit.verify().intact


def test_the_app_role_appends_history_through_the_services(people, app_role, as_app_role):
    plan = draft_plan(people)
    as_app_role()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == ROLE
    services.plan_update(plan=plan, by=people.province_officer, subject="Kế hoạch đã sửa")
    services.plan_submit(plan=plan, by=people.province_officer)
    assert list(TransitionLog.objects.order_by("pk").values_list("transition", flat=True)) == ["edit", "submit"]
    assert audit.verify().intact
    with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
        TransitionLog.objects.update(comment="sửa lén")


def test_the_owner_can_still_alter_a_row_and_verify_names_it(people, app_role):
    approved_plan(people)
    row = TransitionLog.objects.order_by("pk")[1]
    # The test connection is the owner (the role that ran migrate).
    TransitionLog.objects.filter(pk=row.pk).update(comment="sửa bằng quyền chủ sở hữu")
    with pytest.raises(CommandError, match=f"row {row.pk} \\(content changed\\)"):
        call_command("audit_verify")


def test_db_roles_is_idempotent_and_keeps_the_grants(people, app_role):
    assert f"Created role {ROLE}" in app_role or f"Updated role {ROLE}" in app_role
    out = StringIO()
    call_command("db_roles", app_role=ROLE, stdout=out)
    assert f"Updated role {ROLE}" in out.getvalue()
    with app_connection() as conn:
        rights = dict(conn.execute(
            "SELECT p, has_table_privilege(%s, 'core_transitionlog', p) FROM unnest(ARRAY"
            "['SELECT','INSERT','UPDATE','DELETE','TRUNCATE']) AS p", [ROLE]).fetchall())
        super_ = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [ROLE]).fetchone()[0]
    assert rights == {"SELECT": True, "INSERT": True, "UPDATE": False, "DELETE": False, "TRUNCATE": False}
    assert super_ is False


@pytest.mark.parametrize("name", ["Kehoach", "app; DROP TABLE x", "", "1app"])
def test_db_roles_refuses_a_bad_role_name(db, name):
    with pytest.raises(CommandError, match="not a valid role name"):
        call_command("db_roles", app_role=name)


def test_db_roles_refuses_to_demote_the_owner(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="the app role must be another role"):
        call_command("db_roles", app_role=owner)
