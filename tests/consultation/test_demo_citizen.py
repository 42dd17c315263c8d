"""After `make demo`, the demo citizen's *My contributions* is full: answers, proposals, votes, a report."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from consultation.demo import DEMO_CITIZEN, demo_citizen_contributions, load_demo_contributions
from consultation.models import Consultation, Proposal

pytestmark = pytest.mark.django_db


def test_the_demo_citizen_has_contributions_of_every_kind(client):
    call_command("create_demo_accounts", stdout=StringIO())
    call_command("load_consultation", "data-donation", stdout=StringIO())
    consultation = Consultation.objects.get(slug="data-donation")
    load_demo_contributions(consultation, participants=12)  # `make demo` has 160: the same code path
    citizen = User.objects.get(email=DEMO_CITIZEN)
    assert Proposal.objects.filter(author=citizen, consultation=consultation).count() == 2
    assert citizen.answers.filter(question__consultation=consultation).exclude(text="").exists()
    assert citizen.votes.count() == 12 and citizen.reports.count() == 1
    # Loading again adds nothing.
    assert demo_citizen_contributions(consultation) == []
    load_demo_contributions(consultation, participants=12)
    assert citizen.votes.count() == 12
    client.force_login(citizen)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("consultation:mine")).content.decode()
    assert "My votes" in page and "You have not voted" not in page
    assert "You have not reported" not in page and "You have not made any proposal" not in page
