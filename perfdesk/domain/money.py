"""Money in 万元, always Decimal: parsing what a clerk types and showing it as official tables do."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

# 万元 with four decimals is exact to the yuan, the finest unit budgets are drawn in.
AMOUNT_PLACES = 4
# A trillion 万元 is beyond any budget line; the bound keeps every later sum exact in Decimal.
MAX_INTEGER_DIGITS = 12
_QUANTUM = Decimal(1).scaleb(-AMOUNT_PLACES)
_TYPED = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class AmountError(ValueError):
    """A typed amount that is not a valid 万元 figure; the message says why in Chinese."""


def parse_amount(text: str | Decimal | int | None, noun: str = "金额") -> Decimal | None:
    """Read an amount as typed ("1,234.5", "１２３", " 12 "); blank gives None.
    `noun` names what is read (金额, 分值) in the messages."""
    if text is None:
        return None
    if isinstance(text, Decimal):
        value = text
    elif isinstance(text, int) and not isinstance(text, bool):
        value = Decimal(text)
    elif isinstance(text, str):
        cleaned = _normalise(text)
        if cleaned == "":
            return None
        if not _TYPED.match(cleaned):
            unit = "（单位：万元）" if noun == "金额" else ""
            raise AmountError(f"“{text.strip()}”不是有效的{noun}，请只填写数字{unit}，例如 12.50")
        try:
            value = Decimal(cleaned)
        except InvalidOperation as exc:  # pragma: no cover - the pattern already guards this
            raise AmountError(f"“{text}”不是有效的金额") from exc
    else:
        raise AmountError(f"金额的类型 {type(text).__name__} 无法识别，金额不能用浮点数表示")
    if not value.is_finite():
        raise AmountError("金额必须是有限的数字")
    if value.adjusted() >= MAX_INTEGER_DIGITS:
        raise AmountError(f"{noun}“{str(text).strip()}”过大：整数部分最多 {MAX_INTEGER_DIGITS} 位，请核对是否多填了数字")
    if -value.as_tuple().exponent > AMOUNT_PLACES and value != value.quantize(_QUANTUM):
        raise AmountError(f"{noun}“{text}”最多保留 {AMOUNT_PLACES} 位小数")
    return value


_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


def _normalise(text: str) -> str:
    # Full-width digits and separators come from Chinese input methods.
    table = str.maketrans("０１２３４５６７８９．，－＋", "0123456789.,-+")
    text = text.translate(table).replace(" ", "").strip()
    if "," in text and not _GROUPED.match(text):
        return text  # “12,50” is not 1,250: commas only as thousands separators, else refused
    return text.replace(",", "")


def to_json(value: Decimal | None) -> str | None:
    """The exact text kept in the data document: never a float."""
    if value is None:
        return None
    return format(value.normalize(), "f")  # canonical: 327.5350 and 327.535 are one amount


def format_amount(value: Decimal | None, *, blank: str = "") -> str:
    """Shown as official tables do: thousands separated, two decimals, more only when they matter."""
    if value is None:
        return blank
    with localcontext() as ctx:
        ctx.prec = max(28, value.adjusted() + AMOUNT_PLACES + 4)  # totals may exceed one entry's size
        value = value.quantize(_QUANTUM, rounding=ROUND_HALF_UP)
        two = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        shown = two if two == value else value.normalize()
        return f"{shown:,.{max(2, -shown.as_tuple().exponent)}f}"


def format_listed(value: Decimal | None, *, blank: str = "") -> str:
    """An amount in a list of forms: always two decimals , rounded half
    up, so a column of figures lines up; the form itself keeps and shows every decimal."""
    if value is None:
        return blank
    with localcontext() as ctx:
        ctx.prec = max(28, value.adjusted() + AMOUNT_PLACES + 4)
        return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"


def total(values) -> Decimal:
    """Sum of amounts, blanks counting as nothing."""
    result = Decimal(0)
    for value in values:
        if value is not None:
            result += value
    return result


def percent(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """numerator / denominator as a percentage, two decimals rounded half up; None when undefined."""
    if numerator is None or not denominator:
        return None
    return (numerator * 100 / denominator).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
