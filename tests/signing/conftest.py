import pytest

from .helpers import Pki


@pytest.fixture
def pki(db):
    return Pki()
