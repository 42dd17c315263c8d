import pytest

from consultation import services
from consultation.models import Consultation


def make_consultation(*, phase="open", slug="test-consultation", **fields):
    consultation = services.create_consultation(
        actor=None, slug=slug, title_fr="Consultation test", title_en="Test consultation", **fields
    )
    services.add_question(
        actor=None,
        consultation=consultation,
        kind="single",
        text_fr="Choix ?",
        text_en="Choice?",
        choices=[("Oui", "Yes"), ("Non", "No")],
    )
    services.add_question(actor=None, consultation=consultation, kind="open", text_fr="Pourquoi ?")
    path = {
        "draft": [],
        "open": ["open"],
        "closed": ["open", "closed"],
        "synthesis_published": ["open", "closed", "synthesis_published"],
    }[phase]
    for step in path:
        services.transition(actor=None, consultation=consultation, to_phase=step)
    return Consultation.objects.get(pk=consultation.pk)


@pytest.fixture
def consultation(db):
    return make_consultation()


@pytest.fixture
def member(citizen, consultation):
    """A citizen who accepted the charter of `consultation`."""
    services.accept_charter(user=citizen, consultation=consultation)
    return citizen
