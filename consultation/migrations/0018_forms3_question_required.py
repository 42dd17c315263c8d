from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("consultation", "0017_forms2_french_apostrophes")]

    operations = [
        migrations.AddField(
            model_name="question",
            name="required",
            field=models.BooleanField(default=False, verbose_name="answer required"),
        ),
    ]
