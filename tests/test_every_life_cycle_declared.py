"""Every status a service moves is declared as one state machine (`accounts.states`), so that its steps
are checked against one table and audited in one place. A model with a `status` field of fixed choices
must have a machine, or be listed below with the reason it has none; a new one fails this test."""

from django.apps import apps

from accounts.states import machine_of
from consultation.models import AnswerRecord

WITHOUT_MACHINE = {
    # Moderation may set any of its states from any other (publish, hide, publish again, change the reason):
    # `services.moderate` is its one writer; a table would allow every pair.
    "consultation.Proposal": "every moderation step is allowed from every state",
}


def test_every_status_with_fixed_choices_has_a_declared_life_cycle():
    missing = []
    for model in apps.get_models():
        if model._meta.app_label not in {"accounts", "consultation", "deliberation", "analysis"}:
            continue
        fields = {f.name: f for f in model._meta.get_fields() if getattr(f, "choices", None)}
        if "status" not in fields and "phase" not in fields:
            continue
        name = f"{model._meta.app_label}.{model.__name__}"
        if name in WITHOUT_MACHINE or issubclass(model, AnswerRecord):
            continue  # a decision-maker's answer is a new history row, its status written once
        try:
            machine_of(model())
        except LookupError:
            missing.append(name)
    assert missing == [], f"declare a StateMachine (or list with a reason in WITHOUT_MACHINE): {missing}"
