"""Key material at rest: Fernet (the `cryptography` package) with the keys of settings.SIGNING_KEYS.
The first key seals; every key opens, so a key can be rotated by putting the new one first."""

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.SIGNING_KEYS])


def seal(secret: bytes) -> bytes:
    return _fernet().encrypt(secret)


def unseal(token: bytes) -> bytes:
    return _fernet().decrypt(bytes(token))
