"""Open input PDFs safely and write output PDFs reproducibly.

* A broken, empty or password-protected input is named in a clear
  :class:`BundleError`, never a pypdf or qpdf traceback.
* The same content gives the same bytes: ``/ID`` is derived from the content by
  qpdf (pikepdf's ``deterministic_id``), and the file is written atomically.

:func:`open_part` and :func:`save_reproducibly` serve the bundle,
:func:`reproducible_bytes` each document's PDF (normalised, then with fields).
"""

from __future__ import annotations

import io
import os
import re
import warnings
from pathlib import Path

from dhtt_docs.fsutil import atomic_path, atomic_write
from dhtt_docs.i18n import Text, t

__all__ = [
    "BundleError",
    "file_handles_for",
    "msg_unreadable",
    "open_part",
    "page_copy_warning",
    "pdf_version_header",
    "rebuilt_pdf_bytes",
    "reproducible_bytes",
    "write_atomically",
    "save_reproducibly",
]


class BundleError(Exception):
    """A bundle cannot be made; the message names the file and the fix.

    ``text`` holds both languages; ``str(err)`` is the chosen one.
    """

    def __init__(self, text: Text):
        super().__init__(text.vi)
        self.text = text

    def __str__(self) -> str:
        return str(self.text)


def _msg_missing(path: Path) -> Text:
    return t(
        f"Không tìm thấy tệp PDF {path}. Hãy kiểm tra đường dẫn tệp đính kèm trong hồ sơ.",
        f"PDF file {path} not found. Check the attachment's path in the dossier.",
    )


def _msg_password(path: Path) -> Text:
    return t(
        f"Tệp {path} được đặt mật khẩu nên không ghép được. Hãy gỡ mật khẩu "
        "(mở tệp rồi in/xuất ra PDF mới) và đính kèm lại.",
        f"{path} is password-protected, so it cannot be merged. Remove the password "
        "(open the file and print/export it to a new PDF) and attach it again.",
    )


def _msg_no_pages(path: Path) -> Text:
    return t(
        f"Tệp {path} không có trang nào. Hãy quét hoặc xuất lại tệp PDF rồi đính kèm lại.",
        f"{path} has no pages. Scan or export the PDF again, then attach it again.",
    )


def open_part(path: Path, *, trusted: bool = False, in_memory: bool = False):
    """Open one input of the bundle with pikepdf, every failure a named BundleError.

    ``trusted`` files (the build's own document PDFs, written by us) are opened
    as they are. Any other file (a user's attachment) is first written again by
    qpdf in memory, so that a damaged object or stream is found now and named,
    not while the bundle is being written; encryption without a user password
    is removed on the way. qpdf reads an open file until the bundle is written:
    ``in_memory`` reads it into memory instead, so that it holds no file handle
    (see :func:`file_handles_for`).
    """
    import pikepdf

    if not os.path.isfile(path):
        raise BundleError(_msg_missing(path))
    try:
        if trusted:
            pdf = pikepdf.open(io.BytesIO(Path(path).read_bytes()) if in_memory else path)
        else:
            with pikepdf.open(path) as original:
                data = rebuilt_pdf_bytes(original)
            pdf = pikepdf.open(io.BytesIO(data))
        count = len(pdf.pages)
    except pikepdf.PasswordError:
        raise BundleError(_msg_password(path)) from None
    except Exception as err:  # noqa: BLE001 - qpdf raises several kinds; all mean "unreadable"
        raise BundleError(msg_unreadable(path, err)) from err
    if count == 0:
        pdf.close()
        raise BundleError(_msg_no_pages(path))
    return pdf


def reproducible_bytes(pdf, min_version: str = "") -> bytes:
    """A pikepdf.Pdf written by qpdf: ``/ID`` derived from the content (same content, same bytes), no
    encryption, the header at least `min_version`, the XMP packet left as it is."""
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, encryption=False, min_version=min_version, fix_metadata_version=False)
    return out.getvalue()


