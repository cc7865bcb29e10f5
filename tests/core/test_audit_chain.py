"""The audit hash chain (issue 12, V4): every history row links to the one before; audit_verify
names the first row that was changed or follows a removed one; purging keeps the rest verifiable."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from core import audit
from core.models import AuditAnchor, TransitionLog
from plans import services
from plans.models import Plan
from tests.plans.helpers import approved_plan, draft_plan


def verify_output():
    from io import StringIO

    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def broken_message():
    with pytest.raises(CommandError) as caught:
        call_command("audit_verify")
    assert caught.value.returncode == 1
    return str(caught.value)


@pytest.fixture
def chain(people):
    """A plan through approval; a second one edited, submitted and forwarded: six rows, two objects."""
    approved_plan(people)
    second = draft_plan(people, subject="Kế hoạch thứ hai")
    services.plan_update(plan=second, by=people.province_officer, subject="Kế hoạch thứ hai (sửa)")
    services.plan_submit(plan=second, by=people.province_officer)
    services.plan_review(plan=second, by=people.department_head)
    rows = list(TransitionLog.objects.order_by("pk"))
    assert len(rows) == 6
    return rows


def test_each_row_links_to_the_previous_one_from_genesis(chain):
    assert chain[0].prev_hash == audit.GENESIS
    for previous, row in zip(chain, chain[1:], strict=False):
        assert row.prev_hash == previous.hash
    assert all(len(row.hash) == 64 for row in chain) and len({row.hash for row in chain}) == len(chain)


def test_an_intact_chain_is_reported_with_its_row_count(chain):
    assert verify_output().strip() == f"Audit chain intact: all {len(chain)} rows verified."


def test_a_comment_changed_by_the_owner_names_that_row(chain, people):
    tampered = chain[2]
    # What an owner (or a superuser at psql) can still do: the ORM's update() bypasses save().
    TransitionLog.objects.filter(pk=tampered.pk).update(comment="Đã sửa lén")
    message = broken_message()
    assert f"row {tampered.pk} (content changed)" in message
    assert f"plans.plan #{tampered.object_id}" in message and tampered.transition in message
    assert "2 rows before it are intact" in message


def test_a_raw_sql_change_of_the_author_names_that_row(chain, people):
    tampered = chain[4]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_transitionlog SET by_id = %s WHERE id = %s", [people.clerk.pk, tampered.pk])
    assert f"row {tampered.pk} (content changed)" in broken_message()


def test_a_row_rewritten_with_a_fresh_hash_names_the_next_row(chain):
    tampered, following = chain[1], chain[2]
    tampered.comment = "Viết lại"
    new_hash = audit.row_hash(tampered.prev_hash, audit.content_of(tampered, "plans.plan"))
    TransitionLog.objects.filter(pk=tampered.pk).update(comment="Viết lại", hash=new_hash)
    assert f"row {following.pk} (previous row missing or changed)" in broken_message()


def test_a_deleted_row_names_the_row_after_it(chain):
    deleted, following = chain[3], chain[4]
    TransitionLog.objects.filter(pk=deleted.pk)._raw_delete(TransitionLog.objects.db)
    message = broken_message()
    assert f"row {following.pk} (previous row missing or changed)" in message
    assert f"#{following.object_id}" in message


def test_the_first_row_deleted_is_found_too(chain):
    TransitionLog.objects.filter(pk=chain[0].pk)._raw_delete(TransitionLog.objects.db)
    assert f"row {chain[1].pk} (previous row missing or changed)" in broken_message()


def test_the_bulk_path_extends_the_chain_in_insert_order(people):
    """Revoking an issued plan cancels its assignments through apply_in_bulk (bulk_create)."""
    from tests.plans.helpers import issued_plan

    plan = issued_plan(people, recipients=people.tree.districts[:3])
    services.plan_revoke(plan=plan, by=people.province_leader, reason="Thu hồi để sửa")
    assert TransitionLog.objects.filter(transition="cancel").count() == 3
    assert audit.verify().intact


def test_the_history_api_rejects_updating_a_row_through_the_model(chain):
    row = chain[0]
    row.comment = "khác"
    with pytest.raises(ValueError):
        row.save()
    with pytest.raises(ValueError):
        row.delete()


# --- retention and purge ---------------------------------------------------------------------


def _age(rows, days):
    for row in rows:
        TransitionLog.objects.filter(pk=row.pk).update(at=timezone.now() - datetime.timedelta(days=days))


def _rechain():
    """Rewrite the test chain after back-dating rows (as the owner would to stage old data)."""
    previous = audit.GENESIS
    for row in TransitionLog.objects.order_by("pk"):
        new = audit.row_hash(previous, audit.content_of(row, "plans.plan"))
        TransitionLog.objects.filter(pk=row.pk).update(prev_hash=previous, hash=new)
        previous = new


def test_purge_deletes_rows_older_than_retention_and_anchors_the_rest(chain, settings):
    settings.AUDIT_RETENTION_MONTHS = 12
    _age(chain[:3], days=800)
    _rechain()
    call_command("audit_purge")
    assert not TransitionLog.objects.filter(pk__in=[r.pk for r in chain[:3]]).exists()
    assert TransitionLog.objects.count() == len(chain) - 3
    anchor = AuditAnchor.objects.get()
    assert anchor.last_purged_pk == chain[2].pk and anchor.deleted == 3
    assert anchor.hash == TransitionLog.objects.order_by("pk").first().prev_hash
    assert verify_output().strip() == f"Audit chain intact: all {len(chain) - 3} rows verified."


def test_purge_keeps_every_row_after_the_first_one_inside_retention(chain, settings):
    """A row stamped long ago but written after a newer one stays: the chain is only cut at its start."""
    settings.AUDIT_RETENTION_MONTHS = 12
    _age([chain[0], chain[2]], days=800)
    _rechain()
    call_command("audit_purge")
    assert list(TransitionLog.objects.order_by("pk").values_list("pk", flat=True)) == [r.pk for r in chain[1:]]
    assert audit.verify().intact


def test_rows_appended_after_a_purge_of_everything_link_to_the_anchor(chain, settings, people):
    settings.AUDIT_RETENTION_MONTHS = 12
    _age(chain, days=800)
    _rechain()
    call_command("audit_purge")
    assert not TransitionLog.objects.exists()
    plan = Plan.objects.filter(state="draft").first() or draft_plan(people)
    services.plan_submit(plan=plan, by=people.province_officer)
    assert TransitionLog.objects.get().prev_hash == AuditAnchor.objects.get().hash
    assert audit.verify().intact


def test_a_row_older_than_the_anchor_put_back_is_named(chain, settings):
    settings.AUDIT_RETENTION_MONTHS = 12
    _age(chain[:2], days=800)
    _rechain()
    call_command("audit_purge")
    anchor = AuditAnchor.objects.get()
    # Forge the anchor away: the first remaining row no longer links to GENESIS.
    AuditAnchor.objects.all().delete()
    assert f"row {chain[2].pk} (previous row missing or changed)" in broken_message()
    AuditAnchor.objects.create(last_purged_pk=anchor.last_purged_pk, hash=anchor.hash, cutoff=anchor.cutoff,
                               deleted=anchor.deleted)
    assert audit.verify().intact


def test_nothing_to_purge_inside_retention(chain):
    call_command("audit_purge")
    assert TransitionLog.objects.count() == len(chain) and not AuditAnchor.objects.exists()


@pytest.mark.parametrize("months", [0, 6, 11, "24"])
def test_a_retention_under_a_year_is_refused_by_the_purge(chain, settings, months):
    settings.AUDIT_RETENTION_MONTHS = months
    with pytest.raises(CommandError, match="at least 12 months"):
        call_command("audit_purge")
    assert TransitionLog.objects.count() == len(chain)


def test_a_retention_under_a_year_stops_start_up(monkeypatch):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; settings.INSTALLED_APPS"],
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
             "AUDIT_RETENTION_MONTHS": "6"},
        capture_output=True, text=True,
    )
    assert result.returncode != 0 and "AUDIT_RETENTION_MONTHS=6" in result.stderr


def test_the_cutoff_counts_calendar_months(settings):
    settings.AUDIT_RETENTION_MONTHS = 24
    now = datetime.datetime(2026, 3, 31, 10, tzinfo=datetime.UTC)
    assert audit.retention_cutoff(now) == datetime.datetime(2024, 3, 31, 10, tzinfo=datetime.UTC)
    settings.AUDIT_RETENTION_MONTHS = 13
    assert audit.retention_cutoff(now) == datetime.datetime(2025, 2, 28, 10, tzinfo=datetime.UTC)
    settings.AUDIT_RETENTION_MONTHS = 5
    with pytest.raises(ImproperlyConfigured):
        audit.retention_cutoff(now)


def test_db_roles_says_sqlite_has_no_roles(db):
    if connection.vendor != "sqlite":
        pytest.skip("the embedded SQLite case")
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("db_roles", app_role="kehoach_app")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL's locks")
def test_concurrent_writers_never_fork_the_chain(people):
    """Eight people submit eight plans at the same moment: one chain, no two rows on one predecessor."""
    import threading

    from django.db import connections

    plans = [draft_plan(people, subject=f"Kế hoạch {n}") for n in range(8)]
    barrier = threading.Barrier(len(plans))
    errors = []

    def submit(plan):
        try:
            barrier.wait()
            services.plan_submit(plan=plan, by=people.province_officer)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(plan,)) for plan in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    prev = list(TransitionLog.objects.values_list("prev_hash", flat=True))
    assert len(prev) == 8 and len(set(prev)) == 8
    assert audit.verify().intact


def test_the_seeded_demo_history_verifies_after_its_back_dating(db):
    """The demo writes its inspections' history today and moves it into 2024 (inspections.demo):
    it links the chain again, so `make run`'s audit_verify starts intact."""
    from accounts.demo import demo_seed
    from inspections.demo import demo_inspections_seed
    from plans.demo import demo_plans_seed

    demo_seed(password="x")
    demo_plans_seed()
    demo_inspections_seed()
    assert TransitionLog.objects.filter(at__year=2024).exists()
    assert "Audit chain intact" in verify_output()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and deadlocks need PostgreSQL")
