"""Seed the checklist (see supervision/checklist/seed.py)."""

from django.db import migrations

from supervision.checklist.seed import seed_checklist


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    seed_checklist(apps.get_model("supervision", "SupervisionItem"))


class Migration(migrations.Migration):
    dependencies = [("supervision", "0003_checklist")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
