"""A filled workbook -> ``candidates/<id>.yaml`` files written to the input contract.

`import_workbook` reads the sheets (`reader`), puts candidates together
(`drafts`), dumps each to YAML text, parses it back and validates it with the
project's schema before anything is written; the schema's errors are mapped
to the cell each value came from, in the loader's words. It is all or
nothing: when any error is found (a bad cell, a file that exists without
``overwrite``), no file is written.

A date after the round is caught here (`latest_date`): after the Tờ trình's
date in the folder's submission.yaml when it is filled in, else after the end
of the round's year, else (no submission.yaml yet) after the end of the last
year the workbook's rating columns name (the plan's window). The clock is
never read: the same workbook and folder give the same answer on any day.
"""

from __future__ import annotations

import shlex
from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from dhtt_docs.dossier.loader import (
    CANDIDATES_DIR,
    SUBMISSION_FILE,
    clean_loc,
    schema_error_words,
)
from dhtt_docs.dossier.scaffold import resolve_plan
from dhtt_docs.dossier.schema import Collective, Date, Individual, Year
from dhtt_docs.dossier.yamlsource import parse_yaml_text
from dhtt_docs.excel.cells import CellError, parse_as
from dhtt_docs.excel.drafts import Draft, DraftBuilder
from dhtt_docs.excel.layout import (
    RATING_HEADER_RX,
    SHEET_COLLECTIVES,
    SHEET_INDIVIDUALS,
)
from dhtt_docs.excel.reader import CellRef, Findings, SheetReader, open_workbook
from dhtt_docs.exceptions import UsageProblem
from dhtt_docs.findings import Finding, Severity
from dhtt_docs.fsutil import atomic_write
from dhtt_docs.i18n import Text, t
from dhtt_docs.rules.profile import Profile, load_profile
from dhtt_docs.vocab import norm


class _Dumper(yaml.SafeDumper):
    """Block style, lists indented under their key, multi-line text as '|' blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, s: str):
    if "\n" in s:       # a '|' block (a final newline so that it is '|' and not '|-'; the schema strips it)
        return dumper.represent_scalar("tag:yaml.org,2002:str", s.rstrip("\n") + "\n", style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", s)


_Dumper.add_representer(str, _str)


def candidate_yaml(data: dict, header: str = "") -> str:
    """A candidate's YAML text to the input contract: block style, Unicode as is, keys in the given order."""
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False,
                     width=10_000, indent=2)
    return header + body


def _file_header(d: Draft, file: str) -> str:
    word = "cá nhân" if d.kind == "individual" else "tập thể"
    return (f"# Hồ sơ {word} '{d.name}', nhập từ tệp {file} (trang '{d.row.sheet}', dòng {d.row.row}) "
            "bằng lệnh dhtt-docs xlsx import.\n"
            "# Có thể sửa trực tiếp tệp này; nhập lại từ Excel với --overwrite sẽ thay toàn bộ nội dung.\n")


# --- the schema's verdict on a draft, mapped to cells ------------------------------------


def _lookup(where: dict[tuple, CellRef], loc: tuple) -> CellRef | None:
    p = tuple(loc)
    while True:
        if p in where:
            return where[p]
        if not p:
            return None
        p = p[:-1]


def _schema_errors(model: type[BaseModel], data: dict) -> list[tuple[dict, Text]]:
    """The schema's errors on `data`, each with its words (empty when valid)."""
    try:
        model.model_validate(data)
        return []
    except ValidationError as err:
        return [(e, _words(e)) for e in err.errors(include_url=False)]


def _words(e: dict) -> Text:
    """The loader's words for a schema error, but "missing" said for a cell rather than a YAML line."""
    loc = [p for p in e["loc"] if isinstance(p, str)]
    if e["type"] == "missing":
        optional_group = "recognition" in loc or ("decision" in loc and ("discipline" in loc
                                                                          or "staff_discipline" in loc))
        if optional_group:
            return t("Còn trống: quyết định phải ghi đủ số, ngày và cơ quan ban hành (hoặc để trống cả ba cột "
                     "nếu không có quyết định).",
                     "Empty: a decision must have its number, date and issuing body (or leave all three "
                     "columns empty if there is no decision).")
        return t("còn trống: đây là thông tin bắt buộc, hãy điền", "empty: this information is required, fill it in")
    return schema_error_words(e)


def _sentence(text: Text) -> Text:
    def one(s: str) -> str:
        s = s[:1].upper() + s[1:]
        return s if s.endswith(".") else s + "."
    return Text(one(text.vi), one(text.en))


def check_draft(d: Draft, file: str, found: Findings) -> str | None:
    """The YAML text of a draft if it validates; else findings mapped to cells, and None."""
    rel = f"{CANDIDATES_DIR}/{d.id}.yaml"
    text = candidate_yaml(d.data, header=_file_header(d, file))
    doc = parse_yaml_text(text, rel)
    if doc.data is None or doc.findings:      # cannot happen for text we dumped ourselves
        for f in doc.findings:
            msg = f.message if isinstance(f.message, Text) else t(f.message, f.message)
            found.error("xlsx.internal", t(f"lỗi khi tạo tệp {rel}: ", f"error while making the file {rel}: ") + msg,
                        d.id_cell)
        return None
    ok = True
    for e, words in _schema_errors(Individual if d.kind == "individual" else Collective, doc.data):
        cell = _lookup(d.where, clean_loc(tuple(e["loc"]))) or d.id_cell
        if cell in d.bad:
            continue           # the cell's own finding already says what is wrong
        ok = False
        d.bad.add(cell)
        found.error(f"xlsx.schema.{e['type']}", _sentence(words), cell)
    return text if ok and not d.bad else None


# --- the folder: its plan, its date, the files already there -------------------------------


