"""Demo certificates: an authority made for the demo, the leader's certificate and the province's
(the organisation's signature), both kept on the server, so the demo's issued plan comes out
signed. Seeded before the plans; a second run finds the authority and adds nothing."""

from accounts.models import Unit, User
from signing import services
from signing.authority_kit import Authority as AuthorityKit
from signing.models import Authority

DEMO_AUTHORITY = "CA thử nghiệm (dữ liệu mẫu, không dùng thật)"


def demo_signing_seed() -> int:
    """How many certificates were registered (0 when the demo already has them)."""
    if Authority.objects.filter(name=DEMO_AUTHORITY).exists():
        return 0
    kit = AuthorityKit(DEMO_AUTHORITY)
    services.authority_add(name=DEMO_AUTHORITY, data=kit.certificate_der)
    leader = User.objects.get(username="lanhdao")
    province = Unit.objects.get(code="TDDB")
    for owner, name in (({"user": leader}, leader.get_full_name()), ({"unit": province}, province.name)):
        issued = kit.issue(name, organisation=province.name)
        services.certificate_register_with_key(pkcs12=issued.pkcs12, passphrase=issued.passphrase.decode(), **owner)
    return 2
