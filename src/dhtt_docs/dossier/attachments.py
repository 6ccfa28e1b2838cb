"""Attachments (scanned decisions) named in the dossier: inside the round, readable PDFs.

A path is only ever resolved inside the round folder: `../`, absolute paths
and links pointing out are findings, and such a file is never opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from dhtt_docs.findings import Finding, Severity
from dhtt_docs.i18n import tr
from dhtt_docs.dossier.loader import Candidate, Round

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


def resolve_inside(folder: Path, rel: str) -> tuple[Path | None, str | None]:
    """The file `rel` names inside `folder`, or None and why not (in the language of the run)."""
    if PurePosixPath(rel).is_absolute() or PureWindowsPath(rel).is_absolute() or PureWindowsPath(rel).drive:
        return None, tr("là đường dẫn tuyệt đối; hãy chép tệp vào thư mục attachments/ của đợt xét và ghi "
                        "'attachments/<tên tệp>.pdf'",
                        "is an absolute path; copy the file into the attachments/ folder of the round and write "
                        "'attachments/<file name>.pdf'")
    parts = PurePosixPath(rel.replace("\\", "/")).parts
    if ".." in parts:
        return None, tr("trỏ ra ngoài thư mục đợt xét ('..'); hãy chép tệp vào thư mục attachments/",
                        "points outside the round folder ('..'); copy the file into the attachments/ folder")
    root = folder.resolve()
    candidate = root.joinpath(*parts)
    try:
        resolved = candidate.resolve(strict=False)
    except (OSError, RuntimeError):
        return None, tr("không mở được (liên kết vòng?)", "cannot be opened (a link loop?)")
    if not resolved.is_relative_to(root):
        return None, tr("là liên kết trỏ ra ngoài thư mục đợt xét; hãy chép tệp thật vào thư mục attachments/",
                        "is a link pointing outside the round folder; copy the real file into the attachments/ "
                        "folder")
    return resolved, None


_CHECKED: dict[tuple, str | None] = {}    # (path, mtime, size, language) -> pdf_problem's answer


def pdf_problem(path: Path) -> str | None:
    """Why `path` is not a readable PDF, or None when it is one (remembered while the file is unchanged).

    `dhtt-docs serve` re-checks the round on every keystroke: reading each scan again would dominate.
    """
    from dhtt_docs.i18n import get_lang
    try:
        st = path.stat()
        key = (str(path), st.st_mtime_ns, st.st_size, get_lang())
    except OSError:
        return _pdf_problem(path)
    if key not in _CHECKED:
        if len(_CHECKED) > 10_000:
            _CHECKED.clear()
        _CHECKED[key] = _pdf_problem(path)
    return _CHECKED[key]


def _pdf_problem(path: Path) -> str | None:
    try:
        size = path.stat().st_size
        if size == 0:
            return tr("là tệp rỗng", "is an empty file")
        if size > MAX_ATTACHMENT_BYTES:
            return tr(f"quá lớn ({size // 1_000_000} MB; tối đa {MAX_ATTACHMENT_BYTES // 1_000_000} MB): hãy quét lại ở 200 dpi",
                      f"is too large ({size // 1_000_000} MB; at most {MAX_ATTACHMENT_BYTES // 1_000_000} MB): "
                      "scan it again at 200 dpi")
        with open(path, "rb") as fh:
            head = fh.read(1024)
    except OSError as e:
        return tr(f"không đọc được ({e.strerror})", f"cannot be read ({e.strerror})")
    if b"%PDF-" not in head:
        return tr("không phải tệp PDF (hãy quét hoặc xuất bản sao quyết định ra PDF)",
                  "is not a PDF file (scan the decision, or export a copy of it, as PDF)")
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            return tr("có mật khẩu (mã hóa): hãy lưu lại bản không đặt mật khẩu",
                      "is password-protected (encrypted): save a copy without a password")
        n = len(reader.pages)
        if n == 0:
            return tr("không có trang nào", "has no pages")
        reader.pages[0].mediabox  # noqa: B018 - touching the first page finds truncated files
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError) as e:
        return tr(f"bị hỏng hoặc không đầy đủ, không mở được ({type(e).__name__}): hãy quét hoặc tải lại tệp",
                  f"is damaged or incomplete and cannot be opened ({type(e).__name__}): "
                  "scan or download the file again")
    return None


def check_attachments(rnd: Round) -> tuple[list[Attachment], dict[str, list[Finding]]]:
    """The attachments that are usable, and a finding for each that is not (by candidate id)."""
    good: list[Attachment] = []
    problems: dict[str, list[Finding]] = {}
    for c in rnd.candidates:
        for path, rel, title in declared(c):
            where = c.source.at(*path)
            resolved, why = resolve_inside(rnd.folder, rel)
            if resolved is not None and not resolved.is_file():
                why = tr("không có trong thư mục đợt xét: hãy chép bản quét vào đó, hoặc sửa tên tệp",
                         "is not in the round folder: copy the scan there, or correct the file name")
            if resolved is not None and why is None:
                why = pdf_problem(resolved)
            if why:
                problems.setdefault(c.id, []).append(Finding(
                    Severity.ERROR, tr(f"Tệp đính kèm '{rel}' {why}.", f"The attachment '{rel}' {why}."),
                    clause="dossier",
                    code="attachment.unusable", **where))
            else:
                good.append(Attachment(c.id, rel, resolved, title))
    return good, problems
