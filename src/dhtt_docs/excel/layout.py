"""The workbook's layout: its sheets and columns, derived from the schema's fields.

Each sheet holds one model of `dossier/schema.py` (a candidate on "Cá nhân" and
"Tập thể", one item per row on "Khen thưởng", "Sáng kiến", "Chỉ tiêu" and
"Kỷ luật"). The columns of a sheet are that model's fields, walked in their
order (a nested model such as ``head`` or ``decision`` gives one column per
field: ``head.name``, ``head.title``); what a column is called, how wide it is
and what to write come from `LABELS`, and how a cell is read (its kind) from
the field's schema type. A field that is not a column is in `EXCLUDED` with the
reason. `columns()` refuses a field that is in neither table, so a field added
to the schema cannot be forgotten in Excel (tests/excel/test_layout.py).

The template (`template.py`) and the import (`reader.py`, `drafts.py`) both use
this one description; the import finds columns by their header, so columns may
be moved or hidden.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass

from pydantic import BaseModel

from dhtt_docs.dossier import schema
from dhtt_docs.rules.profile import Profile
from dhtt_docs.vocab import RATINGS, norm

SHEET_GUIDE = "Hướng dẫn"
SHEET_INDIVIDUALS = "Cá nhân"
SHEET_COLLECTIVES = "Tập thể"
SHEET_HONOURS = "Khen thưởng"
SHEET_INITIATIVES = "Sáng kiến"
SHEET_TARGETS = "Chỉ tiêu"
SHEET_DISCIPLINE = "Kỷ luật"
SHEET_LISTS = "Danh mục"

HONOUR_KINDS = {"emulation_titles": "Danh hiệu thi đua", "awards": "Hình thức khen thưởng"}
DIRECTIONS = {"at_least": "Càng cao càng tốt", "at_most": "Càng thấp càng tốt"}
FLAGS = ["Có", "Không"]
GENDERS = ["Nam", "Nữ"]


@dataclass(frozen=True)
class Column:
    field: str          # where the value goes: a dotted path in the sheet's model ("decision.date"), or
                        # "id", "ref", "list", "rating:<year>" (not schema fields: see PSEUDO)
    header: str         # the Vietnamese header printed in row 1 ('*' added when required)
    kind: str           # how the cell is read: id, ref, text, long, lines, date, year, int, number, flag,
                        # gender, rating, honour_kind, award, discipline, direction
    required: bool = False
    width: float = 18
    hint: str = ""      # what to write (header comment and the Hướng dẫn sheet)
    example: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Label:
    """What the schema cannot say about a column: its words, its width, a kind or requirement of its own."""

    header: str
    width: float
    hint: str
    example: str
    aliases: tuple[str, ...] = ()
    kind: str | None = None            # when the schema's type is read in an Excel way (a drop-down, a list)
    required: bool | None = None       # when the sheet's rule differs from the model's


# The kind of a cell, from the BeforeValidator of the field's schema type.
_KIND_OF_PARSER = {
    schema._text: "text", schema._multiline: "long", schema._date: "date", schema._year: "year",
    schema._count: "int", schema._number: "number", schema._flag: "flag", schema._gender: "gender",
    schema._rating: "rating",
}

_REF_HINT = ("Mã hồ sơ (cột Mã ở trang Cá nhân/Tập thể) hoặc họ tên cá nhân, tên tập thể, "
             "ghi đúng như ở trang đó")
_REF = Label("Mã hoặc tên ứng viên", 24, _REF_HINT, "nguyen-van-an", ("mã ứng viên", "ứng viên", "mã"), kind="ref",
             required=True)

# --- the label table: sheet -> field path -> its words (in no particular order: the schema gives the order) ---

LABELS: dict[str, dict[str, Label]] = {
    SHEET_INDIVIDUALS: {
        "id": Label("Mã", 20, "Mã hồ sơ, là tên tệp: chữ thường không dấu, số, dấu '-'. "
                    "Để trống thì tự đặt theo họ tên", "nguyen-van-an", ("mã hồ sơ", "id"), kind="id"),
        "full_name": Label("Họ và tên", 24, "Họ và tên đầy đủ", "Nguyễn Văn An", ("họ tên",)),
        "gender": Label("Giới tính", 10, "Chọn Nam hoặc Nữ", "Nam"),
        "birth_date": Label("Ngày sinh", 13, "Ngày/tháng/năm", "12/05/1980"),
        "ethnicity": Label("Dân tộc", 10, "Không bắt buộc", "Kinh"),
        "religion": Label("Tôn giáo", 10, "Không bắt buộc", "Không"),
        "hometown": Label("Quê quán", 30, "Xã/phường, huyện, tỉnh",
                          "xã Quảng Tâm, thành phố Thanh Hóa, tỉnh Thanh Hóa"),
        "residence": Label("Trú quán", 30, "Nơi ở hiện nay; không bắt buộc",
                           "phường Đông Vệ, thành phố Thanh Hóa, tỉnh Thanh Hóa", ("nơi ở hiện nay",)),
        "unit": Label("Đơn vị công tác", 30, "Phòng/đơn vị và cơ quan",
                      "Phòng Quản lý thu, Bảo hiểm xã hội tỉnh Thanh Hóa"),
        "position": Label("Chức vụ", 16, "Chức vụ; không giữ chức vụ thì ghi Chuyên viên...", "Trưởng phòng"),
        "leader": Label("Lãnh đạo, quản lý", 11,
                        "Chọn Có nếu giữ chức vụ lãnh đạo, quản lý; để trống là Không", "Có"),
        "leads": Label("Tập thể đứng đầu", 20,
                       "Tập thể do người này đứng đầu, nếu cũng được đề nghị (mã hoặc tên ở trang Tập thể); "
                       "không bắt buộc", "phong-quan-ly-thu", kind="ref"),
        "political_theory": Label("Lý luận chính trị", 12, "Trình độ lý luận chính trị; không bắt buộc", "Cao cấp"),
        "education": Label("Trình độ chuyên môn", 22, "Trình độ chuyên môn, nghiệp vụ; không bắt buộc",
                           "Thạc sĩ Quản lý kinh tế"),
        "duties": Label("Quyền hạn, nhiệm vụ được giao", 40, "Viết thành đoạn văn; xuống dòng trong ô: Alt+Enter",
                        "Phụ trách công tác thu bảo hiểm xã hội, bảo hiểm y tế."),
        "achievements": Label("Thành tích đạt được", 50,
                              "Viết thành đoạn văn; dòng bắt đầu bằng '- ' in thành gạch đầu dòng; "
                              "xuống dòng trong ô: Alt+Enter", "Năm 2023, phòng thu vượt 3,2% kế hoạch."),
        "activities": Label("Hoạt động đoàn thể, phong trào", 40,
                            "Hoạt động đoàn thể, giải thưởng cuộc thi, văn nghệ, thể thao; mỗi mục một dòng trong ô "
                            "(Alt+Enter)", "Giải Nhì Hội thi \"Cán bộ thu giỏi\" năm 2022", kind="lines"),
    },
    SHEET_COLLECTIVES: {
        "id": Label("Mã", 22, "Mã hồ sơ, là tên tệp: chữ thường không dấu, số, dấu '-'. "
                    "Để trống thì tự đặt theo tên tập thể", "phong-quan-ly-thu", ("mã hồ sơ", "id"), kind="id"),
        "name": Label("Tên tập thể", 28, "Tên đầy đủ, không viết tắt", "Phòng Quản lý thu"),
        "parent": Label("Cơ quan cấp trên trực tiếp", 28, "Cơ quan cấp trên trực tiếp",
                        "Bảo hiểm xã hội tỉnh Thanh Hóa"),
        "head.name": Label("Họ tên người đứng đầu", 22, "Họ và tên thủ trưởng tập thể", "Nguyễn Văn An"),
        "head.title": Label("Chức vụ người đứng đầu", 16, "Chức vụ thủ trưởng tập thể", "Trưởng phòng"),
        "address": Label("Địa chỉ", 28, "Địa chỉ trụ sở; không bắt buộc",
                         "01 Lê Lợi, phường Điện Biên, thành phố Thanh Hóa"),
        "phone": Label("Điện thoại", 14, "Không bắt buộc", "0237 3852 000"),
        "place": Label("Địa danh", 14, "Địa danh ghi ở dòng ngày tháng của báo cáo, khi khác địa danh của "
                       "đơn vị trình; không bắt buộc", "Hoằng Hóa", ("địa danh",)),
        "staff_count": Label("Số cán bộ", 10, "Số cán bộ, công chức, viên chức, người lao động; không bắt buộc",
                             "24"),
        "situation": Label("Đặc điểm, tình hình", 40, "Viết thành đoạn văn; xuống dòng trong ô: Alt+Enter",
                           "Phòng có 24 công chức, viên chức."),
        "functions": Label("Chức năng, nhiệm vụ", 40, "Viết thành đoạn văn",
                           "Tham mưu, giúp Giám đốc tổ chức thực hiện công tác thu."),
        "achievements": Label("Thành tích đạt được", 50,
                              "Viết thành đoạn văn; dòng bắt đầu bằng '- ' in thành gạch đầu dòng",
                              "Hoàn thành vượt mức kế hoạch."),
        "party_work": Label("Công tác Đảng, đoàn thể", 40, "Không bắt buộc",
                            "Chi bộ được xếp loại hoàn thành xuất sắc nhiệm vụ."),
    },
    SHEET_HONOURS: {
        "ref": _REF,
        "list": Label("Loại", 22, "Chọn: Danh hiệu thi đua hoặc Hình thức khen thưởng", "Hình thức khen thưởng",
                      kind="honour_kind", required=True),
        "year": Label("Năm", 8, "Năm được tặng/khen thưởng", "2022"),
        "title": Label("Tên danh hiệu, hình thức khen thưởng", 42,
                       "Chọn trong danh sách hoặc ghi đúng tên trên quyết định (Huân chương: ghi cả loại, hạng)",
                       "Bằng khen của Thủ tướng Chính phủ", ("tên",), kind="award"),
        "decision.number": Label("Số quyết định", 16, "Số, ký hiệu như trên quyết định", "1234/QĐ-TTg"),
        "decision.date": Label("Ngày quyết định", 13, "Ngày/tháng/năm", "28/12/2022"),
        "decision.issuer": Label("Cơ quan ban hành", 34, "Người/cơ quan ký quyết định",
                                 "Thủ tướng Chính phủ", ("người ban hành", "cấp ban hành")),
        "attachment": Label("Tệp đính kèm", 28, "Bản quét quyết định trong thư mục attachments/; không bắt buộc",
                            "attachments/qd-1234-2022.pdf"),
    },
    SHEET_INITIATIVES: {
        "ref": _REF,
        "title": Label("Tên sáng kiến, giải pháp", 50, "Tên sáng kiến, giải pháp, mô hình",
                       "Giải pháp đối soát dữ liệu thu với cơ quan thuế", ("tên",)),
        "recognition.number": Label("Số quyết định công nhận", 16, "Số, ký hiệu quyết định công nhận",
                                    "45/QĐ-BHXH", ("số quyết định",)),
        "recognition.date": Label("Ngày quyết định", 13, "Ngày/tháng/năm", "10/03/2023"),
        "recognition.issuer": Label("Cơ quan công nhận", 34, "Người/cơ quan ký quyết định công nhận",
                                    "Giám đốc Bảo hiểm xã hội tỉnh Thanh Hóa", ("cơ quan ban hành",)),
    },
    SHEET_TARGETS: {
        "ref": Label("Mã hoặc tên tập thể", 24, _REF_HINT, "phong-quan-ly-thu", ("mã tập thể", "tập thể", "mã"),
                     kind="ref", required=True),
        "year": Label("Năm", 8, "Năm của chỉ tiêu", "2023"),
        "name": Label("Tên chỉ tiêu", 44, "Chỉ tiêu được giao", "Số người tham gia bảo hiểm xã hội bắt buộc",
                      ("chỉ tiêu",)),
        "unit": Label("Đơn vị tính", 12, "Người, tỷ đồng, %...; không bắt buộc", "người"),
        "plan": Label("Kế hoạch", 14, "Số được giao (ghi số, ví dụ 350000 hoặc 1,5)", "350000"),
        "actual": Label("Thực hiện", 14, "Số thực hiện", "362500"),
        "direction": Label("Đánh giá", 20, "Càng cao càng tốt (mặc định) hoặc Càng thấp càng tốt (tỷ lệ nợ...)",
                           "Càng cao càng tốt", kind="direction"),
    },
    SHEET_DISCIPLINE: {
        "ref": Label(_REF.header, 24, _REF_HINT, "phong-quan-ly-thu", _REF.aliases, kind="ref",
                     required=True),
        "year": Label("Năm", 8, "Năm bị kỷ luật", "2023"),
        "person": Label("Người bị kỷ luật", 24,
                        "Chỉ với tập thể: họ tên cán bộ của tập thể bị kỷ luật (bắt buộc); với cá nhân để trống",
                        "Nguyễn Văn X", required=False),
        "form": Label("Hình thức kỷ luật", 22, "Chọn trong danh sách", "khiển trách", kind="discipline"),
        "decision.number": Label("Số quyết định", 16, "Không bắt buộc", "7/QĐ-BHXH"),
        "decision.date": Label("Ngày quyết định", 13, "Ngày/tháng/năm; không bắt buộc", "02/04/2021"),
        "decision.issuer": Label("Cơ quan ban hành", 34, "Không bắt buộc", "Giám đốc Bảo hiểm xã hội tỉnh Thanh Hóa"),
    },
}

# Columns that are no field of the model: the row's own id, the candidate an item belongs to, which list.
PSEUDO = {
    SHEET_INDIVIDUALS: ("id",), SHEET_COLLECTIVES: ("id",),
    SHEET_HONOURS: ("ref", "list"), SHEET_INITIATIVES: ("ref",), SHEET_TARGETS: ("ref",),
    SHEET_DISCIPLINE: ("ref",),
}

# Fields that are no column of their model's sheet, and why.
EXCLUDED: dict[str, dict[str, str]] = {
    SHEET_INDIVIDUALS: {
        "kind": "the sheet says it",
        "ratings": "one column per year of the plan's window (rating_columns)",
        "initiatives": f"sheet {SHEET_INITIATIVES}",
        "emulation_titles": f"sheet {SHEET_HONOURS}", "awards": f"sheet {SHEET_HONOURS}",
        "discipline": f"sheet {SHEET_DISCIPLINE}",
    },
    SHEET_COLLECTIVES: {
        "kind": "the sheet says it",
        "targets": f"sheet {SHEET_TARGETS}", "initiatives": f"sheet {SHEET_INITIATIVES}",
        "emulation_titles": f"sheet {SHEET_HONOURS}", "awards": f"sheet {SHEET_HONOURS}",
        "staff_discipline": f"sheet {SHEET_DISCIPLINE}",
    },
    SHEET_HONOURS: {}, SHEET_INITIATIVES: {}, SHEET_TARGETS: {}, SHEET_DISCIPLINE: {},
}

# The model of each sheet's rows. The Kỷ luật sheet holds both an individual's discipline and a
# collective's staff discipline: its columns are StaffDiscipline's (Discipline's plus "person").
MODELS: dict[str, type[BaseModel]] = {
    SHEET_INDIVIDUALS: schema.Individual, SHEET_COLLECTIVES: schema.Collective, SHEET_HONOURS: schema.Honour,
    SHEET_INITIATIVES: schema.Initiative, SHEET_TARGETS: schema.Target, SHEET_DISCIPLINE: schema.StaffDiscipline,
}


class LayoutError(Exception):
    """A schema field with no column and no exclusion: add it to LABELS or EXCLUDED."""


def _model_of(annotation) -> type[BaseModel] | None:
    """The model class of a field (inside Optional/Annotated), or None for a scalar."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _model_of(typing.get_args(annotation)[0])
    if origin is not None and origin not in (list, dict):
        for arg in typing.get_args(annotation):
            m = _model_of(arg)
            if m is not None:
                return m
        return None
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _kind_of(info) -> str | None:
    for meta in info.metadata:
        kind = _KIND_OF_PARSER.get(getattr(meta, "func", None))
        if kind:
            return kind
    ann = info.annotation
    for arg in typing.get_args(ann):                 # Optional[Text]: the Annotated inside
        for meta in getattr(arg, "__metadata__", ()):
            kind = _KIND_OF_PARSER.get(getattr(meta, "func", None))
            if kind:
                return kind
    return None


