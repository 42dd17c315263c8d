from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0015_lang2_panel_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="session",
            name="ended_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="ended at"),
        ),
    ]
