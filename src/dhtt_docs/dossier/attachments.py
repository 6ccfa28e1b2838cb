"""Attachments (scanned decisions) named in the dossier: inside the round, readable PDFs.

A path is only ever resolved inside the round folder: `../`, absolute paths
and links pointing out are findings, and such a file is never opened.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from dhtt_docs.findings import Finding, Severity
from dhtt_docs.i18n import Text, t
from dhtt_docs.dossier.loader import Candidate, Round
from dhtt_docs.dossier.pdfcheck import MAX_PAGES, PdfCheck, first_line, out_of_memory, scrub

MAX_ATTACHMENT_BYTES = 50_000_000


@dataclass(frozen=True)
class Attachment:
    candidate: str          # candidate id
    rel: str                # as written, relative to the round folder
    path: Path              # resolved, inside the round folder
    title: str              # what it proves, for the bundle's bookmark


def declared(c: Candidate) -> list[tuple[tuple, str, str]]:
    """(yaml path, relative file, title) of every attachment a candidate names."""
    out = []
    m = c.model
    if m is None:
        return out
    for field_name in ("emulation_titles", "awards"):
        for i, h in enumerate(getattr(m, field_name)):
            if h.attachment:
                out.append(((field_name, i, "attachment"), h.attachment,
                             f"{h.title} (Quyết định số {h.decision.number})"))
    return out


def resolve_inside(folder: Path, rel: str) -> tuple[Path | None, Text | None]:
    """The file `rel` names inside `folder`, or None and why not (in the language of the run)."""
    if PurePosixPath(rel).is_absolute() or PureWindowsPath(rel).is_absolute() or PureWindowsPath(rel).drive:
        return None, t("là đường dẫn tuyệt đối; hãy chép tệp vào thư mục attachments/ của đợt xét và ghi "
                        "'attachments/<tên tệp>.pdf'",
                        "is an absolute path; copy the file into the attachments/ folder of the round and write "
                        "'attachments/<file name>.pdf'")
    parts = PurePosixPath(rel.replace("\\", "/")).parts
    if ".." in parts:
        return None, t("trỏ ra ngoài thư mục đợt xét ('..'); hãy chép tệp vào thư mục attachments/",
                        "points outside the round folder ('..'); copy the file into the attachments/ folder")
    root = folder.resolve()
    candidate = root.joinpath(*parts)
    try:
        resolved = candidate.resolve(strict=False)
    except (OSError, RuntimeError):
        return None, t("không mở được (liên kết vòng?)", "cannot be opened (a link loop?)")
    if not resolved.is_relative_to(root):
        return None, t("là liên kết trỏ ra ngoài thư mục đợt xét; hãy chép tệp thật vào thư mục attachments/",
                        "is a link pointing outside the round folder; copy the real file into the attachments/ "
                        "folder")
    return resolved, None


# --- one PDF, checked in a child process with limits ------------------------------------------

#: Bounds for checking one attachment: wall-clock seconds, CPU seconds, address space.
CHECK_SECONDS = 60
CHECK_CPU_SECONDS = 30
CHECK_MEMORY = 1536 << 20


_CACHE: dict[str, PdfCheck] = {}


def checker_version() -> str:
    """Which pikepdf (and so qpdf) checks the PDFs, without importing it: remembered checks are its answers."""
    import os
    import sys

    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.startswith("pikepdf-") and name.endswith((".dist-info", ".egg-info")):
                return name
    return "pikepdf"


#: What a loaded machine may cause once (the check's time or memory ran out): checked again next time.
_TRANSIENT = ("too_slow", "too_big")


def remembered_checks() -> dict[str, list]:
    """The checks made in this process, by the PDF's SHA-256 (for the build cache)."""
    return {k: [c.status, c.detail, c.pages] for k, c in sorted(_CACHE.items())[:1000]
            if c.status not in _TRANSIENT}


