from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("consultation", "0018_trust4_phase_change_platform")]

    operations = [
        migrations.AddField(
            model_name="question",
            name="required",
            field=models.BooleanField(default=False, verbose_name="answer required"),
        ),
    ]
