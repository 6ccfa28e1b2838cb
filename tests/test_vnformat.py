from datetime import date, datetime

import pytest

from dhtt_docs.vnformat import (doc_number, format_date, format_datetime, format_number, format_percent,
                                format_place_date)


@pytest.mark.parametrize("d, text", [
    (date(2025, 1, 5), "ngày 05 tháng 01 năm 2025"),
    (date(2025, 2, 28), "ngày 28 tháng 02 năm 2025"),
    (date(2024, 3, 9), "ngày 09 tháng 3 năm 2024"),
    (date(2024, 6, 29), "ngày 29 tháng 6 năm 2024"),
    (date(2024, 11, 25), "ngày 25 tháng 11 năm 2024"),
])
def test_dates_leading_zero_rules(d, text):
    assert format_date(d) == text


def test_place_date():
    assert format_place_date("Quảng Bình", date(2025, 1, 8)) == "Quảng Bình, ngày 08 tháng 01 năm 2025"


def test_datetime():
    assert format_datetime(datetime(2024, 11, 20, 14, 0)) == "14 giờ 00, ngày 20 tháng 11 năm 2024"


@pytest.mark.parametrize("n, text", [(4, "Số: 04/TTr-BHXH"), (15, "Số: 15/TTr-BHXH"), (125, "Số: 125/TTr-BHXH"),
                                     (None, "Số:      /TTr-BHXH")])
def test_document_numbers(n, text):
    assert doc_number(n, "TTr", "BHXH") == text


@pytest.mark.parametrize("x, text", [(1234.5, "1.234,5"), (362500, "362.500"), (1.1, "1,1"), (0, "0"),
                                     (-2.5, "-2,5"), (1234567.25, "1.234.567,25")])
def test_numbers(x, text):
    assert format_number(x) == text


@pytest.mark.parametrize("share, text", [(1.0, "100%"), (7 / 9, "77,8%"), (0.5, "50%")])
def test_percent(share, text):
    assert format_percent(share) == text


@pytest.mark.parametrize("text, value", [("1.234,5", 1234.5), ("1,5", 1.5), ("362500", 362500), ("1234.5", 1234.5),
                                         ("1.234.567", 1234567), (" 2 500 ", 2500)])
def test_parse_number(text, value):
    from dhtt_docs.vnformat import parse_number
    assert parse_number(text) == value


def test_parse_number_refuses_words():
    from dhtt_docs.vnformat import parse_number
    with pytest.raises(ValueError):
        parse_number("hai nghìn")