def rebuilt_pdf_bytes(pdf) -> bytes:
    """A pikepdf.Pdf written again deterministically (static /ID) and without encryption."""
    out = io.BytesIO()
    pdf.save(out, static_id=True, encryption=False)
    return out.getvalue()


def file_handles_for(count: int) -> bool:
    """Can this process keep ``count`` more files open? Raises its own soft limit towards the hard one if
    needed (Linux allows 1024 by default, macOS 256: a round of 1000 documents needs more)."""
    try:
        import resource
    except ImportError:   # Windows: the C runtime allows 8192 handles; stay well below
        return count <= 2000
    margin = 128   # LibreOffice pipes, the cache, the output
    try:
        in_use = len(os.listdir("/dev/fd"))
    except OSError:
        in_use = 64
    need = in_use + count + margin
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or need <= soft:
        return True
    if hard != resource.RLIM_INFINITY and need > hard:
        return False
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))
    except (OSError, ValueError):
        return False
    return True


def msg_unreadable(path: Path, err: BaseException) -> Text:
    detail = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return t(
        f"Không đọc được tệp PDF {path} (tệp hỏng, bị cắt cụt, được mã hóa hoặc không phải PDF: "
        f"{detail}). Hãy mở tệp bằng trình đọc PDF, quét hoặc xuất lại thành PDF mới rồi đính kèm lại.",
        f"Cannot read PDF file {path} (damaged, truncated, encrypted or not a PDF: "
        f"{detail}). Open it in a PDF reader, scan or export it again to a new PDF, then attach it again.",
    )


_VERSION = re.compile(r"%PDF-(\d)\.(\d)")


def pdf_version_header(versions, pdfa: bool) -> str:
    """:func:`header_for` for version strings: headers ("%PDF-1.5") or pikepdf's ``Pdf.pdf_version`` ("1.5")."""
    best = (1, 7) if pdfa else (1, 4)
    for version in versions:
        m = _VERSION.match(version if version.startswith("%") else f"%PDF-{version}")
        if m:
            best = max(best, (int(m.group(1)), int(m.group(2))))
    return f"%PDF-{best[0]}.{best[1]}"


_ID_PLACEHOLDER = bytes.fromhex("d447d447d447d447d447d447d447d447")


def save_reproducibly(pdf, out: Path, *, version: str) -> None:
    """Write a pikepdf.Pdf atomically with header ``version`` (e.g. "%PDF-1.7") and a content-derived ``/ID``.

    qpdf's deterministic ID is an MD5 of the written content (no clock, no
    random); the XMP packet is written as it is (no version fix-up by pikepdf).
    qpdf writes straight into the file (no copy of a large bundle in memory).
    """
    out = Path(out)
    try:
        with atomic_path(out) as tmp, open(tmp, "wb") as fh:
            with warnings.catch_warnings():   # widgets without /AcroForm: pypdf's merge kept none either
                warnings.simplefilter("ignore", page_copy_warning())
                pdf.save(fh, min_version=version.removeprefix("%PDF-"), deterministic_id=True,
                         fix_metadata_version=False, compress_streams=True)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as err:
        raise _cannot_write(out, err) from err


def page_copy_warning() -> type[Warning]:
    """pikepdf's warning that copied pages carry widgets without /AcroForm (pikepdf 10 and later);
    pypdf's merge did not carry form fields either, and the build's documents have none."""
    import pikepdf

    return getattr(pikepdf, "PageCopyWarning", UserWarning)


def write_atomically(out: Path, payload: bytes) -> None:
    """Write a PDF's bytes in one step (never half a file), a failure named in a BundleError."""
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        atomic_write(out, payload)
    except OSError as err:
        raise _cannot_write(out, err) from err


def _cannot_write(out: Path, err: OSError) -> BundleError:
    return BundleError(t(
        f"Không ghi được {out}: {err.strerror or err}. "
        "Hãy kiểm tra quyền ghi và dung lượng đĩa của thư mục đầu ra.",
        f"Cannot write {out}: {err.strerror or err}. "
        "Check write permission and free disk space in the output folder.",
    ))
