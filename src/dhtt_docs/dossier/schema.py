"""The typed models of a round, one per YAML shape of the input contract.

Field names are the YAML keys of `spec/dossier-format.md`. Values are checked
and normalised here (dates written 2024-11-25 or 25/11/2024, vocabularies);
each check that fails carries its words in both languages (`_err`), and the
loader turns pydantic's errors into findings with file, line, key and the
field's label (dossier/labels.py).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from dhtt_docs import vocab
from dhtt_docs.i18n import Text as Words, t
from dhtt_docs.vnformat import parse_number

# --- scalar types -----------------------------------------------------------


def _err(message: Words) -> PydanticCustomError:
    """A check that failed; both languages travel in the error's context (the loader picks them up)."""
    return PydanticCustomError("dhtt", "{vi}", {"vi": message.vi, "en": message.en})


def _text(v: Any) -> str:
    if isinstance(v, bool) or v is None or isinstance(v, (list, dict)):
        raise _err(t("cần một dòng chữ" + (" (đang để trống)" if v is None else ""),
                      "must be a line of text" + (" (currently empty)" if v is None else "")))
    s = str(v).strip()
    if not s:
        raise _err(t("đang để trống: hãy điền nội dung", "is empty: fill in a value"))
    return s


def _multiline(v: Any) -> str:
    s = _text(v)
    return "\n".join(line.rstrip() for line in s.split("\n"))


_ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_VN_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_SHORT_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2})$")
_TIME = re.compile(r"^(\d{1,2})(?::|h|giờ\s*)(\d{2})?(?::(\d{2}))?(?:\s*phút)?$", re.IGNORECASE)

_FORMS = ("năm-tháng-ngày (2024-11-25) hoặc ngày/tháng/năm (25/11/2024)",
          "year-month-day (2024-11-25) or day/month/year (25/11/2024)")


def _both(d: date) -> tuple[str, str]:
    return d.isoformat(), f"{d.day:02d}/{d.month:02d}/{d.year}"


def _real_date(y: int, mo: int, d: int, s: str) -> date:
    """date(y, mo, d), or an error that says why not and, when day and month look swapped, the fix."""
    try:
        return date(y, mo, d)
    except ValueError:
        pass
    if 1 <= d <= 12 and mo > 12:
        try:
            iso, vn = _both(date(y, d, mo))
        except ValueError:
            pass
        else:
            raise _err(t(f"ngày '{s}' không có thật: không có tháng {mo}. Ngày viết theo thứ tự ngày/tháng/năm; "
                         f"nếu là ngày {mo} tháng {d}, hãy viết {iso} hoặc {vn}",
                         f"date '{s}' does not exist: there is no month {mo}. Dates are written day/month/year; "
                         f"if you mean day {mo} of month {d}, write {iso} or {vn}"))
    if not 1 <= mo <= 12:
        raise _err(t(f"ngày '{s}' không có thật: không có tháng {mo}. Hãy viết theo dạng {_FORMS[0]}",
                     f"date '{s}' does not exist: there is no month {mo}. Write it as {_FORMS[1]}"))
    raise _err(t(f"ngày {s} không có thật (tháng {mo} không có ngày {d}): hãy sửa lại",
                 f"date {s} does not exist (month {mo} has no day {d}): correct it"))


