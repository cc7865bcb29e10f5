"""The signing mechanism on a small PDF: server-side signatures, validation against the stored
authorities, tampering, the checks on an uploaded file, and the sealed key material."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import override_settings
from django.utils import translation

from signing import sealing, selectors, services
from signing.authority_kit import Authority
from signing.models import Certificate, SignedFile, SigningEvent

from .helpers import sign_with, small_pdf


@pytest.fixture
def document(people):
    return people.tree.province  # any saved row can own a signed file; the mechanism is generic


def opened(document, content=None):
    return services.signed_file_open(document, SignedFile.Stage.ISSUE, content or small_pdf())


def test_a_server_signature_is_valid_and_names_its_owner(pki, people, document):
    certificate = pki.server_certificate(user=people.province_leader)
    signed = services.sign_on_server(opened(document), certificate, by=people.clerk, reason="Ban hành",
                                     location="Điện Biên")
    found = selectors.signatures_of(signed)
    assert not found.damaged and found.all_valid
    [signature] = found.signatures
    assert signature.certificate == certificate and signature.owner_name == "Lò Văn Thắng"
    assert signature.covers_whole_file and signature.signed_at is not None
    event = SigningEvent.objects.get()
    assert (event.by, event.way, event.certificate) == (people.clerk, SigningEvent.Way.SERVER, certificate)


def test_two_signatures_keep_the_first_valid(pki, people, document):
    leader = pki.server_certificate(user=people.province_leader)
    unit = pki.server_certificate(unit=people.tree.province)
    signed_file = opened(document)
    services.sign_on_server(signed_file, leader, by=people.province_leader, reason="Phê duyệt", location="Điện Biên")
    first = selectors.read(SignedFile.objects.get())
    services.sign_on_server(signed_file, unit, by=people.clerk, reason="Ban hành", location="Điện Biên")
    signed_file.refresh_from_db()
    content = selectors.read(signed_file)
    assert content.startswith(first)  # an incremental update: the first signature's bytes are untouched
    found = selectors.signatures_of(signed_file)
    assert [s.certificate for s in found.signatures] == [leader, unit] and found.all_valid
    assert signed_file.signature_count == 2
    assert not found.signatures[0].covers_whole_file and found.signatures[1].covers_whole_file


def test_a_signature_under_an_authority_not_stored_is_not_trusted(pki, people, document):
    stranger = Authority("CA lạ").issue("Lò Văn Thắng")
    signed_file = opened(document, sign_with(small_pdf(), stranger))
    [signature] = selectors.signatures_of(signed_file).signatures
    assert not signature.valid and signature.problem
    with translation.override("en"):
        assert "trusted" in selectors.signatures_of(signed_file).signatures[0].problem


def test_an_authority_made_inactive_stops_being_trusted(pki, people, document):
    certificate = pki.server_certificate(user=people.province_leader)
    signed = services.sign_on_server(opened(document), certificate, by=people.clerk, reason="r", location="l")
    assert selectors.signatures_of(signed).all_valid
    pki.authority.active = False
    pki.authority.save()
    assert not selectors.signatures_of(signed).all_valid


def _flip(content: bytes, at: int) -> bytes:
    return content[:at] + bytes([content[at] ^ 0x01]) + content[at + 1:]


@pytest.mark.parametrize("where", ["content", "structure"])
def test_one_changed_byte_makes_the_file_invalid(pki, people, document, where):
    certificate = pki.server_certificate(user=people.province_leader)
    signed = services.sign_on_server(opened(document), certificate, by=people.clerk, reason="r", location="l")
    content = selectors.read(signed)
    assert selectors.signatures_of(signed).all_valid
    at = content.index(b"stream\n") + 10 if where == "content" else content.rindex(b"startxref") - 40
    with open(signed.file.path, "wb") as stored:
        stored.write(_flip(content, at))
    found = selectors.signatures_of(signed)
    assert not found.all_valid
    assert found.damaged or not any(s.valid for s in found.signatures)


def test_a_missing_file_shows_as_damaged(pki, people, document):
    signed_file = opened(document)
    signed_file.file.storage.delete(signed_file.file.name)
    found = selectors.signatures_of(signed_file)
    assert found.damaged and not found.all_valid


def test_the_file_is_opened_once_whatever_comes_later(people, document):
    first = opened(document, small_pdf("one"))
    again = opened(document, small_pdf("two"))
    assert again.pk == first.pk and selectors.read(again) == small_pdf("one")


# --- An upload from the person's own tool -------------------------------------------------------


def test_an_upload_signed_by_a_permitted_person_is_accepted(pki, people, document):
    token = pki.token(user=people.province_leader)
    signed_file = opened(document)
    uploaded = sign_with(selectors.read(signed_file), token)
    services.accept_upload(signed_file, uploaded, by=people.province_leader, signers=[people.province_leader])
    signed_file.refresh_from_db()
    assert selectors.read(signed_file) == uploaded and signed_file.signature_count == 1
    [signature] = selectors.signatures_of(signed_file).signatures
    assert signature.valid and signature.certificate.user == people.province_leader
    assert SigningEvent.objects.get().way == SigningEvent.Way.UPLOAD


def _refused(signed_file, uploaded, people, signers=None) -> list[str]:
    before = selectors.read(signed_file)
    with pytest.raises(ValidationError) as refused:
        services.accept_upload(signed_file, uploaded, by=people.province_leader,
                               signers=signers or [people.province_leader])
    signed_file.refresh_from_db()
    assert selectors.read(signed_file) == before and not SigningEvent.objects.exists()  # nothing kept
    return refused.value.messages


def test_an_upload_by_a_certificate_of_another_person_is_refused_in_vietnamese(pki, people, document):
    other = pki.token(user=people.muong_ang_secretary)
    signed_file = opened(document)
    with translation.override("vi"):
        [message] = _refused(signed_file, sign_with(selectors.read(signed_file), other), people)
    assert "Bí thư Mường Ảng" in message
    with translation.override("en"):
        [in_english] = _refused(signed_file, sign_with(selectors.read(signed_file), other), people)
    assert message != in_english


def test_an_upload_by_a_certificate_registered_to_no_one_is_refused(pki, people, document):
    unregistered = pki.token(user=people.province_leader, name="Người lạ", register=False)
    signed_file = opened(document)
    [message] = _refused(signed_file, sign_with(selectors.read(signed_file), unregistered), people)
    assert "Người lạ" in message


def test_an_upload_of_another_document_is_refused(pki, people, document):
    token = pki.token(user=people.province_leader)
    signed_file = opened(document)
    assert _refused(signed_file, sign_with(small_pdf("khác"), token), people)


def test_an_upload_with_bytes_added_after_the_signature_is_refused(pki, people, document):
    token = pki.token(user=people.province_leader)
    signed_file = opened(document)
    signed = sign_with(selectors.read(signed_file), token)
    messages = _refused(signed_file, signed + b"\n% appended after signing\n", people)
    assert messages


@pytest.mark.parametrize("uploaded", [b"", b"not a pdf", small_pdf()])
def test_an_upload_with_no_new_signature_is_refused(pki, people, document, uploaded):
    assert _refused(opened(document), uploaded, people)


def test_an_upload_under_an_untrusted_authority_is_refused(pki, people, document):
    stranger = Authority("CA lạ").issue("Lò Văn Thắng")
    services.certificate_register(data=stranger.certificate_der, user=people.province_leader)
    signed_file = opened(document)
    assert _refused(signed_file, sign_with(selectors.read(signed_file), stranger), people)


@override_settings(SIGNING_MAX_UPLOAD_BYTES=100)
def test_an_upload_larger_than_allowed_is_refused(pki, people, document):
    token = pki.token(user=people.province_leader)
    signed_file = opened(document)
    assert _refused(signed_file, sign_with(selectors.read(signed_file), token), people)


# --- Certificates and their keys ----------------------------------------------------------------


def test_the_key_is_stored_sealed_and_signs_after_a_key_rotation(pki, people, settings, document):
    issued = pki.kit.issue("Lò Văn Thắng")
    certificate = services.certificate_register_with_key(pkcs12=issued.pkcs12, passphrase="demo-passphrase",
                                                         user=people.province_leader)
    stored = bytes(Certificate.objects.get(pk=certificate.pk).sealed_pkcs12)
    assert issued.pkcs12 not in stored and b"demo-passphrase" not in bytes(certificate.sealed_passphrase)
    assert sealing.unseal(stored) == issued.pkcs12

    from cryptography.fernet import Fernet, InvalidToken

    settings.SIGNING_KEYS = [Fernet.generate_key().decode(), *settings.SIGNING_KEYS]  # a new key first
    signed = services.sign_on_server(opened(document), certificate, by=people.clerk, reason="r", location="l")
    assert selectors.signatures_of(signed).all_valid
    settings.SIGNING_KEYS = [Fernet.generate_key().decode()]  # the old key gone: the key cannot be opened
    with pytest.raises(InvalidToken):
        sealing.unseal(stored)


def test_a_wrong_passphrase_or_a_bare_certificate_is_refused_as_a_key(pki, people):
    issued = pki.kit.issue("Lò Văn Thắng")
    with pytest.raises(ValidationError):
        services.certificate_register_with_key(pkcs12=issued.pkcs12, passphrase="sai", user=people.province_leader)
    with pytest.raises(ValidationError):
        services.certificate_register_with_key(pkcs12=issued.certificate_der, passphrase="",
                                               user=people.province_leader)
    assert not Certificate.objects.exists()


def test_a_certificate_without_its_key_cannot_sign_on_the_server(pki, people, document):
    pki.token(user=people.province_leader)
    with pytest.raises(ValidationError):
        services.sign_on_server(opened(document), Certificate.objects.get(), by=people.clerk, reason="r",
                                location="l")


def test_a_certificate_is_registered_once_and_to_one_owner(pki, people):
    issued = pki.kit.issue("Lò Văn Thắng")
    services.certificate_register(data=issued.certificate_der, user=people.province_leader)
    with pytest.raises(ValidationError):
        services.certificate_register(data=issued.certificate_der, user=people.clerk)
    with pytest.raises(ValidationError):
        services.certificate_register(data=pki.kit.issue("X").certificate_der)
    with pytest.raises(ValidationError):
        services.certificate_register(data=b"not a certificate", user=people.clerk)
    certificate = Certificate.objects.get()
    certificate.unit = people.tree.province
    with pytest.raises(IntegrityError):
        certificate.save()


def test_the_server_certificate_is_an_active_one_with_its_key(pki, people):
    assert selectors.server_certificate(user=people.province_leader) is None
    pki.token(user=people.province_leader)
    assert selectors.server_certificate(user=people.province_leader) is None  # no key here
    kept = pki.server_certificate(user=people.province_leader)
    assert selectors.server_certificate(user=people.province_leader) == kept
    kept.active = False
    kept.save()
    assert selectors.server_certificate(user=people.province_leader) is None
