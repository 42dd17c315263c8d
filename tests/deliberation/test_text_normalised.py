"""Recommendations and amendments come in normalised (textsafety.normalise), like every contribution."""

from deliberation import services
from deliberation.models import Amendment

TYPED = "Créer un registre\u202e des refus\u2066, de\u0301ja\u0300\x1b."
STORED = "Créer un registre des refus, déjà."


def test_a_recommendation_and_an_amendment_are_stored_normalised(panel, session, members, facilitator):
    recommendation = services.create_recommendation(
        actor=facilitator, panel=panel, session=session, title=f"Titre{TYPED}", text=TYPED, rationale=TYPED
    )
    recommendation.refresh_from_db()
    assert (recommendation.title, recommendation.text, recommendation.rationale) == (
        f"Titre{STORED}",
        STORED,
        STORED,
    )
    amendment = services.propose_amendment(
        user=members[0].volunteer.user, recommendation=recommendation, text=TYPED, explanation=TYPED
    )
    amendment = Amendment.objects.get(pk=amendment.pk)
    assert (amendment.text, amendment.explanation) == (STORED, STORED)
