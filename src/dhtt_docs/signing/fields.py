"""Sign-ready PDFs: empty, named signature fields where the document's signature blocks are.

The build makes every document's sign-ready PDF right after its conversion, on
the pool's post-processing thread (build/produce.py): from the normalised
(plain) PDF's bytes, the layout is read with PDFium (signing/layout.py) and the
fields are added and the file written with pikepdf (qpdf), the /ID derived from
the content, so the same document gives the same bytes on every build; signing
later appends to it as incremental updates. The bundle, which is for printing,
is merged from the plain PDFs and has no fields.
"""

from __future__ import annotations

import io
from pathlib import Path

from dhtt_docs.findings import Finding, Severity
from dhtt_docs.i18n import t
from dhtt_docs.signing.layout import FIELDS_OF_KIND, Placement, find_placements

__all__ = ["add_signature_fields", "sign_ready_bytes", "sign_ready_key", "signature_field_names",
           "unplaced_warnings"]

_PRINT = 4   # annotation flag: print the field's appearance
FIELDS_VERSION = 2   # change when the placement rules or the fields written change: cached sign-ready PDFs are then made again


def sign_ready_key(pdf_key: str, document_kind: str) -> str:
    """The build cache's key of a document's sign-ready PDF, from the key of its converted PDF.

    `status` uses it too: the PDF in OUT/documents is the sign-ready one."""
    if document_kind not in FIELDS_OF_KIND:
        return pdf_key
    from dhtt_docs.build.cache import key_of
    return key_of({"signature-fields": FIELDS_VERSION, "kind": document_kind, "pdf": pdf_key})


def add_signature_fields(pdf_path: Path, document_kind: str, cache=None, pdf_key: str | None = None) -> list[Finding]:
    """Add the empty signature fields of a document of `document_kind` ("to-trinh", "danh-sach",
    "bien-ban", "bao-cao") to `pdf_path`, in place. Returns a warning for each field whose
    place was not found in the layout (a user's template without that signature block).

    Adding again replaces the fields of the same names, never doubles them. With the build's
    cache (a `BuildCache`) and the converted PDF's cache key, a document seen before gets its
    sign-ready bytes from the cache."""
    from dhtt_docs.pdf.pdffile import write_atomically

    pdf_path = Path(pdf_path)
    if document_kind not in FIELDS_OF_KIND:
        return []
    key = sign_ready_key(pdf_key, document_kind) if cache is not None and pdf_key else None
    if key is not None and cache.fetch("pdf", key, pdf_path):
        missing = cache.fetch_json(key)
        return unplaced_warnings(pdf_path.name, missing if isinstance(missing, list) else [])
    plain = pdf_path.read_bytes()
    ready, missing = sign_ready_bytes(plain, document_kind)
    if ready is not plain:
        write_atomically(pdf_path, ready)
    if key is not None:
        cache.store("pdf", key, pdf_path)
        cache.store_json(key, missing)
    return unplaced_warnings(pdf_path.name, missing)


def sign_ready_bytes(pdf: bytes, document_kind: str) -> tuple[bytes, list[str]]:
    """A PDF's bytes with the empty signature fields of its kind added, and the names of the fields
    whose place was not found. The same bytes in give the same bytes out (`pdf` itself when no field
    has a place)."""
    import pikepdf

    from dhtt_docs.pdf.pdffile import reproducible_bytes

    placements, missing = find_placements(pdf, document_kind)
    if not placements:
        return pdf, missing
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        _add_fields(doc, placements)
        return reproducible_bytes(doc), missing


def unplaced_warnings(pdf_name: str, missing: list[str]) -> list[Finding]:
    """A warning for each field of the document `pdf_name` (in OUT/documents) that has no place."""
    return [Finding(Severity.WARNING,
                    t(f"Không tìm thấy chỗ ký '{name}' trong {pdf_name}: mẫu văn bản cần khối chữ ký "
                      "(chức vụ viết hoa, khoảng trống để ký, rồi họ tên). Văn bản vẫn dùng được để in, "
                      "nhưng không ký số được ô này.",
                      f"No place for the signature '{name}' was found in {pdf_name}: the template needs a "
                      "signature block (the title in capitals, a blank space to sign, then the name). The "
                      "document can still be printed, but this field cannot be signed digitally."),
                    file=f"documents/{pdf_name}", clause="NĐ 30/2020, Phụ lục I", code="sign.no_place",
                    params={"field": name})
            for name in missing]


def signature_field_names(pdf_path: Path) -> list[str]:
    """The names of the signature fields a PDF has (signed or not), fully qualified."""
    import pikepdf

    with pikepdf.open(pdf_path) as pdf:
        form = pdf.Root.get("/AcroForm")
        fields = form.get("/Fields") if isinstance(form, pikepdf.Dictionary) else None
        return sorted(_sig_fields(fields or [], "", None))


def _sig_fields(fields, parent: str, inherited_type) -> set[str]:
    out: set[str] = set()
    for field in fields:
        name = str(field["/T"]) if "/T" in field else None
        full = f"{parent}.{name}" if parent and name else (name or parent)
        kind = field.get("/FT", inherited_type)
        if "/Kids" in field:
            out |= _sig_fields(field.Kids, full, kind)
        if name is not None and kind == "/Sig":
            out.add(full)
    return out


def _add_fields(pdf, placements: list[Placement]) -> None:
    """Add one merged field-and-widget per placement; fields of the same names are replaced."""
    import pikepdf

    root = pdf.Root
    if "/AcroForm" not in root:
        root.AcroForm = pdf.make_indirect(pikepdf.Dictionary(Fields=pikepdf.Array()))
    form = root.AcroForm
    new = {p.name for p in placements}
    form.Fields = pikepdf.Array([f for f in form.get("/Fields", ()) if str(f.get("/T", "")) not in new])
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if annots is not None:
            kept = [a for a in annots if not (a.get("/FT") == "/Sig" and str(a.get("/T", "")) in new)]
            if len(kept) != len(annots):
                page.obj.Annots = pikepdf.Array(kept)
    for p in placements:
        page = pdf.pages[p.page].obj
        widget = pdf.make_indirect(_widget(pdf, p, page))
        if "/Annots" not in page:
            page.Annots = pikepdf.Array()
        page.Annots.append(widget)
        form.Fields.append(widget)


def _widget(pdf, p: Placement, page):
    """A merged signature field and widget, with an empty appearance (PDF/A wants one on every widget)."""
    import pikepdf

    x0, y0, x1, y1 = p.rect
    appearance = pdf.make_stream(b"", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                                 BBox=pikepdf.Array([0, 0, round(x1 - x0, 2), round(y1 - y0, 2)]))
    return pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Widget,
        FT=pikepdf.Name.Sig,
        T=pikepdf.String(p.name),
        TU=pikepdf.String(_tooltip(p)),
        Rect=pikepdf.Array(list(p.rect)),
        F=_PRINT,
        P=page,
        AP=pikepdf.Dictionary(N=appearance),
    )


def _tooltip(p: Placement) -> str:
    """What a PDF reader shows when the mouse is over the empty field."""
    if p.role == "stamp":
        return "Chữ ký số của cơ quan (văn bản kèm theo)"
    if p.role == "seal":
        return f"Chữ ký số của cơ quan (dấu), trên chữ ký của {p.signer}"
    return f"Chữ ký số của {p.signer} ({p.title})"
