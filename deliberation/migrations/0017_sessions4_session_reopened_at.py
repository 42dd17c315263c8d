from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0016_sessions3_session_ended_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="session",
            name="reopened_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="reopened at"),
        ),
    ]
