"""From rows to candidates: one draft per row of "Cá nhân"/"Tập thể", with the items of the other sheets.

A draft is the candidate's data in the shape of its YAML file, with the cell
each value came from (`where`), so that the schema's findings can point at a
cell. Problems found while putting drafts together (an unknown candidate on
an item row, one person on two rows, a date after the round) are findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dhtt_docs.dossier.loader import ID_RX
from dhtt_docs.excel.layout import (
    COLLECTIVE_KEYS,
    INDIVIDUAL_KEYS,
    SHEET_COLLECTIVES,
    SHEET_DISCIPLINE,
    SHEET_HONOURS,
    SHEET_INDIVIDUALS,
    SHEET_INITIATIVES,
    SHEET_TARGETS,
    columns,
)
from dhtt_docs.excel.reader import CellRef, Findings, Row, SheetReader
from dhtt_docs.findings import Severity
from dhtt_docs.i18n import t
from dhtt_docs.rules.profile import Profile
from dhtt_docs.vnformat import format_date_short
from dhtt_docs.vocab import closest, norm, slugify

_BOTH = ("individual", "collective")
_SHEET_WORDS = {"individual": (f"trang '{SHEET_INDIVIDUALS}'", f"sheet '{SHEET_INDIVIDUALS}'"),
                "collective": (f"trang '{SHEET_COLLECTIVES}'", f"sheet '{SHEET_COLLECTIVES}'")}


@dataclass
class Draft:
    """One candidate being put together from its row and the rows that refer to it."""

    id: str
    kind: str
    name: str
    row: Row
    data: dict = field(default_factory=dict)
    where: dict[tuple, CellRef] = field(default_factory=dict)   # YAML path -> cell it comes from
    bad: set[CellRef] = field(default_factory=set)              # cells that already have a finding

    @property
    def id_cell(self) -> CellRef:
        """The Mã cell when filled in, else the name the id was made from."""
        if "id" in self.row.values:
            return self.row.cells["id"]
        return self.row.cell("full_name", "name", "id")

    def identity(self) -> tuple:
        """What makes two rows one person (name, birth date, unit) or one collective (name, parent)."""
        v = self.row.values
        if self.kind == "individual":
            if v.get("birth_date") is None:         # not known: never taken for another row's person
                return (self.row.sheet, self.row.row)
            return (self.kind, norm(self.name), v["birth_date"], norm(v.get("unit", "")))
        return (self.kind, norm(self.name), norm(v.get("parent", "")))

    def take(self, row: Row, pairs: list[tuple[str, tuple]], into: dict) -> None:
        """Copy row values (field -> YAML path relative to `into`) and remember their cells."""
        for f, path in pairs:
            if f in row.cells:
                self.where[path] = row.cells[f]
                if f in row.bad:
                    self.bad.add(row.cells[f])
            if f in row.values:
                target = into
                for part in f.split(".")[:-1]:
                    target = target.setdefault(part, {})
                target[f.split(".")[-1]] = row.values[f]

    def add_item(self, row: Row, list_name: str, fields: list[str]) -> None:
        """Append one item (a row of an item sheet) to the list `list_name` of the candidate."""
        items = self.data.setdefault(list_name, [])
        i = len(items)
        item: dict = {}
        self.take(row, [(f, (list_name, i, *f.split("."))) for f in fields], item)
        self.where[(list_name,)] = self.where.get((list_name,), row.cell("ref"))
        self.where[(list_name, i)] = row.cell("ref")
        for group in {f.split(".")[0] for f in fields if "." in f}:
            self.where[(list_name, i, group)] = row.cell(f"{group}.number", "ref")
        items.append(item)

    def finish(self) -> None:
        """The keys in the order of the input contract (the schema's)."""
        order = INDIVIDUAL_KEYS if self.kind == "individual" else COLLECTIVE_KEYS
        self.data = {k: self.data[k] for k in order if k in self.data}


def _fields(sheet: str) -> list[str]:
    """The schema fields of a sheet's columns, in order (not its id/ref/list columns)."""
    return [c.field for c in columns(sheet) if c.field not in ("id", "ref", "list")]


class DraftBuilder:
    """Puts candidates together from the rows of a workbook's sheets."""

    def __init__(self, profile: Profile, found: Findings, latest: date | None):
        self.profile, self.found, self.latest = profile, found, latest
        self.reader = SheetReader(profile, found)
        self.drafts: list[Draft] = []

    def build(self, sheets: dict[str, Any]) -> list[Draft]:
        self.drafts = self._candidates(sheets)
        for d in self.drafts:
            (self._individual if d.kind == "individual" else self._collective)(d)
        for sheet, kinds, add in ((SHEET_HONOURS, _BOTH, self._honour),
                                  (SHEET_INITIATIVES, _BOTH, self._initiative),
                                  (SHEET_TARGETS, ("collective",), self._target),
                                  (SHEET_DISCIPLINE, _BOTH, self._discipline)):
            for row in self._rows(sheets, sheet):
                ref = row.values.get("ref")
                if ref is None:
                    if "ref" not in row.bad:
                        self.found.error("xlsx.no_ref", t("chưa ghi mã hoặc tên ứng viên của dòng này.",
                                                          "the candidate's ID or name is missing on this row."),
                                         row.cell("ref"))
                    continue
                d = self._resolve(ref, row.cell("ref"), kinds)
                if d is not None:
                    add(d, row)
        for d in self.drafts:
            d.finish()
        return self.drafts

    def _rows(self, sheets: dict[str, Any], sheet: str) -> list[Row]:
        if sheet not in sheets:
            return []
        rows = self.reader.rows(sheet, sheets[sheet])
        for row in rows:
            self._check_not_after_round(row)
        return rows

    # --- the candidates' own rows -------------------------------------------------

    def _candidates(self, sheets: dict[str, Any]) -> list[Draft]:
        drafts: list[Draft] = []
        for sheet, kind, name_field in ((SHEET_INDIVIDUALS, "individual", "full_name"),
                                        (SHEET_COLLECTIVES, "collective", "name")):
            for row in self._rows(sheets, sheet):
                name = row.values.get(name_field, "")
                cid = row.values.get("id") or slugify(name)
                if not cid:
                    if "id" not in row.bad:
                        self.found.error("xlsx.no_id", t("chưa có mã hồ sơ: hãy ghi cột Mã, hoặc ghi tên để tự đặt mã.",
                                                         "the record has no ID: fill in the 'Mã' column, or write "
                                                         "the name to have an ID made from it."),
                                         row.cell(name_field))
                    continue
                drafts.append(Draft(cid, kind, name, row))
        return self._unique(drafts)

    def _unique(self, drafts: list[Draft]) -> list[Draft]:
        """One draft per person and per id: a later row that repeats one is reported and dropped."""
        by_id: dict[str, Draft] = {}
        by_identity: dict[tuple, Draft] = {}
        for d in drafts:
            first = by_identity.get(d.identity())
            if first is not None:
                self._same_person(d, first)
                continue
            first = by_id.get(d.id)
            if first is not None:
                self.found.error("xlsx.duplicate_id",
                                 t(f"mã '{d.id}' trùng với trang '{first.row.sheet}', dòng {first.row.row}: hai hồ "
                                   f"sơ sẽ ghi đè nhau. Hãy ghi cột Mã khác nhau, ví dụ {d.id}-2.",
                                   f"the ID '{d.id}' is the same as on sheet '{first.row.sheet}', row "
                                   f"{first.row.row}: the two records would overwrite each other. Write different "
                                   f"IDs in the 'Mã' column, for example {d.id}-2."), d.id_cell)
                continue
            by_id[d.id] = d
            by_identity[d.identity()] = d
        return list(by_id.values())

    def _same_person(self, d: Draft, first: Draft) -> None:
        if d.kind == "individual":
            same = t("cùng họ tên, ngày sinh và đơn vị công tác", "same name, birth date and unit")
            who = t("người", "person")
        else:
            same = t("cùng tên và cơ quan cấp trên", "same name and parent body")
            who = t("tập thể", "collective")
        self.found.error("xlsx.duplicate_person",
                         t(f"'{d.name}' đã có ở trang '{first.row.sheet}', dòng {first.row.row} ({same.vi}): "
                           f"một {who.vi} chỉ được ghi một dòng, nếu không sẽ được đề nghị hai lần. Hãy xóa một "
                           "trong hai dòng (gộp thông tin vào dòng còn lại).",
                           f"'{d.name}' is already on sheet '{first.row.sheet}', row {first.row.row} ({same.en}): "
                           f"one {who.en} takes one row only, otherwise it would be proposed twice. Delete one of "
                           "the two rows (merge what they say into the other)."),
                         d.row.cell("full_name", "name"), first_row=first.row.row)

    def _check_not_after_round(self, row: Row) -> None:
        """A date or year after the round (see importer.latest_date) is a typing mistake: an error."""
        if self.latest is None:
            return
        for f, v in row.values.items():
            too_late = (isinstance(v, date) and v > self.latest) or (
                f == "year" and isinstance(v, int) and v > self.latest.year)
            if too_late and f not in row.bad:
                row.bad.add(f)
                shown = format_date_short(v) if isinstance(v, date) else str(v)
                self.found.error("xlsx.future_date",
                                 t(f"'{shown}' sau ngày {format_date_short(self.latest)} của đợt xét: hãy kiểm tra "
                                   "lại (gõ nhầm năm?).",
                                   f"'{shown}' is after the round's date {format_date_short(self.latest)}: check "
                                   "it (a mistyped year?)."), row.cells[f], latest=self.latest.isoformat())

    def _individual(self, d: Draft) -> None:
        row = d.row
        d.where[()] = row.cell("full_name")
        d.data["kind"] = "individual"
        d.take(row, [(f, (f,)) for f in _fields(SHEET_INDIVIDUALS)], d.data)
        d.data.setdefault("leader", False)
        if "leads" in d.data:
            d.data["leads"] = self._leads(d)
        rating_fields = sorted(f for f in row.cells if f.startswith("rating:"))
        d.where[("ratings",)] = row.cell(*rating_fields, "full_name")
        ratings: dict[int, str] = {}
        for f in rating_fields:
            y = int(f.split(":")[1])
            d.take(row, [(f, ("ratings", y))], {})
            if f in row.values:
                ratings[y] = row.values[f]
        if ratings:
            d.data["ratings"] = ratings

    def _collective(self, d: Draft) -> None:
        d.where[()] = d.row.cell("name")
        d.data["kind"] = "collective"
        d.take(d.row, [(f, tuple(f.split("."))) for f in _fields(SHEET_COLLECTIVES)], d.data)
        d.where[("head",)] = d.row.cell("head.name")

    # --- references from the item sheets --------------------------------------------

    def _resolve(self, value: str, cell: CellRef, kinds: tuple[str, ...]) -> Draft | None:
        pool = [d for d in self.drafts if d.kind in kinds]
        hit = [d for d in pool if d.id == value]
        if not hit:
            hit = [d for d in pool if norm(d.name) == norm(value)]
        if not hit:
            hit = [d for d in pool if d.id == slugify(value)]
        if len(hit) == 1:
            return hit[0]
        where = t(" hoặc ".join(_SHEET_WORDS[k][0] for k in kinds), " or ".join(_SHEET_WORDS[k][1] for k in kinds))
        if len(hit) > 1:
            ids = ", ".join(d.id for d in hit)
            self.found.error("xlsx.ambiguous_ref", t(f"'{value}' trùng tên nhiều hồ sơ ({ids}): "
                                                     "hãy ghi mã hồ sơ thay cho tên.",
                                                     f"'{value}' matches the names of several records ({ids}): "
                                                     "write the record's ID instead of the name."), cell)
            return None
        if any(d not in pool and (d.id == value or norm(d.name) == norm(value)) for d in self.drafts):
            only = t("tập thể.", "collectives.") if kinds == ("collective",) else t("cá nhân.", "individuals.")
            self.found.error("xlsx.wrong_kind_ref", t(f"'{value}' không phải hồ sơ ở {where.vi}: trang này chỉ dành "
                                                      f"cho {only.vi}",
                                                      f"'{value}' is not a record on {where.en}: this sheet is only "
                                                      f"for {only.en}"), cell)
            return None
        hint = closest(value, [d.id for d in pool] + [d.name for d in pool], cutoff=0.5)
        self.found.error("xlsx.unknown_ref", t(f"không thấy hồ sơ '{value}' ở {where.vi}"
                                               + (f": có phải '{hint}'?" if hint else
                                                  ": hãy ghi đúng mã hoặc tên như ở trang đó."),
                                               f"no record '{value}' found on {where.en}"
                                               + (f": did you mean '{hint}'?" if hint else
                                                  ": write the ID or the name exactly as on that sheet.")), cell)
        return None

    def _leads(self, d: Draft) -> str:
        """The id of the collective an individual heads: as typed if an id, else looked up by name."""
        value = d.data["leads"]
        collectives = [x for x in self.drafts if x.kind == "collective"]
        hit = [x for x in collectives if x.id == value or norm(x.name) == norm(value)]
        if len(hit) == 1:
            return hit[0].id
        if ID_RX.match(value):
            return value          # a collective of the round not in this workbook; the rules check it
        cell = d.row.cell("leads")
        hint = closest(value, [x.id for x in collectives] + [x.name for x in collectives], cutoff=0.5)
        self.found.error("xlsx.unknown_ref", t(f"không thấy tập thể '{value}' ở trang '{SHEET_COLLECTIVES}'"
                                               + (f": có phải '{hint}'?" if hint else
                                                  ": ghi mã hồ sơ của tập thể (ví dụ phong-quan-ly-thu) hoặc để "
                                                  "trống."),
                                               f"no collective '{value}' found on sheet '{SHEET_COLLECTIVES}'"
                                               + (f": did you mean '{hint}'?" if hint else
                                                  ": write the collective's record ID (for example "
                                                  "phong-quan-ly-thu) or leave it empty.")), cell)
        d.bad.add(cell)
        return value

    def _honour(self, d: Draft, row: Row) -> None:
        list_name = row.values.get("list")
        if list_name is None:
            if "list" not in row.bad:
                self.found.error("xlsx.cell", t("còn trống: chọn Danh hiệu thi đua hoặc Hình thức khen thưởng.",
                                                "empty: choose 'Danh hiệu thi đua' (emulation title) or "
                                                "'Hình thức khen thưởng' (award)."), row.cell("list"))
            return
        title = row.values.get("title")
        if title and self.profile.match_award(title) is None:
            hint = closest(title, self.profile.known_award_names(), cutoff=0.5)
            pid = self.profile.id
            self.found.add(Severity.WARNING, "xlsx.award_unknown",
                           t(f"'{title}' không có trong danh mục khen thưởng của kế hoạch {pid}, nên không được "
                             "tính vào tiêu chuẩn" + (f". Có phải '{hint}'?" if hint else ".")
                             + " Nếu đúng tên trên quyết định thì giữ nguyên.",
                             f"'{title}' is not in the award catalogue of the plan {pid}, so it does not count "
                             "towards the criteria" + (f". Did you mean '{hint}'?" if hint else ".")
                             + " If it is the exact name on the decision, keep it."), row.cell("title"))
        d.add_item(row, list_name, _fields(SHEET_HONOURS))

    def _initiative(self, d: Draft, row: Row) -> None:
        d.add_item(row, "initiatives", _fields(SHEET_INITIATIVES))

    def _target(self, d: Draft, row: Row) -> None:
        if row.values.get("direction") == "at_least":
            del row.values["direction"]          # the default is left out, as in the samples
        d.add_item(row, "targets", _fields(SHEET_TARGETS))

    def _discipline(self, d: Draft, row: Row) -> None:
        fields = _fields(SHEET_DISCIPLINE)
        if d.kind == "collective":
            if "person" not in row.values:
                if "person" not in row.bad:
                    self.found.error("xlsx.cell", t(f"còn trống: ghi họ tên cán bộ của {d.name} bị kỷ luật.",
                                                    f"empty: write the full name of the staff member of '{d.name}' "
                                                    "who was disciplined."), row.cell("person", "ref"))
                return
            d.add_item(row, "staff_discipline", fields)
            return
        if "person" in row.values and norm(row.values["person"]) != norm(d.name):
            self.found.add(Severity.WARNING, "xlsx.person_ignored",
                           t(f"cột này chỉ dùng cho tập thể; hồ sơ '{d.id}' là cá nhân nên '{row.values['person']}' "
                             "bị bỏ qua. Nếu là cán bộ của một tập thể, hãy ghi mã tập thể ở cột đầu.",
                             f"this column is only for collectives; the record '{d.id}' is an individual, so "
                             f"'{row.values['person']}' is ignored. If this is a staff member of a collective, "
                             "write the collective's ID in the first column."), row.cell("person"))
        d.add_item(row, "discipline", [f for f in fields if f != "person"])
