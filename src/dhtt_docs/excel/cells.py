"""Reading one cell into a typed value, or a CellError that says what to write instead.

What a value may be is the schema's business: dates, years, numbers, flags,
genders and ratings are parsed by the types of `dossier/schema.py` (numbers
through `vnformat.parse_number`). This module only adds what is Excel's own:
native cell types (dates, serial numbers, booleans, a percentage stored as a
fraction), the day/month/year text people type in a sheet, the Vietnamese
labels of the drop-downs, and a "did you mean" for every closed list.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Callable

from openpyxl.utils.datetime import from_excel
from pydantic import TypeAdapter, ValidationError

from dhtt_docs.dossier import schema
from dhtt_docs.dossier.loader import ID_RX, schema_error_words
from dhtt_docs.dossier.yamlsource import clean_text
from dhtt_docs.excel.layout import DIRECTIONS, GENDERS, HONOUR_KINDS
from dhtt_docs.i18n import Text, t
from dhtt_docs.rules.profile import Profile
from dhtt_docs.vocab import RATINGS, closest, norm, slugify


class CellError(Exception):
    """A cell that cannot be read; `message` (both languages) says what to write instead."""

    def __init__(self, message: Text):
        super().__init__(message.vi)
        self.message = message


def quoted(values, sep: str = ", ") -> str:
    """Values quoted for an English message ('Có', 'Không'): they stay Vietnamese, as in the workbook."""
    return sep.join(f"'{v}'" for v in values)


def did_you_mean(value: str, choices: list[str], cutoff: float = 0.5) -> Text:
    """': có phải 'X'?' for the closest choice, else the list to choose from."""
    hint = closest(str(value), choices, cutoff=cutoff)
    if hint:
        return t(f": có phải '{hint}'?", f": did you mean '{hint}'?")
    return t(f": chọn một trong {', '.join(choices)}", f": choose one of {quoted(choices)}")


_ADAPTERS: dict[Any, TypeAdapter] = {}


def parse_as(type_: Any, v: Any) -> Any:
    """`v` read by a schema type (schema.Date, schema.Year, ...); CellError with the schema's message."""
    adapter = _ADAPTERS.get(type_) or _ADAPTERS.setdefault(type_, TypeAdapter(type_))
    try:
        return adapter.validate_python(v)
    except ValidationError as err:
        raise CellError(schema_error_words(err.errors(include_url=False)[0])) from None


_EXCEL_MIDNIGHT = re.compile(r"[ T]00:00(?::00)?$")


def is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _clean(v: str) -> str:
    return clean_text(v.replace("_x000D_", "")).strip()


def _integral(v: float) -> int | float:
    return int(v) if float(v).is_integer() else v


def read_text(v: Any, *, multiline: bool = False) -> str:
    if isinstance(v, bool):
        return "Có" if v else "Không"
    if isinstance(v, datetime | date):
        raise CellError(t("Excel đã tự đổi ô này thành ngày tháng. Hãy định dạng ô là Text "
                          "(chuột phải → Format Cells → Text) rồi gõ lại",
                          "Excel turned this cell into a date by itself. Format the cell as Text "
                          "(right-click → Format Cells → Text) and type it again"))
    if isinstance(v, float):
        return str(_integral(v))
    s = _clean(str(v))
    if multiline:
        return "\n".join(line.rstrip() for line in s.split("\n")).strip()
    return " ".join(s.split())


def read_lines(v: Any) -> list[str]:
    items = []
    for line in read_text(v, multiline=True).split("\n"):
        line = re.sub(r"^\s*[-•+*]\s+", "", line).strip()
        if line:
            items.append(line)
    return items


def _not_a_date(s: Any) -> CellError:
    return CellError(t(f"'{s}' không phải ngày: ghi ngày/tháng/năm, ví dụ 25/11/2024",
                       f"'{s}' is not a date: write day/month/year, for example 25/11/2024"))


def read_date(v: Any) -> date:
    """An Excel date, a serial number, or text read by the schema's Date (dd/mm/yyyy, ISO)."""
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, int | float) and not isinstance(v, bool):
        if 1900 <= v <= 2100:
            raise CellError(t(f"'{_integral(v)}' mới là năm: ghi đủ ngày/tháng/năm, ví dụ 25/11/{_integral(v)}",
                              f"'{_integral(v)}' is only a year: write the full day/month/year, "
                              f"for example 25/11/{_integral(v)}"))
        if 14611 <= v <= 73415:          # a date serial (1940..2100) in a cell formatted as a number
            return from_excel(v).date()
        raise _not_a_date(v)
    # What a sheet adds to a typed date (spaces around '/', a midnight time) goes; the schema reads the rest.
    s = _EXCEL_MIDNIGHT.sub("", re.sub(r"\s*([/.\-])\s*", r"\1", _clean(str(v))))
    return parse_as(schema.Date, s)


def read_number(v: Any, number_format: str = "General") -> int | float:
    """A number cell, or Vietnamese text '1.234,5' / '1,5' / '91,5%' (read by the schema's Number)."""
    if isinstance(v, bool):
        raise CellError(t("cần một con số", "a number is needed"))
    if isinstance(v, int | float):
        if "%" in (number_format or ""):
            v = v * 100          # 91,5% typed in a percentage cell is stored as 0.915
        return _integral(float(f"{v:.12g}"))
    f = parse_as(schema.Number, _clean(str(v)).strip().rstrip("%"))
    return _integral(float(f"{f:.12g}"))


