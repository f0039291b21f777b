"""On PostgreSQL, the readings table becomes a table partitioned by month (PARTITION BY RANGE
(ts)), with a DEFAULT partition and the partitions of the current and next two months. The key
(sensor_id, ts) includes the partition key, as PostgreSQL requires. SQLite keeps the plain table
of migration 0001."""

from django.db import migrations
from django.utils import timezone


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from anjian.monitoring.partitions import ensure_partitions

    schema_editor.execute("DROP TABLE monitoring_reading")
    schema_editor.execute(
        "CREATE TABLE monitoring_reading ("
        " sensor_id bigint NOT NULL,"
        " ts timestamp with time zone NOT NULL,"
        " value double precision NOT NULL,"
        " PRIMARY KEY (sensor_id, ts)"
        ") PARTITION BY RANGE (ts)"
    )
    schema_editor.execute(
        "CREATE TABLE monitoring_reading_default PARTITION OF monitoring_reading DEFAULT"
    )
    ensure_partitions(timezone.now().date())


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TABLE monitoring_reading")
    schema_editor.create_model(apps.get_model("monitoring", "Reading"))


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_installations_sensors_alarms")]

    operations = [migrations.RunPython(partition, unpartition)]