def seed_checks(entries) -> None:
    """Checks an earlier build made (see `remembered_checks`); anything malformed is ignored."""
    for k, v in (entries.items() if isinstance(entries, dict) else ()):
        if (isinstance(k, str) and isinstance(v, list) and len(v) == 3 and isinstance(v[0], str)
                and isinstance(v[1], str) and type(v[2]) is int):
            _CACHE.setdefault(k, PdfCheck(v[0], v[1], v[2]))


def _key(path: Path) -> str:
    """The file's content hash: equal bytes are checked once per process, wherever they lie."""
    import hashlib

    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


_CHILD = "from dhtt_docs.dossier.pdfcheck import child_main; child_main()"
_PRESTARTED: list = []          # [(Popen, its stderr file)] started by prestart_checker, not yet used
_PRESTART_LOCK = threading.Lock()


def _start_checker(names: list[Path] | None):
    """A checking child (dossier/pdfcheck.py) for `names`, or (None) one that reads them from its stdin."""
    errfile = tempfile.TemporaryFile()   # not a pipe: qpdf's warnings could fill one and stall the child
    proc = subprocess.Popen([sys.executable, "-c", _CHILD, str(CHECK_MEMORY), str(CHECK_CPU_SECONDS),
                             *map(str, names or [])], stdout=subprocess.PIPE, stderr=errfile,
                            stdin=subprocess.DEVNULL if names else subprocess.PIPE)
    return proc, errfile


def prestart_checker(folder: Path) -> None:
    """Start a checking child now, when the round's attachments/ folder holds PDFs and no check is
    remembered (a first build): Python and pikepdf load while the build reads the round, instead of
    after it (about 0.3 s). Unused, it is stopped by :func:`stop_prestarted`."""
    if _CACHE:
        return
    try:
        with os.scandir(Path(folder) / "attachments") as entries:
            if not any(e.name.lower().endswith(".pdf") for e in entries):
                return
    except OSError:
        return
    with _PRESTART_LOCK:
        if not _PRESTARTED:
            _PRESTARTED.append(_start_checker(None))


def stop_prestarted() -> None:
    """Stop a child :func:`prestart_checker` started that was not used (it would end by itself too:
    its standard input closes with this process)."""
    with _PRESTART_LOCK:
        started, _PRESTARTED[:] = list(_PRESTARTED), []
    for child in started:
        _discard(child)


def _discard(child) -> None:
    proc, errfile = child
    proc.kill()
    proc.wait()
    for stream in (proc.stdin, proc.stdout, errfile):
        stream.close()


def _checker_for(names: list[Path]):
    """A child checking `names`: the one started early when it is still there (given the names on its
    standard input), else a new one."""
    with _PRESTART_LOCK:
        started = _PRESTARTED.pop() if _PRESTARTED else None
    if started is not None:
        proc = started[0]
        try:
            if proc.poll() is None:
                proc.stdin.write(b"\0".join(os.fsencode(p) for p in names))
                proc.stdin.close()
                return started
        except OSError:
            pass                        # it died waiting
        _discard(started)
    return _start_checker(names)


def inspect_pdfs(paths: list[Path], *, seconds: float = CHECK_SECONDS) -> dict[Path, PdfCheck]:
    """Check PDFs in a child process, each bounded in time (wall and CPU) and memory.

    One child checks the files in turn (its start-up is paid once); a file that
    hangs it or kills it is marked and the rest go to a fresh child.
    """
    import json
    import selectors
    import time

    out: dict[Path, PdfCheck] = {}
    todo = []
    keys = {p: _key(p) for p in paths}
    for p in keys:
        if keys[p] in _CACHE:
            out[p] = _CACHE[keys[p]]
        else:
            todo.append(p)
    while todo:
        proc, errfile = _checker_for(todo)
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        buf = b""
        deadline = time.monotonic() + seconds
        timed_out = False
        while todo:
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(timeout=left):
                timed_out = True
                break
            chunk = proc.stdout.read1(65536)
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf and todo:
                line, buf = buf.split(b"\n", 1)
                try:
                    got = json.loads(line)
                    check = PdfCheck(got["status"], got.get("detail", ""), got.get("pages", 0))
                except (ValueError, KeyError, TypeError):
                    check = PdfCheck("broken")
                out[todo[0]] = _CACHE[keys[todo[0]]] = check
                todo.pop(0)
                deadline = time.monotonic() + seconds
        sel.close()
        if todo:   # the child hung or died on todo[0]
            proc.kill()
            proc.wait()
            proc.stdout.close()
            errfile.seek(0)
            err = errfile.read()[-4000:].decode("utf-8", "replace")
            memory = out_of_memory(err)
            slow = timed_out or proc.returncode in (-24, -9) and not memory
            check = PdfCheck("too_big" if memory else "too_slow" if slow else "broken",
                             scrub(first_line(err.strip().splitlines()[-1] if err.strip() else ""), str(todo[0])))
            out[todo[0]] = _CACHE[keys[todo[0]]] = check
            todo.pop(0)
        else:
            proc.stdout.close()
            proc.wait()
        errfile.close()
    return out