def _date(v: Any) -> date:
    """A date written 2024-11-25, 25/11/2024 or 5/1/2024 (day first, as Vietnamese write it)."""
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    s = str(v).strip() if v is not None and not isinstance(v, bool) else ""
    if m := _ISO_DATE.match(s):
        y, mo, d = map(int, m.groups())
        return _real_date(y, mo, d, s)
    if m := _VN_DATE.match(s):
        d, mo, y = map(int, m.groups())
        return _real_date(y, mo, d, s)
    if m := _SHORT_YEAR.match(s):
        d, mo, yy = map(int, m.groups())
        try:
            iso, vn = _both(date(2000 + yy, mo, d))
            hint = t(f": năm phải đủ 4 chữ số; nếu là năm {2000 + yy}, hãy viết {iso} hoặc {vn}",
                     f": the year needs all 4 digits; if you mean {2000 + yy}, write {iso} or {vn}")
        except ValueError:
            hint = t(f": năm phải đủ 4 chữ số; hãy viết theo dạng {_FORMS[0]}",
                     f": the year needs all 4 digits; write it as {_FORMS[1]}")
        raise _err(t(f"ngày '{s}' chưa rõ năm", f"date '{s}' has an unclear year") + hint)
    if re.fullmatch(r"\d{8}", s):
        try:
            iso, vn = _both(date(int(s[:4]), int(s[4:6]), int(s[6:])))
        except ValueError:
            pass
        else:
            raise _err(t(f"ngày '{s}' thiếu dấu phân cách: hãy viết {iso} hoặc {vn}",
                         f"date '{s}' has no separators: write {iso} or {vn}"))
    raise _err(t(f"ngày '{s}' không đúng dạng năm-tháng-ngày hay ngày/tháng/năm: hãy viết theo dạng {_FORMS[0]}",
                 f"date '{s}' is not in the year-month-day or day/month/year form: write it as {_FORMS[1]}"))


def _datetime(v: Any) -> datetime:
    """A date and time: 2024-11-20 14:00, 20/11/2024 14:00 (or 14h00)."""
    if isinstance(v, datetime):
        return v.replace(tzinfo=None)
    s = str(v).strip() if v is not None and not isinstance(v, bool) else ""
    day_part, _, time_part = s.replace("T", " ", 1).partition(" ") if _ISO_DATE.match(s[:10]) else s.partition(" ")
    tm = _TIME.match(time_part.strip()) if time_part.strip() else None
    if not tm:
        raise _err(t(f"thời điểm '{s}' không đúng dạng ngày giờ:phút: hãy viết 2024-11-20 14:00 "
                     "hoặc 20/11/2024 14:00",
                     f"date and time '{s}' is not in the date hour:minute form: write 2024-11-20 14:00 "
                     "or 20/11/2024 14:00"))
    day = _date(day_part)
    h, mi, sec = (int(x) if x else 0 for x in tm.groups())
    try:
        return datetime(day.year, day.month, day.day, h, mi, sec)
    except ValueError:
        raise _err(t(f"thời điểm {s} không có thật: giờ phải từ 0 đến 23, phút từ 00 đến 59",
                     f"date and time {s} does not exist: hours go from 0 to 23, minutes from 00 to 59")) from None


def _year(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, str)):
        raise _err(t("năm phải là số có 4 chữ số, ví dụ 2024",
                      "the year must be a 4-digit number, for example 2024"))
    try:
        y = int(str(v).strip())
    except ValueError:
        raise _err(t(f"năm '{v}' phải là số có 4 chữ số, ví dụ 2024",
                      f"year '{v}' must be a 4-digit number, for example 2024")) from None
    if not 1945 <= y <= 2100:
        raise _err(t(f"năm {y} không hợp lý (cần từ 1945 đến 2100)",
                      f"year {y} is not plausible (it must be from 1945 to 2100)"))
    return y


def _count(v: Any) -> int:
    if isinstance(v, bool):
        raise _err(t("cần một số nguyên", "must be a whole number"))
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, str) and v.strip().isdigit():
        v = int(v.strip())
    if not isinstance(v, int):
        raise _err(t(f"'{v}' không phải số nguyên", f"'{v}' is not a whole number"))
    if v < 0:
        raise _err(t("không được là số âm", "must not be negative"))
    return v


def _number(v: Any) -> float:
    if isinstance(v, bool):
        raise _err(t("cần một con số", "must be a number"))
    if isinstance(v, (int, float)):
        return v
    try:
        f = parse_number(str(v))   # Vietnamese "1.234,5" or plain "1234.5"
    except ValueError:
        raise _err(t(f"'{v}' không phải một con số (viết 362500 hoặc 1,5)",
                      f"'{v}' is not a number (write 362500 or 1,5)")) from None
    return int(f) if f.is_integer() else f


