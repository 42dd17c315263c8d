from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0013_drop_legacy_draw_texts"),
    ]

    operations = [
        migrations.AddField(
            model_name="selection",
            name="lottery_inputs_sha256",
            field=models.CharField(blank=True, max_length=64),
        ),
    ]
