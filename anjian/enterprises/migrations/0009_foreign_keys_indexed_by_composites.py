"""The town and industry foreign keys lose their own indexes: the (town, …) and (industry, name)
indexes lead with those columns, and each index is one more B-tree written per inserted row.

The indexes are dropped by name rather than by ``AlterField``: on SQLite that operation rebuilds
the table, which drops the tally triggers of migration 0004 with it.
"""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "enterprises_enterprise"
COLUMNS = ("town_id", "industry_id")


def _single_column_indexes(schema_editor, column):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    return [
        name
        for name, facts in constraints.items()
        if facts["index"]
        and not facts["unique"]
        and not facts["primary_key"]
        and facts["columns"] == [column]
    ]


def drop_indexes(apps, schema_editor):
    quote = schema_editor.quote_name
    for column in COLUMNS:
        for name in _single_column_indexes(schema_editor, column):
            schema_editor.execute(f"DROP INDEX {quote(name)}")


def create_indexes(apps, schema_editor):
    quote = schema_editor.quote_name
    for column in COLUMNS:
        if not _single_column_indexes(schema_editor, column):
            name = quote(f"{TABLE}_{column}")
            schema_editor.execute(f"CREATE INDEX {name} ON {quote(TABLE)} ({quote(column)})")


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0008_enterprise_risk_level"),
        ("orgs", "0003_grid_retirement_and_unique_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="enterprise",
                    name="industry",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="enterprises",
                        to="orgs.industry",
                        verbose_name="行业（小类）",
                    ),
                ),
                migrations.AlterField(
                    model_name="enterprise",
                    name="town",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="enterprises",
                        to="orgs.town",
                        verbose_name="镇街",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
        )
    ]
