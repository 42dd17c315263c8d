"""A choice may exclude the others in a multiple-choice question ("None", "I don't know"). The demo
consultation's "Aucun" / "None" choice is marked so on an existing install, as `load_consultation` now
creates it."""

from django.db import migrations, models

DEMO_SLUG = "data-donation"


def mark_demo_none(apps, schema_editor):
    Choice = apps.get_model("consultation", "Choice")
    Choice.objects.filter(
        question__consultation__slug=DEMO_SLUG, question__kind="multiple", label_fr="Aucun", label_en="None"
    ).update(exclusive=True)


class Migration(migrations.Migration):
    dependencies = [
        ("consultation", "0014_rate_window_address_shards"),
    ]

    operations = [
        migrations.AddField(
            model_name="choice",
            name="exclusive",
            field=models.BooleanField(
                default=False,
                help_text="Multiple choice only: a person who ticks this choice cannot tick any other.",
                verbose_name="excludes the other choices",
            ),
        ),
        migrations.RunPython(mark_demo_none, migrations.RunPython.noop),
    ]
