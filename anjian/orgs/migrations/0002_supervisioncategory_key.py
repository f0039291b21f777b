"""Supervision categories get a stable key and indicative industries (the city's key list)."""

from typing import Any

from django.db import migrations, models


def fill_keys(apps: Any, schema_editor: Any) -> None:
    """Existing regulators' list items are keyed ``list_id:order`` (what the API used)."""
    category = apps.get_model("orgs", "SupervisionCategory")
    for row in category.objects.all():
        row.key = f"{row.list_id}:{row.order}"
        row.save(update_fields=["key"])


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="supervisioncategory",
            name="key",
            field=models.CharField(default="", max_length=60, verbose_name="类别代码"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="supervisioncategory",
            name="indicative_industries",
            field=models.CharField(
                blank=True,
                help_text="GB/T 4754-2017 代码前缀，分号分隔；仅用于建议类别，非法规依据",
                max_length=300,
                verbose_name="参考行业代码",
            ),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="supervisioncategory",
            name="key",
            field=models.CharField(
                help_text="重点监管类别为其代码（如 whp_storage）；法规清单条目为“清单:序号”",
                max_length=60,
                unique=True,
                verbose_name="类别代码",
            ),
        ),
    ]
