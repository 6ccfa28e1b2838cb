"""Normalise one PDF written by LibreOffice: fixed ``/ID``, dates, Producer and metadata.

After this the same DOCX gives the same PDF bytes on every run. One pass in
pikepdf (qpdf, C++): a few milliseconds a document, where the pypdf rewrite
took tens. The build then adds the signature fields to the same bytes
(signing/fields.py) while LibreOffice converts the next files.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from dhtt_docs.pdf.metadata import BundleMeta, info_dict, xmp_packet
from dhtt_docs.pdf.pdfa import pdfaid_of, pin_icc_dates_pikepdf
from dhtt_docs.pdf.pdffile import open_part, reproducible_bytes, write_atomically

__all__ = ["normalise_pdf", "normalised_bytes"]

#: Raise when what normalisation writes changes: the build's cached PDFs are then made again.
NORMALISE_VERSION = 3

_TRAILER_KEPT = ("/Root", "/Info", "/Size")   # qpdf writes the /ID; LibreOffice's /DocChecksum goes


def normalise_pdf(
    path: Path,
    *,
    title: str,
    author: str,
    subject: str,
    keywords: str,
    creation_date: datetime,
) -> None:
    """Rewrite one PDF in place with fixed ``/ID``, dates, Producer and metadata."""
    path = Path(path)
    write_atomically(path, normalised_bytes(path, BundleMeta(title, author, subject, keywords, creation_date)))


def normalised_bytes(path: Path, meta: BundleMeta) -> bytes:
    """The bytes of `path` normalised: same content and `meta`, same bytes.

    LibreOffice stamps every PDF with the clock (CreationDate, a random
    ``/ID``, a checksum, XMP dates, the ICC profile's date): the Info
    dictionary and the XMP packet are written anew from `meta` (the XMP only
    where the file had one; a PDF/A file keeps its pdfaid part and
    conformance), the ICC dates are pinned to ``meta.date``, and the ``/ID``
    is derived from the content. The header is at least 1.4, 1.7 for PDF/A.
    A damaged or protected file raises a BundleError naming it.
    """
    import pikepdf

    with open_part(path, trusted=True) as pdf:
        for key in list(pdf.trailer.keys()):
            if key not in _TRAILER_KEPT:
                del pdf.trailer[key]
        pdf.trailer.Size = 0   # qpdf writes the real count, but only where the trailer has the key
        pdf.trailer.Info = pdf.make_indirect(
            pikepdf.Dictionary({k: pikepdf.String(v) for k, v in info_dict(meta).items()}))
        pdfa = False
        if "/Metadata" in pdf.Root:
            pdfaid = pdfaid_of(pdf)
            pdfa = pdfaid is not None
            pdf.Root.Metadata = pdf.make_stream(xmp_packet(meta, pdfaid=pdfaid),
                                                Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
        pin_icc_dates_pikepdf(pdf, meta.date)
        return reproducible_bytes(pdf, min_version="1.7" if pdfa else "1.4")

