"""The signing key at rest: PKCS#8 EncryptedPrivateKeyInfo, PBES2 with PBKDF2-HMAC-SHA256 at
600,000 iterations (OWASP's figure for it) and AES-256-CBC, as PEM text in the store.

cryptography writes PKCS#8 with PBKDF2 at only 2,048 iterations and lets no one choose more, so
the structure is assembled here with asn1crypto from cryptography's own PBKDF2 and AES; any
OpenSSL reads the result. Decrypting here too lets a wrong passphrase be told from a damaged key:
the first AES block of a right passphrase's plaintext is the fixed start of a PKCS#8 key, and a
change anywhere later in the ciphertext spoils only later blocks.
"""

from __future__ import annotations

import os
import re

from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from perfdesk.package.package_errors import IdentityError

ITERATIONS = 600_000
_PEM_LABEL = "ENCRYPTED PRIVATE KEY"
# SEQUENCE (any length form), INTEGER version 0, SEQUENCE: how every PKCS#8 PrivateKeyInfo starts.
_PKCS8_START = re.compile(rb"^\x30(?:[\x00-\x7f]|\x81.|\x82..)\x02\x01[\x00\x01]\x30", re.DOTALL)
_DAMAGED = ("本机保存的签名密钥已损坏（数据不完整或被改动），无法使用；请从备份恢复数据库，"
            "或运行 perfdesk identity create 重新生成身份并到对方重新登记公钥")


def _derive(passphrase: str, salt: bytes, iterations: int) -> bytes:
    return PBKDF2HMAC(hashes.SHA256(), 32, salt, iterations).derive(passphrase.encode("utf-8"))


def encrypt_key(key, passphrase: str) -> str:
    """The private key as PEM, encrypted under the passphrase at ITERATIONS."""
    from asn1crypto import algos, pem
    from asn1crypto import keys as akeys

    plain = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
    salt, iv = os.urandom(16), os.urandom(16)
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(_derive(passphrase, salt, ITERATIONS)), modes.CBC(iv)).encryptor()
    sealed = encryptor.update(padder.update(plain) + padder.finalize()) + encryptor.finalize()
    info = akeys.EncryptedPrivateKeyInfo({
        "encryption_algorithm": {"algorithm": "pbes2", "parameters": {
            "key_derivation_func": {"algorithm": "pbkdf2", "parameters": {
                "salt": algos.Pbkdf2Salt(name="specified", value=salt), "iteration_count": ITERATIONS,
                "prf": {"algorithm": "sha256"}}},
            "encryption_scheme": {"algorithm": "aes256_cbc", "parameters": iv}}},
        "encrypted_data": sealed})
    return pem.armor(_PEM_LABEL, info.dump()).decode("ascii")


def _parse(key_pem: str):
    """(salt, iterations, iv, ciphertext), or IdentityError: damaged, or not a scheme we write."""
    from asn1crypto import keys as akeys
    from asn1crypto import pem

    try:
        label, _headers, der = pem.unarmor(key_pem.encode("ascii"))
        info = akeys.EncryptedPrivateKeyInfo.load(der, strict=True)
        algorithm = info["encryption_algorithm"]
        scheme = (algorithm["algorithm"].native, algorithm.kdf, algorithm.kdf_hmac, algorithm.encryption_cipher,
                  algorithm.key_length)
        parsed = (algorithm.kdf_salt, algorithm.kdf_iterations, algorithm.encryption_iv,
                  info["encrypted_data"].native)
    except (ValueError, TypeError, KeyError, UnicodeEncodeError) as exc:
        raise IdentityError(_DAMAGED) from exc
    if label != _PEM_LABEL or scheme != ("pbes2", "pbkdf2", "sha256", "aes", 32):
        raise IdentityError(_DAMAGED)
    salt, iterations, iv, sealed = parsed
    if not 1 <= iterations <= 100_000_000 or len(iv) != 16 or not sealed or len(sealed) % 16:
        raise IdentityError(_DAMAGED)
    return salt, iterations, iv, sealed


def iterations_of(key_pem: str) -> int:
    return _parse(key_pem)[1]


def decrypt_key(key_pem: str, passphrase: str, public_key):
    """The private key; IdentityError saying whether the passphrase is wrong or the key damaged
    (`public_key`, the certificate's, must be the key's own)."""
    salt, iterations, iv, sealed = _parse(key_pem)
    decryptor = Cipher(algorithms.AES(_derive(passphrase or "", salt, iterations)), modes.CBC(iv)).decryptor()
    padded = decryptor.update(sealed) + decryptor.finalize()
    if not _PKCS8_START.match(padded[:16]):
        raise IdentityError("口令不正确，无法解开签名密钥")
    try:
        unpadder = padding.PKCS7(128).unpadder()
        plain = unpadder.update(padded) + unpadder.finalize()
        key = serialization.load_der_private_key(plain, None)
    except (ValueError, TypeError) as exc:
        raise IdentityError(_DAMAGED) from exc
    spki = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    if key.public_key().public_bytes(*spki) != public_key.public_bytes(*spki):
        raise IdentityError(_DAMAGED)  # a key, but not the one the certificate names
    return key