def inspect_pdf(path: Path, *, seconds: float = CHECK_SECONDS) -> PdfCheck:
    """One PDF's check (see `inspect_pdfs`)."""
    return inspect_pdfs([path], seconds=seconds)[path]


def _check_words(check: PdfCheck) -> Text:
    """Why a PDF is refused (after the file name)."""
    detail = check.detail
    words = {
        "password": t("có mật khẩu để mở (mã hóa): hãy gỡ mật khẩu (mở tệp bằng mật khẩu rồi In → "
                      "Microsoft Print to PDF, hoặc Lưu thành PDF mới) và đính kèm lại bản không mật khẩu",
                      "is password-protected (encrypted): remove the password (open it with the password, then "
                      "Print → Microsoft Print to PDF, or save it as a new PDF) and attach the copy without one"),
        "not_pdf": t("không phải tệp PDF (hãy quét hoặc xuất bản sao quyết định ra PDF)",
                     "is not a PDF file (scan the decision, or export a copy of it, as PDF)"),
        "broken": t(f"bị hỏng hoặc không đầy đủ, không sửa được ({detail}): hãy quét hoặc tải lại tệp",
                    f"is damaged or incomplete and cannot be repaired ({detail}): scan or download the file "
                    "again"),
        "no_pages": t("không có trang nào", "has no pages"),
        "too_many_pages": t(f"có {check.pages} trang, quá nhiều cho một bản quét quyết định (tối đa {MAX_PAGES}): "
                            "hãy chỉ đính kèm các trang của quyết định",
                            f"has {check.pages} pages, too many for the scan of a decision (at most {MAX_PAGES}): "
                            "attach only the pages of the decision"),
        "content": t(f"có nội dung trang bị hỏng ({detail}), sẽ in ra sai: hãy quét hoặc xuất lại tệp PDF",
                     f"has damaged page content ({detail}) that would print wrongly: scan or export the PDF "
                     "again"),
        "too_slow": t(f"cần quá nhiều thời gian để kiểm tra (hơn {CHECK_CPU_SECONDS} giây): tệp quá phức tạp "
                      "hoặc bị hỏng; hãy quét lại thành PDF đơn giản (200 dpi, đen trắng)",
                      f"takes too long to check (over {CHECK_CPU_SECONDS} seconds): the file is too complex or "
                      "damaged; scan it again as a simple PDF (200 dpi, black and white)"),
        "too_big": t(f"cần quá nhiều bộ nhớ để mở (hơn {CHECK_MEMORY >> 20} MB): tệp quá phức tạp hoặc bị hỏng; "
                     "hãy quét lại thành PDF đơn giản (200 dpi, đen trắng)",
                     f"needs too much memory to open (over {CHECK_MEMORY >> 20} MB): the file is too complex or "
                     "damaged; scan it again as a simple PDF (200 dpi, black and white)"),
    }
    return words.get(check.status, words["broken"])


