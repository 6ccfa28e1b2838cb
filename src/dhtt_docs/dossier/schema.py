"""The typed models of a round, one per YAML shape of the input contract.

Field names are the YAML keys of `spec/dossier-format.md`. Values are checked
and normalised here (dates, vocabularies); messages are Vietnamese, or
English with `--lang en` (they are made at validation time, so tr() picks the
language of the run). The loader turns pydantic's errors into findings with
file, line and key.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from dhtt_docs import vocab
from dhtt_docs.i18n import tr
from dhtt_docs.vnformat import parse_number

# --- scalar types -----------------------------------------------------------


def _err(message: str) -> PydanticCustomError:
    return PydanticCustomError("dhtt", message)


def _text(v: Any) -> str:
    if isinstance(v, bool) or v is None or isinstance(v, (list, dict)):
        raise _err(tr("cần một dòng chữ" + (" (đang để trống)" if v is None else ""),
                      "must be a line of text" + (" (currently empty)" if v is None else "")))
    s = str(v).strip()
    if not s:
        raise _err(tr("đang để trống: hãy điền nội dung", "is empty: fill in a value"))
    return s


def _multiline(v: Any) -> str:
    s = _text(v)
    return "\n".join(line.rstrip() for line in s.split("\n"))


_DATE_RX = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DATETIME_RX = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")


def _date(v: Any) -> date:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    s = str(v).strip() if v is not None and not isinstance(v, bool) else ""
    m = _DATE_RX.match(s)
    if not m:
        raise _err(tr(f"ngày '{s}' không đúng dạng năm-tháng-ngày (ví dụ 2024-11-25)",
                      f"date '{s}' is not in the year-month-day form (for example 2024-11-25)"))
    y, mo, d = map(int, m.groups())
    try:
        return date(y, mo, d)
    except ValueError:
        raise _err(tr(f"ngày {s} không có thật (tháng {mo} không có ngày {d}): hãy sửa lại",
                      f"date {s} does not exist (month {mo} has no day {d}): correct it")) from None


def _datetime(v: Any) -> datetime:
    if isinstance(v, datetime):
        return v.replace(tzinfo=None)
    s = str(v).strip() if v is not None and not isinstance(v, bool) else ""
    m = _DATETIME_RX.match(s)
    if not m:
        raise _err(tr(f"thời điểm '{s}' không đúng dạng năm-tháng-ngày giờ:phút (ví dụ 2024-11-20 14:00)",
                      f"date and time '{s}' is not in the year-month-day hour:minute form "
                      "(for example 2024-11-20 14:00)"))
    y, mo, d, h, mi, sec = (int(x) if x else 0 for x in m.groups())
    try:
        return datetime(y, mo, d, h, mi, sec)
    except ValueError:
        raise _err(tr(f"thời điểm {s} không có thật: hãy sửa ngày hoặc giờ",
                      f"date and time {s} does not exist: correct the date or the time")) from None


def _year(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, str)):
        raise _err(tr("năm phải là số có 4 chữ số, ví dụ 2024",
                      "the year must be a 4-digit number, for example 2024"))
    try:
        y = int(str(v).strip())
    except ValueError:
        raise _err(tr(f"năm '{v}' phải là số có 4 chữ số, ví dụ 2024",
                      f"year '{v}' must be a 4-digit number, for example 2024")) from None
    if not 1945 <= y <= 2100:
        raise _err(tr(f"năm {y} không hợp lý (cần từ 1945 đến 2100)",
                      f"year {y} is not plausible (it must be from 1945 to 2100)"))
    return y


def _count(v: Any) -> int:
    if isinstance(v, bool):
        raise _err(tr("cần một số nguyên", "must be a whole number"))
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, str) and v.strip().isdigit():
        v = int(v.strip())
    if not isinstance(v, int):
        raise _err(tr(f"'{v}' không phải số nguyên", f"'{v}' is not a whole number"))
    if v < 0:
        raise _err(tr("không được là số âm", "must not be negative"))
    return v


def _number(v: Any) -> float:
    if isinstance(v, bool):
        raise _err(tr("cần một con số", "must be a number"))
    if isinstance(v, (int, float)):
        return v
    try:
        f = parse_number(str(v))   # Vietnamese "1.234,5" or plain "1234.5"
    except ValueError:
        raise _err(tr(f"'{v}' không phải một con số (viết 362500 hoặc 1,5)",
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
    raise _err(tr(f"'{v}' phải là true hoặc false (có/không)", f"'{v}' must be true or false"))


def _kind(v: Any) -> str:
    k = vocab.match_kind(str(v)) if isinstance(v, str) else None
    if not k:
        raise _err(tr(f"'{v}' không phải loại hợp lệ: viết individual (cá nhân) hoặc collective (tập thể)",
                      f"'{v}' is not a valid kind: write individual or collective"))
    return k


def _gender(v: Any) -> str:
    g = vocab.match_gender(str(v)) if isinstance(v, str) else None
    if not g:
        raise _err(tr(f"giới tính '{v}' không hợp lệ: viết Nam hoặc Nữ",
                      f"gender '{v}' is not valid: write Nam (male) or Nữ (female)"))
    return g


def _rating(v: Any) -> str:
    r = vocab.match_rating(str(v)) if isinstance(v, str) else None
    if not r:
        names = [n for n, _ in vocab.RATINGS.values()]
        hint = vocab.closest(str(v), names)
        quoted = "; ".join(f"'{n}'" for n in names)
        raise _err(tr(f"xếp loại '{v}' không có trong danh mục ({'; '.join(names)})"
                      + (f"; có phải '{hint}'?" if hint else ""),
                      f"rating '{v}' is not in the list of ratings ({quoted})"
                      + (f"; did you mean '{hint}'?" if hint else "")))
    return r


def _prefix(v: Any) -> str:
    p = vocab.match_prefix("" if v is None else str(v))
    if p is None:
        raise _err(tr(f"'{v}' không phải tiền tố ký hợp lệ: để trống, hoặc KT., TM., Q., TL., TUQ.",
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
        raise _err(tr(f"'{v}' không hợp lệ: viết at_least (càng cao càng tốt) hoặc at_most (càng thấp càng tốt)",
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
    place: Text | None = None          # địa danh of its own report's date line; default unit.place
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
            raise _err(tr("danh sách thành viên Hội đồng đang trống: ghi mọi thành viên, kể cả Chủ tịch",
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
