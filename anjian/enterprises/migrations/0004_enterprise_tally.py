"""The per-town enterprise tally and the triggers that keep it (see ``EnterpriseTally``).

Triggers rather than application code: every write counts, bulk inserts and queryset updates
included, and nothing that bypasses the services can skew a count.
"""

import django.db.models.deletion
from django.db import migrations, models

ENTERPRISE = "enterprises_enterprise"
TALLY = "enterprises_enterprisetally"
ADD = (
    f"INSERT INTO {TALLY} (town_id, status, enterprises) VALUES (NEW.town_id, NEW.status, 1)"
    f" ON CONFLICT (town_id, status) DO UPDATE SET enterprises = {TALLY}.enterprises + 1"
)
REMOVE = (
    f"UPDATE {TALLY} SET enterprises = enterprises - 1"
    " WHERE town_id = OLD.town_id AND status = OLD.status"
)
FILL = (
    f"INSERT INTO {TALLY} (town_id, status, enterprises)"
    f" SELECT town_id, status, COUNT(*) FROM {ENTERPRISE} GROUP BY town_id, status"
)
MOVED = "OLD.town_id IS DISTINCT FROM NEW.town_id OR OLD.status IS DISTINCT FROM NEW.status"

POSTGRESQL = [
    f"""CREATE FUNCTION enterprises_tally() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN {REMOVE}; END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN {ADD}; END IF;
        RETURN NULL;
    END $$""",
    f"CREATE TRIGGER enterprises_tally_write AFTER INSERT OR DELETE ON {ENTERPRISE}"
    " FOR EACH ROW EXECUTE FUNCTION enterprises_tally()",
    f"CREATE TRIGGER enterprises_tally_move AFTER UPDATE OF town_id, status ON {ENTERPRISE}"
    f" FOR EACH ROW WHEN ({MOVED}) EXECUTE FUNCTION enterprises_tally()",
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER enterprises_tally_move ON {ENTERPRISE}",
    f"DROP TRIGGER enterprises_tally_write ON {ENTERPRISE}",
    "DROP FUNCTION enterprises_tally()",
]
SQLITE = [
    f"CREATE TRIGGER enterprises_tally_insert AFTER INSERT ON {ENTERPRISE} BEGIN {ADD}; END",
    f"CREATE TRIGGER enterprises_tally_delete AFTER DELETE ON {ENTERPRISE} BEGIN {REMOVE}; END",
    f"CREATE TRIGGER enterprises_tally_move AFTER UPDATE OF town_id, status ON {ENTERPRISE}"
    f" WHEN {MOVED.replace('IS DISTINCT FROM', 'IS NOT')} BEGIN {REMOVE}; {ADD}; END",
]
SQLITE_DROP = [
    f"DROP TRIGGER enterprises_tally_{name}" for name in ("insert", "delete", "move")
]


def create_triggers(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for statement in [*(POSTGRESQL if postgresql else SQLITE), FILL]:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRESQL_DROP if postgresql else SQLITE_DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0003_town_status_count_index'),
        ('orgs', '0002_supervisioncategory_key'),
    ]

    operations = [
        migrations.CreateModel(
            name='EnterpriseTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('operating', '在营'), ('suspended', '停产'), ('closed', '关闭')], max_length=20)),
                ('enterprises', models.IntegerField(default=0)),
                ('town', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='orgs.town')),
            ],
            options={
                'verbose_name': '企业数统计',
                'verbose_name_plural': '企业数统计',
                'constraints': [models.UniqueConstraint(fields=('town', 'status'), name='unique_tally_town_status')],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
