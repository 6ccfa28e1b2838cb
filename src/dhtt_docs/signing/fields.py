"""Sign-ready PDFs: empty, named signature fields where the document's signature blocks are.

The build calls `add_signature_fields` on every document PDF (never the
bundle, which is for printing) after conversion. The file is rewritten once
with pypdf, reproducibly (the /ID is the hash of the content), so the same
document gives the same bytes on every build; signing later appends to it as
incremental updates.
"""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject,
                           NumberObject, TextStringObject)

from dhtt_docs.findings import Finding, Severity
from dhtt_docs.i18n import t
from dhtt_docs.signing.layout import FIELDS_OF_KIND, Placement, find_placements

__all__ = ["add_signature_fields", "signature_field_names"]

_PRINT = 4   # annotation flag: print the field's appearance
FIELDS_VERSION = 1   # change when the placement rules change: cached sign-ready PDFs are then made again


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

    With the build's cache (a `BuildCache`) and the converted PDF's cache key, a document seen
    before gets its sign-ready bytes from the cache (reading the layout costs about half a
    second a document)."""
    pdf_path = Path(pdf_path)
    if document_kind not in FIELDS_OF_KIND:
        return []
    key = sign_ready_key(pdf_key, document_kind) if cache is not None and pdf_key else None
    if key is not None and cache.fetch("pdf", key, pdf_path):
        missing = cache.fetch_json(key)
        return _warnings(pdf_path, missing if isinstance(missing, list) else [])
    placements, missing = find_placements(pdf_path, document_kind)
    if placements:
        _write_fields(pdf_path, placements)
    if key is not None:
        cache.store("pdf", key, pdf_path)
        cache.store_json(key, missing)
    return _warnings(pdf_path, missing)


def _warnings(pdf_path: Path, missing: list[str]) -> list[Finding]:
    return [Finding(Severity.WARNING,
                    t(f"Không tìm thấy chỗ ký '{name}' trong {pdf_path.name}: mẫu văn bản cần khối chữ ký "
                      "(chức vụ viết hoa, khoảng trống để ký, rồi họ tên). Văn bản vẫn dùng được để in, "
                      "nhưng không ký số được ô này.",
                      f"No place for the signature '{name}' was found in {pdf_path.name}: the template needs a "
                      "signature block (the title in capitals, a blank space to sign, then the name). The "
                      "document can still be printed, but this field cannot be signed digitally."),
                    file=f"documents/{pdf_path.name}", clause="NĐ 30/2020, Phụ lục I", code="sign.no_place",
                    params={"field": name})
            for name in missing]


def signature_field_names(pdf_path: Path) -> list[str]:
    """The names of the signature fields a PDF has (signed or not)."""
    reader = PdfReader(str(pdf_path))
    fields = reader.get_fields() or {}
    return sorted(name for name, f in fields.items() if f.get("/FT") == "/Sig")


def _write_fields(pdf_path: Path, placements: list[Placement]) -> None:
    from dhtt_docs.pdf.pdffile import write_reproducibly

    writer = PdfWriter(clone_from=PdfReader(str(pdf_path)))
    root = writer.root_object
    if "/AcroForm" not in root:
        root[NameObject("/AcroForm")] = writer._add_object(DictionaryObject({NameObject("/Fields"): ArrayObject()}))
    form = root["/AcroForm"].get_object()
    fields = form.setdefault(NameObject("/Fields"), ArrayObject())
    new = {p.name for p in placements}
    kept = [f for f in fields if f.get_object().get("/T") not in new]   # adding again replaces, never doubles
    for page in writer.pages:
        if "/Annots" in page:
            annots = page["/Annots"].get_object()
            page[NameObject("/Annots")] = ArrayObject(
                a for a in annots if a.get_object().get("/T") not in new or a.get_object().get("/FT") != "/Sig")
    fields.clear()
    fields.extend(kept)
    for p in placements:
        page = writer.pages[p.page]
        ref = writer._add_object(_widget(writer, p, page.indirect_reference))
        page.setdefault(NameObject("/Annots"), ArrayObject()).append(ref)
        fields.append(ref)
    writer.compress_identical_objects()   # drops the objects of fields replaced by a second run
    write_reproducibly(writer, pdf_path)


def _widget(writer: PdfWriter, p: Placement, page_ref) -> DictionaryObject:
    """A merged signature field and widget, with an empty appearance (PDF/A wants one on every widget)."""
    x0, y0, x1, y1 = p.rect
    appearance = DecodedStreamObject()
    appearance.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                       NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0),
                                                         FloatObject(round(x1 - x0, 2)),
                                                         FloatObject(round(y1 - y0, 2))])})
    appearance.set_data(b"")
    return DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/Widget"),
        NameObject("/FT"): NameObject("/Sig"),
        NameObject("/T"): TextStringObject(p.name),
        NameObject("/TU"): TextStringObject(_tooltip(p)),
        NameObject("/Rect"): ArrayObject(FloatObject(v) for v in p.rect),
        NameObject("/F"): NumberObject(_PRINT),
        NameObject("/P"): page_ref,
        NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(appearance)}),
    })


def _tooltip(p: Placement) -> str:
    """What a PDF reader shows when the mouse is over the empty field."""
    if p.role == "stamp":
        return "Chữ ký số của cơ quan (văn bản kèm theo)"
    if p.role == "seal":
        return f"Chữ ký số của cơ quan (dấu), trên chữ ký của {p.signer}"
    return f"Chữ ký số của {p.signer} ({p.title})"