def _flag(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    key = vocab.norm(str(v))
    if key in ("có", "co", "true", "x", "1"):
        return True
    if key in ("không", "khong", "false", "0", ""):
        return False
    raise _err(t(f"'{v}' phải là true hoặc false (có/không)", f"'{v}' must be true or false"))


def _kind(v: Any) -> str:
    k = vocab.match_kind(str(v)) if isinstance(v, str) else None
    if not k:
        raise _err(t(f"'{v}' không phải loại hợp lệ: viết individual (cá nhân) hoặc collective (tập thể)",
                      f"'{v}' is not a valid kind: write individual or collective"))
    return k


def _gender(v: Any) -> str:
    g = vocab.match_gender(str(v)) if isinstance(v, str) else None
    if not g:
        raise _err(t(f"giới tính '{v}' không hợp lệ: viết Nam hoặc Nữ",
                      f"gender '{v}' is not valid: write Nam (male) or Nữ (female)"))
    return g


def _rating(v: Any) -> str:
    r = vocab.match_rating(str(v)) if isinstance(v, str) else None
    if not r:
        names = [n for n, _ in vocab.RATINGS.values()]
        hint = vocab.closest(str(v), names)
        quoted = "; ".join(f"'{n}'" for n in names)
        raise _err(t(f"xếp loại '{v}' không có trong danh mục ({'; '.join(names)})"
                      + (f"; có phải '{hint}'?" if hint else ""),
                      f"rating '{v}' is not in the list of ratings ({quoted})"
                      + (f"; did you mean '{hint}'?" if hint else "")))
    return r


def _prefix(v: Any) -> str:
    p = vocab.match_prefix("" if v is None else str(v))
    if p is None:
        raise _err(t(f"'{v}' không phải tiền tố ký hợp lệ: để trống, hoặc KT., TM., Q., TL., TUQ.",
                      f"'{v}' is not a valid signing prefix: leave it empty, or write KT., TM., Q., TL. or TUQ."))
    return p


def _string_list(v: Any) -> Any:
    """`to: Tổng Giám đốc ...` written as one line is a list of one."""
    if isinstance(v, str):
        return [v]
    return [] if v is None else v


def _list(v: Any) -> Any:
    return [] if v is None else v


Text = Annotated[str, BeforeValidator(_text)]
LongText = Annotated[str, BeforeValidator(_multiline)]
Date = Annotated[date, BeforeValidator(_date)]
DateTime = Annotated[datetime, BeforeValidator(_datetime)]
Year = Annotated[int, BeforeValidator(_year)]
Count = Annotated[int, BeforeValidator(_count)]
Number = Annotated[float, BeforeValidator(_number)]
Flag = Annotated[bool, BeforeValidator(_flag)]
Kind = Annotated[str, BeforeValidator(_kind)]
Gender = Annotated[str, BeforeValidator(_gender)]
Rating = Annotated[str, BeforeValidator(_rating)]
Prefix = Annotated[str, BeforeValidator(_prefix)]
TextList = Annotated[list[Text], BeforeValidator(_string_list)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=True)


# --- shared shapes ----------------------------------------------------------


class Decision(Model):
    number: Text
    date: Date
    issuer: Text


class Initiative(Model):
    title: Text
    recognition: Decision | None = None


class Honour(Model):
    """One row of the tables of section III: an emulation title or an award."""

    year: Year | None = None
    title: Text
    decision: Decision
    attachment: Text | None = None

    @property
    def decision_year(self) -> int:
        return self.decision.date.year


class Discipline(Model):
    year: Year
    form: Text
    decision: Decision | None = None


class StaffDiscipline(Model):
    year: Year
    person: Text
    form: Text
    decision: Decision | None = None


class Target(Model):
    year: Year
    name: Text
    unit: Text | None = None
    plan: Number
    actual: Number
    direction: Literal["at_least", "at_most"] = "at_least"

    @field_validator("direction", mode="before")
    @classmethod
    def _direction(cls, v: Any) -> str:
        key = vocab.norm(str(v)).replace(" ", "_").replace("-", "_")
        if key in ("at_least", "at_most"):
            return key
        raise _err(t(f"'{v}' không hợp lệ: viết at_least (càng cao càng tốt) hoặc at_most (càng thấp càng tốt)",
                      f"'{v}' is not valid: write at_least (higher is better) or at_most (lower is better)"))

    @property
    def met(self) -> bool:
        return self.actual <= self.plan if self.direction == "at_most" else self.actual >= self.plan


class NamedPost(Model):
    name: Text
    title: Text


# --- candidates -------------------------------------------------------------


class Individual(Model):
    kind: Kind
    full_name: Text
    gender: Gender
    birth_date: Date
    ethnicity: Text | None = None
    religion: Text | None = None
    hometown: Text
    residence: Text | None = None
    unit: Text
    position: Text
    leader: Flag = False
    leads: Text | None = None
    political_theory: Text | None = None
    education: Text | None = None
    duties: LongText
    achievements: LongText
    ratings: dict[Year, Rating] = Field(default_factory=dict)
    initiatives: Annotated[list[Initiative], BeforeValidator(_list)] = Field(default_factory=list)
    activities: Annotated[list[Text], BeforeValidator(_list)] = Field(default_factory=list)
    emulation_titles: Annotated[list[Honour], BeforeValidator(_list)] = Field(default_factory=list)
    awards: Annotated[list[Honour], BeforeValidator(_list)] = Field(default_factory=list)
    discipline: Annotated[list[Discipline], BeforeValidator(_list)] = Field(default_factory=list)

    @field_validator("ratings", mode="before")
    @classmethod
    def _ratings(cls, v: Any) -> Any:
        return {} if v is None else v

    @property
    def display_name(self) -> str:
        return self.full_name


class Collective(Model):
    kind: Kind
    name: Text
    parent: Text
    head: NamedPost
    address: Text | None = None
    phone: Text | None = None
    staff_count: Count | None = None
    situation: LongText
    functions: LongText
    targets: Annotated[list[Target], BeforeValidator(_list)] = Field(default_factory=list)
    achievements: LongText
    initiatives: Annotated[list[Initiative], BeforeValidator(_list)] = Field(default_factory=list)
    party_work: LongText | None = None
    emulation_titles: Annotated[list[Honour], BeforeValidator(_list)] = Field(default_factory=list)
    awards: Annotated[list[Honour], BeforeValidator(_list)] = Field(default_factory=list)
    staff_discipline: Annotated[list[StaffDiscipline], BeforeValidator(_list)] = Field(default_factory=list)

    @property
    def display_name(self) -> str:
        return self.name


# --- submission.yaml --------------------------------------------------------


class Signer(Model):
    prefix: Prefix = ""
    name: Text
    title: Text


class Unit(Model):
    parent: Text | None = None
    name: Text
    code: Text
    place: Text
    head: NamedPost
    signer: Signer | None = None


class Member(Model):
    name: Text
    title: Text
    council_role: Text | None = None
    present: Flag = True
    written_opinion: Flag = False


class Meeting(Model):
    number: Count | None = None
    start: DateTime
    end: DateTime | None = None
    location: Text


class Ballots(Model):
    issued: Count
    returned: Count
    valid: Count


class Council(Model):
    name: Text
    meeting: Meeting
    chair: Member
    secretary: Member
    members: Annotated[list[Member], Field(min_length=1)]
    ballots: Ballots
    votes: dict[Text, Count]

    @field_validator("members", mode="before")
    @classmethod
    def _members(cls, v: Any) -> Any:
        if not v:
            raise _err(t("danh sách thành viên Hội đồng đang trống: ghi mọi thành viên, kể cả Chủ tịch",
                          "the list of council members is empty: list every member, the Chair included"))
        return v


class SubmissionInfo(Model):
    number: Count | None = None
    date: Date
    to: Annotated[list[Text], BeforeValidator(_string_list), Field(min_length=1)]
    legal_basis: TextList = Field(default_factory=list)
    copies_to: TextList = Field(default_factory=list)


class Submission(Model):
    plan: Text = "1935/KH-BHXH"
    year: Year
    unit: Unit
    council: Council
    submission: SubmissionInfo
