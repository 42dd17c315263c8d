"""Secret ballots become sealed counts: one BallotBox per open vote, no row per ballot.

The Ballot rows (one per ballot, written in voting order like the receipts) could be lined up with the
receipts and the audit events by ctid, xmin or row order. The ballots of votes still open are counted
into a box; closed votes already carry their counts on the recommendation. Then the table is dropped
(its files go with it). Backups and write-ahead-log archives made before this migration still hold the
old rows: see docs/security.md, "Secret ballots"."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count


def count_open_votes_into_boxes(apps, schema_editor):
    from deliberation import ballot_box

    Ballot = apps.get_model("deliberation", "Ballot")
    BallotBox = apps.get_model("deliberation", "BallotBox")
    Recommendation = apps.get_model("deliberation", "Recommendation")
    for recommendation_id in Recommendation.objects.filter(status="voting").values_list("pk", flat=True):
        counts = dict(
            Ballot.objects.filter(recommendation_id=recommendation_id)
            .values_list("choice")
            .annotate(n=Count("pk"))
        )
        BallotBox.objects.create(
            recommendation_id=recommendation_id, sealed=ballot_box.seal(recommendation_id, counts)
        )


def boxes_back_into_ballots(apps, schema_editor):
    """Going back writes the ballots of open votes as rows again, grouped by choice (not in voting
    order: that order was never kept)."""
    from deliberation import ballot_box

    Ballot = apps.get_model("deliberation", "Ballot")
    BallotBox = apps.get_model("deliberation", "BallotBox")
    for box in BallotBox.objects.all():
        counts = ballot_box.unseal(box.recommendation_id, box.sealed)
        Ballot.objects.bulk_create(
            Ballot(recommendation_id=box.recommendation_id, choice=choice)
            for choice, n in counts.items()
            for _ in range(n)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0009_selection_progress"),
    ]

    operations = [
        migrations.CreateModel(
            name="BallotBox",
            fields=[
                (
                    "recommendation",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="ballot_box",
                        serialize=False,
                        to="deliberation.recommendation",
                    ),
                ),
                ("sealed", models.TextField()),
            ],
            options={
                "verbose_name": "ballot box",
                "verbose_name_plural": "ballot boxes",
            },
        ),
        migrations.RunPython(count_open_votes_into_boxes, boxes_back_into_ballots),
        migrations.DeleteModel(
            name="Ballot",
        ),
    ]
