"""Seed the §4.2 register (seven processors) and privacy policy 1.0 (effective 2025-10-25)."""

from django.db import migrations


def seed(apps, schema_editor):
    from subprocessors.seed import seed_all

    seed_all(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("subprocessors", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
