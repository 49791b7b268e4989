"""Form identities bound to the unit that made them, so that no other unit can claim one.

A form's uid travels in every package and names the form at the finance office. A uid made here is
an RFC 9562 version-8 UUID whose last 48 bits are a SHA-256 check of the unit code and the random
part: a package whose uid was made for another unit code is refused, whoever signed it. Uids made
before (version 4) carry no such check; for them the first signed version fixes the unit.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid

from perfdesk.package.package_errors import PackageError

_VERSION = 8


def _check(unit_code: str, head: int) -> int:
    return int.from_bytes(hashlib.sha256(f"perfdesk-uid:{unit_code}:{head:020x}".encode()).digest()[:6], "big")


def new_form_uid(unit_code: str) -> str:
    head = secrets.randbits(80)
    # 128 bits: 48 random | version (4) | 12 random | variant (2) | 14 random | 48 check
    high = head >> 32  # 48 bits
    mid = (head >> 20) & 0xFFF  # 12 bits
    low = head & 0xFFFFF  # 20 bits, of which 14 fit before the check
    value = (high << 80) | (_VERSION << 76) | (mid << 64) | (0b10 << 62) | ((low & 0x3FFF) << 48)
    value |= _check(unit_code, _head(value))
    return str(uuid.UUID(int=value))


def _head(value: int) -> int:
    """The random bits of a version-8 uid, as one number (what the check covers)."""
    high, mid, low = value >> 80, (value >> 64) & 0xFFF, (value >> 48) & 0x3FFF
    return (high << 26) | (mid << 14) | low


def check_form_uid(uid: str, unit_code: str) -> None:
    """Refuse a bound uid that was made for another unit; legacy (version 4) uids pass."""
    try:
        parsed = uuid.UUID(uid)
    except ValueError as exc:
        raise PackageError("表单标识无效，已拒绝") from exc
    if parsed.version != _VERSION:
        return
    if parsed.int & ((1 << 48) - 1) != _check(unit_code, _head(parsed.int)):
        raise PackageError(f"表单标识不属于单位 {unit_code}：该表单由其他单位创建，不能以本单位的名义报送，已拒绝")
