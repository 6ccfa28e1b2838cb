"""New round folders and candidate files, commented for secretaries.

`init_round` lays out one submission folder (spec/dossier-format.md):
``submission.yaml``, ``candidates/`` and ``attachments/``; `new_candidate`
adds ``candidates/<id>.yaml`` for an individual or a collective.

The files come from the YAML templates in ``dhtt_docs/scaffolds/``. Every
field is there with a Vietnamese comment (what to write, an example):

* required fields are present and blank, so `validate` on a fresh file names
  each one that is still empty (file, line, key);
* optional fields are present and blank (a blank optional value is valid);
* list fields are blank, with commented example items below them: deleting
  the leading ``# `` turns an example into a real item;
* a few values that are nearly always the same are filled in (the plan
  `init` chose, unit.parent, unit.code, the chair's role, the Tờ trình's
  recipient); examples name no single plan.

`resolve_plan` is the one place that turns `--plan ID|FILE` into a profile;
`choose_plan` picks the plan and year of a new round. Nothing here reads the
clock: the CLI passes the current year.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import unicodedata
from importlib import resources
from pathlib import Path

from dhtt_docs.dossier.loader import CANDIDATES_DIR, ID_RX, SUBMISSION_FILE
from dhtt_docs.exceptions import DhttError, UsageProblem
from dhtt_docs.findings import Severity
from dhtt_docs.i18n import tr
from dhtt_docs.rules.profile import Profile, available_plans, load_profile
from dhtt_docs.vocab import match_kind, slugify

ATTACHMENTS_DIR = "attachments"
ATTACHMENTS_README = "README.txt"

KIND_WORDS = {"individual": "cá nhân", "collective": "tập thể"}


def template_text(name: str) -> str:
    """The text of one scaffold template shipped in the package (``scaffolds/<name>``)."""
    return (resources.files("dhtt_docs.dossier") / "scaffolds" / name).read_text(encoding="utf-8")


def resolve_plan(spec: str, base_dir: Path | None = None) -> Profile:
    """The profile `--plan` (or `plan:`) names: a shipped plan's id, or a profile file (relative to `base_dir`).

    UsageProblem (exit 2) saying what to pass when it is neither. The one place
    that turns a plan's name into a profile, for `init`, `xlsx template` and the import.
    """
    from dhtt_docs.rules.profile import resolve_profile

    spec = str(spec).strip()
    if not spec:
        shipped = ", ".join(available_plans())
        raise UsageProblem(tr(f"--plan cần số hiệu một kế hoạch có sẵn ({shipped}) hoặc đường dẫn tới tệp kế hoạch.",
                              f"--plan needs the number of a shipped plan ({shipped}) or the path of a plan file."))
    profile, findings = resolve_profile(spec, Path(base_dir) if base_dir is not None else Path.cwd(), None)
    if profile is None:
        raise UsageProblem(" ".join((f"{f.where()}: " if f.file else "") + f.text()
                                    for f in findings if f.severity is Severity.ERROR)
                           or tr(f"Không dùng được kế hoạch '{spec}'.", f"The plan '{spec}' cannot be used."))
    return profile


def plan_for_year(year: int) -> Profile | None:
    """The newest shipped plan whose period covers `year` (the latest first year), or None."""
    covering = [p for p in (load_profile(i) for i in available_plans()) if p is not None and year in p.window]
    return max(covering, key=lambda p: (p.window.first_year, p.document.date), default=None)


def check_id(cid: str) -> str:
    """The id if it is usable as a file stem; else DhttError suggesting a slug."""
    cid = unicodedata.normalize("NFC", str(cid)).strip()
    if cid.endswith((".yaml", ".yml")):
        cid = cid.rsplit(".", 1)[0]
    if ID_RX.match(cid):
        return cid
    suggestion = slugify(cid)
    msg = tr(f"Mã '{cid}' không dùng được: mã là tên tệp hồ sơ, chỉ gồm chữ thường không dấu (a-z), "
             "chữ số và dấu '-', không có dấu cách",
             f"The id '{cid}' cannot be used: the id is the name of the dossier file and may contain only "
             "lowercase letters without diacritics (a-z), digits and '-', with no spaces")
    msg += (tr(f". Hãy dùng, ví dụ: {suggestion}", f". Use, for example: {suggestion}") if suggestion
            else tr(", ví dụ: nguyen-van-an", ", for example: nguyen-van-an"))
    raise DhttError(msg + ".")


def _write_new(path: Path, text: str) -> None:
    """Write a file that must not exist yet (no silent overwrite, even in a race)."""
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except FileExistsError:
        raise DhttError(tr(f"Tệp '{path}' đã có: không ghi đè để khỏi mất nội dung đã điền. "
                           "Hãy chọn tên khác, hoặc xóa/đổi tên tệp cũ nếu thật sự muốn làm lại.",
                           f"The file '{path}' already exists: it is not overwritten, so that nothing already "
                           "filled in is lost. Choose another name, or delete or rename the old file if you "
                           "really want to start over.")) from None


def choose_plan(plan: str | None, year: int | None, this_year: int,
                base_dir: Path | None = None) -> tuple[Profile, int]:
    """The plan and the round year of a new round, from `--plan` / `--year` (either may be None).

    No --plan: the newest shipped plan whose period covers the year. No --year:
    this year when it lies in the plan's period, else the plan's last year. With
    neither and this year outside every shipped plan: the newest shipped plan and
    the nearest year of its period (the command says so, and how to choose:
    `assumed_plan` tells it); a --year that no shipped plan covers: UsageProblem.
    """
    if plan is not None:
        profile = resolve_plan(plan, base_dir)
        if year is None:
            w = profile.window
            year = this_year if this_year in w else min(max(this_year, w.first_year), w.last_year)
        return profile, year
    profile = plan_for_year(this_year if year is None else year)
    if profile is not None:
        return profile, this_year if year is None else year
    periods = "; ".join(f"{p.id}: {p.window.first_year}-{p.window.last_year}"
                        for p in (load_profile(i) for i in available_plans()) if p is not None)
    newest = max((p for p in (load_profile(i) for i in available_plans()) if p is not None),
                 key=lambda p: (p.window.last_year, p.document.date), default=None)
    if year is None and newest is not None:
        w = newest.window
        return newest, min(max(this_year, w.first_year), w.last_year)
    if year is None:
        raise UsageProblem(tr(f"Năm nay ({this_year}) không thuộc kế hoạch nào có sẵn ({periods}): hãy ghi năm xét "
                              "bằng --year, hoặc chỉ tệp kế hoạch của đơn vị bằng --plan <tệp.yaml>.",
                              f"This year ({this_year}) lies in no shipped plan ({periods}): give the round's year "
                              "with --year, or your unit's plan file with --plan <file.yaml>."))
    raise UsageProblem(tr(f"Năm {year} không thuộc kế hoạch nào có sẵn ({periods}): hãy chỉ kế hoạch bằng "
                          "--plan <số hiệu hoặc tệp .yaml>.",
                          f"The year {year} lies in no shipped plan ({periods}): name the plan with "
                          "--plan <number or .yaml file>."))


def assumed_plan(plan: str | None, year: int | None, this_year: int, profile: Profile) -> str | None:
    """What the command must tell when it chose the plan and year itself, outside this year (else None)."""
    if plan is not None or year is not None or this_year in profile.window:
        return None
    w = profile.window
    return tr(f"Lưu ý: năm nay ({this_year}) không thuộc kế hoạch nào có sẵn; đã dùng kế hoạch {profile.id} "
              f"({w.first_year}-{w.last_year}). Đợt xét theo kế hoạch mới của đơn vị: làm lại với "
              "--plan <tệp kế hoạch.yaml> (xem `dhtt-docs plan new`), hoặc ghi năm bằng --year.",
              f"Note: this year ({this_year}) lies in no shipped plan; the plan {profile.id} "
              f"({w.first_year}-{w.last_year}) was used. For a round under your unit's new plan, start again with "
              "--plan <plan file.yaml> (see `dhtt-docs plan new`), or give the year with --year.")


def plan_line(profile: Profile, plan: str | None, folder: Path, base_dir: Path | None = None) -> str:
    """What `plan:` says in the new round's submission.yaml: the shipped id, or the profile file's path
    relative to the round folder."""
    if plan is None or load_profile(str(plan).strip()) is not None:
        return profile.id
    path = Path(plan).expanduser()
    if base_dir is not None and not path.is_absolute():
        path = Path(base_dir) / path
    return Path(os.path.relpath(path.resolve(), Path(folder).resolve())).as_posix()


def init_round(folder: Path, year: int, profile: Profile | None = None, plan: str | None = None) -> list[Path]:
    """Lay out a new round folder; returns the paths created (files and folders), in order.

    `profile` is the round's plan (default: the shipped plan covering `year`);
    `plan` what submission.yaml names it by (default: its id). Refuses
    (UsageProblem) a folder that already has a submission.yaml. An existing
    empty or unrelated folder is used as it is; existing candidates/ and
    attachments/ folders are kept.
    """
    folder = Path(folder)
    if isinstance(year, bool) or not isinstance(year, int) or not 1945 <= year <= 2100:
        raise UsageProblem(tr(f"Năm xét '{year}' không hợp lý: cần một năm có 4 chữ số, ví dụ 2024.",
                           f"The round year '{year}' is not plausible: it must be a 4-digit year, "
                           "for example 2024."))
    sub = folder / SUBMISSION_FILE
    if sub.exists():
        raise UsageProblem(tr(f"Thư mục '{folder}' đã có {SUBMISSION_FILE}: đây đã là một đợt xét, không tạo lại "
                              "để khỏi ghi đè nội dung đã điền. Hãy chọn một thư mục mới, ví dụ "
                              f"`dhtt-docs init bhxh-ten-tinh-{year}`, hoặc dùng `dhtt-docs new` để thêm hồ sơ.",
                              f"The folder '{folder}' already has a {SUBMISSION_FILE}: it is already a round, and "
                              "it is not created again so that nothing already filled in is overwritten. Choose a "
                              f"new folder, for example `dhtt-docs init bhxh-ten-tinh-{year}`, or use "
                              "`dhtt-docs new` to add a dossier."))
    if folder.exists() and not folder.is_dir():
        raise UsageProblem(tr(f"'{folder}' là một tệp, không phải thư mục: hãy chọn tên khác cho thư mục đợt xét.",
                              f"'{folder}' is a file, not a folder: choose another name for the round folder."))
    profile = profile or choose_plan(None, year, year)[0]
    created: list[Path] = []
    if not folder.exists():
        folder.mkdir(parents=True)
        created.append(folder)
    text = template_text("submission.yaml")
    line = plan or profile.id
    if not re.fullmatch(r"[\w./\-]+", line):
        line = json.dumps(line, ensure_ascii=False)        # a path with spaces or ':' quoted (valid YAML)
    for key, value in (("plan_title", profile.title), ("plan", line), ("year", str(year))):
        text = text.replace("{{" + key + "}}", value)
    _write_new(sub, text)
    created.append(sub)
    for name in (CANDIDATES_DIR, ATTACHMENTS_DIR):
        d = folder / name
        if not d.is_dir():
            d.mkdir()
            created.append(d)
    readme = folder / ATTACHMENTS_DIR / ATTACHMENTS_README
    if not readme.exists():
        _write_new(readme, template_text("attachments-README.txt"))
        created.append(readme)
    return created


def new_candidate(kind: str, cid: str, folder: Path) -> Path:
    """Write ``candidates/<cid>.yaml`` of a round folder from the commented template of `kind`.

    `kind` is individual / collective / cá nhân / tập thể (any case, NFC or NFD).
    `folder` is the round folder; given its ``candidates/`` folder instead, the
    file goes there too. Refuses (DhttError) a bad id or an existing file.
    """
    k = match_kind(kind) if isinstance(kind, str) else None
    if k is None:
        raise DhttError(tr(f"Loại hồ sơ '{kind}' không hợp lệ: ghi individual (cá nhân) hoặc collective (tập thể), "
                           "ví dụ: dhtt-docs new individual nguyen-van-an",
                           f"The dossier kind '{kind}' is not valid: write individual or collective, "
                           "for example: dhtt-docs new individual nguyen-van-an"))
    cid = check_id(cid)
    folder = Path(folder)
    if folder.name == CANDIDATES_DIR and (folder.parent / SUBMISSION_FILE).is_file():
        folder = folder.parent
    if not folder.is_dir():
        raise UsageProblem(tr(f"Không thấy thư mục đợt xét '{folder}'. Hãy tạo bằng `dhtt-docs init {shlex.quote(str(folder))}`, "
                              "hoặc chỉ đúng thư mục bằng --in <thư mục>.",
                              f"The round folder '{folder}' was not found. Create it with "
                              f"`dhtt-docs init {shlex.quote(str(folder))}`, or point to the right folder with --in <folder>."))
    if not (folder / SUBMISSION_FILE).is_file():
        raise UsageProblem(tr(f"Thư mục '{folder}' không phải một đợt xét (chưa có {SUBMISSION_FILE}): hãy chạy "
                              "lệnh trong thư mục đợt xét, chỉ tới nó bằng --in <thư mục>, hoặc tạo đợt mới bằng "
                              f"`dhtt-docs init {shlex.quote(str(folder))}`.",
                              f"The folder '{folder}' is not a round (it has no {SUBMISSION_FILE}): run the command "
                              "in the round's folder, point to it with --in <folder>, or create a round with "
                              f"`dhtt-docs init {shlex.quote(str(folder))}`."))
    cand_dir = folder / CANDIDATES_DIR
    for other in (cand_dir / f"{cid}.yaml", cand_dir / f"{cid}.yml"):
        if other.exists():
            raise DhttError(tr(f"Đã có hồ sơ mã '{cid}' (tệp {other.relative_to(folder).as_posix()}): không ghi đè "
                               "để khỏi mất nội dung đã điền. Nếu là người/tập thể khác trùng tên, hãy thêm số "
                               f"vào mã, ví dụ {cid}-2.",
                               f"A dossier with the id '{cid}' already exists (file "
                               f"{other.relative_to(folder).as_posix()}): it is not overwritten, so that nothing "
                               "already filled in is lost. If this is another person or collective with the same "
                               f"name, add a number to the id, for example {cid}-2."))
    cand_dir.mkdir(exist_ok=True)
    path = cand_dir / f"{cid}.yaml"
    _write_new(path, template_text(f"{k}.yaml").replace("{{id}}", cid))
    return path
