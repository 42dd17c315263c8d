from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0011_console_identity_reasons_no_ballot"),
    ]

    operations = [
        migrations.AddField(
            model_name="selection",
            name="seed_commitment",
            field=models.CharField(blank=True, max_length=64, verbose_name="commitment to the seed"),
        ),
        migrations.AddField(
            model_name="selection",
            name="lottery",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="selection",
            name="lottery_sha256",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="selection",
            name="lottery_published_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