def test_a_revoke_waits_for_a_report_in_progress_instead_of_deadlocking(people):
    """The revoke takes its assignments' locks before its first history row (and so before the
    chain's lock): a unit reporting at that moment finishes, then the revoke cancels its work."""
    import threading

    from django.db import connections, transaction

    from core import transitions
    from plans.models import Assignment, AssignmentState
    from tests.plans.helpers import issued_plan

    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    assignment = plan.assignments.get()
    services.assignment_receive(assignment=assignment, by=people.muong_ang_officer)
    holding, release, errors = threading.Event(), threading.Event(), []

    def report():
        try:
            with transaction.atomic():
                transitions.lock(Assignment, assignment.pk)  # the unit's transaction holds its row…
                holding.set()
                release.wait(60)
                # …then logs its report, which needs the chain's lock.
                services.assignment_report(assignment=assignment, by=people.muong_ang_officer, text="Báo cáo")
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def revoke():
        try:
            services.plan_revoke(plan=plan, by=people.province_leader, reason="Thu hồi")
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    reporter, revoker = threading.Thread(target=report), threading.Thread(target=revoke)
    reporter.start()
    assert holding.wait(60)
    revoker.start()
    # Go on once the revoke is blocked on a lock (the assignment's row), whatever it took to get there.
    with connection.cursor() as cursor:
        for _attempt in range(600):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                break
            threading.Event().wait(0.05)
    release.set()
    reporter.join(60)
    revoker.join(60)
    assert errors == []
    assert Assignment.objects.get(pk=assignment.pk).state == AssignmentState.CANCELLED
    from core.transitions import history_of

    assert [log.transition for log in history_of(assignment)][-2:] == ["report", "cancel"]
    assert [log.transition for log in history_of(plan)][-1] == "revoke"
    assert audit.verify().intact


@pytest.mark.django_db(transaction=True)
def test_the_migration_chains_the_rows_written_before_it(people):
    """History written before 0003 gets its chain, in pk order, and verifies."""
    from django.db.migrations.executor import MigrationExecutor

    approved_plan(people)
    TransitionLog.objects.update(prev_hash="", hash="")
    assert not audit.verify().intact
    executor = MigrationExecutor(connection)
    # Re-run the fill on today's rows: the migration's own function on the historical models.
    state = executor.loader.project_state(("core", "0003_audit_chain"))
    migration = executor.loader.get_migration("core", "0003_audit_chain")
    fill = migration.operations[-1]
    with connection.schema_editor() as editor:
        fill.code(state.apps, editor)
    assert audit.verify().intact and audit.verify().count == 3
