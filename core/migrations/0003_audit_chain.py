"""The audit hash chain: an edit's changes, each row's hash and its predecessor's, the purge anchor.
Existing rows are chained in pk order, the order audit_verify walks."""

import django.utils.timezone
from django.db import migrations, models

from core.hashchain import GENESIS, content_of, row_hash


def chain_existing(apps, schema_editor):
    TransitionLog = apps.get_model("core", "TransitionLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    using = schema_editor.connection.alias
    labels = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.using(using).all()}
    previous, batch = GENESIS, []
    for log in TransitionLog.objects.using(using).order_by("pk").iterator(chunk_size=2000):
        log.prev_hash = previous
        log.hash = previous = row_hash(previous, content_of(log, labels[log.content_type_id]))
        batch.append(log)
        if len(batch) == 2000:
            TransitionLog.objects.using(using).bulk_update(batch, ["prev_hash", "hash"])
            batch = []
    TransitionLog.objects.using(using).bulk_update(batch, ["prev_hash", "hash"])


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0002_transitionlog_on_behalf_of"),
    ]

    operations = [
        migrations.AddField(
            model_name="transitionlog",
            name="changes",
            field=models.JSONField(blank=True, null=True, verbose_name="changes"),
        ),
        migrations.AddField(
            model_name="transitionlog",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="transitionlog",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="hash"),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="AuditAnchor",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("last_purged_pk", models.PositiveBigIntegerField()),
                ("hash", models.CharField(max_length=64)),
                ("cutoff", models.DateTimeField()),
                ("deleted", models.PositiveIntegerField()),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={"verbose_name": "audit purge anchor", "verbose_name_plural": "audit purge anchors"},
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop, elidable=False),
    ]
