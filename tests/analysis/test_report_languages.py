"""The synthesis quotes proposals (each theme's quotes, the opinion groups' statements): a proposal written
in English is marked lang="en" there too, so that a screen reader on the French page reads it in English."""

import pytest
from django.urls import reverse

from analysis.models import OpinionRun
from consultation.models import Proposal
from tests.analysis.conftest import published_report
from tests.html_parts import languages_of_text

pytestmark = pytest.mark.django_db


def test_the_french_synthesis_marks_the_english_proposals_it_quotes(client):
    consultation = published_report("langues", 6)
    quoted = "Proposition numéro 0 sur les données."  # a quote of its theme, and the groups' statement
    Proposal.objects.filter(consultation=consultation, text=quoted).update(language="en")
    # Enough votes, and significant, for the statement to be claimed: a group's, a consensus, a bridge.
    opinion = OpinionRun.objects.get(consultation=consultation)
    proposal = Proposal.objects.get(consultation=consultation, text=quoted).pk
    strong = {"proposal": proposal, "direction": "agree", "n_success": 18, "n_trials": 20,
              "p_success": 0.9, "p_test": 5.0, "repness_test": 5.0}  # fmt: skip
    opinion.result["groups"][0]["representative"] = [strong]
    opinion.result["consensus_agree"] = [strong]
    opinion.result["bridging"] = [
        {"proposal": proposal, "significant": True, "agree_counts": [9, 9], "seen_counts": [10, 10]}
    ]
    opinion.save(update_fields=["result"])
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("analysis:report", args=[consultation.slug])).content.decode()
    assert '<html lang="fr"' in page
    # From the themes on (their quotes, then the opinion groups' tables); the page cut there has no
    # <html lang>, so a text left unmarked is read as None.
    quotes_and_statements = page[page.index('aria-labelledby="themes-title"') :]
    found = languages_of_text(quotes_and_statements, quoted)
    # Its theme's quote, a group's statement, the consensus and the bridging tables.
    assert len(found) == 4 and set(found) == {"en"}
    other = languages_of_text(quotes_and_statements, "Proposition numéro 2 sur les données.")
    assert other and set(other) == {"fr"}  # language unknown: its theme's (report.theme_language)
