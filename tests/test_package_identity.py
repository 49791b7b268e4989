"""Unit identities: key and self-issued certificate, encrypted storage, passphrases, PKCS#12
from a CA, fingerprints, and the printable 公钥登记表."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from perfdesk.package import keys
from perfdesk.app.form_submission import build_form_package
from perfdesk.package.package_errors import IdentityError
from perfdesk.package.identity import create_identity, import_pkcs12, load_signer
from perfdesk.app.key_registration import registration_form_pdf
from perfdesk.package.verifier import verify_package
from test_package_support import REPAIR, form_id_by_title

CODE = "201003"
PASS = "correct horse"


@pytest.fixture
def unit(demo_store):
    return demo_store.unit_by_code(CODE)


def test_create_identity_self_issued_p256_naming_the_unit(demo_store, unit):
    record = create_identity(demo_store, unit.id, PASS)
    cert = x509.load_pem_x509_certificate(record.cert_pem.encode())
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "长治市第一中学"
    assert cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == CODE
    assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey) and cert.public_key().curve.name == "secp256r1"
    spki = cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert record.fingerprint == hashlib.sha256(spki).hexdigest().upper()
    assert cert.not_valid_after_utc - cert.not_valid_before_utc > dt.timedelta(days=4 * 365)


def test_private_key_is_stored_encrypted(demo_store, unit):
    record = create_identity(demo_store, unit.id, PASS)
    assert record.key_pem.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    with pytest.raises(TypeError):
        serialization.load_pem_private_key(record.key_pem.encode(), None)
    with demo_store.engine.connect() as conn:
        raw = conn.exec_driver_sql("SELECT key_pem FROM identities").scalar()
    assert "ENCRYPTED" in raw and "BEGIN PRIVATE KEY" not in raw


def test_passphrases(demo_store, unit):
    with pytest.raises(IdentityError, match="至少需要 8 个字符"):
        create_identity(demo_store, unit.id, "short")
    create_identity(demo_store, unit.id, PASS)
    with pytest.raises(IdentityError, match="口令不正确"):
        load_signer(demo_store, unit.id, "wrong passphrase")
    with pytest.raises(IdentityError, match="口令不正确"):
        load_signer(demo_store, unit.id, "")
    signer = load_signer(demo_store, unit.id, PASS)
    assert signer.unit.code == CODE and signer.name == "长治市第一中学"


def test_no_identity_yet(demo_store, unit):
    with pytest.raises(IdentityError, match="identity create"):
        load_signer(demo_store, unit.id, PASS)


def test_a_new_identity_replaces_the_old_for_signing(demo_store, unit):
    first = create_identity(demo_store, unit.id, PASS)
    second = create_identity(demo_store, unit.id, PASS)
    assert first.fingerprint != second.fingerprint
    assert load_signer(demo_store, unit.id, PASS).fingerprint == second.fingerprint


def _ca_issued(key, subject: x509.Name, *, days: int = 365, start: dt.datetime | None = None):
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "测试认证中心")])
    start = start or dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + dt.timedelta(days=days)).sign(ca_key, hashes.SHA256()))


def _p12(key, cert, password: bytes = b"p12-secret") -> bytes:
    return pkcs12.serialize_key_and_certificates(b"unit", key, cert, None,
                                                 serialization.BestAvailableEncryption(password))


def _subject(code: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "长治市第一中学"),
                      x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, code)])


def test_import_pkcs12_from_a_ca_and_sign_with_rsa(demo_store, unit):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    record = import_pkcs12(demo_store, unit.id, _p12(key, _ca_issued(key, _subject(CODE))), "p12-secret", PASS)
    assert record.source == "pkcs12"
    signer = load_signer(demo_store, unit.id, PASS)
    built = build_form_package(demo_store, form_id_by_title(demo_store, REPAIR), signer)
    verified = verify_package(built.data, demo_store, check_pdf=True)
    assert verified.trust.state == "own" and verified.fingerprint == record.fingerprint
    assert verified.pdf.intact and verified.pdf.valid and verified.pdf.trusted


def test_import_pkcs12_refusals(demo_store, unit):
    key = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(IdentityError, match="口令不正确"):
        import_pkcs12(demo_store, unit.id, _p12(key, _ca_issued(key, _subject(CODE))), "wrong", PASS)
    with pytest.raises(IdentityError, match="没有本单位的编码"):
        import_pkcs12(demo_store, unit.id, _p12(key, _ca_issued(key, _subject("999999"))), "p12-secret", PASS)
    ed = ed25519.Ed25519PrivateKey.generate()
    ed_cert = (x509.CertificateBuilder().subject_name(_subject(CODE)).issuer_name(_subject(CODE))
               .public_key(ed.public_key()).serial_number(1)
               .not_valid_before(dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1))
               .not_valid_after(dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=9)).sign(ed, None))
    with pytest.raises(IdentityError, match="密钥类型不受支持"):
        import_pkcs12(demo_store, unit.id, _p12(ed, ed_cert), "p12-secret", PASS)
    with pytest.raises(IdentityError, match="无法读取"):
        import_pkcs12(demo_store, unit.id, b"garbage", "p12-secret", PASS)


def test_expired_certificate_cannot_sign(demo_store, unit):
    key = ec.generate_private_key(ec.SECP256R1())
    old = _ca_issued(key, _subject(CODE), days=30,
                     start=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=400))
    import_pkcs12(demo_store, unit.id, _p12(key, old), "p12-secret", PASS)
    with pytest.raises(IdentityError, match="不在有效期内"):
        load_signer(demo_store, unit.id, PASS)


@pytest.mark.parametrize("text", ["ab12" * 16, "AB12 " * 16, "AB:12:" * 16, "ab12-" * 16])
def test_fingerprints_are_read_in_any_grouping(text):
    assert keys.parse_fingerprint(text) == "AB12" * 16


@pytest.mark.parametrize("text", ["", "AB12", "G" * 64, "AB12" * 17])
def test_bad_fingerprints_are_refused(text):
    with pytest.raises(IdentityError, match="64 位十六进制"):
        keys.parse_fingerprint(text)


def test_registration_form_pdf(demo_store, unit, monkeypatch):
    import pypdfium2

    import perfdesk.app.key_registration as registration

    record = create_identity(demo_store, unit.id, PASS)
    encoded = []
    real = registration.QrCodeWidget
    monkeypatch.setattr(registration, "QrCodeWidget", lambda value, **kw: encoded.append(value) or real(value, **kw))
    pdf = registration_form_pdf(demo_store, unit.id)
    assert encoded == [record.fingerprint]
    doc = pypdfium2.PdfDocument(pdf)
    try:
        assert len(doc) == 1
        text = doc[0].get_textpage().get_text_range()
    finally:
        doc.close()
    assert "公钥登记表" in text and "长治市第一中学" in text and CODE in text
    grouped = keys.grouped(record.fingerprint)
    assert grouped[:39] in text and grouped[40:] in text  # two lines of eight groups
    assert "有效期" in text
    assert b"/FontFile2" in pdf or b"/FontFile" in pdf  # the font is embedded
    assert io.BytesIO(pdf).read(4) == b"%PDF"
