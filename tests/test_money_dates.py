"""Money in 万元 (always Decimal, never float) and dates as clerks type and official tables print them."""

from __future__ import annotations

import decimal
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfdesk.domain import dates, money
from perfdesk.domain.dates import DateError, format_date, parse_date
from perfdesk.domain.money import AmountError, format_amount, parse_amount, total

# --- parse_amount ------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed, expected", [
    ("1,234.5", Decimal("1234.5")),
    ("１２３", Decimal("123")),
    ("１２３．４５", Decimal("123.45")),
    ("－３", Decimal("-3")),
    (" 12 ", Decimal("12")),
    ("0", Decimal("0")),
    ("1.2345", Decimal("1.2345")),
    ("1.23450", Decimal("1.2345")),
    ("12,345,678.1234", Decimal("12345678.1234")),
    ("+7", Decimal("7")),
    (".5", Decimal("0.5")),
    ("-3", Decimal("-3")),
])
def test_parse_amount_reads_what_clerks_type(typed, expected):
    value = parse_amount(typed)
    assert isinstance(value, Decimal)
    assert value == expected


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_blank_amount_is_none(blank):
    assert parse_amount(blank) is None


def test_negative_amount_parses_because_the_checks_report_it():
    assert parse_amount("-3") == Decimal("-3")
    assert parse_amount("-3") < 0


def test_ints_and_decimals_pass_through():
    assert parse_amount(5) == Decimal(5)
    assert parse_amount(Decimal("2.5")) == Decimal("2.5")


def test_too_many_decimals_is_refused_in_chinese():
    with pytest.raises(AmountError) as exc:
        parse_amount("1.23456")
    assert "最多保留 4 位小数" in str(exc.value)
    assert "1.23456" in str(exc.value)


@pytest.mark.parametrize("typed", ["abc", "1e5", "NaN", "Infinity", "12.3.4", "十万", "1-2", "--3", "¥5"])
def test_non_numbers_are_refused(typed):
    with pytest.raises(AmountError) as exc:
        parse_amount(typed)
    assert f"“{typed}”不是有效的金额" in str(exc.value)


@pytest.mark.parametrize("value", [1.5, 0.1, True])
def test_floats_and_bools_are_refused(value):
    with pytest.raises(AmountError) as exc:
        parse_amount(value)
    assert "金额的类型" in str(exc.value)
    assert "浮点数" in str(exc.value)


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_non_finite_decimals_are_refused(value):
    with pytest.raises(AmountError, match="有限"):
        parse_amount(value)


def test_amount_error_is_a_value_error():
    assert issubclass(AmountError, ValueError)


def test_amounts_add_exactly():
    assert parse_amount("0.1") + parse_amount("0.2") == Decimal("0.3")
    assert total(parse_amount(t) for t in ("62.50", "48.80", "36.2350")) == Decimal("147.535")


def test_absurdly_long_amount_is_an_amount_error():
    with pytest.raises(AmountError):
        parse_amount("1" * 26 + ".12345")


# --- format_amount -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value, shown", [
    (Decimal("1234.5"), "1,234.50"),
    (Decimal("147.535"), "147.535"),
    (Decimal("147.5350"), "147.535"),
    (Decimal("0"), "0.00"),
    (Decimal("12345678.1234"), "12,345,678.1234"),
    (Decimal("100"), "100.00"),
    (Decimal("-5"), "-5.00"),
    (Decimal("0.0001"), "0.0001"),
    (Decimal("1.23456"), "1.2346"),
    (Decimal("999.99999"), "1,000.00"),
])
def test_format_amount_as_official_tables_show_it(value, shown):
    assert format_amount(value) == shown


def test_format_amount_blank():
    assert format_amount(None) == ""
    assert format_amount(None, blank="—") == "—"


def test_format_amount_of_a_huge_amount_does_not_crash():
    assert format_amount(Decimal(10) ** 25) == "10,000,000,000,000,000,000,000,000.00"


# --- to_json -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value, text", [
    (Decimal("100"), "100"),
    (Decimal("100.00"), "100"),
    (Decimal("1E+2"), "100"),
    (Decimal("1.10"), "1.1"),
    (Decimal("147.5350"), "147.535"),
    (None, None),
])
def test_to_json_writes_canonical_exact_text(value, text):
    assert money.to_json(value) == text


@given(st.decimals(min_value=0, max_value=10**10 - 1, places=4, allow_nan=False, allow_infinity=False))
def test_to_json_round_trips_exactly(value):
    text = money.to_json(value)
    assert isinstance(text, str)
    assert "E" not in text.upper()
    back = parse_amount(text)
    assert back == value
    assert format_amount(back) == format_amount(value)


