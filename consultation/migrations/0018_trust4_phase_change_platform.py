"""A phase change says whether the platform made it, and why (`PhaseChange.platform`), instead of leaving
the actor empty: the history's "By" column showed "—" both for the platform's close at the closing time
and for a person it could not name.

The moves recorded before are sorted by the audit log, which kept each one's actor id (a plain integer
that outlives the user row): a move without an actor whose audit event (same consultation, same from and
to, within a minute after it) has no actor either was the platform's own: open → closed is the beat's
close at the closing time, draft → open the ready-made consultation's loading (the only two the code
made without an actor); an open → closed with no audit event, in a consultation a Pol.is import created,
is that import's close at the conversation's end. Anything else stays unsaid ("—"), never guessed.

Reversing drops the field; the moves keep their (empty) actor."""

import datetime as dt

from django.conf import settings
from django.db import migrations, models

SAME_MOVE = dt.timedelta(minutes=1)  # the audit event is written in the same transaction, just after
BY_AUDITED_MOVE = {("open", "closed"): "closing_time", ("draft", "open"): "ready_made"}


def backfill(apps, schema_editor):
    PhaseChange = apps.get_model("consultation", "PhaseChange")
    AuditEvent = apps.get_model("accounts", "AuditEvent")
    for change in PhaseChange.objects.filter(actor__isnull=True, platform="").iterator():
        events = AuditEvent.objects.filter(
            object_type="consultation.consultation", object_id=str(change.consultation_id)
        )
        moves = events.filter(
            action="consultation.phase",
            details__from=change.from_phase,
            details__to=change.to_phase,
            created_at__gte=change.created_at,
            created_at__lte=change.created_at + SAME_MOVE,
        )
        move = (change.from_phase, change.to_phase)
        if moves.exists():
            platform = "" if moves.filter(actor_id__isnull=False).exists() else BY_AUDITED_MOVE.get(move, "")
        elif (
            move == ("open", "closed")
            and events.filter(action="consultation.created", details__from="polis").exists()
        ):
            platform = "polis"
        else:
            platform = ""
        if platform:
            PhaseChange.objects.filter(pk=change.pk).update(platform=platform)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_fastvote_vote_sessions"),
        ("consultation", "0017_forms2_french_apostrophes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="phasechange",
            name="platform",
            field=models.CharField(
                blank=True,
                choices=[
                    ("closing_time", "The platform (closing time reached)"),
                    ("ready_made", "The platform (ready-made consultation loaded)"),
                    ("polis", "The platform (imported Pol.is conversation ended)"),
                ],
                default="",
                max_length=24,
            ),
        ),
        migrations.AddConstraint(
            model_name="phasechange",
            constraint=models.CheckConstraint(
                condition=models.Q(("platform", ""), ("actor__isnull", True), _connector="OR"),
                name="phase_change_person_or_platform",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