def leaf_fields(model: type[BaseModel], prefix: str = "", required: bool = True):
    """(dotted path, field info, required) of every scalar field of a model, nested models walked, in order."""
    for name, info in model.model_fields.items():
        path = prefix + name
        need = required and info.is_required()
        inner = _model_of(info.annotation)
        if inner is not None:
            yield from leaf_fields(inner, path + ".", need)
        else:
            yield path, info, need


def columns(sheet: str) -> list[Column]:
    """The fixed columns of a sheet: its pseudo columns, then its model's fields (LABELS + the schema)."""
    labels, excluded = LABELS[sheet], EXCLUDED[sheet]
    out = [_column(f, labels[f], labels[f].kind, bool(labels[f].required)) for f in PSEUDO[sheet]]
    for path, info, required in leaf_fields(MODELS[sheet]):
        top = path.split(".")[0]
        if top in excluded or path in excluded:
            continue
        if path not in labels:
            raise LayoutError(f"{MODELS[sheet].__name__}.{path} has no column on sheet '{sheet}': "
                              "add it to excel/layout.py LABELS (or EXCLUDED, saying why)")
        label = labels[path]
        kind = label.kind or _kind_of(info)
        if kind is None:
            raise LayoutError(f"{MODELS[sheet].__name__}.{path}: no cell kind for its type; set Label.kind")
        out.append(_column(path, label, kind, required if label.required is None else label.required))
    return out


