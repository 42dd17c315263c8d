"""The admin site cannot rewrite evidence nor step around a life cycle (accounts/admin_records.py):
checked on every registered model, so a model registered later falls under the same rules."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from accounts.states import machine_for
from tests.factories import UserFactory

#: Records published or relied on as evidence: shown in the admin, never added, changed or deleted there.
EVIDENCE = {
    "accounts.AuditEvent",
    "accounts.ConsentRecord",
    "accounts.ErasureRecord",
    "deliberation.Selection",  # the published lottery, the seed's commitment, the draw's result
    "deliberation.RecommendationVersion",
    "deliberation.DecisionMakerResponse",  # the adoption rate is computed from them
    "deliberation.Milestone",
}

#: What the product's pages write through audited services: shown in the admin, never edited there.
WRITTEN_BY_SERVICES = {
    "deliberation.Session",  # its end (`ended_at`) and check-in code
    "deliberation.AgendaItem",
    "deliberation.Volunteer",  # strata, consent, contact
    "deliberation.Quota",
}


@pytest.fixture
def superuser_request(db):
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    return request


def _name(model) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


def test_evidence_is_shown_but_never_added_changed_or_deleted(superuser_request):
    registered = {_name(model): model_admin for model, model_admin in admin.site._registry.items()}
    wanted = EVIDENCE | WRITTEN_BY_SERVICES
    assert set(registered) >= wanted, sorted(wanted - set(registered))
    for name in EVIDENCE | WRITTEN_BY_SERVICES:
        model_admin = registered[name]
        assert model_admin.has_view_permission(superuser_request), name
        assert not model_admin.has_add_permission(superuser_request), name
        assert not model_admin.has_change_permission(superuser_request), name
        assert not model_admin.has_delete_permission(superuser_request), name


def test_no_registered_model_lets_the_admin_set_its_status_or_counts_by_hand(superuser_request):
    for model, model_admin in admin.site._registry.items():
        machine = machine_for(model)
        if machine is None or not model_admin.has_change_permission(superuser_request):
            continue
        editable = set(model_admin.get_fields(superuser_request)) - set(
            model_admin.get_readonly_fields(superuser_request)
        )
        assert machine.field not in editable, f"{_name(model)}.{machine.field} is editable in the admin"
    recommendation_admin = next(
        a for m, a in admin.site._registry.items() if _name(m) == "deliberation.Recommendation"
    )
    assert {"votes_for", "votes_against", "votes_abstain"} <= set(
        recommendation_admin.get_readonly_fields(superuser_request)
    )
