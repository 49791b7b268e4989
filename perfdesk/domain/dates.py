"""Dates as data (ISO text) and as official tables print them (2026年3月1日)."""

from __future__ import annotations

import datetime as dt
import re

# 2027-03-01, 2027/3/1, 2027.3.1, 2027年3月1日 (full-width digits too: \d reads them, int() converts them)
_CN = re.compile(r"^\s*(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")  # 20270301
FORMATS = "2026-03-01、2026/3/1、20260301 或 2026年3月1日"


class DateError(ValueError):
    """A typed date that cannot be read; the message says why in Chinese."""


def parse_date(text: str | dt.date | None) -> dt.date | None:
    if text is None or isinstance(text, dt.date):
        return text
    text = text.strip()
    if not text:
        return None
    match = _CN.match(text) or _COMPACT.match(text)
    if not match:
        raise DateError(f"“{text}”不是有效的日期，请按 {FORMATS} 的格式填写")
    year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise DateError(f"“{text}”是不存在的日期，请核对月份和日") from exc


def starting_day(year: int | None, today: dt.date) -> dt.date:
    """Where a blank date field starts (its calendar, ↑/↓): today within the form's year, else the year's
    1 January — a declaration for next year is filled this year, but its dates fall in next year."""
    if year is None or year == today.year:
        return today
    return dt.date(year, 1, 1)


def shifted(day: dt.date, *, days: int = 0, months: int = 0) -> dt.date:
    """`day` moved by whole days and months; the 31st of a shorter month becomes its last day."""
    if months:
        index = day.year * 12 + day.month - 1 + months
        year, month = divmod(index, 12)
        month += 1
        last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
        day = dt.date(year, month, min(day.day, last))
    return day + dt.timedelta(days=days)


def to_json(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def format_date(value: dt.date | None, *, blank: str = "") -> str:
    if value is None:
        return blank
    return f"{value.year}年{value.month}月{value.day}日"


def format_moment(value: dt.datetime) -> str:
    """A moment in this computer's time zone, as Chinese tables write it: “2026年12月6日 16:30”.
    A time without a zone is taken as UTC, the way the store keeps every time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    local = value.astimezone()
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def describe_due(deadline: tuple[dt.date, int] | None) -> str:
    """“截止 2026年7月31日（已逾期 113 天）” for (due date, days left); "" for no deadline."""
    if deadline is None:
        return ""
    date, days = deadline
    return f"截止 {date.year}年{date.month}月{date.day}日（{days_left(days)}）"


def days_left(days: int) -> str:
    """“剩 40 天”, or “已逾期 113 天” for a negative count."""
    return f"剩 {days} 天" if days >= 0 else f"已逾期 {-days} 天"
