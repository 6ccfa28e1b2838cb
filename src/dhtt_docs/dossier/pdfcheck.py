"""One PDF attachment checked, in the child process that `attachments.inspect_pdfs` starts.

Kept apart from the rest of the dossier layer so that the child imports only
this (and pikepdf, pypdf when it checks): it starts in a fraction of the time
the whole loader would take, and a round waits for it on every cold build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

#: A scanned decision has a few pages; a file with more is not an attachment (or is a mistake).
MAX_PAGES = 1000


@dataclass(frozen=True)
class PdfCheck:
    """What the structural check found in one PDF.

    status: ok | repaired (qpdf rebuilt it: the bundle uses the rebuilt copy) |
    owner_password (opens without a password; the bundle drops the encryption) |
    password | not_pdf | broken | no_pages | too_many_pages | content | too_slow | too_big
    """

    status: str
    detail: str = ""
    pages: int = 0

    @property
    def usable(self) -> bool:
        return self.status in ("ok", "repaired", "owner_password")


def first_line(text: str, limit: int = 160) -> str:
    line = (text.strip().splitlines() or [""])[0]
    return line if len(line) <= limit else line[: limit - 3] + "..."


def inspect_here(path: Path) -> PdfCheck:
    """The check itself, in this process (the child calls it; tests may too).

    qpdf (through pikepdf) opens the file, rebuilding a damaged cross-reference
    table as it goes; the file is written again as the bundle will use it and
    that copy must pass qpdf's own check (page tree, every content stream) and
    open in pypdf, which merges the bundle.
    """
    import io

    import pikepdf
    from pypdf import PdfReader

    from dhtt_docs.pdf.pdffile import rebuilt_pdf_bytes

    try:
        with open(path, "rb") as fh:
            if b"%PDF-" not in fh.read(1024):
                return PdfCheck("not_pdf")
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        return PdfCheck("password")
    except Exception as e:  # noqa: BLE001 - qpdf's many errors all mean "cannot be opened"
        return PdfCheck("too_big" if out_of_memory(str(e)) else "broken", first_line(str(e)))
    with pdf:
        damaged = bool(pdf.get_warnings())
        encrypted = pdf.is_encrypted
        try:
            n = len(pdf.pages)
        except Exception as e:  # noqa: BLE001
            return PdfCheck("broken", first_line(str(e)))
        if n == 0:
            return PdfCheck("no_pages")
        if n > MAX_PAGES:
            return PdfCheck("too_many_pages", pages=n)
        try:
            data = rebuilt_pdf_bytes(pdf)
        except Exception as e:  # noqa: BLE001
            return PdfCheck("broken", first_line(str(e)), n)
    try:
        with pikepdf.open(io.BytesIO(data)) as again:
            problems = again.check_pdf_syntax()
            if len(again.pages) != n:
                return PdfCheck("broken", f"{len(again.pages)} of {n} pages", n)
        if any(out_of_memory(p) for p in problems):
            return PdfCheck("too_big", pages=n)
        if problems:
            return PdfCheck("content", first_line(problems[0]), n)
        reader = PdfReader(io.BytesIO(data))
        for page in reader.pages:
            page.mediabox  # noqa: B018 - what the merge touches first
            page.get_contents()
    except Exception as e:  # noqa: BLE001
        if out_of_memory(str(e)):
            return PdfCheck("too_big", pages=n)
        return PdfCheck("broken", first_line(str(e) or type(e).__name__), n)
    if encrypted:
        return PdfCheck("owner_password", pages=n)
    return PdfCheck("repaired" if damaged else "ok", pages=n)


def out_of_memory(message: str) -> bool:
    return any(w in message for w in ("bad_alloc", "bad alloc", "MemoryError", "failed to map segment",
                                      "Cannot allocate memory"))


def child_main() -> None:  # pragma: no cover - runs in the child
    """Check each file named on the command line, or else on standard input (NUL-separated, read to its
    end); one JSON line per file, as soon as it is known.

    Started without names (`attachments.prestart_checker`), the child loads what checking needs first,
    then waits for the names: its start-up overlaps with the build reading the round.
    """
    import json
    import os
    import resource
    import sys

    memory, cpu_seconds = int(sys.argv[1]), int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))   # set here, not in preexec_fn (threads)
    names = sys.argv[3:]
    if not names:
        import pikepdf  # noqa: F401 - loaded while the build reads the round
        import pypdf  # noqa: F401

        import dhtt_docs.pdf.pdffile  # noqa: F401
        names = [os.fsdecode(n) for n in sys.stdin.buffer.read().split(b"\0") if n]
    for arg in names:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        used = int(usage.ru_utime + usage.ru_stime) + 1
        hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
        soft = used + cpu_seconds
        resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
        try:
            check = inspect_here(Path(arg))
        except MemoryError:
            check = PdfCheck("too_big")
        except RecursionError:
            check = PdfCheck("broken", "nested too deeply")
        print(json.dumps({"status": check.status, "detail": scrub(check.detail, arg), "pages": check.pages}),
              flush=True)


def scrub(detail: str, path: str) -> str:
    """qpdf's message without the machine's paths and object addresses (findings are deterministic)."""
    detail = detail.replace(path, Path(path).name)
    detail = re.sub(r"<_io\.BytesIO object at 0x[0-9a-fA-F]+>", "", detail)
    return re.sub(r"^(WARNING|ERROR):\s*", "", detail).replace("stream  (", "stream (").strip()
