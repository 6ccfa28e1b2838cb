"""Normalise one PDF written by LibreOffice: fixed ``/ID``, dates, Producer and metadata.

After this the same DOCX gives the same PDF bytes on every run.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pypdf import PdfWriter

from dhtt_docs.pdf.metadata import BundleMeta, info_dict, set_xmp, xmp_packet
from dhtt_docs.pdf.pdfa import pdfaid_of, pin_icc_dates
from dhtt_docs.pdf.pdffile import header_for, open_pdf, write_reproducibly

__all__ = ["normalise_pdf"]


def normalise_pdf(
    path: Path,
    *,
    title: str,
    author: str,
    subject: str,
    keywords: str,
    creation_date: datetime,
) -> None:
    """Rewrite one PDF in place with fixed ``/ID``, dates, Producer and metadata.

    LibreOffice stamps every PDF with the clock (CreationDate, a random
    ``/ID``, a checksum, XMP dates); after this the same DOCX gives the same
    PDF bytes on every run. A PDF/A file keeps its pdfaid part/conformance.
    """
    path = Path(path)
    reader = open_pdf(path)
    writer = PdfWriter(clone_from=reader)
    meta = BundleMeta(title, author, subject, keywords, creation_date)
    writer.metadata = info_dict(meta)
    pdfaid = None
    if "/Metadata" in writer.root_object:
        pdfaid = pdfaid_of(reader)
        set_xmp(writer, xmp_packet(meta, pdfaid=pdfaid))
    pin_icc_dates(writer, creation_date)
    writer.pdf_header = header_for([reader], pdfaid is not None if "/Metadata" in writer.root_object else False)
    writer.compress_identical_objects()  # drops the old Info/XMP objects with clock dates
    write_reproducibly(writer, path)
