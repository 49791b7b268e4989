"""Certificates, fingerprints and detached signatures over bytes, with the key types we accept."""

from __future__ import annotations

import hashlib
import re

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

from perfdesk.package.package_errors import IdentityError, PackageError

# pyHanko signs PDFs with these; SM2 and others would sign the manifest but not the PDF.
_CURVES = (ec.SECP256R1, ec.SECP384R1)
MIN_RSA_BITS = 2048


def check_key_type(public_key) -> None:
    if isinstance(public_key, ec.EllipticCurvePublicKey) and isinstance(public_key.curve, _CURVES):
        return
    if isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size >= MIN_RSA_BITS:
        return
    raise IdentityError("证书的密钥类型不受支持：只接受 ECDSA P-256/P-384 或 2048 位以上的 RSA 密钥")


def sign(private_key, data: bytes) -> bytes:
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        return private_key.sign(data, ec.ECDSA(hashes.SHA256()))
    return private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def verify(cert: x509.Certificate, signature: bytes, data: bytes) -> bool:
    key = cert.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the SubjectPublicKeyInfo: stays the same if the certificate is re-issued."""
    spki = cert.public_key().public_bytes(serialization.Encoding.DER,
                                          serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(spki).hexdigest().upper()


def grouped(fp: str) -> str:
    """'AB12CD34…' as 'AB12 CD34 …', easy to read aloud and compare on paper."""
    return " ".join(fp[i:i + 4] for i in range(0, len(fp), 4))


def parse_fingerprint(text: str) -> str:
    compact = re.sub(r"[\s:：\-－]", "", text).upper()
    if not re.fullmatch(r"[0-9A-F]{64}", compact):
        raise IdentityError("公钥指纹应为 64 位十六进制字符（可按 4 位分组，空格分隔），请对照公钥登记表重新输入")
    return compact


def cert_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def load_cert(pem: bytes) -> x509.Certificate:
    """Exactly one PEM certificate; anything else is refused."""
    if pem.count(b"-----BEGIN CERTIFICATE-----") != 1:
        raise PackageError("签名证书 signer.pem 应当恰好含有一张证书")
    try:
        cert = x509.load_pem_x509_certificate(pem)
        # cryptography parses fields only when asked: ask for every one we use now, so that a
        # corrupt field is refused here rather than failing later in the middle of a check.
        cert.subject.rfc4514_string(), cert.issuer.rfc4514_string(), cert.serial_number
        cert.not_valid_before_utc, cert.not_valid_after_utc, cert.public_key(), list(cert.extensions)
        cert.signature_hash_algorithm, cert.tbs_certificate_bytes
        return cert
    except (ValueError, TypeError, x509.InvalidVersion,  # InvalidVersion is not a ValueError
            x509.UnsupportedGeneralNameType, UnsupportedAlgorithm) as exc:
        raise PackageError("签名证书 signer.pem 无法读取，数据包可能已损坏") from exc


def _attrs(name: x509.Name, oid) -> list[str]:
    return [str(a.value) for a in name.get_attributes_for_oid(oid)]


def subject_name(cert: x509.Certificate) -> str:
    names = _attrs(cert.subject, NameOID.COMMON_NAME) or _attrs(cert.subject, NameOID.ORGANIZATION_NAME)
    return names[0] if names else cert.subject.rfc4514_string()


def subject_codes(cert: x509.Certificate) -> set[str]:
    """Unit codes the certificate names: serialNumber (ours) or OU (common in CA-issued ones)."""
    return set(_attrs(cert.subject, NameOID.SERIAL_NUMBER)) | set(_attrs(cert.subject, NameOID.ORGANIZATIONAL_UNIT_NAME))
