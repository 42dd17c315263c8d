import pytest

from consultation import services
from tests.helpers import make_consultation


@pytest.fixture
def consultation(db):
    return make_consultation()


@pytest.fixture
def member(citizen, consultation):
    """A citizen who accepted the charter of `consultation`."""
    services.accept_charter(user=citizen, consultation=consultation)
    return citizen
