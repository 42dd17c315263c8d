import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0018_draw5_selection_seed_origin"),
    ]

    operations = [
        migrations.CreateModel(
            name="ErasedSeatStrata",
            fields=[
                (
                    "panel",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="erased_seat_strata",
                        serialize=False,
                        to="deliberation.panel",
                    ),
                ),
                ("seats", models.PositiveSmallIntegerField(default=0)),
                ("counts", models.JSONField(default=dict)),
            ],
            options={
                "verbose_name": "strata of erased members' seats",
                "verbose_name_plural": "strata of erased members' seats",
            },
        ),
    ]