def _submission(folder: Path) -> dict:
    sub = folder / SUBMISSION_FILE
    if sub.is_file():
        try:
            data = yaml.safe_load(sub.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (yaml.YAMLError, UnicodeDecodeError, OSError):
            pass
    return {}


def round_profile(folder: Path) -> Profile | None:
    """The plan profile named in the folder's submission.yaml, or None (no round, no readable plan)."""
    plan = _submission(folder).get("plan")
    if isinstance(plan, str):
        try:
            return resolve_plan(plan, folder)
        except UsageProblem:
            pass
    return None


def folder_profile(folder: Path) -> Profile:
    """The plan profile named in the folder's submission.yaml, else the default one."""
    return round_profile(folder) or load_profile()


def latest_date(folder: Path, wb) -> date | None:
    """The last day a date in the workbook may be (see the module's doc), or None when nothing says."""
    sub = _submission(folder)
    info = sub.get("submission")
    if isinstance(info, dict) and info.get("date") is not None:
        try:
            return parse_as(Date, info["date"])
        except CellError:
            pass
    if sub.get("year") is not None:
        try:
            return date(parse_as(Year, sub["year"]), 12, 31)
        except CellError:
            pass
    years = [int(m.group(1)) for ws in wb.worksheets if ws.title == SHEET_INDIVIDUALS
             for c in next(ws.iter_rows(min_row=1, max_row=1), ()) if isinstance(c.value, str)
             for m in [RATING_HEADER_RX.match(norm(c.value))] if m]
    return date(max(years), 12, 31) if years else None


def _existing(folder: Path, texts: list[tuple[Draft, str]], overwrite: bool, found: Findings) -> None:
    cand_dir = folder / CANDIDATES_DIR
    for d, _ in texts:
        for existing in (cand_dir / f"{d.id}.yaml", cand_dir / f"{d.id}.yml"):
            if existing.exists() and not (overwrite and existing.suffix == ".yaml"):
                rel = existing.relative_to(folder).as_posix()
                yml = existing.suffix != ".yaml"
                found.error("xlsx.exists",
                            t(f"hồ sơ mã '{d.id}' đã có (tệp {rel}) nên không ghi đè, để khỏi mất nội dung đã sửa. "
                              "Muốn thay bằng dữ liệu trong tệp Excel, hãy chạy lại với --overwrite; nếu là "
                              "người/tập thể khác, hãy ghi mã khác ở cột Mã"
                              + (f"; nhưng trước đó hãy xóa {rel} (đuôi .yml) để khỏi có hai hồ sơ cùng mã."
                                 if yml else "."),
                              f"the record '{d.id}' already exists (file {rel}), so it is not overwritten, to keep "
                              "the edits made to it. To replace it with the data in the Excel file, run again "
                              "with --overwrite; if this is a different person/collective, write another ID in "
                              "the 'Mã' column"
                              + (f"; but first delete {rel} (the .yml file) so that there are not two records "
                                 "with the same ID." if yml else ".")),
                            d.id_cell, file=rel)


def _write(folder: Path, texts: list[tuple[Draft, str]]) -> list[Path]:
    cand_dir = folder / CANDIDATES_DIR
    cand_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for d, text in texts:
        out = cand_dir / f"{d.id}.yaml"
        atomic_write(out, text.encode("utf-8"))
        written.append(out)
    return written


def import_workbook(path: Path, folder: Path, *, overwrite: bool = False,
                    profile: Profile | None = None) -> tuple[list[Path], list[Finding]]:
    """Turn a filled workbook into ``FOLDER/candidates/<id>.yaml`` files.

    Returns the files written and the findings. When any finding is an error,
    nothing is written (all or nothing). Never raises for a bad workbook.
    """
    path, folder = Path(path), Path(folder)
    profile = profile or folder_profile(folder)
    found = Findings(path.name)
    wb = open_workbook(path, found)
    if wb is None:
        return [], found.items
    sheets = SheetReader(profile, found).sheets(wb)
    drafts = DraftBuilder(profile, found, latest_date(folder, wb)).build(sheets) if sheets else []
    texts = [(d, text) for d in drafts if (text := check_draft(d, path.name, found)) is not None]
    _existing(folder, texts, overwrite, found)
    if not drafts and not found.has_errors:
        found.add(Severity.WARNING, "xlsx.empty",
                  t(f"Tệp '{path.name}' chưa có dòng nào ở trang '{SHEET_INDIVIDUALS}' hay '{SHEET_COLLECTIVES}': "
                    "không có hồ sơ nào để nhập.",
                    f"The file '{path.name}' has no rows on sheet '{SHEET_INDIVIDUALS}' or '{SHEET_COLLECTIVES}': "
                    "there are no records to import."))
    if found.has_errors:
        return [], found.items
    if not (folder / SUBMISSION_FILE).is_file():
        found.add(Severity.WARNING, "xlsx.no_submission",
                  t(f"Thư mục '{folder}' chưa có {SUBMISSION_FILE}: hãy tạo bằng `dhtt-docs init {shlex.quote(str(folder))}` "
                    "(lệnh init không xóa các hồ sơ vừa nhập) rồi điền thông tin cuộc họp và số phiếu.",
                    f"The folder '{folder}' has no {SUBMISSION_FILE} yet: create it with "
                    f"`dhtt-docs init {shlex.quote(str(folder))}` (init does not delete the records just imported), then fill "
                    "in the meeting details and the votes."))
    return _write(folder, texts), found.items


def only_existing_files(findings: list[Finding]) -> bool:
    """True when every error is a record that exists already (nothing in a cell is wrong)."""
    errors = [f for f in findings if f.severity is Severity.ERROR]
    return bool(errors) and all(f.code == "xlsx.exists" for f in errors)

