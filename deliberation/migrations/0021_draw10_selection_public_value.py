from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0020_ballots7_too_few_ballots"),
    ]

    operations = [
        migrations.AddField(
            model_name="selection",
            name="public_value_source",
            field=models.CharField(blank=True, max_length=300, verbose_name="announced public value"),
        ),
        migrations.AddField(
            model_name="selection",
            name="public_value",
            field=models.CharField(blank=True, max_length=100, verbose_name="public value"),
        ),
        migrations.AddField(
            model_name="selection",
            name="public_value_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="selection",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Waiting for a worker"),
                    ("running", "Running"),
                    ("awaiting", "Awaiting the public value"),
                    ("done", "Done"),
                    ("failed", "Failed"),
                ],
                default="queued",
                max_length=8,
            ),
        ),
    ]
