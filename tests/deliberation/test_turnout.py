"""A closed vote's public result shows its turnout: ballots cast, members seated, members checked in at
the session of the vote (the threshold counts the ballots cast; there is no quorum, and the page says so)."""

import pytest
from django.urls import reverse

from deliberation import services
from deliberation.models import Panel

from .conftest import seat

# A count is published from one ballot here: the floor is tested in test_vote_count_threshold.py.
pytestmark = pytest.mark.usefixtures("counts_published_from_one_ballot")

NBSP = "\u00a0"


def test_the_result_shows_how_many_voted_and_could_have(
    client, panel, session, members, facilitator, recommendation
):
    seat(panel), seat(panel)  # two more members, not checked in: 5 seated, 3 present
    panel.status = Panel.Status.DELIBERATING  # its recommendations are public once decided
    panel.save()
    services.open_vote(actor=facilitator, recommendation=recommendation, session=session)
    services.cast_ballot(user=members[0].volunteer.user, recommendation=recommendation, choice="for")
    services.close_vote(actor=facilitator, recommendation=recommendation)
    url = reverse("deliberation:recommendation", args=[recommendation.pk])
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "1 bulletin déposé pour 5 membres siégeant au panel." in french
    assert "3 membres avaient émargé à la séance du vote." in french
    assert "Il n’y a pas de participation minimale" in french
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 ballot cast for 5 members seated on the panel." in english
    assert "3 members were checked in at the session of the vote." in english
