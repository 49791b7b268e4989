"""A unit's signing identity: an ECDSA P-256 key and a self-issued certificate naming the unit,
or a key and certificate from a CA's PKCS#12 file. The private key is kept in the store,
encrypted under the user's passphrase; it is decrypted only to sign."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from perfdesk.store import IdentityRecord, Store, StoreError, UnitRecord
from perfdesk.package import keys, keystore
from perfdesk.package.package_errors import IdentityError

MIN_PASSPHRASE = 8
DEFAULT_YEARS = 5


@dataclass(frozen=True)
class Signer:
    """What signing needs, decrypted; never stored."""

    unit: UnitRecord
    cert: x509.Certificate
    key: object  # EllipticCurvePrivateKey or RSAPrivateKey
    fingerprint: str

    @property
    def name(self) -> str:
        return keys.subject_name(self.cert)

    @property
    def cert_pem(self) -> str:
        return keys.cert_pem(self.cert)


def check_new_passphrase(passphrase: str) -> None:
    if len(passphrase or "") < MIN_PASSPHRASE:
        raise IdentityError(f"口令至少需要 {MIN_PASSPHRASE} 个字符，请换一个更长的口令")


def _self_issued(unit: UnitRecord, key, years: int) -> x509.Certificate:
    # CN names the unit; serialNumber carries its code, which verification matches to the package.
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, unit.name),
        x509.NameAttribute(NameOID.COMMON_NAME, unit.name),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, unit.code),
    ])
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    usage = x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=False,
                          crl_sign=False, encipher_only=False, decipher_only=False)
    return (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            # A little slack back in time: the office's clock may run behind the unit's.
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365 * years))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage, critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))


def _save(store: Store, unit: UnitRecord, cert: x509.Certificate, key, passphrase: str,
          source: str) -> IdentityRecord:
    return store.add_identity(unit.id, fingerprint=keys.fingerprint(cert), cert_pem=keys.cert_pem(cert),
                              key_pem=keystore.encrypt_key(key, passphrase), source=source,
                              not_after=cert.not_valid_after_utc)


def create_identity(store: Store, unit_id: int, passphrase: str, *, years: int = DEFAULT_YEARS) -> IdentityRecord:
    """A new key and self-issued certificate for the unit; replaces any earlier one for signing."""
    check_new_passphrase(passphrase)
    unit = store.get_unit(unit_id)
    key = ec.generate_private_key(ec.SECP256R1())
    return _save(store, unit, _self_issued(unit, key, years), key, passphrase, "self-issued")


def import_pkcs12(store: Store, unit_id: int, data: bytes, pkcs12_passphrase: str | None,
                  passphrase: str) -> IdentityRecord:
    """Take the key and certificate a CA issued; the certificate must carry the unit's code."""
    check_new_passphrase(passphrase)
    unit = store.get_unit(unit_id)
    secret = pkcs12_passphrase.encode("utf-8") if pkcs12_passphrase else None
    try:
        key, cert, _chain = pkcs12.load_key_and_certificates(data, secret)
    except (ValueError, TypeError) as exc:
        raise IdentityError("无法读取 PKCS#12 文件：文件已损坏，或证书口令不正确") from exc
    if key is None or cert is None:
        raise IdentityError("PKCS#12 文件中没有私钥或证书")
    keys.check_key_type(cert.public_key())
    if unit.code not in keys.subject_codes(cert):
        raise IdentityError(f"证书中没有本单位的编码 {unit.code}（应在证书主题的 serialNumber 或 OU 中），"
                            "请确认证书是颁发给本单位的")
    return _save(store, unit, cert, key, passphrase, "pkcs12")


def identity_of(store: Store, unit_id: int) -> IdentityRecord:
    record = store.identity_for_unit(unit_id)
    if record is None:
        unit = store.get_unit(unit_id)
        raise IdentityError(f"单位“{unit.name}”还没有签名密钥，请先运行 perfdesk identity create 生成")
    return record


def load_signer(store: Store, unit_id: int, passphrase: str) -> Signer:
    record = identity_of(store, unit_id)
    try:
        cert = x509.load_pem_x509_certificate(record.cert_pem.encode("ascii"))
        public_key = cert.public_key()
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise IdentityError("本机保存的签名证书已损坏，无法使用；请从备份恢复数据库，或运行 perfdesk identity create "
                            "重新生成身份并到对方重新登记公钥") from exc
    key = keystore.decrypt_key(record.key_pem, passphrase, public_key)
    if keystore.iterations_of(record.key_pem) < keystore.ITERATIONS:
        _rewrap(store, record, key, passphrase)
    now = dt.datetime.now(dt.timezone.utc)
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise IdentityError(f"签名证书的有效期为 {cert.not_valid_before_utc:%Y-%m-%d} 至 "
                            f"{cert.not_valid_after_utc:%Y-%m-%d}，现在不在有效期内；请重新生成身份并到财政局重新登记")
    return Signer(unit=store.get_unit(unit_id), cert=cert, key=key, fingerprint=record.fingerprint)


def _rewrap(store: Store, record: IdentityRecord, key, passphrase: str) -> None:
    """A key saved under a weaker key derivation (earlier PerfDesk) is saved again at today's cost,
    now that the passphrase is known to be right. Best effort: a read-only store still signs."""
    try:
        store.replace_identity_key(record.id, old_key_pem=record.key_pem,
                                   key_pem=keystore.encrypt_key(key, passphrase))
    except StoreError:
        pass
