"""An organiser's edit of a consultation's settings and the beat closing it at its time: the edit
writes what the organiser changed, never the phase the request read before the beat moved it."""

import datetime as dt

from django.utils import timezone

from consultation import services
from consultation.models import Consultation, PhaseChange
from tests.helpers import make_consultation


def test_an_edit_read_before_the_beat_closed_it_does_not_reopen_it(db):
    consultation = make_consultation(closes_at=timezone.now() + dt.timedelta(hours=1))
    past = timezone.now() - dt.timedelta(minutes=1)
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=past)
    read_by_the_edit = Consultation.objects.get(pk=consultation.pk)  # open, as the request found it
    assert services.close_due_consultations() == [consultation.slug]  # the beat, meanwhile
    services.update_consultation(
        actor=None, consultation=read_by_the_edit, title_fr="Titre corrigé", closes_at=past
    )
    consultation.refresh_from_db()
    assert (consultation.phase, consultation.title_fr) == ("closed", "Titre corrigé")
    assert services.close_due_consultations() == []  # closed once, as its history says
    assert PhaseChange.objects.filter(consultation=consultation, to_phase="closed").count() == 1
