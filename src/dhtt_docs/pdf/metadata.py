"""Document information of the PDFs we write: the Info dictionary and an XMP packet that matches it.

Dates come from the dossier, never the clock; Producer and Creator are always :data:`PRODUCER`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from html import escape as _escape

#: &, < and > as entities, as xml.sax.saxutils.escape does (that module imports urllib, http and ssl: 45 ms).
escape = partial(_escape, quote=False)

__all__ = ["PRODUCER", "BundleMeta", "info_dict", "set_info_pikepdf", "set_xmp_pikepdf", "xmp_packet"]

#: Producer and creator written into every PDF we (re)write.
PRODUCER = "dhtt-docs"


@dataclass(frozen=True)
class BundleMeta:
    """Document information of the bundle. ``date`` comes from the dossier, never the clock."""

    title: str
    author: str
    subject: str
    keywords: str
    date: datetime




def _pdf_date(when: datetime) -> str:
    """PDF date string: ``D:YYYYMMDDHHmmSS`` plus ``+HH'mm'`` / ``Z`` when aware."""
    text = when.strftime("D:%Y%m%d%H%M%S")
    offset = when.utcoffset()
    if offset is None:
        return text
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return text + "Z"
    sign = "+" if minutes > 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{text}{sign}{hours:02d}'{mins:02d}'"


def _xmp_date(when: datetime) -> str:
    """XMP date with the same instant and offset as :func:`_pdf_date`."""
    text = when.replace(microsecond=0).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def info_dict(meta: BundleMeta) -> dict[str, str]:
    """Info dictionary; empty fields are left out (and so are left out of the XMP too)."""
    info = {
        "/Title": meta.title,
        "/Author": meta.author,
        "/Subject": meta.subject,
        "/Keywords": meta.keywords,
    }
    info = {k: v for k, v in info.items() if v}
    info.update(
        {
            "/Creator": PRODUCER,
            "/Producer": PRODUCER,
            "/CreationDate": _pdf_date(meta.date),
            "/ModDate": _pdf_date(meta.date),
        }
    )
    return info


def xmp_packet(meta: BundleMeta, *, pdfaid: tuple[str, str] | None) -> bytes:
    """XMP packet matching :func:`info_dict` field for field (PDF/A checks this)."""
    date = _xmp_date(meta.date)
    lines = ['   <dc:format>application/pdf</dc:format>']
    if meta.title:
        lines.append(
            '   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">'
            f"{escape(meta.title)}</rdf:li></rdf:Alt></dc:title>"
        )
    if meta.author:
        lines.append(
            f"   <dc:creator><rdf:Seq><rdf:li>{escape(meta.author)}</rdf:li></rdf:Seq></dc:creator>"
        )
    if meta.subject:
        lines.append(
            '   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">'
            f"{escape(meta.subject)}</rdf:li></rdf:Alt></dc:description>"
        )
    if meta.keywords:
        lines.append(f"   <pdf:Keywords>{escape(meta.keywords)}</pdf:Keywords>")
    lines += [
        f"   <pdf:Producer>{PRODUCER}</pdf:Producer>",
        f"   <xmp:CreatorTool>{PRODUCER}</xmp:CreatorTool>",
        f"   <xmp:CreateDate>{date}</xmp:CreateDate>",
        f"   <xmp:ModifyDate>{date}</xmp:ModifyDate>",
        f"   <xmp:MetadataDate>{date}</xmp:MetadataDate>",
    ]
    if pdfaid is not None:
        lines += [
            f"   <pdfaid:part>{escape(pdfaid[0])}</pdfaid:part>",
            f"   <pdfaid:conformance>{escape(pdfaid[1])}</pdfaid:conformance>",
        ]
    body = "\n".join(lines)
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about=""\n'
        '    xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"\n'
        '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"\n'
        '    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">\n'
        f"{body}\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )
    return packet.encode("utf-8")


def set_info_pikepdf(pdf, meta: BundleMeta) -> None:
    """:func:`info_dict` as the Info dictionary of a pikepdf.Pdf (a fresh indirect object)."""
    import pikepdf

    pdf.trailer.Info = pdf.make_indirect(
        pikepdf.Dictionary({k: pikepdf.String(v) for k, v in info_dict(meta).items()}))


def set_xmp_pikepdf(pdf, packet: bytes) -> None:
    """:func:`set_xmp` for a pikepdf.Pdf: a fresh ``/Type /Metadata /Subtype /XML`` stream (qpdf leaves
    metadata streams uncompressed, as PDF/A wants)."""
    import pikepdf

    pdf.Root.Metadata = pdf.make_stream(packet, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
