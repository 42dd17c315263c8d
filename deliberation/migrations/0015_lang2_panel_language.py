from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0014_misc_lottery_inputs"),
    ]

    operations = [
        migrations.AddField(
            model_name="panel",
            name="language",
            field=models.CharField(blank=True, max_length=8, verbose_name="language of its texts"),
        ),
    ]
