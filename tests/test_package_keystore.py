"""The signing key at rest: 600,000 PBKDF2 iterations, keys saved by earlier versions (2,048)
encrypted afresh on the next right passphrase, and a damaged key said to be damaged."""

from __future__ import annotations

import pytest
from asn1crypto import keys as akeys
from asn1crypto import pem
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from perfdesk.package import keys
from perfdesk.package.package_errors import IdentityError
from perfdesk.package.identity import _self_issued, create_identity, load_signer
from perfdesk.store import Store

PASS = "passphrase-1"


def _iterations(key_pem: str) -> int:
    return akeys.EncryptedPrivateKeyInfo.load(pem.unarmor(key_pem.encode())[2])["encryption_algorithm"].kdf_iterations


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'k.db'}")
    unit = s.add_unit(name="长治市第一中学", code="201003", supervisor_name="长治市教育局", supervisor_code="201",
                      region="长治市", level="市级", profile="changzhi")
    yield s, unit
    s.close()


def test_a_new_key_costs_600000_iterations_and_any_openssl_reads_it(store):
    s, unit = store
    record = create_identity(s, unit.id, PASS)
    assert _iterations(record.key_pem) >= 600_000
    key = serialization.load_pem_private_key(record.key_pem.encode(), PASS.encode())  # standard PKCS#8
    cert = keys.load_cert(record.cert_pem.encode())
    assert key.public_key().public_numbers() == cert.public_key().public_numbers()
    assert load_signer(s, unit.id, PASS).fingerprint == record.fingerprint


def test_a_key_saved_by_an_earlier_version_is_encrypted_afresh_on_unlock(store):
    s, unit = store
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _self_issued(unit, key, 5)
    weak = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.BestAvailableEncryption(PASS.encode())).decode()
    assert _iterations(weak) == 2048  # what PerfDesk wrote before
    s.add_identity(unit.id, fingerprint=keys.fingerprint(cert), cert_pem=keys.cert_pem(cert), key_pem=weak,
                   source="self-issued", not_after=cert.not_valid_after_utc)
    with pytest.raises(IdentityError, match="口令不正确"):
        load_signer(s, unit.id, "wrong-passphrase")
    assert s.identity_for_unit(unit.id).key_pem == weak  # a wrong passphrase changes nothing
    signer = load_signer(s, unit.id, PASS)
    stored = s.identity_for_unit(unit.id).key_pem
    assert stored != weak and _iterations(stored) >= 600_000
    assert signer.key.private_numbers() == key.private_numbers()
    assert load_signer(s, unit.id, PASS).key.private_numbers() == key.private_numbers()


def _damage(key_pem: str, how: str) -> str:
    lines = key_pem.splitlines()
    if how == "truncated":
        return "\n".join(lines[:3] + lines[-1:])
    if how == "flipped":  # one base64 character in the ciphertext's middle
        line = lines[len(lines) // 2]
        lines[len(lines) // 2] = line[:20] + ("A" if line[20] != "A" else "B") + line[21:]
        return "\n".join(lines)
    return "not a key at all"


@pytest.mark.parametrize("how", ["truncated", "flipped", "garbage"])
def test_a_damaged_key_says_so_not_wrong_passphrase(store, how):
    s, unit = store
    record = create_identity(s, unit.id, PASS)
    with s.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE identities SET key_pem = ? WHERE id = ?", (_damage(record.key_pem, how), record.id))
    with pytest.raises(IdentityError, match="已损坏") as caught:
        load_signer(s, unit.id, PASS)
    assert "口令不正确" not in str(caught.value)


def test_a_key_of_another_certificate_is_damaged(store):
    s, unit = store
    record = create_identity(s, unit.id, PASS)
    other = create_identity(s, s.add_unit(name="别的单位", code="999", supervisor_name="x", supervisor_code="x",
                                           region="", level="市级", profile="changzhi").id, PASS)
    with s.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE identities SET key_pem = ? WHERE id = ?", (other.key_pem, record.id))
    with pytest.raises(IdentityError, match="已损坏"):
        load_signer(s, unit.id, PASS)
