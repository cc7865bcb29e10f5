"""Inspections and conclusions get the folded search text plans already had (now in
core.models.NumberedDocument): the inbox finds an inspection's tasks by its number or subject."""

from django.db import migrations, models

from core.text import fold


def fill(apps, schema_editor):
    for model_name, number_field in (("Inspection", "decision_number"), ("Conclusion", "number")):
        model = apps.get_model("inspections", model_name)
        rows = list(model.objects.all())
        for row in rows:
            row.search_text = fold(f"{getattr(row, number_field)} {getattr(row, 'subject', '')}")
        model.objects.bulk_update(rows, ["search_text"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("inspections", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="conclusion",
            name="search_text",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="inspection",
            name="search_text",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