# --- total -------------------------------------------------------------------------------------------


def test_total_ignores_blanks():
    assert total([Decimal("1.5"), None, Decimal("2")]) == Decimal("3.5")
    assert total([None, None]) == Decimal("0")
    assert total([]) == Decimal("0")
    assert isinstance(total([]), Decimal)


def test_total_of_negative_and_positive():
    assert total([Decimal("10"), Decimal("-2.5")]) == Decimal("7.5")


# --- dates -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["2027-03-01", "2027年3月1日", "2027.3.1", "2027/03/01", " 2027-3-1 ",
                                   "2027年03月01日", "2027 年 3 月 1 日", "2027/3/1", "20270301", " 20270301 ",
                                   "２０２７年３月１日", "２０２７０３０１"])
def test_parse_date_reads_what_clerks_type(typed):
    assert parse_date(typed) == date(2027, 3, 1)


@pytest.mark.parametrize("blank", ["", "  ", None])
def test_blank_date_is_none(blank):
    assert parse_date(blank) is None


def test_date_objects_pass_through():
    assert parse_date(date(2027, 3, 1)) == date(2027, 3, 1)


@pytest.mark.parametrize("typed", ["2027-02-30", "2027-13-01", "2026-02-29", "2027年4月31日", "20270230",
                                   "2027/2/30", "20271301"])
def test_impossible_date_raises(typed):
    with pytest.raises(DateError) as exc:
        parse_date(typed)
    assert f"“{typed}”" in str(exc.value)
    assert "存在的日期" in str(exc.value)


def test_leap_day_exists_in_a_leap_year():
    assert parse_date("2028-02-29") == date(2028, 2, 29)


def test_impossible_date_message_says_it_does_not_exist():
    with pytest.raises(DateError) as exc:
        parse_date("2027-02-30")
    assert "不存在" in str(exc.value)


@pytest.mark.parametrize("typed", ["明天", "2027", "27-3-1", "2027-03", "03/01/2027", "2027-03-01 10:00",
                                   "2027031", "202703011", "2027-0301", "2027年3月", "未填写027030120270301"])
def test_unreadable_date_raises_with_the_expected_format(typed):
    with pytest.raises(DateError) as exc:
        parse_date(typed)
    assert "不是有效的日期" in str(exc.value)
    # every accepted way of typing a date is named
    assert "2026-03-01、2026/3/1、20260301 或 2026年3月1日" in str(exc.value)


@pytest.mark.parametrize("year, today, start", [
    (2027, date(2026, 12, 7), date(2027, 1, 1)),  # next year's declaration, filled this December
    (2026, date(2026, 12, 7), date(2026, 12, 7)),  # a form of this year: today
    (2025, date(2026, 12, 7), date(2025, 1, 1)),  # last year's evaluation
    (None, date(2026, 12, 7), date(2026, 12, 7)),
])
def test_a_blank_date_starts_in_the_forms_year(year, today, start):
    assert dates.starting_day(year, today) == start


@pytest.mark.parametrize("day, days, months, moved", [
    (date(2027, 1, 1), 1, 0, date(2027, 1, 2)),
    (date(2027, 1, 1), -1, 0, date(2026, 12, 31)),
    (date(2027, 1, 31), 0, 1, date(2027, 2, 28)),
    (date(2028, 1, 31), 0, 1, date(2028, 2, 29)),
    (date(2027, 12, 15), 0, 1, date(2028, 1, 15)),
    (date(2027, 1, 15), 0, -1, date(2026, 12, 15)),
    (date(2027, 3, 31), 0, -1, date(2027, 2, 28)),
])
def test_shifted_moves_by_days_and_months(day, days, months, moved):
    assert dates.shifted(day, days=days, months=months) == moved


def test_date_error_is_a_value_error():
    assert issubclass(DateError, ValueError)


def test_format_date():
    assert format_date(date(2027, 3, 1)) == "2027年3月1日"
    assert format_date(date(2027, 12, 31)) == "2027年12月31日"
    assert format_date(None) == ""
    assert format_date(None, blank="—") == "—"


def test_date_to_json_is_iso():
    assert dates.to_json(date(2027, 3, 1)) == "2027-03-01"
    assert dates.to_json(None) is None
    assert parse_date(dates.to_json(date(2027, 3, 1))) == date(2027, 3, 1)


@pytest.mark.parametrize("typed", ["12,50", "1,23", "1,2345"])
def test_a_comma_that_is_not_a_thousands_separator_is_refused(typed):
    # “12,50” typed for 12.50 must never be read as 1,250 万元
    with pytest.raises(AmountError, match="不是有效的金额"):
        parse_amount(typed)
