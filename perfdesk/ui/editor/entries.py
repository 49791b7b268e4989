"""What a typed entry becomes in the document, and why it is invalid — both asked of the domain.

A valid amount or date is stored normalised ("１２.5" → "12.5", "2027年3月1日" → "2027-03-01"); an
invalid one is stored exactly as typed, so nothing the clerk wrote is lost and the checks report it.
"""

from __future__ import annotations

from typing import Any

from perfdesk.domain import dates, money
from perfdesk.domain.formdef import FieldDef

NUMERIC = ("amount", "score")  # typed and checked alike; the messages name 金额 or 分值
WHAT = {"amount": "金额", "score": "分值"}


def stored_value(field: FieldDef, text: str | None) -> str | None:
    if text is None or text.strip() == "":
        return None
    if field.type in NUMERIC:
        try:
            return money.to_json(money.parse_amount(text, WHAT[field.type]))
        except money.AmountError:
            return text
    if field.type == "date":
        try:
            return dates.to_json(dates.parse_date(text))
        except dates.DateError:
            return text
    return text


def entry_error(field: FieldDef, raw: Any) -> str:
    """The Chinese reason an amount, score or date entry cannot be read, or "" when it can."""
    if raw is None or not isinstance(raw, str):
        return ""
    try:
        if field.type in NUMERIC:
            money.parse_amount(raw, WHAT[field.type])
        elif field.type == "date":
            dates.parse_date(raw)
    except (money.AmountError, dates.DateError) as exc:
        return str(exc)
    return ""


def shown_text(raw: Any) -> str:
    """The text an edit widget shows for a stored value: exactly what is kept."""
    return "" if raw is None else str(raw)
