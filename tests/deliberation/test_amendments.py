import pytest

from deliberation import services
from deliberation.models import Amendment, RecommendationVersion


def test_accept_creates_a_new_version_and_keeps_the_old(recommendation, members, facilitator):
    author = members[0].volunteer.user
    amendment = services.propose_amendment(
        user=author,
        recommendation=recommendation,
        text="Créer un registre des refus en ligne, par courrier et chez le médecin.",
        explanation="Tout le monde n'est pas en ligne.",
    )
    version = services.accept_amendment(actor=facilitator, amendment=amendment)
    recommendation.refresh_from_db()
    assert version.number == 2 and version.author == author
    assert recommendation.text.endswith("chez le médecin.")
    texts = list(
        RecommendationVersion.objects.filter(recommendation=recommendation).values_list("text", flat=True)
    )
    assert texts == ["Créer un registre national des refus accessible en ligne.", recommendation.text]
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.ACCEPTED and amendment.resulting_version == version


def test_reject_keeps_the_reason_and_the_text(recommendation, members, facilitator):
    amendment = services.propose_amendment(
        user=members[1].volunteer.user, recommendation=recommendation, text="Supprimer le registre."
    )
    with pytest.raises(services.DeliberationError, match="reason"):
        services.reject_amendment(actor=facilitator, amendment=amendment, reason="  ")
    services.reject_amendment(actor=facilitator, amendment=amendment, reason="Contraire au mandat du panel.")
    amendment.refresh_from_db()
    recommendation.refresh_from_db()
    assert (
        amendment.status == Amendment.Status.REJECTED and amendment.reason == "Contraire au mandat du panel."
    )
    assert recommendation.versions.count() == 1 and "registre national" in recommendation.text
    with pytest.raises(services.DeliberationError, match="already been decided"):
        services.accept_amendment(actor=facilitator, amendment=amendment)


def test_no_amendment_once_the_vote_is_open(recommendation, members, facilitator, session):
    services.open_vote(actor=facilitator, recommendation=recommendation, session=session)
    with pytest.raises(services.DeliberationError, match="drafted"):
        services.propose_amendment(user=members[0].volunteer.user, recommendation=recommendation, text="x")


def test_rejected_agrees_with_what_was_rejected_in_french():
    """An amendment (masculine in French) is "Rejeté", an answer to a recommendation is "Rejetée"."""
    from django.utils import translation

    from deliberation.models import Amendment, DecisionMakerResponse

    with translation.override("fr"):
        assert str(Amendment.Status.REJECTED.label) == "Rejeté"
        assert str(DecisionMakerResponse.Status.REJECTED.label) == "Rejetée"
    with translation.override("en"):
        assert str(Amendment.Status.REJECTED.label) == "Rejected"