def read_int(v: Any, what: Text | None = None) -> int:
    """A whole number; `what` names it in the message (default: "số" / "a number")."""
    def bad() -> CellError:
        name = what or t("số", "a number")
        return CellError(t(f"'{v}' không phải {name.vi}: ghi một số nguyên",
                           f"'{v}' is not {name.en}: write a whole number"))

    try:
        n = read_number(v)
    except CellError:
        raise bad() from None
    if not isinstance(n, int):
        raise bad()
    return n


def read_year(v: Any) -> int:
    if isinstance(v, datetime | date):
        return v.year
    return parse_as(schema.Year, read_int(v, t("năm", "a year")))


def read_flag(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return bool(v)
    try:
        return parse_as(schema.Flag, str(v))
    except CellError:
        raise CellError(t(f"'{v}' không hợp lệ: chọn Có hoặc Không",
                          f"'{v}' is not valid: choose 'Có' (yes) or 'Không' (no)")) from None


def read_gender(v: Any) -> str:
    try:
        return parse_as(schema.Gender, read_text(v))
    except CellError as e:
        raise CellError(e.message + did_you_mean(read_text(v), GENDERS)) from None


def read_rating(v: Any) -> str:
    """A rating's full name; the short codes (HTXSNV ...) are accepted, and suggested when mistyped."""
    s = read_text(v)
    try:
        return RATINGS[parse_as(schema.Rating, s)][0]
    except CellError:
        names = [n for n, _ in RATINGS.values()]
        by_code = {code: name for code, (name, _) in RATINGS.items()}
        hint = closest(s, names + list(by_code), cutoff=0.5)
        hint = by_code.get(hint, hint)
        raise CellError(t(f"xếp loại '{s}' không có trong danh sách ({'; '.join(names)})"
                          + (f": có phải '{hint}'?" if hint else ": hãy chọn trong danh sách"),
                          f"the rating '{s}' is not in the list ({quoted(names, '; ')})"
                          + (f": did you mean '{hint}'?" if hint else ": choose one from the list"))) from None


def read_honour_kind(v: Any) -> str:
    key = norm(str(v))
    for field_name, label in HONOUR_KINDS.items():
        if key in (norm(label), field_name):
            return field_name
    if "danh hiệu" in key:
        return "emulation_titles"
    if "khen thưởng" in key or "hình thức" in key:
        return "awards"
    raise CellError(t(f"'{v}' không hợp lệ", f"'{v}' is not valid")
                    + did_you_mean(str(v), list(HONOUR_KINDS.values())))


def read_direction(v: Any) -> str:
    key = norm(str(v))
    for d, label in DIRECTIONS.items():
        if key in (norm(label), d, d.replace("_", " ")):
            return d
    if key in (">=", "≥", "cao", "tăng"):
        return "at_least"
    if key in ("<=", "≤", "thấp", "giảm"):
        return "at_most"
    raise CellError(t(f"'{v}' không hợp lệ", f"'{v}' is not valid") + did_you_mean(str(v), list(DIRECTIONS.values())))


def read_id(v: Any) -> str:
    s = read_text(v)
    if not ID_RX.match(s):
        hint = slugify(s)
        raise CellError(t(f"mã '{s}' không dùng được: chỉ gồm chữ thường không dấu, số và dấu '-'"
                          + (f", ví dụ '{hint}'" if hint else "") + ". Hoặc để trống để tự đặt theo tên",
                          f"the ID '{s}' cannot be used: use only lowercase letters without accents, "
                          "digits and '-'" + (f", for example '{hint}'" if hint else "")
                          + ". Or leave it empty to have one made from the name"))
    return s


def read_discipline(v: Any, profile: Profile) -> str:
    s = read_text(v)
    form = profile.discipline_form(s)
    if form is None:
        forms = profile.discipline.forms
        hint = closest(s, forms, cutoff=0.5)
        raise CellError(t(f"hình thức kỷ luật '{s}' không có trong danh sách"
                          + (f": có phải '{hint}'?" if hint else f" ({', '.join(forms)})"),
                          f"the discipline form '{s}' is not in the list"
                          + (f": did you mean '{hint}'?" if hint else f" ({quoted(forms)})")))
    return form


_READERS: dict[str, Callable[[Any], Any]] = {
    "text": read_text, "ref": read_text, "award": read_text, "id": read_id,
    "long": lambda v: read_text(v, multiline=True), "lines": read_lines, "date": read_date, "year": read_year,
    "int": read_int, "flag": read_flag, "gender": read_gender, "rating": read_rating,
    "honour_kind": read_honour_kind, "direction": read_direction,
}


def read_cell(kind: str, v: Any, number_format: str, profile: Profile) -> Any:
    """The value of a non-blank cell of a column of `kind` (see layout.Column)."""
    if kind == "number":
        return read_number(v, number_format)
    if kind == "discipline":
        return read_discipline(v, profile)
    return _READERS[kind](v)
