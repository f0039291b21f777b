"""Trigram indexes for the registry's search (``EnterpriseQuerySet.search``), PostgreSQL only.

The search matches any part of the name, of its pinyin initials and of the credit code
(``LIKE '%…%'``), which no B-tree serves; ``pg_trgm`` GIN indexes do, for patterns of three
characters or more. SQLite has no such index and scans (fine at its scale); the operation does
nothing there. ``pg_trgm`` is a trusted extension (PostgreSQL 13+): the database owner may
create it without superuser rights.
"""

from django.db import migrations

COLUMNS = ("name", "name_initials", "credit_code")
TABLE = "enterprises_enterprise"


def _index(column: str) -> str:
    return f"enterprise_{column}_trgm"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{_index(column)}" ON "{TABLE}" '
            f'USING gin ("{column}" gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{_index(column)}"')


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0005_licence_reminders_and_change_previous")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
