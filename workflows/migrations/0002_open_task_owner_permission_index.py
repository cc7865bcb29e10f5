"""An index on viewflow's task table for the lookup every unit-owned queue makes: the open tasks
of one (permission, unit). viewflow indexes only `status`, so the inbox and the restructuring's
carry read every open task of the country to find a unit's few. Partial on the open statuses,
which is all those lookups ask for; plain SQL because the table is viewflow's model, not ours."""

from django.db import migrations

INDEX = "workflows_open_task_owner_obj"


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0001_initial"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON viewflow_task "
            "(owner_permission_obj_pk, owner_permission) WHERE status IN ('NEW', 'ASSIGNED')",
            f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
