"""A decision-maker's answer reads as French to a French reader. The sentence was "Réponse de Ministre de
la santé (DGS) le …" (the article missing before a title, as "de" + a name cannot carry one) and the
badge beside a recommendation or a theme said "Décideur : Adoptée", as if the decision-maker were
adopted; both now say it is the decision-maker's answer."""

import pytest
from django.urls import reverse

from tests.consultation.test_answers import world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_a_french_citizen_reads_the_answers_on_their_contributions(world, client, citizen):  # noqa: F811
    consultation, proposals, _themes = world
    client.force_login(citizen)
    client.cookies["django_language"] = "fr"
    for url in (
        reverse("consultation:mine"),
        reverse("consultation:proposal", args=[consultation.slug, proposals[0].pk]),
    ):
        page = client.get(url).content.decode()
        assert "Réponse du décideur — Ministre de la santé (DGS), le " in page, url
        assert "Réponse de Ministre" not in page, url
        # The theme "Alimentation" that proposal 0 landed in was answered: its badge names the answer.
        assert "Réponse du décideur\u00a0: Adoptée" in page, url
        assert "Décideur\u00a0: Adoptée" not in page, url
