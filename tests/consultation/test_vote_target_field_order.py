"""The vote's slow path reads the proposal and its consultation with hand-written SQL and builds them with
``Model.from_db``, which takes the columns in the model's field order: a column listed out of order would
put a value in the wrong attribute (the phase read as the slug, a vote accepted on a closed consultation).
The lists it uses (consultation.selectors) follow the models' field order."""

import pytest

from consultation import selectors, services
from consultation.models import Consultation, Proposal
from tests.helpers import make_consultation


def _in_model_order(model, names) -> bool:
    order = [field.attname for field in model._meta.concrete_fields]
    assert set(names) <= set(order), set(names) - set(order)
    return list(names) == sorted(names, key=order.index)


@pytest.mark.parametrize(
    ("model", "names"),
    [
        (Proposal, selectors._VOTE_TARGET_PROPOSAL),
        (Consultation, selectors._VOTE_TARGET_CONSULTATION),
    ],
)
def test_the_vote_path_lists_its_columns_in_model_field_order(model, names):
    assert _in_model_order(model, names), (model.__name__, names)


@pytest.mark.django_db
def test_the_vote_target_carries_what_the_checks_read(citizen):
    consultation = make_consultation("ordre", phase="open")
    services.accept_charter(user=citizen, consultation=consultation)
    proposal = services.submit_proposal(user=citizen, consultation=consultation, text="Des bancs publics.")
    target = selectors.vote_target("ordre", proposal.pk)
    assert (target.pk, target.consultation_id) == (proposal.pk, consultation.pk)
    assert target.status == proposal.status
    found = target.consultation
    assert (found.pk, found.slug, found.phase, found.charter_version, found.closes_at) == (
        consultation.pk,
        "ordre",
        "open",
        consultation.charter_version,
        consultation.closes_at,
    )
