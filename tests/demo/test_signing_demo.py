"""The demo's certificates: the leader and the province sign on the server under a demo authority,
registered once however often the demo is seeded."""

import pytest

from accounts.demo import demo_seed
from accounts.models import Unit, User
from demo.signing import demo_signing_seed
from signing import selectors
from signing.models import Authority, Certificate

pytestmark = pytest.mark.django_db


def test_the_demo_leader_and_province_sign_on_the_server_once():
    demo_seed(password="demo-pass-1-long-enough")
    assert demo_signing_seed() == 2
    assert demo_signing_seed() == 0
    assert Authority.objects.count() == 1 and Certificate.objects.count() == 2
    assert selectors.server_certificate(user=User.objects.get(username="lanhdao")) is not None
    assert selectors.server_certificate(unit=Unit.objects.get(code="TDDB")) is not None
