"""PDF/A markers: read a file's pdfaid, carry the output intent into a bundle, pin ICC dates, check the result.

A plain merge drops PDF/A markers; the bundle keeps the output intent of
the first PDF/A input, warns about inputs that may break conformance (not
PDF/A, fonts not embedded) and reads the written file back to check the markers.
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING


from dhtt_docs.findings import Finding, Severity
from dhtt_docs.i18n import t
from dhtt_docs.pdf.pdffile import BundleError

if TYPE_CHECKING:
    from dhtt_docs.pdf.bundle import BundlePart

__all__ = [
    "PDFA_CONFORMANCE",
    "PDFA_PART",
    "carry_output_intent",
    "check_pdfa_written",
    "pdfaid_in",
    "pdfaid_of",
    "pin_icc_dates_pikepdf",
]

PDFA_PART = "2"
PDFA_CONFORMANCE = "B"


_PDFAID_PART = re.compile(r"pdfaid:part(?:>|=[\"'])\s*(\d)")
_PDFAID_CONF = re.compile(r"pdfaid:conformance(?:>|=[\"'])\s*([A-Za-z])")


def _xmp_text(pdf) -> str:
    """The XMP packet of a pikepdf.Pdf, "" when none or unreadable."""
    try:
        xmp = pdf.Root.get("/Metadata")
        return xmp.read_bytes().decode("utf-8", "replace") if xmp is not None else ""
    except Exception:  # noqa: BLE001 - unreadable XMP counts as none
        return ""


def pdfaid_of(pdf) -> tuple[str, str] | None:
    """PDF/A part and conformance claimed by a file's XMP (a pikepdf.Pdf), if any."""
    return pdfaid_in(_xmp_text(pdf))


def pdfaid_in(text: str) -> tuple[str, str] | None:
    """PDF/A part and conformance claimed by an XMP packet, if any."""
    part = _PDFAID_PART.search(text)
    conf = _PDFAID_CONF.search(text)
    if part is None:
        return None
    return (part.group(1), conf.group(1).upper() if conf else PDFA_CONFORMANCE)


def _flatten(parts: list[BundlePart]) -> Iterator[BundlePart]:
    return (p for top in parts for p in top.with_attachments())


def carry_output_intent(dst, parts: list[BundlePart], opened: dict, loose: dict[Path, list[str]]) -> list[Finding]:
    """:func:`carry_pdfa_markers` for the pikepdf bundle: ``opened`` maps each input's path to its
    pikepdf.Pdf, ``loose`` to the fonts it uses without embedding them."""
    findings: list[Finding] = []
    intents = None
    done: set[Path] = set()
    for part in _flatten(parts):
        src = opened[Path(part.pdf)]
        has_intent = "/OutputIntents" in src.Root
        if has_intent and intents is None:
            found = src.Root.OutputIntents
            intents = dst.copy_foreign(found if found.is_indirect else src.make_indirect(found))
        if Path(part.pdf) in done:
            continue
        done.add(Path(part.pdf))
        not_pdfa = not has_intent or pdfaid_of(src) is None
        fonts = loose.get(Path(part.pdf), [])
        if not_pdfa or fonts:
            findings.append(_pdfa_finding(part, not_pdfa, fonts))
    if intents is None:
        raise _no_pdfa_input()
    dst.Root.OutputIntents = intents
    return findings


def _no_pdfa_input() -> BundleError:
    return BundleError(t(
        "Không tệp nào trong bộ hồ sơ là PDF/A nên không giữ được dấu PDF/A. "
        "Hãy tạo lại các PDF với tùy chọn --pdfa.",
        "No file in the bundle is PDF/A, so the PDF/A markers cannot be kept. "
        "Make the PDFs again with the --pdfa option.",
    ))


def _pdfa_finding(part: BundlePart, not_pdfa: bool, loose: list[str]) -> Finding:
    name = part.shown
    fonts = ", ".join(loose)
    what = t("", "")
    if not_pdfa:
        what += t("không phải PDF/A", "is not PDF/A")
    if loose:
        what += (t("; ", "; ") if not_pdfa else t("", "")) + t(
            f"có phông chữ không được nhúng ({fonts})", f"has fonts that are not embedded ({fonts})")
    message = t(f"Tệp {name} ({part.title}) ", f"{name} ({part.title}) ") + what + t(
        ": bộ hồ sơ ghi là PDF/A-2b nhưng có thể không đạt PDF/A. Hãy xuất lại tệp đó dạng PDF/A-2b "
        "(ví dụ bằng LibreOffice: Tệp → Xuất thành PDF → PDF/A-2b) rồi đính kèm lại.",
        ": the bundle is marked PDF/A-2b but may not conform. Export that file again as PDF/A-2b "
        "(for example with LibreOffice: File → Export as PDF → PDF/A-2b), then attach it again.")
    return Finding(Severity.WARNING, message, file=name, clause="build",
                   code="bundle.font_not_embedded" if loose and not not_pdfa else "bundle.not_pdfa",
                   params={"file": name, "title": part.title, "pdfa": not not_pdfa, "fonts": loose})


def pin_icc_dates_pikepdf(pdf, when: datetime) -> None:
    """:func:`pin_icc_dates` for a pikepdf.Pdf (the documents are normalised with qpdf)."""
    import pikepdf

    for intent in pdf.Root.get("/OutputIntents", ()):
        profile = intent.get("/DestOutputProfile")
        if not isinstance(profile, pikepdf.Stream):
            continue
        try:
            data = profile.read_bytes()
        except pikepdf.PdfError:   # an exotic filter: leave the profile as it is
            continue
        pinned = _icc_with_date(data, when)
        if pinned != data:
            profile.write(pinned)   # unfiltered here; qpdf compresses it again when saving


def _icc_with_date(data: bytes, when: datetime) -> bytes:
    """ICC profile bytes with header date ``when`` (and its MD5 profile ID redone if set)."""
    if len(data) < 128 or data[36:40] != b"acsp":
        return data
    stamp = struct.pack(">6H", when.year, when.month, when.day, when.hour, when.minute, when.second)
    out = bytearray(data[:24] + stamp + data[36:])
    if any(out[84:100]):
        # ICC.1 7.2.18: MD5 over the profile with flags, intent and ID zeroed.
        probe = bytearray(out)
        probe[44:48] = bytes(4)
        probe[64:68] = bytes(4)
        probe[84:100] = bytes(16)
        out[84:100] = hashlib.md5(bytes(probe)).digest()  # noqa: S324 - format-mandated
    return bytes(out)


def check_pdfa_written(path: Path) -> None:
    """:func:`check_pdfa_markers` with pikepdf (which reads only the objects it needs)."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        if "/OutputIntents" not in pdf.Root or pdfaid_of(pdf) != (PDFA_PART, PDFA_CONFORMANCE):
            raise _markers_lost(path)


def _markers_lost(path: Path) -> BundleError:
    return BundleError(t(
        f"Bộ hồ sơ {path} mất dấu PDF/A sau khi ghép (lỗi chương trình). "
        "Hãy báo lỗi kèm tệp này, hoặc chạy lại không có --pdfa.",
        f"The bundle {path} lost its PDF/A markers while merging (a program error). "
        "Please report the bug with this file, or run again without --pdfa.",
    ))
