"""Vietnamese formatting of dates, numbers and document numbers (NĐ 30/2020).

- Dates: "ngày 05 tháng 01 năm 2025": days below 10 and months 1 and 2 get a
  leading zero; months 3-12 do not ("ngày 29 tháng 6 năm 2024").
- Document numbers: "Số: 04/TTr-BHXH" (numbers below 10 get a leading zero);
  a missing number leaves a blank for the văn thư: "Số:      /TTr-BHXH"
  (the renderer keeps the spaces with xml:space="preserve").
- Numbers: "1.234,5" (dot for thousands, comma for decimals).
"""

from __future__ import annotations

import re
from datetime import date, datetime

BLANK_NUMBER = " " * 5   # with the space after "Số:", the six blanks of the contract


def _day(d: date) -> str:
    return f"{d.day:02d}"


def _month(d: date) -> str:
    return f"{d.month:02d}" if d.month <= 2 else str(d.month)


def format_date(d: date) -> str:
    """ngày 05 tháng 01 năm 2025"""
    return f"ngày {_day(d)} tháng {_month(d)} năm {d.year}"


def format_place_date(place: str, d: date) -> str:
    """Thanh Hóa, ngày 05 tháng 01 năm 2025"""
    return f"{place}, {format_date(d)}"


def format_date_short(d: date) -> str:
    """05/01/2025, 29/6/2024: the short form used inside text (same zero rules)."""
    return f"{_day(d)}/{_month(d)}/{d.year}"


def format_time(dt: datetime) -> str:
    """14 giờ 00"""
    return f"{dt.hour:02d} giờ {dt.minute:02d}"


def format_datetime(dt: datetime) -> str:
    """14 giờ 00, ngày 20 tháng 11 năm 2024"""
    return f"{format_time(dt)}, {format_date(dt.date())}"


def number_part(number: int | None) -> str:
    """04 for 4, 125 for 125, a blank for None."""
    if number is None:
        return BLANK_NUMBER
    return f"{number:02d}"


def doc_code(number: int | None, type_code: str, unit_code: str) -> str:
    """04/TTr-BHXH"""
    return f"{number_part(number)}/{type_code}-{unit_code}"


def doc_number(number: int | None, type_code: str, unit_code: str) -> str:
    """Số: 04/TTr-BHXH"""
    return f"Số: {doc_code(number, type_code, unit_code)}"


def format_number(x: float | int, decimals: int | None = None) -> str:
    """1234.5 -> 1.234,5; 362500 -> 362.500; decimals=2 -> 1.234,50"""
    if decimals is None:
        if float(x).is_integer():
            decimals = 0
        else:
            text = f"{x:.6f}".rstrip("0")
            decimals = len(text.split(".")[1]) if "." in text else 0
    s = f"{abs(x):,.{decimals}f}"
    s = s.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
    return ("-" if x < 0 and float(s.replace(".", "").replace(",", ".")) != 0 else "") + s


def format_percent(share: float, decimals: int = 1) -> str:
    """0.875 -> 87,5%; 1.0 -> 100%; 2/3 -> 66,7%"""
    value = round(share * 100, decimals)
    return format_number(value, 0 if float(value).is_integer() else None) + "%"


_VN_THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+(,\d+)?")
_VN_DECIMAL = re.compile(r"-?\d+,\d+")


def parse_number(text: str) -> float:
    """'1.234,5' -> 1234.5, '1,5' -> 1.5, '362500' and '1234.5' as they are; ValueError otherwise."""
    s = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if _VN_THOUSANDS.fullmatch(s):
        s = s.replace(".", "").replace(",", ".")
    elif _VN_DECIMAL.fullmatch(s):
        s = s.replace(",", ".")
    return float(s)
