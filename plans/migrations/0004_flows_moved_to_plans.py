"""The plan flows moved from workflows/flows.py to plans/flows.py (workflows knows no domain
app any more). viewflow stores each process's flow and each task's node as a dotted reference
("app_label/module.Class[.node]"), so the stored references move with them."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Replace

OLD, NEW = "workflows/flows.", "plans/flows."


def _move(apps, old, new):
    Process = apps.get_model("viewflow", "Process")
    Task = apps.get_model("viewflow", "Task")
    Process.objects.filter(flow_class__startswith=old).update(
        flow_class=Replace("flow_class", Value(old), Value(new)))
    Task.objects.filter(flow_task__startswith=old).update(flow_task=Replace("flow_task", Value(old), Value(new)))


def forwards(apps, schema_editor):
    _move(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _move(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0003_assignment_state_receipt_due"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
