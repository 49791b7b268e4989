"""Canonical JSON, amount and time conversions between Python values and stored columns."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from perfdesk.store.store_errors import StoreError

# Only these leaf types survive a JSON round trip unchanged. float is refused on purpose:
# money must never pass through binary floating point.
_LEAVES = (str, int, bool, type(None))


def _check(value: Any, path: str, what: str = "表单数据") -> None:
    if isinstance(value, _LEAVES):
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                # json.dumps would silently turn 1 into "1" and the read-back would differ.
                raise StoreError(f"{what} {path} 中的键 {key!r} 不是文本，无法保存")
            _check(item, f"{path}[{key!r}]", what)
        return
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check(item, f"{path}[{index}]", what)
        return
    raise StoreError(
        f"{what} {path} 的值 {value!r}（{type(value).__name__}）不能保存："
        "只接受文本、整数、布尔、空值、列表和字典，金额须先转成文本"
    )


def dump_json(data: dict) -> str:
    """Canonical encoding: equal documents give equal text, so text comparison finds changes."""
    if not isinstance(data, dict):
        raise StoreError(f"表单数据必须是字典，收到的是 {type(data).__name__}")
    _check(data, "data")
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def load_json(text: str) -> dict:
    return json.loads(text)


def dump_value(value: Any, key: str) -> str:
    """Canonical JSON of any JSON-safe value (a setting's), floats refused like in form data."""
    _check(value, key, "设置")
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def load_value(text: str) -> Any:
    return json.loads(text)


def dump_amount(amount: Decimal | None) -> str | None:
    # Stored as text so no database numeric type can round it.
    if amount is None:
        return None
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise StoreError(f"金额 {amount!r} 必须是有限的 Decimal 数值")
    return str(amount)


def load_amount(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def aware_utc(value: datetime | None) -> datetime | None:
    # SQLite keeps no zone: every stored time is UTC, so re-attach it on the way out.
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)
