"""The rate limits still apply when their rates and keys are worked out once (consultation/ratelimit.py):
a changed setting is read again, and each person and each address has its own window."""

from django.test import Client, override_settings
from django.urls import reverse

from consultation import services
from consultation.models import Proposal, Vote
from tests.factories import UserFactory


def _votes(client, proposal, n):
    url = reverse("consultation:vote", args=[proposal.consultation.slug, proposal.pk])
    values = ("agree", "disagree", "pass")
    return [
        client.post(url, {"value": values[i % 3]}, HTTP_ACCEPT="application/json").status_code
        for i in range(n)
    ]


def _member(consultation):
    user = UserFactory()
    services.accept_charter(user=user, consultation=consultation)
    client = Client()
    client.force_login(user)
    return client


def test_a_changed_rate_is_read_again(consultation):
    proposal = Proposal.objects.create(consultation=consultation, text="Idée")
    with override_settings(PACTE_RATE_LIMITS={"vote": {"user": "2/60"}}):
        assert _votes(_member(consultation), proposal, 3) == [200, 200, 429]
    with override_settings(PACTE_RATE_LIMITS={"vote": {"user": "4/60"}}):
        assert _votes(_member(consultation), proposal, 5) == [200, 200, 200, 200, 429]


@override_settings(PACTE_RATE_LIMITS={"vote": {"user": "1/60", "ip": "100/60"}})
def test_each_person_has_their_own_window(consultation):
    proposal = Proposal.objects.create(consultation=consultation, text="Idée")
    assert _votes(_member(consultation), proposal, 2) == [200, 429]
    assert _votes(_member(consultation), proposal, 2) == [200, 429]
    assert Vote.objects.count() == 2


@override_settings(PACTE_RATE_LIMITS={"vote": {"ip": "1/60"}})
def test_each_address_has_its_own_window(consultation):
    proposal = Proposal.objects.create(consultation=consultation, text="Idée")
    url = reverse("consultation:vote", args=[consultation.slug, proposal.pk])
    statuses = []
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.1"):
        client = _member(consultation)
        statuses.append(
            client.post(
                url, {"value": "agree"}, HTTP_ACCEPT="application/json", REMOTE_ADDR=address
            ).status_code
        )
    assert statuses == [200, 200, 429]


@override_settings(PACTE_RATE_LIMITS={"vote": {"ip": "3/60"}})
def test_an_address_limit_counts_everyone_behind_it(consultation):
    """An address's window is split into rows by person (PACTE_VOTE_ADDRESS_SHARDS); its limit is still
    that of the address: the fourth person voting from it is refused."""
    proposal = Proposal.objects.create(consultation=consultation, text="Idée")
    url = reverse("consultation:vote", args=[consultation.slug, proposal.pk])
    members = [_member(consultation) for _ in range(5)]
    statuses = [
        member.post(
            url, {"value": "agree"}, HTTP_ACCEPT="application/json", REMOTE_ADDR="192.0.2.7"
        ).status_code
        for member in members
    ]
    assert statuses == [200, 200, 200, 429, 429]
    assert Vote.objects.count() == 3


@override_settings(PACTE_RATE_LIMITS={"vote": {"ip": "3/60"}})
def test_a_changed_number_of_address_rows_keeps_the_count(consultation):
    """The sum reads every row of the address, so changing PACTE_VOTE_ADDRESS_SHARDS mid-window neither
    forgets the votes already counted nor counts them twice."""
    proposal = Proposal.objects.create(consultation=consultation, text="Idée")
    url = reverse("consultation:vote", args=[consultation.slug, proposal.pk])

    def vote():
        member = _member(consultation)
        return member.post(
            url, {"value": "agree"}, HTTP_ACCEPT="application/json", REMOTE_ADDR="192.0.2.8"
        ).status_code

    with override_settings(PACTE_VOTE_ADDRESS_SHARDS=16):
        first = [vote(), vote()]
    with override_settings(PACTE_VOTE_ADDRESS_SHARDS=1):
        then = [vote(), vote()]
    assert first + then == [200, 200, 200, 429]
