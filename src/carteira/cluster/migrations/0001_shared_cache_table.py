"""The table of the shared cache (CARTEIRA_CACHE=database: rate limits every app process
counts together, docs/deploy.md). Created on every database so switching needs no step."""

from django.core.management import call_command
from django.db import migrations

TABLE = "carteira_shared_cache"


def create_table(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_table, drop_table, elidable=False)]
