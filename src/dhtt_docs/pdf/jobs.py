"""One conversion job (DOCX in, PDF out) and how its outcome is judged.

``soffice`` exits 0 even when a file could not be loaded, so success is
judged only by a PDF with pages at the expected place; a PDF is put in place
atomically, and a failed job never leaves an old PDF behind.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dhtt_docs.fsutil import atomic_path

from dhtt_docs.i18n import tr

class ConversionError(Exception):
    """The conversion could not run at all (e.g. LibreOffice is missing).

    Failures of single documents are not exceptions: they come back as
    :class:`ConversionFailure` so that one bad file does not stop a bundle.
    """


@dataclass(frozen=True)
class ConversionFailure:
    """One document that has no PDF; ``reason`` says why and what to do (in the chosen language)."""

    source: Path
    reason: str


@dataclass(frozen=True)
class Job:
    index: int
    source: Path
    target: Path


ProgressFn = Callable[[Path], None]


def precheck(source: Path) -> str | None:
    """Reason a source cannot be converted at all, found before starting LibreOffice."""
    if not source.is_file():
        return tr(
            f"Không tìm thấy tệp {source}. Hãy kiểm tra đường dẫn, hoặc chạy lại lệnh build "
            "để tạo lại tệp DOCX.",
            f"File {source} not found. Check the path, or run the build command again "
            "to recreate the DOCX file.",
        )
    if source.suffix.lower() != ".docx":
        return None
    try:
        with zipfile.ZipFile(source) as zf:
            if "word/document.xml" not in zf.namelist():
                raise zipfile.BadZipFile("no word/document.xml")
    except (zipfile.BadZipFile, OSError, ValueError):
        return tr(
            f"Tệp {source.name} không phải tệp DOCX hợp lệ (hỏng hoặc chỉ đổi đuôi). "
            "Hãy mở tệp bằng Word hoặc LibreOffice Writer và lưu lại dạng .docx, "
            "hoặc chạy lại lệnh build để tạo lại tệp.",
            f"{source.name} is not a valid DOCX file (damaged, or only renamed to .docx). "
            "Open it in Word or LibreOffice Writer and save it again as .docx, "
            "or run the build command again to recreate it.",
        )
    return None


def pdf_has_pages(path: "Path | io.BytesIO") -> bool:
    """True for a readable PDF with at least one page (soffice may write empty ones)."""
    try:
        import pikepdf   # (qpdf) already loaded by the build, which opens each PDF with it next

        with pikepdf.open(path) as pdf:
            return len(pdf.pages) > 0
    except Exception:  # noqa: BLE001 - any parse error means "not a usable PDF"
        return False


def install(produced: Path, target: Path) -> None:
    """Copy a finished PDF to its target atomically (temp dirs may be on another disk)."""
    with atomic_path(target) as partial:
        shutil.copyfile(produced, partial)


def remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def serialised(progress: ProgressFn | None) -> ProgressFn:
    """Wrap the caller's progress callback so worker threads never call it concurrently."""
    lock = threading.Lock()

    def call(path: Path) -> None:
        if progress is not None:
            with lock:
                progress(path)

    return call