def pdf_problem(path: Path, checks: dict[Path, PdfCheck] | None = None) -> Text | None:
    """Why `path` is not a usable PDF, or None when it is one (repairable files are usable).

    `checks`: those `inspect_pdfs` already made (by path), so the file is not hashed again.
    """
    try:
        size = path.stat().st_size
        if size == 0:
            return t("là tệp rỗng", "is an empty file")
        if size > MAX_ATTACHMENT_BYTES:
            return t(f"quá lớn ({size // 1_000_000} MB; tối đa {MAX_ATTACHMENT_BYTES // 1_000_000} MB): "
                     "hãy quét lại ở 200 dpi",
                     f"is too large ({size // 1_000_000} MB; at most {MAX_ATTACHMENT_BYTES // 1_000_000} MB): "
                     "scan it again at 200 dpi")
        with open(path, "rb"):
            pass
    except OSError as e:
        return t(f"không đọc được ({e.strerror})", f"cannot be read ({e.strerror})")
    check = checks[path] if checks and path in checks else inspect_pdf(path)
    return None if check.usable else _check_words(check)


def check_attachments(rnd: Round) -> tuple[list[Attachment], dict[str, list[Finding]]]:
    """The attachments that are usable, and a finding for each that is not or was repaired (by candidate id)."""
    good: list[Attachment] = []
    problems: dict[str, list[Finding]] = {}
    files = []
    for c in rnd.candidates:
        for _path, rel, _title in declared(c):
            resolved, why = resolve_inside(rnd.folder, rel)
            if resolved is not None and why is None and resolved.is_file():
                files.append(resolved)
    checks: dict[Path, PdfCheck] = {}
    try:
        sizes = {f: f.stat().st_size for f in dict.fromkeys(files)}   # each file once, however often it is named
        checks = inspect_pdfs([f for f, size in sizes.items() if 0 < size <= MAX_ATTACHMENT_BYTES])  # one child
    except OSError:
        pass
    for c in rnd.candidates:
        for path, rel, title in declared(c):
            where = c.source.at(*path)
            resolved, why = resolve_inside(rnd.folder, rel)
            if resolved is not None and not resolved.is_file():
                why = t("không có trong thư mục đợt xét: hãy chép bản quét vào đó, hoặc sửa tên tệp",
                        "is not in the round folder: copy the scan there, or correct the file name")
            if resolved is not None and why is None:
                why = pdf_problem(resolved, checks)
            if why:
                problems.setdefault(c.id, []).append(Finding(
                    Severity.ERROR, t(f"Tệp đính kèm '{rel}' ", f"The attachment '{rel}' ") + why + ".",
                    clause="dossier", code="attachment.unusable", params={"file": rel}, **where))
                continue
            good.append(Attachment(c.id, rel, resolved, title))
            status = (checks[resolved] if resolved in checks else inspect_pdf(resolved)).status
            note = _repair_note(status, rel)
            if note is not None:
                problems.setdefault(c.id, []).append(Finding(
                    Severity.WARNING, note, clause="dossier",
                    code="attachment.repaired" if status == "repaired" else "attachment.encrypted",
                    params={"file": rel}, **where))
    return good, problems


def _repair_note(status: str, rel: str) -> Text | None:
    if status == "owner_password":
        return t(f"Tệp đính kèm '{rel}' được mã hóa (mật khẩu chủ, hạn chế in hoặc sao chép): bộ hồ sơ dùng bản "
                 "đã gỡ mã hóa. Nên gỡ mật khẩu (Lưu thành PDF mới) rồi đính kèm lại, để bản lưu trữ mở được lâu dài.",
                 f"The attachment '{rel}' is encrypted (an owner password restricting printing or copying): the "
                 "bundle uses a copy without the encryption. Remove the password (save it as a new PDF) and attach "
                 "it again, so the archived copy stays readable.")
    if status == "repaired":
        return t(f"Tệp đính kèm '{rel}' bị hỏng nhẹ (cấu trúc tệp sai): chương trình đã dựng lại tệp khi ghép "
                 "bộ hồ sơ. Nên mở tệp kiểm tra, hoặc quét/xuất lại tệp PDF.",
                 f"The attachment '{rel}' is slightly damaged (a broken file structure): it was rebuilt when the "
                 "bundle was merged. Open it to check, or scan/export the PDF again.")
    return None