def _column(path: str, label: Label, kind: str | None, required: bool) -> Column:
    return Column(path, label.header, kind or "text", required, label.width, label.hint, label.example,
                  label.aliases)


RATING_HEADER = "Xếp loại {year}"
RATING_HEADER_RX = re.compile(rf"^{norm('xếp loại')}(?: {norm('năm')})? (\d{{4}})$")   # on a norm()ed header


def rating_column(year: int) -> Column:
    return Column(f"rating:{year}", RATING_HEADER.format(year=year), "rating", False, 16,
                  f"Xếp loại chất lượng năm {year}: chọn trong danh sách; năm chưa đánh giá thì để trống",
                  "hoàn thành xuất sắc nhiệm vụ")


def individual_columns(profile: Profile) -> list[Column]:
    """The columns of "Cá nhân": the fixed ones, then one rating column per year of the plan's window."""
    return columns(SHEET_INDIVIDUALS) + [rating_column(y) for y in
                                         range(profile.window.first_year, profile.window.last_year + 1)]


def sheet_columns(profile: Profile) -> dict[str, list[Column]]:
    return {sheet: individual_columns(profile) if sheet == SHEET_INDIVIDUALS else columns(sheet)
            for sheet in MODELS}


SHEET_NOTES = {
    SHEET_INDIVIDUALS: "Mỗi cá nhân một dòng.",
    SHEET_COLLECTIVES: "Mỗi tập thể một dòng.",
    SHEET_HONOURS: "Danh hiệu thi đua và hình thức khen thưởng đã đạt: mỗi quyết định một dòng.",
    SHEET_INITIATIVES: "Sáng kiến, giải pháp được công nhận: mỗi sáng kiến một dòng.",
    SHEET_TARGETS: "Chỉ tiêu được giao của tập thể và kết quả: mỗi chỉ tiêu của mỗi năm một dòng.",
    SHEET_DISCIPLINE: "Kỷ luật của cá nhân, hoặc của cán bộ trong tập thể: mỗi quyết định một dòng. "
                      "Không có thì để trống.",
}


def drop_down_lists(profile: Profile) -> dict[str, tuple[str, list[str]]]:
    """kind -> (title, values) of the hidden Danh mục sheet, in column order."""
    return {
        "rating": ("Xếp loại", [name for name, _ in sorted(RATINGS.values(), key=lambda x: x[1])]),
        "discipline": ("Hình thức kỷ luật", list(profile.discipline.forms)),
        "award": ("Danh hiệu, hình thức khen thưởng", profile.known_award_names()),
        "gender": ("Giới tính", GENDERS),
        "flag": ("Có/Không", FLAGS),
        "honour_kind": ("Loại khen thưởng", list(HONOUR_KINDS.values())),
        "direction": ("Đánh giá chỉ tiêu", list(DIRECTIONS.values())),
    }


# The order of a candidate's keys in its YAML file: the schema's.
INDIVIDUAL_KEYS = list(schema.Individual.model_fields)
COLLECTIVE_KEYS = list(schema.Collective.model_fields)
